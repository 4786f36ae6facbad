"""The posting service and moving-average costing, through the documents that use them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from jxc.accounts.models import AuditEntry
from jxc.inventory.choices import DocumentStatus, MoveKind, SerialStatus
from jxc.inventory.errors import (
    ClosedPeriod,
    InsufficientStock,
    LotExpired,
    SerialNotInStock,
    SerialsRequired,
)
from jxc.inventory.models import CostState, Lot, Serial, StockBalance, StockMove, StockPosting, StockQuant
from jxc.inventory.services.documents import stock_document_post
from tests.inventory.conftest import DAY


def _cost(product) -> tuple[Decimal, Decimal]:
    cost = CostState.objects.get(product=product)
    return cost.quantity, cost.value


def _ledger_size() -> tuple[int, int, int]:
    return StockMove.objects.count(), StockPosting.objects.count(), AuditEntry.objects.count()


def test_three_issues_of_one_from_three_units_worth_ten(stock, noodles):
    # given Q=3, V=10.00
    stock.receive(noodles, 3, "10.00")
    # when three issues of 1 follow
    values = [stock.issue(noodles, 1) for _ in range(3)]
    # then they take 3.33, 3.34 (6.67/2 = 3.335 rounded half up) and 3.33, leaving Q=0, V=0.00
    taken = [StockMove.objects.get(posting__source_id=d.pk, kind=MoveKind.ISSUE).value for d in values]
    assert taken == [Decimal("-3.33"), Decimal("-3.34"), Decimal("-3.33")]
    assert _cost(noodles) == (Decimal(0), Decimal("0.00"))


def test_receipts_add_and_issues_take_the_moving_average(stock, noodles):
    stock.receive(noodles, 10, "23.50")
    stock.receive(noodles, 30, "75.00")
    assert _cost(noodles) == (Decimal(40), Decimal("98.50"))
    issued = stock.issue(noodles, 7)
    move = StockMove.objects.get(posting__source_id=issued.pk)
    assert move.value == Decimal("-17.24")  # 98.50 × 7 / 40 = 17.2375
    assert (move.scope_quantity, move.scope_value) == (Decimal(33), Decimal("81.26"))
    assert stock.on_hand(noodles) == 33


def test_a_line_in_boxes_posts_base_units_with_the_factor_kept(stock, noodles, units):
    stock.receive(noodles, 3, "168.00", unit=units["箱"])
    move = StockMove.objects.get()
    assert (move.quantity, move.unit_quantity, move.factor, move.unit_id) == (
        Decimal(72),
        Decimal(3),
        Decimal(24),
        units["箱"].pk,
    )
    assert stock.on_hand(noodles) == 72


def test_a_fraction_of_a_countable_unit_is_refused(stock, noodles, units, english):
    from jxc.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        stock.receive(noodles, "0.5", "1")
    assert "lines.0.quantity" in caught.value.errors
    assert not StockMove.objects.exists()


def test_issuing_more_than_available_names_the_shortfall_and_writes_nothing(stock, noodles, make_product):
    water = make_product(sku="NFSQ", name="农夫山泉")
    stock.receive(noodles, 5, "10")
    from jxc.inventory.services.documents import DocumentData, LineData, stock_document_create

    document = stock_document_create(
        actor=stock.owner,
        data=DocumentData(
            kind="issue",
            date=DAY,
            warehouse_id=stock.warehouse.pk,
            reason="scrap",
            lines=[
                LineData(product_id=noodles.pk, quantity=Decimal(8)),
                LineData(product_id=water.pk, quantity=Decimal(2)),
            ],
        ),
    )
    before = _ledger_size()
    with pytest.raises(InsufficientStock) as caught:
        stock_document_post(actor=stock.owner, document=document)
    items = {item["sku"]: item for item in caught.value.data["items"]}
    assert items["KSF-105"]["short"] == "3.000000" and items["KSF-105"]["available"] == "5.000000"
    assert items["NFSQ"]["short"] == "2.000000"
    assert _ledger_size() == before
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT
    assert stock.on_hand(noodles) == 5


def test_posting_twice_changes_nothing(stock, noodles):
    document = stock.receive(noodles, 5, "10")
    before = _ledger_size()
    again = stock_document_post(actor=stock.owner, document=document)
    assert again.pk == document.pk and again.status == DocumentStatus.POSTED
    assert _ledger_size() == before


def test_a_closed_period_refuses_back_dated_postings(stock, noodles, owner):
    from jxc.inventory.services.periods import stock_period_close

    stock.receive(noodles, 5, "10", day=date(2026, 9, 10))
    stock_period_close(actor=owner, month=date(2026, 9, 1))
    before = _ledger_size()
    with pytest.raises(ClosedPeriod):
        stock.receive(noodles, 5, "10", day=date(2026, 9, 30))
    assert StockMove.objects.count() == before[0]
    stock.receive(noodles, 5, "10", day=date(2026, 10, 1))
    assert stock.on_hand(noodles) == 10


def test_first_expiry_first_out_and_expired_lots(stock, make_product, make_user):
    milk = make_product(sku="MILK", name="伊利纯牛奶", track_lots=True)
    stock.receive(milk, 10, "20", batch="B-LATE", expiry=DAY + timedelta(days=60))
    stock.receive(milk, 10, "20", batch="B-SOON", expiry=DAY + timedelta(days=10))
    stock.receive(milk, 10, "20", batch="B-GONE", expiry=DAY - timedelta(days=1))
    # without a lot chosen, the soonest unexpired lot goes first and the line is split when it runs out
    document = stock.issue(milk, 15)
    lines = [(line.lot.batch_no, line.quantity) for line in document.lines.select_related("lot")]
    assert lines == [("B-SOON", Decimal(10)), ("B-LATE", Decimal(5))]
    # the expired lot can only be issued with the override permission
    gone = Lot.objects.get(batch_no="B-GONE")
    keeper = make_user("keeper", "warehouse")
    with pytest.raises(LotExpired):
        stock.issue(milk, 1, lot=gone, actor=keeper)
    stock.issue(milk, 1, lot=gone, actor=stock.owner)  # the owner has every permission
    assert StockQuant.objects.get(lot=gone).on_hand == 9


def test_serial_numbers_are_in_stock_once(stock, make_product):
    phone = make_product(sku="PHONE", name="手机", track_serials=True)
    stock.receive(phone, 2, "3000", serials=["SN1", "SN2"])
    assert set(Serial.objects.filter(status=SerialStatus.IN_STOCK).values_list("serial_no", flat=True)) == {
        "SN1",
        "SN2",
    }
    with pytest.raises(SerialNotInStock):
        stock.issue(phone, 1, serials=["SN9"])
    stock.issue(phone, 1, serials=["SN1"])
    assert Serial.objects.get(serial_no="SN1").status == SerialStatus.OUT
    with pytest.raises(SerialNotInStock):
        stock.issue(phone, 1, serials=["SN1"])
    from jxc.core.errors import ValidationFailed

    with pytest.raises((SerialsRequired, ValidationFailed)):
        stock.receive(phone, 2, "3000", serials=["SN3"])


def test_transfer_within_a_warehouse_moves_the_goods_not_the_value(stock, noodles):
    stock.receive(noodles, 10, "25.00")
    stock.transfer(noodles, 4, source="DEFAULT", target="A-01")
    assert StockQuant.objects.get(product=noodles, location=stock.location("A-01")).on_hand == 4
    assert StockQuant.objects.get(product=noodles, location=stock.location("DEFAULT")).on_hand == 6
    assert stock.on_hand(noodles) == 10
    assert _cost(noodles) == (Decimal(10), Decimal("25.00"))


def test_transfer_between_warehouses_goes_through_transit(stock, noodles, make_warehouse):
    from jxc.inventory.services.documents import stock_transfer_receive

    shop = make_warehouse("SHOP", "门店仓")
    stock.receive(noodles, 10, "25.00")
    document = stock.transfer(noodles, 4, target="DEFAULT", to_warehouse=shop)
    assert document.status == DocumentStatus.IN_TRANSIT
    transit = StockBalance.objects.get(product=noodles, warehouse__is_transit=True)
    assert transit.on_hand == 4 and stock.on_hand(noodles) == 6 and stock.on_hand(noodles, shop) == 0
    stock_transfer_receive(actor=stock.owner, document=document)
    transit.refresh_from_db()
    assert transit.on_hand == 0 and stock.on_hand(noodles, shop) == 4
    assert _cost(noodles) == (Decimal(10), Decimal("25.00"))
    document.refresh_from_db()
    assert document.status == DocumentStatus.POSTED


def test_a_transfer_to_the_same_place_is_refused(stock, noodles):
    from jxc.inventory.errors import SameLocation

    stock.receive(noodles, 10, "25.00")
    with pytest.raises(SameLocation):
        stock.transfer(noodles, 1, source="DEFAULT", target="DEFAULT")


def test_negative_stock_where_allowed_and_the_variance_rule(stock, noodles, owner):
    from jxc.inventory.services.warehouses import WarehouseData, warehouse_update

    warehouse_update(
        actor=owner, warehouse=stock.warehouse, data=WarehouseData(code="MAIN", name="总仓", allow_negative_stock=True)
    )
    stock.warehouse.refresh_from_db()
    stock.receive(noodles, 2, "5.00")  # 2.50 each
    stock.issue(noodles, 5)  # 2 at 5.00, 3 more at the last unit cost 2.50 → 12.50
    assert _cost(noodles) == (Decimal(-3), Decimal("-7.50"))
    stock.receive(noodles, 10, "30.00")  # 3.00 each: 7 left, valued at 21.00; the difference is a variance
    assert _cost(noodles) == (Decimal(7), Decimal("21.00"))
    variance = StockMove.objects.get(kind=MoveKind.COST_VARIANCE)
    assert variance.quantity == 0 and variance.value == Decimal("-1.50")


def test_the_value_of_an_empty_scope_is_always_zero(stock, noodles):
    first = stock.receive(noodles, 10, "100.00")
    stock.receive(noodles, 10, "200.00")
    stock.issue(noodles, 10)  # takes 150.00, leaving Q=10, V=150.00
    from jxc.inventory.services.documents import stock_document_reverse

    stock_document_reverse(actor=stock.owner, document=first)  # takes back exactly 10 and 100.00
    assert _cost(noodles) == (Decimal(0), Decimal("0.00"))  # the 50.00 left is written off as a variance
    assert StockMove.objects.filter(kind=MoveKind.COST_VARIANCE).get().value == Decimal("-50.00")
