"""Reservations, reversals (红冲), stock counts (盘点) and period close, through their services."""

from datetime import date
from decimal import Decimal

import pytest

from jxc.core.errors import Forbidden, ValidationFailed
from jxc.inventory.choices import CountStatus, DocumentStatus, MoveKind, ReservationStatus
from jxc.inventory.errors import (
    AlreadyReversed,
    CountNotReady,
    DocumentNotDraft,
    InsufficientStock,
    PeriodOrder,
    ReservationNotActive,
)
from jxc.inventory.models import CostSnapshot, Reservation, StockBalance, StockDocument, StockMove, StockSnapshot
from jxc.inventory.services.counts import (
    CountEntry,
    stock_count_approve,
    stock_count_create,
    stock_count_post,
    stock_count_record,
    stock_count_reverse,
    stock_count_submit,
)
from jxc.inventory.services.documents import (
    DocumentData,
    LineData,
    stock_document_create,
    stock_document_post,
    stock_document_reverse,
    stock_document_update,
)
from jxc.inventory.services.periods import stock_period_close, stock_period_reopen
from jxc.inventory.services.reservations import reservation_create, reservation_release
from tests.inventory.conftest import DAY


def _reserve(stock, product, quantity, line=1):
    return reservation_create(
        product=product,
        warehouse=stock.warehouse,
        quantity=Decimal(quantity),
        source_type="test.order",
        source_id=1,
        source_line_id=line,
        source_number="XS1",
    )


def test_reserve_release_and_what_is_left_available(stock, noodles):
    stock.receive(noodles, 10, "25")
    reservation = _reserve(stock, noodles, 6)
    balance = StockBalance.objects.get(product=noodles, warehouse=stock.warehouse)
    assert (balance.on_hand, balance.reserved, balance.available) == (10, 6, 4)
    with pytest.raises(InsufficientStock):
        _reserve(stock, noodles, 5, line=2)
    with pytest.raises(InsufficientStock):
        stock.issue(noodles, 5)  # reserved stock is not available to others
    reservation_release(reservation=reservation)
    with pytest.raises(ReservationNotActive):
        reservation_release(reservation=reservation)
    assert StockBalance.objects.get(product=noodles, warehouse=stock.warehouse).reserved == 0
    stock.issue(noodles, 5)


def test_an_issue_consumes_its_own_reservation(stock, noodles):
    from jxc.inventory.services.posting import Leg, Source, stock_post

    stock.receive(noodles, 10, "25")
    reservation = _reserve(stock, noodles, 8)
    location = stock.location("DEFAULT")
    leg = Leg(
        product_id=noodles.pk,
        warehouse_id=stock.warehouse.pk,
        location_id=location.pk,
        quantity=Decimal(-5),
        kind=MoveKind.SHIPMENT,
        reservation_id=reservation.pk,
    )
    stock_post(source=Source("test", 1, "CK1"), day=DAY, legs=[leg], actor=stock.owner)
    reservation.refresh_from_db()
    assert reservation.quantity == 3 and reservation.status == ReservationStatus.ACTIVE
    assert Reservation.objects.filter(status=ReservationStatus.CONSUMED).get().quantity == 5
    balance = StockBalance.objects.get(product=noodles, warehouse=stock.warehouse)
    assert (balance.on_hand, balance.reserved) == (5, 3)


def test_a_reversal_shows_as_its_own_document_and_negates_every_move(stock, noodles):
    receipt = stock.receive(noodles, 10, "25.00")
    reversal = stock_document_reverse(actor=stock.owner, document=receipt)
    receipt.refresh_from_db()
    assert receipt.status == DocumentStatus.REVERSED and reversal.reversal_of == receipt
    assert [line.quantity for line in reversal.lines.all()] == [Decimal(-10)]
    original = StockMove.objects.get(posting__source_id=receipt.pk, posting__phase="post")
    opposite = StockMove.objects.get(reversal_of=original)
    assert (opposite.quantity, opposite.value) == (Decimal(-10), Decimal("-25.00"))
    assert stock.on_hand(noodles) == 0
    with pytest.raises(AlreadyReversed):
        stock_document_reverse(actor=stock.owner, document=receipt)


def test_a_receipt_whose_goods_are_gone_cannot_be_reversed(stock, noodles):
    receipt = stock.receive(noodles, 10, "25.00")
    stock.issue(noodles, 8)
    with pytest.raises(InsufficientStock):
        stock_document_reverse(actor=stock.owner, document=receipt)
    receipt.refresh_from_db()
    assert receipt.status == DocumentStatus.POSTED
    assert StockDocument.objects.count() == 2


def test_a_posted_document_cannot_be_changed(stock, noodles):
    receipt = stock.receive(noodles, 10, "25.00")
    data = DocumentData(
        kind="receipt",
        date=DAY,
        warehouse_id=stock.warehouse.pk,
        reason="opening",
        lines=[LineData(product_id=noodles.pk, quantity=Decimal(1))],
    )
    with pytest.raises(DocumentNotDraft):
        stock_document_update(actor=stock.owner, document=receipt, data=data)


