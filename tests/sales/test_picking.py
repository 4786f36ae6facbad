"""Picking by scanning, packing, delivery tracking and the public status link."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from jxc.core.errors import ValidationFailed
from jxc.inventory.errors import DocumentNotDraft, SerialNotInStock
from jxc.inventory.models import Location
from jxc.sales.choices import DeliveryStatus
from jxc.sales.errors import BadStatusLink, NotShipped, OverPick, ScanNotOnDocument, ScanUnknown, SerialScanRequired
from jxc.sales.selectors.tracking import delivery_problems, public_status, status_token
from jxc.sales.services.orders import sales_order_submit
from jxc.sales.services.picking import PackageData, pick_order, shipment_pack, shipment_pick_reset, shipment_pick_scan
from jxc.sales.services.shipments import sales_shipment_post
from jxc.sales.services.tracking import shipment_delivery_set, tracking_event_add
from tests.conftest import audit_count
from tests.sales.conftest import sale, ship


@pytest.fixture
def goods(sell, make_product, warehouse):
    noodles = make_product(name="方便面")
    water = make_product(name="矿泉水")
    other = make_product(name="薯片")
    back = Location.objects.create(warehouse=warehouse, code="Z-99")
    sell.stock(noodles, 100, "2.00", location_id=back.pk)
    sell.stock(water, 100, "1.00")
    return noodles, water, other


def barcode(product, unit=None):
    return product.barcodes.get(unit=unit or product.base_unit).code


def test_the_pick_list_walks_the_locations_in_order(sell, goods):
    noodles, water, _other = goods
    shipment = sell.shipment(ship(noodles, 24, "3"), ship(water, 2, "2"))
    assert [ln.product for ln in pick_order(shipment)] == [water, noodles]  # A-… before Z-99


def test_scans_pick_units_and_cases_and_refuse_the_wrong_item(sell, owner, goods, units):
    noodles, water, other = goods
    shipment = sell.shipment(ship(noodles, 25, "3"), ship(water, 1, "2"))
    case = barcode(noodles, units["箱"])
    result = shipment_pick_scan(actor=owner, shipment=shipment, code=case)
    assert result.quantity == D(24) and not result.complete
    with pytest.raises(ScanNotOnDocument):
        shipment_pick_scan(actor=owner, shipment=shipment, code=barcode(other))
    with pytest.raises(ScanUnknown):
        shipment_pick_scan(actor=owner, shipment=shipment, code="000000")
    with pytest.raises(OverPick):
        shipment_pick_scan(actor=owner, shipment=shipment, code=case)  # 24 more would be 48 of 25
    shipment_pick_scan(actor=owner, shipment=shipment, code=noodles.sku)
    result = shipment_pick_scan(actor=owner, shipment=shipment, code=barcode(water))
    assert result.complete
    picked = {ln.product_id: ln.picked_quantity for ln in shipment.lines.all()}
    assert picked == {noodles.pk: D(25), water.pk: D(1)}  # the refused scans recorded nothing
    shipment_pick_reset(actor=owner, shipment=shipment)
    assert set(shipment.lines.values_list("picked_quantity", flat=True)) == {D(0)}


def test_serials_are_picked_by_their_number_from_the_right_place(sell, owner, make_product, warehouse):
    phone = make_product(name="手机", track_serials=True)
    shelf = Location.objects.create(warehouse=warehouse, code="S-01")
    sell.stock(phone, 2, "1000", serials=["SN1", "SN2"])
    sell.stock(phone, 1, "1000", serials=["SN3"], location_id=shelf.pk)
    shipment = sell.shipment(ship(phone, 2, "1500"))  # suggested at the default location
    with pytest.raises(SerialScanRequired):
        shipment_pick_scan(actor=owner, shipment=shipment, code=barcode(phone))
    with pytest.raises(SerialNotInStock):
        shipment_pick_scan(actor=owner, shipment=shipment, code="SN3")  # on another shelf
    shipment_pick_scan(actor=owner, shipment=shipment, code="SN2")
    with pytest.raises(OverPick):
        shipment_pick_scan(actor=owner, shipment=shipment, code="SN2")
    assert shipment_pick_scan(actor=owner, shipment=shipment, code="SN1").complete
    sales_shipment_post(actor=owner, shipment=shipment)
    line = shipment.lines.get()
    assert sorted(line.serial_list) == ["SN1", "SN2"]
    with pytest.raises(DocumentNotDraft):
        shipment_pick_scan(actor=owner, shipment=shipment, code="SN3")


def test_packing_puts_each_line_in_one_package(sell, owner, goods):
    noodles, water, _other = goods
    shipment = sell.shipment(ship(noodles, 24, "3"), ship(water, 2, "2"))
    first, second = shipment.lines.all()
    with pytest.raises(ValidationFailed):
        shipment_pack(
            actor=owner,
            shipment=shipment,
            packages=[PackageData(1, line_ids=[first.pk]), PackageData(2, line_ids=[first.pk, second.pk])],
        )
    assert not shipment.packages.exists()
    shipment_pack(
        actor=owner,
        shipment=shipment,
        packages=[PackageData(1, D("12.5"), line_ids=[first.pk]), PackageData(2, D("3"), line_ids=[second.pk])],
    )
    assert [(p.number, p.lines.count()) for p in shipment.packages.all()] == [(1, 1), (2, 1)]


def test_tracking_events_move_the_delivery_status(sell, owner, goods):
    noodles, _water, _other = goods
    shipment = sell.shipment(ship(noodles, 2, "3"))
    with pytest.raises(NotShipped):
        tracking_event_add(actor=owner, shipment=shipment, status=DeliveryStatus.IN_TRANSIT)
    sales_shipment_post(actor=owner, shipment=shipment, carrier="顺丰", tracking_no="SF1234567890")
    now = timezone.now()
    tracking_event_add(
        actor=owner, shipment=shipment, status=DeliveryStatus.IN_TRANSIT, occurred_at=now - timedelta(hours=5)
    )
    with pytest.raises(ValidationFailed) as refused:
        tracking_event_add(actor=owner, shipment=shipment, status=DeliveryStatus.EXCEPTION)
    assert "description" in refused.value.errors
    writes = audit_count()
    with pytest.raises(ValidationFailed):
        tracking_event_add(
            actor=owner, shipment=shipment, status=DeliveryStatus.DELIVERED, occurred_at=now + timedelta(days=1)
        )
    assert audit_count() == writes and shipment.events.count() == 2
    tracking_event_add(actor=None, shipment=shipment, status=DeliveryStatus.DELIVERED, occurred_at=now, source="api")
    tracking_event_add(  # an older event arriving late does not undo the delivery
        actor=None, shipment=shipment, status=DeliveryStatus.OUT_FOR_DELIVERY, occurred_at=now - timedelta(hours=1)
    )
    shipment.refresh_from_db()
    assert shipment.delivery_status == DeliveryStatus.DELIVERED and shipment.delivered_at == now
    shipment_delivery_set(
        actor=owner, shipment=shipment, carrier="中通", tracking_no="ZT1", expected_delivery=shipment.date
    )
    shipment.refresh_from_db()
    assert (shipment.carrier, shipment.tracking_no) == ("中通", "ZT1")


def test_late_and_troubled_deliveries_are_listed(sell, owner, goods):
    noodles, _water, _other = goods
    today = timezone.localdate()
    late = sell.shipment(ship(noodles, 1, "3"), date=today - timedelta(days=5))
    sales_shipment_post(actor=owner, shipment=late, expected_delivery=today - timedelta(days=1))
    on_time = sell.shipment(ship(noodles, 1, "3"), date=today)
    sales_shipment_post(actor=owner, shipment=on_time, expected_delivery=today + timedelta(days=2))
    trouble = sell.shipment(ship(noodles, 1, "3"), date=today)
    sales_shipment_post(actor=owner, shipment=trouble)
    tracking_event_add(actor=owner, shipment=trouble, status=DeliveryStatus.EXCEPTION, description="地址不详")
    assert set(delivery_problems(user=owner, today=today)) == {late, trouble}


def test_the_status_link_shows_the_order_and_refuses_tampering(sell, owner, goods, customer):
    noodles, _water, _other = goods
    order = sell.order(sale(noodles, 10, "3.39"))
    sales_order_submit(actor=owner, order=order)
    shipment = sell.shipment(ship(noodles, 4, order_line_id=order.lines.get().pk))
    sales_shipment_post(actor=owner, shipment=shipment, carrier="顺丰", tracking_no="SF1")
    token = status_token(order=order)
    page = public_status(token=token, today=timezone.localdate())
    assert page.number == order.number and [s.tracking_no for s in page.shipments] == ["SF1"]
    assert len(page.shipments[0].events) == 1
    other = status_token(order=order).replace(f"o{order.pk}", f"o{order.pk + 1}")
    for bad in (other, token[:-2] + "xx", "nonsense"):
        with pytest.raises(BadStatusLink):
            public_status(token=bad, today=timezone.localdate())
