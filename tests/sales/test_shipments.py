"""Shipments through the services: pick places, posting (COGS, reservations, receivable, orders), reversal, errors."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest

from jxc.catalog.services.products import product_set_active
from jxc.core.errors import ValidationFailed
from jxc.inventory.choices import ReservationStatus, SerialStatus
from jxc.inventory.errors import (
    AlreadyReversed,
    DocumentNotDraft,
    InsufficientStock,
    LotRequired,
    OrderStatusConflict,
    SerialNotInStock,
)
from jxc.inventory.models import Location, Lot, Reservation, Serial, StockBalance, StockMove
from jxc.partners.models import PartnerBalance, PartnerEntry
from jxc.sales.choices import Channel, DeliveryStatus, OrderStatus
from jxc.sales.errors import LotNotInStock, OverShipment
from jxc.sales.models import SalesShipment
from jxc.sales.services.orders import sales_order_approve, sales_order_submit, sales_order_void
from jxc.sales.services.shipments import (
    ShipmentData,
    sales_shipment_delete,
    sales_shipment_post,
    sales_shipment_reverse,
    sales_shipment_update,
)
from tests.conftest import audit_count
from tests.sales.conftest import DAY, sale, ship


def on_hand(product):
    balance = StockBalance.objects.filter(product=product).first()
    return (balance.on_hand, balance.reserved) if balance else (D(0), D(0))


def receivable(customer):
    balance = PartnerBalance.objects.filter(partner=customer).first()
    return balance.receivable if balance else D(0)


def approved(sell, owner, *lines):
    order = sell.order(*lines)
    sales_order_submit(actor=owner, order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    return order


@pytest.fixture
def noodles(make_product):
    return make_product(name="方便面", wholesale_price=D("3.00"), tax_rate=D(13))


def test_a_direct_shipment_leaves_at_average_cost_and_raises_the_receivable(sell, owner, customer, noodles):
    sell.stock(noodles, 30, "2.00")
    sell.stock(noodles, 10, "2.40")  # average 2.10
    shipment = sell.shipment(ship(noodles, 12, "3.39"), freight=D("5.00"))
    assert shipment.number.startswith("CK") and shipment.channel == Channel.DIRECT
    assert shipment.total == D("45.68")  # 12 × 3.39 = 40.68 + 5.00 freight
    sales_shipment_post(actor=owner, shipment=shipment)
    shipment.refresh_from_db()
    line = shipment.lines.get()
    assert line.cost == D("25.20") and shipment.cost == D("25.20")  # 12 × 2.10
    assert on_hand(noodles) == (D(28), D(0))
    assert receivable(customer) == D("45.68")
    assert shipment.delivery_status == DeliveryStatus.SHIPPED and shipment.events.count() == 1
    assert sales_shipment_post(actor=owner, shipment=shipment).pk == shipment.pk  # again: unchanged
    assert StockMove.objects.filter(kind="shipment").count() == 1 and receivable(customer) == D("45.68")


def test_shipping_an_order_consumes_its_reservation_and_leaves_a_backorder(sell, owner, noodles):
    sell.stock(noodles, 50, "2.00")
    order = approved(sell, owner, sale(noodles, 20, "3.39"))
    assert on_hand(noodles) == (D(50), D(20))
    line = order.lines.get()
    shipment = sell.shipment(ship(noodles, 8, order_line_id=line.pk))
    assert shipment.channel == Channel.ORDER and shipment.lines.get().price == D("3.390000")
    sales_shipment_post(actor=owner, shipment=shipment)
    order.refresh_from_db()
    line.refresh_from_db()
    assert order.status == OrderStatus.PARTIAL and line.shipped_quantity == D(8)
    assert on_hand(noodles) == (D(42), D(12))  # the backorder keeps its 12 reserved
    rest = sell.shipment(ship(noodles, 12, order_line_id=line.pk))
    sales_shipment_post(actor=owner, shipment=rest)
    order.refresh_from_db()
    assert order.status == OrderStatus.DONE and on_hand(noodles) == (D(30), D(0))
    assert not Reservation.objects.filter(status=ReservationStatus.ACTIVE).exists()


def test_reserved_stock_of_others_cannot_be_shipped_directly(sell, owner, noodles):
    sell.stock(noodles, 10, "2.00")
    approved(sell, owner, sale(noodles, 8, "3.39"))
    shipment = sell.shipment(ship(noodles, 5, "3.39"))
    writes = audit_count()
    with pytest.raises(InsufficientStock):
        sales_shipment_post(actor=owner, shipment=shipment)
    shipment.refresh_from_db()
    assert shipment.status == "draft" and on_hand(noodles) == (D(10), D(8)) and audit_count() == writes
    assert not PartnerEntry.objects.exists()


def test_shipping_more_than_ordered_is_refused_at_saving_and_at_posting(sell, owner, noodles):
    sell.stock(noodles, 50, "2.00")
    order = approved(sell, owner, sale(noodles, 10, "3.39"))
    line = order.lines.get()
    before = SalesShipment.objects.count()
    with pytest.raises(OverShipment) as refused:
        sell.shipment(ship(noodles, 6, order_line_id=line.pk), ship(noodles, 5, order_line_id=line.pk))
    assert refused.value.field == "lines.1.quantity" and SalesShipment.objects.count() == before
    first = sell.shipment(ship(noodles, 6, order_line_id=line.pk))
    second = sell.shipment(ship(noodles, 6, order_line_id=line.pk))
    sales_shipment_post(actor=owner, shipment=first)
    with pytest.raises(OverShipment):
        sales_shipment_post(actor=owner, shipment=second)
    assert on_hand(noodles) == (D(44), D(4))


def test_shipping_against_a_voided_order_is_refused(sell, owner, noodles):
    sell.stock(noodles, 50, "2.00")
    order = approved(sell, owner, sale(noodles, 10, "3.39"))
    line = order.lines.get()
    shipment = sell.shipment(ship(noodles, 5, order_line_id=line.pk))
    sales_order_void(actor=owner, order=order, reason="客户取消")
    with pytest.raises(OrderStatusConflict):
        sales_shipment_post(actor=owner, shipment=shipment)
    with pytest.raises(OrderStatusConflict):
        sell.shipment(ship(noodles, 5, order_line_id=line.pk))
    assert on_hand(noodles) == (D(50), D(0)) and not PartnerEntry.objects.exists()


def test_an_unapproved_order_cannot_be_shipped(sell, owner, noodles, customer):
    from jxc.accounts.approvals import SALES_ORDER
    from jxc.accounts.services.approvals import RuleData, approval_rule_save

    approval_rule_save(
        actor=owner,
        data=RuleData(name="all", document_type=SALES_ORDER, condition="always", threshold=D(0), role="accountant"),
    )
    sell.stock(noodles, 50, "2.00")
    order = sell.order(sale(noodles, 10, "3.39"))
    sales_order_submit(actor=owner, order=order)
    with pytest.raises(OrderStatusConflict):
        sell.shipment(ship(noodles, 5, order_line_id=order.lines.get().pk))
    sales_order_approve(actor=owner, order=order)
    assert sell.shipment(ship(noodles, 5, order_line_id=order.lines.get().pk)).channel == Channel.ORDER


def test_lots_are_suggested_first_expiry_first_across_locations(sell, owner, make_product, warehouse):
    milk = make_product(name="纯牛奶", track_lots=True, wholesale_price=D("5.00"))
    shelf = Location.objects.create(warehouse=warehouse, code="B-01")
    sell.stock(milk, 6, "3.00", batch_no="L-LATE", expiry_date=DAY + timedelta(days=90))
    sell.stock(milk, 4, "3.00", batch_no="L-SOON", expiry_date=DAY + timedelta(days=10), location_id=shelf.pk)
    sell.stock(milk, 5, "3.00", batch_no="L-OLD", expiry_date=DAY - timedelta(days=1))  # expired: never picked
    shipment = sell.shipment(ship(milk, 7))
    picks = [(ln.location.code, ln.lot.batch_no, ln.quantity) for ln in shipment.lines.all()]
    assert picks == [("B-01", "L-SOON", D(4)), (warehouse.locations.get(is_default=True).code, "L-LATE", D(3))]
    sales_shipment_post(actor=owner, shipment=shipment)
    with pytest.raises(LotRequired):
        sell.shipment(ship(milk, 4))  # 3 unexpired left


def test_picking_a_lot_that_is_not_in_stock_is_refused(sell, make_product, warehouse):
    milk = make_product(name="纯牛奶", track_lots=True)
    sell.stock(milk, 6, "3.00", batch_no="L1", expiry_date=DAY + timedelta(days=90))
    empty = Lot.objects.create(product=milk, batch_no="L2")
    with pytest.raises(LotNotInStock) as refused:
        sell.shipment(ship(milk, 1, "5", lot_id=empty.pk))
    assert refused.value.field == "lines.0.lot_id" and not SalesShipment.objects.exists()


def test_serials_are_shipped_from_where_they_are(sell, owner, make_product, warehouse):
    phone = make_product(name="手机", track_serials=True, units=[], barcodes=[])
    shelf = Location.objects.create(warehouse=warehouse, code="S-01")
    sell.stock(phone, 2, "1000", serials=["SN1", "SN2"])
    sell.stock(phone, 1, "1000", serials=["SN3"], location_id=shelf.pk)
    with pytest.raises(SerialNotInStock):
        sell.shipment(ship(phone, 1, "1500", serials=["SN9"]))
    shipment = sell.shipment(ship(phone, 2, "1500", serials=["SN1", "SN3"]))
    assert sorted((ln.location.code, ln.serials) for ln in shipment.lines.all()) == sorted(
        [(warehouse.locations.get(is_default=True).code, "SN1"), ("S-01", "SN3")]
    )
    sales_shipment_post(actor=owner, shipment=shipment)
    assert set(Serial.objects.filter(status=SerialStatus.OUT).values_list("serial_no", flat=True)) == {"SN1", "SN3"}


def test_an_inactive_product_or_a_foreign_unit_is_refused(sell, owner, noodles, make_product, units):
    sell.stock(noodles, 10, "2.00")
    with pytest.raises(ValidationFailed) as refused:
        sell.shipment(ship(noodles, 1, "3", unit_id=units["瓶"].pk))
    assert "lines.0.unit_id" in refused.value.errors
    product_set_active(actor=owner, product=noodles, active=False)
    with pytest.raises(ValidationFailed) as refused_inactive:
        sell.shipment(ship(noodles, 1, "3"))
    assert "lines.0.product_id" in refused_inactive.value.errors
    assert not SalesShipment.objects.exists()


def test_reversal_brings_the_goods_back_at_their_cost_and_reserves_the_order_again(sell, owner, customer, noodles):
    sell.stock(noodles, 50, "2.00")
    order = approved(sell, owner, sale(noodles, 20, "3.39"))
    line = order.lines.get()
    shipment = sell.shipment(ship(noodles, 20, order_line_id=line.pk))
    sales_shipment_post(actor=owner, shipment=shipment)
    assert on_hand(noodles) == (D(30), D(0))
    sell.stock(noodles, 10, "3.00")  # the average moves on; the goods still come back at 2.00
    reversal = sales_shipment_reverse(actor=owner, shipment=shipment)
    assert reversal.total == -shipment.total and reversal.cost == D("-40.00")
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED and on_hand(noodles) == (D(60), D(20))
    assert receivable(customer) == D(0)
    with pytest.raises(AlreadyReversed):
        sales_shipment_reverse(actor=owner, shipment=shipment)


def test_only_drafts_are_changed_or_deleted(sell, owner, noodles):
    sell.stock(noodles, 10, "2.00")
    shipment = sell.shipment(ship(noodles, 2, "3.39"))
    sales_shipment_post(actor=owner, shipment=shipment)
    with pytest.raises(DocumentNotDraft):
        sales_shipment_delete(actor=owner, shipment=shipment)
    with pytest.raises(DocumentNotDraft):
        sales_shipment_update(
            actor=owner,
            shipment=shipment,
            data=ShipmentData(customer_id=shipment.customer_id, warehouse_id=shipment.warehouse_id, date=DAY),
        )


@pytest.mark.tampers
def test_the_checker_finds_orders_that_disagree_with_their_shipments(sell, owner, noodles):
    from jxc.core.invariants import invariants_check

    sell.stock(noodles, 50, "2.00")
    order = approved(sell, owner, sale(noodles, 20, "3.39"))
    line = order.lines.get()
    sales_shipment_post(actor=owner, shipment=sell.shipment(ship(noodles, 5, order_line_id=line.pk)))
    assert not invariants_check(only=["sales_order_shipped", "sales_order_reserved"])[1]
    type(line).objects.filter(pk=line.pk).update(shipped_quantity=D(6))
    Reservation.objects.filter(status=ReservationStatus.ACTIVE).update(quantity=D(1))
    found = [str(v) for v in invariants_check(only=["sales_order_shipped", "sales_order_reserved"])[1]]
    assert any("shipments sum to 5" in v for v in found) and any("reserved" in v for v in found)