def test_a_draft_can_be_changed_and_keeps_its_number(stock, noodles):
    data = DocumentData(
        kind="receipt",
        date=DAY,
        warehouse_id=stock.warehouse.pk,
        reason="opening",
        lines=[LineData(product_id=noodles.pk, quantity=Decimal(1), unit_cost=Decimal("2.5"))],
    )
    draft = stock_document_create(actor=stock.owner, data=data)
    assert draft.number.startswith("QR") and draft.lines.get().amount == Decimal("2.50")
    data.lines = [LineData(product_id=noodles.pk, quantity=Decimal(4), amount=Decimal("9.99"))]
    changed = stock_document_update(actor=stock.owner, document=draft, data=data)
    assert changed.number == draft.number and changed.lines.get().amount == Decimal("9.99")
    stock_document_post(actor=stock.owner, document=changed)
    assert stock.on_hand(noodles) == 4


def test_bad_lines_name_the_line_and_field(stock, noodles, units, english):
    data = DocumentData(
        kind="issue",
        date=DAY,
        warehouse_id=stock.warehouse.pk,
        reason="scrap",
        lines=[
            LineData(product_id=noodles.pk, quantity=Decimal(1)),
            LineData(product_id=noodles.pk, quantity=Decimal(0)),
            LineData(product_id=noodles.pk, quantity=Decimal(1), unit_id=units["瓶"].pk),
        ],
    )
    with pytest.raises(ValidationFailed) as caught:
        stock_document_create(actor=stock.owner, data=data)
    assert set(caught.value.errors) == {"lines.1.quantity", "lines.2.unit_id"}
    assert not StockDocument.objects.exists()
    data.reason = "bad"
    with pytest.raises(ValidationFailed) as caught:
        stock_document_create(actor=stock.owner, data=data)
    assert "reason" in caught.value.errors


def test_a_count_posts_gains_and_losses_at_current_cost(stock, noodles, make_product, make_user):
    water = make_product(sku="NFSQ", name="农夫山泉")
    stock.receive(noodles, 10, "25.00", location="A-01")
    stock.receive(water, 20, "19.00", location="A-01")
    count = stock_count_create(
        actor=stock.owner,
        warehouse_id=stock.warehouse.pk,
        day=DAY,
        location_ids=[stock.location("A-01").pk],
        blind=True,
    )
    assert {(ln.product_id, ln.book_quantity) for ln in count.lines.all()} == {(noodles.pk, 10), (water.pk, 20)}
    a01 = stock.location("A-01").pk
    stock_count_record(
        actor=stock.owner,
        count=count,
        entries=[
            CountEntry(product_id=noodles.pk, location_id=a01, quantity=Decimal(12)),
            CountEntry(product_id=water.pk, location_id=a01, quantity=Decimal(18)),
        ],
    )
    stock_count_record(
        actor=stock.owner,
        count=count,
        entries=[CountEntry(product_id=water.pk, location_id=a01, quantity=Decimal(1), add=True)],
    )  # one more scanned
    stock_count_submit(actor=stock.owner, count=count)
    clerk = make_user("clerk", "warehouse")
    with pytest.raises(Forbidden):
        stock_count_approve(actor=clerk, count=count)
    with pytest.raises(CountNotReady):
        stock_count_post(actor=stock.owner, count=count)
    stock_count_approve(actor=stock.owner, count=count)
    stock_count_post(actor=stock.owner, count=count)
    assert stock.on_hand(noodles) == 12 and stock.on_hand(water) == 19
    values = {ln.product_id: ln.value for ln in count.lines.all()}
    assert values == {noodles.pk: Decimal("5.00"), water.pk: Decimal("-0.95")}  # +2 × 2.50, −1 × 0.95
    stock_count_reverse(actor=stock.owner, count=count)
    assert stock.on_hand(noodles) == 10 and stock.on_hand(water) == 20


def test_a_count_flags_what_moved_while_counting_and_needs_every_line(stock, noodles):
    stock.receive(noodles, 10, "25.00")
    count = stock_count_create(actor=stock.owner, warehouse_id=stock.warehouse.pk, day=DAY)
    stock.issue(noodles, 1)
    with pytest.raises(ValidationFailed):
        stock_count_submit(actor=stock.owner, count=count)
    stock_count_submit(actor=stock.owner, count=count, uncounted_as_zero=True)
    line = count.lines.get()
    assert line.moved_during_count and line.counted_quantity == 0
    count.refresh_from_db()
    assert count.status == CountStatus.SUBMITTED


def test_period_close_snapshots_and_reopen(stock, noodles, make_user):
    stock.receive(noodles, 10, "25.00", day=date(2026, 9, 5))
    stock.issue(noodles, 4, day=date(2026, 10, 5))
    with pytest.raises(PeriodOrder):
        stock_period_close(actor=stock.owner, month=date(2026, 10, 1))  # September is still open
    september = stock_period_close(actor=stock.owner, month=date(2026, 9, 1))
    october = stock_period_close(actor=stock.owner, month=date(2026, 10, 1))
    assert StockSnapshot.objects.get(period=september).quantity == 10
    assert StockSnapshot.objects.get(period=october).quantity == 6
    assert CostSnapshot.objects.get(period=october).value == Decimal("15.00")
    cashier = make_user("cashier", "cashier")
    with pytest.raises(Forbidden):
        stock_period_reopen(actor=cashier, period=september)
    with pytest.raises(PeriodOrder):
        stock_period_reopen(actor=stock.owner, period=september)  # October first
    stock_period_reopen(actor=stock.owner, period=october)
    assert not StockSnapshot.objects.filter(period=october).exists()
    stock.issue(noodles, 1, day=date(2026, 10, 20))
    assert stock.on_hand(noodles) == 5
