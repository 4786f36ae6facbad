"""Purchase returns through the services: receipt cost out (capped at the stock's value), payable down, limits."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jxc.core.errors import ValidationFailed
from jxc.inventory.errors import AlreadyReversed, InsufficientStock
from jxc.inventory.models import CostState, StockBalance, StockMove
from jxc.partners.models import PartnerBalance, PartnerEntry
from jxc.purchasing.errors import ReturnExceedsReceipt
from jxc.purchasing.models import PurchaseReturn
from jxc.purchasing.services.receipts import ReceiptLineData
from jxc.purchasing.services.returns import ReturnLineData, purchase_return_post, purchase_return_reverse
from tests.conftest import audit_count
from tests.purchasing.conftest import line


def on_hand(product):
    return StockBalance.objects.get(product=product).on_hand


def stock_value(product):
    return CostState.objects.get(product=product).value


def payable(partner):
    return PartnerBalance.objects.get(partner=partner).payable


@pytest.fixture
def received(buy, make_product, units):
    """10 箱 ordered at 48.00 (2.00 per 包) + 13 % tax; 6 箱 arrive with 1 rejected; freight 12.00 on the 5 accepted."""
    noodles = make_product(name="方便面", tax_rate=D(13))
    order = buy.approved_order(line(noodles, 10, "48.00", unit_id=units["箱"].pk))
    receipt = buy.receive(*buy.against(order, l1=(6, 1)), freight=D("12.00"))
    return noodles, receipt, receipt.lines.get()


def test_received_stock_and_payable(received, buy):
    noodles, _receipt, receipt_line = received
    assert receipt_line.cost == D("252.00") and on_hand(noodles) == D(120)  # 240.00 + 12.00 freight
    assert payable(buy.supplier) == D("271.20") + D("12.00")


def test_return_of_accepted_goods_at_receipt_cost(received, buy, units):
    noodles, receipt, receipt_line = received
    back = buy.give_back(
        ReturnLineData(product_id=noodles.pk, quantity=D(2), receipt_line_id=receipt_line.pk), receipt=receipt
    )
    returned = back.lines.get()
    assert returned.unit_id == units["箱"].pk and returned.quantity == D(48)
    assert returned.price == D("48.000000") and returned.total == D("108.48")  # 96.00 + 12.48 tax credited
    assert returned.cost == D("100.80")  # 252.00 × 48 / 120: the receipt cost with its freight share
    assert on_hand(noodles) == D(72) and stock_value(noodles) == D("151.20")
    assert payable(buy.supplier) == D("283.20") - D("108.48")
    move = StockMove.objects.get(posting__source_id=back.pk, posting__source_type="purchasing.purchasereturn")
    assert move.kind == "purchase_return" and move.value == D("-100.80")
    receipt_line.refresh_from_db()
    assert receipt_line.returned_quantity == D(48) and receipt_line.returnable == D(72)


def test_return_of_rejected_goods_moves_nothing(received, buy):
    noodles, receipt, receipt_line = received
    moves, entries = StockMove.objects.count(), PartnerEntry.objects.count()
    back = buy.give_back(
        ReturnLineData(product_id=noodles.pk, quantity=D(1), receipt_line_id=receipt_line.pk, rejected=True),
        receipt=receipt,
    )
    assert back.status == "posted" and back.total == 0 and back.lines.get().cost == 0
    assert (StockMove.objects.count(), PartnerEntry.objects.count()) == (moves, entries)
    assert on_hand(noodles) == D(120) and payable(buy.supplier) == D("283.20")
    receipt_line.refresh_from_db()
    assert receipt_line.rejected_returned == D(24) and receipt_line.rejected_open == 0
    with pytest.raises(ReturnExceedsReceipt):
        buy.give_back(
            ReturnLineData(product_id=noodles.pk, quantity=D(1), receipt_line_id=receipt_line.pk, rejected=True),
            receipt=receipt,
        )


def test_a_return_larger_than_received_is_refused_and_writes_nothing(received, buy):
    noodles, receipt, receipt_line = received
    before = (PurchaseReturn.objects.count(), audit_count(), StockMove.objects.count())
    with pytest.raises(ReturnExceedsReceipt) as error:
        buy.give_back(
            ReturnLineData(product_id=noodles.pk, quantity=D(6), receipt_line_id=receipt_line.pk), receipt=receipt
        )
    assert error.value.field == "lines.0.quantity"
    assert (PurchaseReturn.objects.count(), audit_count(), StockMove.objects.count()) == before


def test_two_drafts_cannot_together_return_more_than_received(received, buy):
    noodles, receipt, receipt_line = received
    first = buy.give_back(
        ReturnLineData(product_id=noodles.pk, quantity=D(3), receipt_line_id=receipt_line.pk),
        receipt=receipt,
        post=False,
    )
    second = buy.give_back(
        ReturnLineData(product_id=noodles.pk, quantity=D(3), receipt_line_id=receipt_line.pk),
        receipt=receipt,
        post=False,
    )
    purchase_return_post(actor=buy.owner, purchase_return=first)
    with pytest.raises(ReturnExceedsReceipt):
        purchase_return_post(actor=buy.owner, purchase_return=second)
    second.refresh_from_db()
    assert second.status == "draft" and on_hand(noodles) == D(48)


def test_return_cost_is_capped_at_the_stock_value(buy, make_product, owner):
    """Received 10 at 5.00 = 50.00; 9 issued at average (45.00 out); returning the last 1 takes what is left."""
    from jxc.inventory.choices import MoveKind
    from jxc.inventory.services.posting import Leg, Source, stock_post

    noodles = make_product()
    receipt = buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(10), price=D(5)))
    buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(10), price=D(1)))  # V = 60.00 for 20
    location = buy.warehouse.locations.get(is_default=True)
    stock_post(
        source=Source("tests.sale", 1, "XS1"),
        day=receipt.date,
        legs=[
            Leg(
                product_id=noodles.pk,
                warehouse_id=buy.warehouse.pk,
                location_id=location.pk,
                quantity=D(-18),
                kind=MoveKind.SHIPMENT,
            )
        ],
        actor=owner,
    )
    assert stock_value(noodles) == D("6.00")  # 2 left at 3.00
    back = buy.give_back(
        ReturnLineData(product_id=noodles.pk, quantity=D(1), receipt_line_id=receipt.lines.get().pk), receipt=receipt
    )
    assert back.lines.get().cost == D("5.00")  # the receipt cost: within V
    assert stock_value(noodles) == D("1.00") and on_hand(noodles) == 1
    second = buy.give_back(
        ReturnLineData(product_id=noodles.pk, quantity=D(1), receipt_line_id=receipt.lines.get().pk), receipt=receipt
    )
    assert second.lines.get().cost == D("1.00")  # capped: the last unit takes the value left
    assert stock_value(noodles) == 0 and on_hand(noodles) == 0


def test_free_return_leaves_at_its_amount(buy, make_product):
    noodles = make_product()
    buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(10), price=D(2)))
    back = buy.give_back(
        ReturnLineData(product_id=noodles.pk, quantity=D(4), price=D("1.90")), prices_include_tax=False
    )
    assert back.receipt is None and back.lines.get().cost == D("7.60") and back.total == D("8.59")
    assert on_hand(noodles) == 6 and stock_value(noodles) == D("12.40")
    assert payable(buy.supplier) == D("22.60") - D("8.59")


def test_free_return_of_more_than_in_stock_is_refused(buy, make_product):
    noodles = make_product()
    buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(2), price=D(2)))
    with pytest.raises(InsufficientStock):
        buy.give_back(ReturnLineData(product_id=noodles.pk, quantity=D(3), price=D(2)))
    assert PurchaseReturn.objects.get().status == "draft"


def test_rejected_goods_only_against_their_receipt(buy, make_product):
    noodles = make_product()
    with pytest.raises(ValidationFailed) as error:
        buy.give_back(ReturnLineData(product_id=noodles.pk, quantity=D(1), price=D(2), rejected=True))
    assert "lines.0.rejected" in error.value.errors


def test_posting_twice_changes_nothing_and_reversal_restores(received, buy):
    noodles, receipt, receipt_line = received
    back = buy.give_back(
        ReturnLineData(product_id=noodles.pk, quantity=D(2), receipt_line_id=receipt_line.pk), receipt=receipt
    )
    counts = (StockMove.objects.count(), PartnerEntry.objects.count(), audit_count())
    purchase_return_post(actor=buy.owner, purchase_return=back)
    assert (StockMove.objects.count(), PartnerEntry.objects.count(), audit_count()) == counts
    reversal = purchase_return_reverse(actor=buy.owner, purchase_return=back)
    assert reversal.total == -back.total and reversal.reversal_of == back
    assert on_hand(noodles) == D(120) and stock_value(noodles) == D("252.00")
    assert payable(buy.supplier) == D("283.20")
    receipt_line.refresh_from_db()
    assert receipt_line.returned_quantity == 0
    with pytest.raises(AlreadyReversed):
        purchase_return_reverse(actor=buy.owner, purchase_return=back)


def test_a_draft_return_cannot_post_after_its_receipt_was_reversed(buy, make_product):
    from jxc.inventory.errors import DocumentNotPosted
    from jxc.purchasing.models import PurchaseReturnLine
    from jxc.purchasing.services.receipts import purchase_receipt_reverse

    noodles = make_product()
    receipt = buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(10), price=D(2)))
    draft = buy.give_back(
        ReturnLineData(product_id=noodles.pk, quantity=D(2), receipt_line_id=receipt.lines.get().pk),
        receipt=receipt,
        post=False,
    )
    PurchaseReturnLine.objects.filter(purchase_return=draft).delete()  # as if saved just before the reversal
    PurchaseReturn.objects.filter(pk=draft.pk).update(receipt=None)
    purchase_receipt_reverse(actor=buy.owner, receipt=receipt)
    PurchaseReturn.objects.filter(pk=draft.pk).update(receipt=receipt)
    PurchaseReturnLine.objects.create(
        purchase_return=draft,
        receipt_line=receipt.lines.get(),
        product=noodles,
        unit=noodles.base_unit,
        unit_quantity=D(2),
        factor=D(1),
        quantity=D(2),
        price=D(2),
        amount=D(4),
        tax=D("0.52"),
        total=D("4.52"),
        location=receipt.lines.get().location,
    )
    with pytest.raises(DocumentNotPosted):
        purchase_return_post(actor=buy.owner, purchase_return=draft)
    assert on_hand(noodles) == 0
