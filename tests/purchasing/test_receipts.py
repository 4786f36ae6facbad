"""Purchase receipts through the services: landed cost, inspection, orders received, payable, errors, reversal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from jxc.core.errors import ValidationFailed
from jxc.inventory.errors import AlreadyReversed, DocumentNotDraft, InsufficientStock
from jxc.inventory.models import CostState, Lot, Serial, StockBalance, StockMove
from jxc.partners.models import PartnerBalance, PartnerEntry
from jxc.purchasing.errors import OrderNotOpen, OverReceipt, ReceiptHasReturns
from jxc.purchasing.models import PurchaseReceipt, PurchaseReceiptLine, SupplierProduct
from jxc.purchasing.services.receipts import (
    ReceiptLineData,
    purchase_receipt_delete,
    purchase_receipt_post,
    purchase_receipt_reverse,
    purchase_receipt_update,
)
from jxc.purchasing.services.returns import ReturnLineData
from tests.conftest import audit_count
from tests.purchasing.conftest import DAY, line


def on_hand(product):
    return StockBalance.objects.get(product=product).on_hand


def stock_value(product):
    return CostState.objects.get(product=product).value


def payable(partner):
    balance = PartnerBalance.objects.filter(partner=partner).first()
    return balance.payable if balance else D(0)


def test_freight_by_value_and_by_quantity_match_a_hand_calculation(buy, make_product, units):
    """Two lines: 100 × 3.00 = 300.00 and 50 × 9.00 = 450.00 (untaxed), freight 20.00 + other 5.00 = 25.00.

    By value: 25 × 300/750 = 10.00 and 25 × 450/750 = 15.00 → stock 310.00 and 465.00.
    By quantity: 25 × 100/150 = 16.666… → 16.67 and 8.333… → 8.33 → stock 316.67 and 458.33.
    Payable: 300 + 39 tax + 450 + 58.50 tax + 25 = 872.50.
    """
    a = make_product(name="甲", tax_rate=D(13))
    b = make_product(name="乙", tax_rate=D(13))
    lines = [
        ReceiptLineData(product_id=a.pk, received_quantity=D(100), price=D("3.00")),
        ReceiptLineData(product_id=b.pk, received_quantity=D(50), price=D("9.00")),
    ]
    by_value = buy.receive(*lines, freight=D("20.00"), other_charges=D("5.00"))
    first, second = by_value.lines.order_by("position")
    assert (first.charges, first.cost, second.charges, second.cost) == (D("10"), D("310"), D("15"), D("465"))
    assert by_value.total == D("872.50") and payable(buy.supplier) == D("872.50")
    assert stock_value(a) == D("310.00") and stock_value(b) == D("465.00")
    by_quantity = buy.receive(*lines, freight=D("20.00"), other_charges=D("5.00"), allocation="quantity")
    first, second = by_quantity.lines.order_by("position")
    assert (first.charges, second.charges) == (D("16.67"), D("8.33"))
    assert stock_value(a) == D("310.00") + D("316.67") and on_hand(a) == D(200)
    move = StockMove.objects.get(posting__source_id=by_quantity.pk, product=b)
    assert move.value == D("458.33") and move.kind == "purchase_receipt"
    assert payable(buy.supplier) == D("1745.00")
    entry = PartnerEntry.objects.get(source_id=by_quantity.pk, phase="post")
    assert entry.account == "payable" and entry.due_date == date(2026, 12, 2)  # 30 days of terms


def test_partial_receipt_with_inspection_enters_only_accepted_goods(buy, make_product, units):
    noodles = make_product(name="方便面", tax_rate=D(13))
    water = make_product(name="矿泉水", tax_rate=D(13))
    order = buy.approved_order(
        line(noodles, 10, "48.00", unit_id=units["箱"].pk), line(water, 100, "1.00"), freight=D("0")
    )
    receipt = buy.receive(*buy.against(order, l1=(6, 1), l2=40))
    noodle_line = receipt.lines.get(product=noodles)
    assert (noodle_line.accepted_quantity, noodle_line.quantity, noodle_line.rejected_base) == (D(5), D(120), D(24))
    assert noodle_line.amount == D("240.00") and noodle_line.reject_reason == "破损"
    assert on_hand(noodles) == D(120) and stock_value(noodles) == D("240.00")
    assert receipt.total == D("240.00") + D("31.20") + D("40.00") + D("5.20")
    order.refresh_from_db()
    assert order.status == "partial"
    first, second = order.lines.order_by("position")
    assert (first.received_quantity, first.rejected_quantity, first.remaining) == (D(120), D(24), D(120))
    assert second.remaining == D(60)
    buy.receive(*buy.against(order))  # the backorder: 5 箱 and 60 瓶
    order.refresh_from_db()
    assert order.status == "done" and on_hand(noodles) == D(240)
    assert SupplierProduct.objects.get(supplier=buy.supplier, product=noodles).last_price == D("2.000000")


def test_one_receipt_against_two_orders(buy, make_product):
    noodles = make_product()
    first = buy.approved_order(line(noodles, 10, "2.00"))
    second = buy.approved_order(line(noodles, 5, "2.10"))
    receipt = buy.receive(*buy.against(first), *buy.against(second))
    assert receipt.amount == D("30.50") and on_hand(noodles) == D(15)
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == "done"


def test_receipt_without_an_order_recalls_the_last_price(buy, make_product):
    noodles = make_product()
    buy.approved_order(line(noodles, 10, "2.20"))
    receipt = buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(3)))
    assert receipt.lines.get().price == D("2.20") and receipt.amount == D("6.60")


def test_over_receipt_beyond_tolerance_is_refused_and_nothing_written(buy, make_product, company):
    noodles = make_product()
    order = buy.approved_order(line(noodles, 100, "2.00"))
    before = (PurchaseReceipt.objects.count(), audit_count())
    with pytest.raises(OverReceipt) as error:
        buy.receive(*buy.against(order, l1=101))
    assert error.value.field == "lines.0.accepted_quantity"
    assert (PurchaseReceipt.objects.count(), audit_count()) == before
    company.receipt_tolerance_pct = D(5)
    company.save()
    buy.receive(*buy.against(order, l1=(106, 1)))  # 105 accepted: within 5 %
    order.refresh_from_db()
    assert order.status == "done" and on_hand(noodles) == D(105)


def test_over_receipt_is_checked_again_when_posting(buy, make_product):
    noodles = make_product()
    order = buy.approved_order(line(noodles, 10, "2.00"))
    first = buy.receive(*buy.against(order, l1=8), post=False)
    second = buy.receive(*buy.against(order, l1=8), post=False)
    purchase_receipt_post(actor=buy.owner, receipt=first)
    with pytest.raises(OverReceipt):
        purchase_receipt_post(actor=buy.owner, receipt=second)
    second.refresh_from_db()
    assert second.status == "draft" and on_hand(noodles) == D(8)


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"rejected_quantity": D(11), "reject_reason": "坏"}, "lines.0.rejected_quantity"),
        ({"rejected_quantity": D(2)}, "lines.0.reject_reason"),
        ({"accepted_quantity": D(7), "rejected_quantity": D(2), "reject_reason": "坏"}, "lines.0.accepted_quantity"),
        ({"received_quantity": D(0)}, "lines.0.quantity"),
    ],
)
def test_inspection_errors_write_nothing(buy, make_product, fields, key):
    noodles = make_product()
    entry = ReceiptLineData(product_id=noodles.pk, received_quantity=D(10), price=D(1))
    for name, value in fields.items():
        setattr(entry, name, value)
    before = (PurchaseReceipt.objects.count(), audit_count())
    with pytest.raises(ValidationFailed) as error:
        buy.receive(entry)
    assert key in error.value.errors
    assert (PurchaseReceipt.objects.count(), audit_count(), PurchaseReceiptLine.objects.count()) == (*before, 0)


def test_receiving_against_a_voided_or_closed_order_is_refused(buy, make_product, owner):
    from jxc.purchasing.services.orders import purchase_order_close, purchase_order_void

    noodles = make_product()
    voided = buy.approved_order(line(noodles, 10, "2.00"))
    lines = buy.against(voided)
    purchase_order_void(actor=owner, order=voided)
    with pytest.raises(OrderNotOpen):
        buy.receive(*lines)
    closed = buy.approved_order(line(noodles, 10, "2.00"))
    lines = buy.against(closed)
    purchase_order_close(actor=owner, order=closed)
    with pytest.raises(OrderNotOpen):
        buy.receive(*lines)
    assert PurchaseReceipt.objects.count() == 0


def test_an_order_line_of_another_supplier_is_refused(buy, make_product, make_partner):
    other = make_partner("别家供应商", is_customer=False, is_supplier=True)
    order = buy.approved_order(line(make_product(), 10, "2.00"), supplier=other)
    with pytest.raises(ValidationFailed) as error:
        buy.receive(*buy.against(order))
    assert "lines.0.order_line_id" in error.value.errors


def test_posting_twice_changes_nothing(buy, make_product):
    noodles = make_product()
    receipt = buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(10), price=D(2)), post=False)
    purchase_receipt_post(actor=buy.owner, receipt=receipt)
    moves, entries, audit = StockMove.objects.count(), PartnerEntry.objects.count(), audit_count()
    again = purchase_receipt_post(actor=buy.owner, receipt=receipt)
    assert again.status == "posted"
    assert (StockMove.objects.count(), PartnerEntry.objects.count(), audit_count()) == (moves, entries, audit)
    assert on_hand(noodles) == D(10) and payable(buy.supplier) == D("22.60")


def test_drafts_change_and_delete_but_posted_receipts_do_not(buy, make_product):
    noodles = make_product()
    receipt = buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(10), price=D(2)), post=False)
    data = buy.receipt_data(ReceiptLineData(product_id=noodles.pk, received_quantity=D(12), price=D(2)))
    receipt = purchase_receipt_update(actor=buy.owner, receipt=receipt, data=data)
    assert receipt.lines.get().received_quantity == D(12)
    purchase_receipt_delete(actor=buy.owner, receipt=receipt)
    assert not PurchaseReceipt.objects.exists()
    posted = buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(1), price=D(2)))
    with pytest.raises(DocumentNotDraft):
        purchase_receipt_update(actor=buy.owner, receipt=posted, data=data)
    with pytest.raises(DocumentNotDraft):
        purchase_receipt_delete(actor=buy.owner, receipt=posted)


def test_lots_and_serials_are_captured(buy, make_product):
    milk = make_product(name="牛奶", track_lots=True)
    phone = make_product(name="手机", track_serials=True)
    with pytest.raises(ValidationFailed) as error:
        buy.receive(ReceiptLineData(product_id=milk.pk, received_quantity=D(10), price=D(3)))
    assert "lines.0.batch_no" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        buy.receive(ReceiptLineData(product_id=phone.pk, received_quantity=D(2), price=D(900), serials=["SN1"]))
    assert "lines.0.serials" in error.value.errors
    buy.receive(
        ReceiptLineData(
            product_id=milk.pk,
            received_quantity=D(10),
            price=D(3),
            batch_no="B2611",
            production_date=date(2026, 11, 1),
            expiry_date=date(2027, 5, 1),
        ),
        ReceiptLineData(
            product_id=phone.pk,
            received_quantity=D(3),
            rejected_quantity=D(1),
            reject_reason="屏幕划伤",
            price=D(900),
            serials=["SN1", "SN2"],
        ),
    )
    lot = Lot.objects.get(product=milk)
    assert lot.batch_no == "B2611" and lot.expiry_date == date(2027, 5, 1)
    assert sorted(Serial.objects.filter(product=phone, status="in_stock").values_list("serial_no", flat=True)) == [
        "SN1",
        "SN2",
    ]


def test_reversal_takes_back_stock_payable_and_order_progress(buy, make_product):
    noodles = make_product()
    order = buy.approved_order(line(noodles, 10, "2.00"))
    receipt = buy.receive(*buy.against(order, l1=(6, 2)), freight=D("4.00"))
    assert payable(buy.supplier) == D("9.04") + D("4.00")  # 4 accepted × 2.00 + 13 % tax, plus freight
    reversal = purchase_receipt_reverse(actor=buy.owner, receipt=receipt)
    assert reversal.reversal_of == receipt and reversal.total == -receipt.total
    receipt.refresh_from_db()
    order.refresh_from_db()
    assert receipt.status == "reversed" and order.status == "approved"
    assert order.lines.get().received_quantity == 0 and order.lines.get().rejected_quantity == 0
    assert on_hand(noodles) == 0 and stock_value(noodles) == 0 and payable(buy.supplier) == 0
    with pytest.raises(AlreadyReversed):
        purchase_receipt_reverse(actor=buy.owner, receipt=receipt)


def test_reversal_refused_when_the_goods_are_gone_or_returned(buy, make_product, owner):
    from jxc.inventory.choices import MoveKind
    from jxc.inventory.services.posting import Leg, Source, stock_post

    noodles = make_product()
    receipt = buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(10), price=D(2)))
    with pytest.raises(ReceiptHasReturns):
        buy.give_back(
            ReturnLineData(product_id=noodles.pk, quantity=D(1), receipt_line_id=receipt.lines.get().pk),
            receipt=receipt,
            post=False,
        )
        purchase_receipt_reverse(actor=owner, receipt=receipt)
    from jxc.purchasing.models import PurchaseReturn

    PurchaseReturn.objects.all().delete()
    location = buy.warehouse.locations.get(is_default=True)
    stock_post(
        source=Source("tests.sale", 1, "XS1"),
        day=DAY,
        legs=[
            Leg(
                product_id=noodles.pk,
                warehouse_id=buy.warehouse.pk,
                location_id=location.pk,
                quantity=D(-5),
                kind=MoveKind.SHIPMENT,
            )
        ],
        actor=owner,
    )
    with pytest.raises(InsufficientStock):
        purchase_receipt_reverse(actor=owner, receipt=receipt)
    receipt.refresh_from_db()
    assert receipt.status == "posted" and payable(buy.supplier) == D("22.60")
