"""Shipment pages: entry against orders (a backorder for the rest) and by scanning, errors next to their row, the
orders to ship, picking by scan (a wrong item refused on the spot), packing, shipping, delete, reverse with a
preview, the delivery note, the list and its export, and what a warehouse keeper sees (no prices)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jxc.accounts.models import AuditEntry
from jxc.inventory.choices import ReservationStatus
from jxc.inventory.models import Location, Lot, Reservation, StockBalance, StockMove
from jxc.partners.models import PartnerBalance
from jxc.sales.choices import OrderStatus
from jxc.sales.models import SalesShipment, SalesShipmentLine, ShipmentPackage
from jxc.sales.services.orders import sales_order_submit
from jxc.sales.services.shipments import sales_shipment_post
from tests.helpers import sheet_rows
from tests.sales.conftest import DAY, sale, ship


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def web(owner):
    """The owner's browser, in English (the messages the tests read)."""
    return _client(owner)


@pytest.fixture
def keeper(make_user):
    return make_user("keeper", "warehouse")


@pytest.fixture
def noodles(make_product):
    return make_product(sku="NOODLE", name="方便面", wholesale_price=D("3.00"), tax_rate=D(13))


@pytest.fixture
def water(make_product):
    return make_product(sku="WATER", name="矿泉水", wholesale_price=D("1.50"), tax_rate=D(13))


@pytest.fixture
def stocked(sell, noodles, water):
    sell.stock(noodles, 100, "2.00")
    sell.stock(water, 50, "1.00")
    return noodles, water


@pytest.fixture
def order(sell, owner, stocked, units):
    """2 箱 (48 包) of noodles at 72.00 a 箱 and 10 包 of water at 1.50, with tax, approved (stock reserved)."""
    noodles, water = stocked
    order = sell.order(sale(noodles, 2, "72.00", unit_id=units["箱"].pk), sale(water, 10, "1.50"))
    sales_order_submit(actor=owner, order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    return order


def _form(sell, rows, **header):
    """POST data of the entry form: the header, then one formset row per line dict."""
    data = {
        "customer": sell.customer.pk,
        "warehouse": sell.warehouse.pk,
        "date": DAY.isoformat(),
        "prices_include_tax": "on",
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
    }
    data.update(header)
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{i}-{key}"] = value
    return data


def _row(page, index):
    start = page.index(f'data-prefix="lines-{index}"')
    return page[start : page.index("</tr>", start)]


def barcode(product, unit=None):
    return product.barcodes.get(unit=unit or product.base_unit).code


def _written():
    return (
        SalesShipment.objects.count(),
        SalesShipmentLine.objects.count(),
        StockMove.objects.count(),
        AuditEntry.objects.count(),
    )


def receivable(customer):
    balance = PartnerBalance.objects.filter(partner=customer).first()
    return balance.receivable if balance else D(0)


# Entry and shipping


def test_ship_part_of_an_order_leaves_the_rest_as_a_backorder(web, sell, order, stocked, units, english):
    noodles, water = stocked
    page = web.get(f"/sales/shipments/new/?order={order.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert order.number in _row(html, 0) and 'name="lines-0-quantity" value="2"' in html
    assert 'name="lines-1-quantity" value="10"' in html and "left to ship" in html
    noodle_line, water_line = order.lines.order_by("position")
    rows = [
        {"product": noodles.pk, "order_line": noodle_line.pk, "unit": units["箱"].pk, "quantity": "1"},
        {"product": water.pk, "order_line": water_line.pk, "unit": units["包"].pk, "quantity": "10"},
    ]
    response = web.post(f"/sales/shipments/new/?order={order.pk}", _form(sell, rows))
    assert response.status_code == 302, response.content.decode()[:2000]
    shipment = SalesShipment.objects.get()
    assert response["Location"] == f"/sales/shipments/{shipment.pk}/"
    assert shipment.status == "draft" and shipment.total == D("87.00")  # 72.00 + 10 × 1.50
    detail = web.get(response["Location"]).content.decode()
    assert "Picked 0 of 34" in detail and 'id="ship-form"' in detail
    shipped = web.post(
        f"/sales/shipments/{shipment.pk}/ship/",
        {"carrier": "顺丰", "tracking_no": "SF100", "expected_delivery": "2026-11-05"},
    )
    assert shipped.status_code == 302
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert shipment.status == "posted" and shipment.carrier == "顺丰" and shipment.tracking_no == "SF100"
    assert order.status == OrderStatus.PARTIAL
    assert shipment.cost == D("58.00")  # 24 × 2.00 + 10 × 1.00 at moving average
    assert receivable(sell.customer) == D("87.00")
    balance = StockBalance.objects.get(product=noodles)
    assert (balance.on_hand, balance.reserved) == (D(76), D(24))  # the backorder keeps its 24 reserved
    reservation = Reservation.objects.get(source_line_id=noodle_line.pk, status=ReservationStatus.ACTIVE)
    assert reservation.quantity == D(24)
    detail = web.get(f"/sales/shipments/{shipment.pk}/").content.decode()
    assert 'id="tracking"' in detail and "/sales/status/" in detail  # the public status link to send


def test_an_error_shows_next_to_its_row_keeps_what_was_typed_and_writes_nothing(
    web, sell, order, stocked, units, english
):
    noodles, water = stocked
    noodle_line, _water_line = order.lines.order_by("position")
    before = _written()
    rows = [
        {"product": noodles.pk, "order_line": noodle_line.pk, "unit": units["箱"].pk, "quantity": "3", "notes": "急"},
        {"product": water.pk, "unit": units["包"].pk, "quantity": "4", "price": "1.80"},
    ]
    response = web.post("/sales/shipments/new/", _form(sell, rows, ship_to="城东路 8 号"))
    assert response.status_code == 422
    html = response.content.decode()
    row = _row(html, 0)
    assert "but only 48" in row and "left to ship" in row and 'value="3"' in row and 'value="急"' in row
    assert 'value="1.80"' in _row(html, 1) and 'value="城东路 8 号"' in html
    assert _written() == before


def test_a_header_error_goes_to_its_field(web, sell, stocked, units, english):
    noodles, _water = stocked
    rows = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "1"}]
    response = web.post("/sales/shipments/new/", _form(sell, rows, freight="-5"))
    assert response.status_code == 422 and 'class="field is-invalid" id="field-freight"' in response.content.decode()
    assert SalesShipment.objects.count() == 0
    response = web.post("/sales/shipments/new/", _form(sell, []))
    assert response.status_code == 422 and "Add at least one line." in response.content.decode()


def test_the_order_lines_panel_and_the_rows_it_adds(web, sell, order, stocked, units, english):
    noodles, _water = stocked
    panel = web.get("/sales/shipments/order-lines/", {"customer": sell.customer.pk}).content.decode()
    assert order.number in panel and f'data-add-order-lines="order:{order.pk}"' in panel and "Reserved" in panel
    noodle_line = order.lines.get(product=noodles)
    row = web.get(
        "/sales/shipments/line/", {"order_line": noodle_line.pk, "customer": sell.customer.pk, "index": 3}
    ).content.decode()
    assert 'name="lines-3-quantity" value="2"' in row and f'name="lines-3-order_line" value="{noodle_line.pk}"' in row
    scanned = web.get("/sales/shipments/line/", {"code": barcode(noodles, units["箱"]), "index": 4})
    assert scanned.status_code == 200 and 'name="lines-4-quantity" value="1"' in scanned.content.decode()
    unknown = web.get("/sales/shipments/line/", {"code": "000", "index": 0})
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert web.get("/sales/shipments/order-lines/").content.decode().count("Choose a customer") == 1


def test_a_free_shipment_by_scanning_is_priced_for_the_customer(web, sell, stocked, units, english):
    noodles, _water = stocked
    rows = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "5"}]
    response = web.post("/sales/shipments/new/", _form(sell, rows, then="pick"))
    shipment = SalesShipment.objects.get()
    assert response["Location"] == f"/sales/shipments/{shipment.pk}/pick/"
    assert shipment.channel == "direct" and shipment.lines.get().price == D("3.000000")  # wholesale level


def test_orders_to_ship_link_to_a_new_shipment_and_export(web, sell, owner, order, stocked, english):
    page = web.get("/sales/to-ship/").content.decode()
    assert order.number in page and f"/sales/shipments/new/?order={order.pk}" in page
    export = web.get("/sales/to-ship/", {"export": "xlsx"})
    rows = sheet_rows(export.content)
    assert rows[0][0] == "Sales order" and rows[1][0] == order.number
    shipment = sell.shipment(
        *[ship(ln.product, ln.unit_quantity, unit_id=ln.unit_id, order_line_id=ln.pk) for ln in order.lines.all()]
    )
    sales_shipment_post(actor=owner, shipment=shipment)
    assert order.number not in web.get("/sales/to-ship/").content.decode()


def test_the_list_filters_and_exports(web, sell, owner, stocked, make_partner, english):
    noodles, water = stocked
    first = sell.shipment(ship(noodles, 2, "3.00"))
    sales_shipment_post(actor=owner, shipment=first, tracking_no="YT777")
    sell.shipment(ship(water, 1, "2.00"))
    page = web.get("/sales/shipments/", {"q": "YT777"}).content.decode()
    assert first.number in page and f"/sales/shipments/{first.pk}/" in page
    assert first.number not in web.get("/sales/shipments/", {"q": "矿泉水"}).content.decode()
    assert web.get("/sales/shipments/", {"status": "draft"}).content.decode().count(first.number) == 0
    assert first.number in web.get("/sales/shipments/", {"delivery_status": "shipped"}).content.decode()
    export = web.get("/sales/shipments/", {"export": "xlsx"})
    rows = sheet_rows(export.content)
    assert rows[0][0] == "Number" and "Total receivable" in rows[0] and "Cost of goods sold" in rows[0]
    assert len(rows) == 3
    lines = sheet_rows(web.get(f"/sales/shipments/{first.pk}/", {"export": "xlsx"}).content)
    assert lines[1][3] == "方便面" and "Cost of goods sold" in lines[0]


# Picking and packing


@pytest.fixture
def goods(sell, make_product, warehouse):
    noodles = make_product(sku="N1", name="方便面")
    water = make_product(sku="W1", name="矿泉水")
    chips = make_product(sku="C1", name="薯片")
    back = Location.objects.create(warehouse=warehouse, code="Z-99")
    sell.stock(noodles, 100, "2.00", location_id=back.pk)
    sell.stock(water, 100, "1.00")
    sell.stock(chips, 10, "1.00")
    return noodles, water, chips


def test_picking_by_scan_refuses_a_wrong_item_on_the_spot(web, sell, goods, units, english):
    noodles, water, chips = goods
    shipment = sell.shipment(ship(noodles, 25, "3"), ship(water, 1, "2"))
    page = web.get(f"/sales/shipments/{shipment.pk}/pick/").content.decode()
    assert page.index("矿泉水") < page.index("方便面")  # walking order: A-… before Z-99
    assert "autofocus" in page and 'hx-post="/sales/shipments/' in page
    refused = web.post(f"/sales/shipments/{shipment.pk}/scan/", {"code": barcode(chips)}, HTTP_HX_REQUEST="true")
    html = refused.content.decode()
    assert refused.status_code == 422 and 'role="alert"' in html and "薯片, which is not on" in html
    assert 'id="scan-status"' in html and 'id="pick-panel" hx-swap-oob="true"' in html and "<html" not in html
    assert set(shipment.lines.values_list("picked_quantity", flat=True)) == {D(0)}
    picked = web.post(
        f"/sales/shipments/{shipment.pk}/scan/", {"code": barcode(noodles, units["箱"])}, HTTP_HX_REQUEST="true"
    )
    assert picked.status_code == 200 and "Picked 24 包 of 方便面 from Z-99" in picked.content.decode()
    too_many = web.post(
        f"/sales/shipments/{shipment.pk}/scan/", {"code": barcode(noodles, units["箱"])}, HTTP_HX_REQUEST="true"
    )
    assert too_many.status_code == 422 and "one too many" in too_many.content.decode()
    web.post(f"/sales/shipments/{shipment.pk}/scan/", {"code": "N1"}, HTTP_HX_REQUEST="true")
    done = web.post(f"/sales/shipments/{shipment.pk}/scan/", {"code": barcode(water)}, HTTP_HX_REQUEST="true")
    assert "Picking complete" in done.content.decode()
    assert dict(shipment.lines.values_list("product_id", "picked_quantity")) == {noodles.pk: D(25), water.pk: D(1)}
    assert "Picking complete" in web.get(f"/sales/shipments/{shipment.pk}/").content.decode()
    plain = web.post(f"/sales/shipments/{shipment.pk}/scan/", {"code": "nothing-like-it"})
    assert plain.status_code == 422 and "is not a known barcode" in plain.content.decode()
    reset = web.post(f"/sales/shipments/{shipment.pk}/pick-reset/")
    assert reset.status_code == 302
    assert set(shipment.lines.values_list("picked_quantity", flat=True)) == {D(0)}


def test_the_pick_list_names_the_batch_and_the_serials_to_take(web, sell, make_product, english):
    phone = make_product(sku="PH", name="手机", track_serials=True)
    milk = make_product(sku="MK", name="牛奶", track_lots=True)
    sell.stock(phone, 3, "1000", serials=["SN3", "SN1", "SN2"])
    sell.stock(milk, 5, "4", batch_no="B-LATE", expiry_date=DAY.replace(year=2027))
    sell.stock(milk, 5, "4", batch_no="B-SOON", expiry_date=DAY.replace(month=12))
    shipment = sell.shipment(ship(phone, 2, "1500"), ship(milk, 3, "6"))
    page = web.get(f"/sales/shipments/{shipment.pk}/pick/").content.decode()
    assert "SN1 SN2" in page and "SN3" not in page and "B-SOON" in page
    barcode_scan = web.post(f"/sales/shipments/{shipment.pk}/scan/", {"code": barcode(phone)}, HTTP_HX_REQUEST="true")
    assert barcode_scan.status_code == 422 and "scan the serial number" in barcode_scan.content.decode()
    serial = web.post(f"/sales/shipments/{shipment.pk}/scan/", {"code": "SN2"}, HTTP_HX_REQUEST="true")
    assert "serial number SN2" in serial.content.decode()
    page = web.get(f"/sales/shipments/{shipment.pk}/pick/").content.decode()
    assert "SN1" in page and "picked: SN2" in page


def test_packing_into_packages_and_its_errors(web, sell, goods, english):
    noodles, water, _chips = goods
    shipment = sell.shipment(ship(noodles, 24, "3"), ship(water, 2, "2"))
    first, second = shipment.lines.order_by("position")
    page = web.get(f"/sales/shipments/{shipment.pk}/pack/")
    assert page.status_code == 200 and 'name="packages-0-number" value="1"' in page.content.decode()
    data = {
        "packages-TOTAL_FORMS": "2",
        "packages-INITIAL_FORMS": "0",
        "packages-0-number": "1",
        "packages-0-weight_kg": "12.5",
        "packages-1-number": "2",
        "packages-1-weight_kg": "3",
        f"line_{first.pk}": "1",
        f"line_{second.pk}": "3",
    }
    refused = web.post(f"/sales/shipments/{shipment.pk}/pack/", data)
    assert refused.status_code == 422 and "No package has number 3." in refused.content.decode()
    assert ShipmentPackage.objects.count() == 0
    twice = web.post(
        f"/sales/shipments/{shipment.pk}/pack/", {**data, "packages-1-number": "1", f"line_{second.pk}": "1"}
    )
    assert twice.status_code == 422 and "Give each package its own number" in twice.content.decode()
    assert ShipmentPackage.objects.count() == 0
    done = web.post(f"/sales/shipments/{shipment.pk}/pack/", {**data, f"line_{second.pk}": "2"})
    assert done.status_code == 302
    assert [(p.number, p.weight_kg, p.lines.count()) for p in shipment.packages.all()] == [
        (1, D("12.5"), 1),
        (2, D(3), 1),
    ]
    assert 'id="shipment-packages"' in web.get(f"/sales/shipments/{shipment.pk}/").content.decode()


# Shipping errors, delete, reverse


def test_a_shipping_error_shows_next_to_the_form_and_nothing_is_posted(web, sell, goods, english):
    noodles, _water, _chips = goods
    shipment = sell.shipment(ship(noodles, 24, "3"))
    before = _written()
    early = web.post(f"/sales/shipments/{shipment.pk}/ship/", {"expected_delivery": "2026-10-01"})
    html = early.content.decode()
    assert early.status_code == 422 and 'class="field is-invalid" id="field-expected_delivery"' in html
    assert "cannot be before the shipment date" in html and _written() == before
    # the stock is gone meanwhile: the posting is refused, the form keeps what was typed
    other = sell.shipment(ship(noodles, 90, "3"))
    sales_shipment_post(actor=sell.owner, shipment=other)
    before = _written()
    short = web.post(f"/sales/shipments/{shipment.pk}/ship/", {"carrier": "中通", "tracking_no": "ZT9"})
    html = short.content.decode()
    assert short.status_code == 422 and 'id="ship-errors"' in html and 'value="ZT9"' in html
    shipment.refresh_from_db()
    assert shipment.status == "draft" and _written() == before


def test_delete_a_draft(web, sell, goods, english):
    noodles, _water, _chips = goods
    shipment = sell.shipment(ship(noodles, 1, "3"))
    response = web.post(f"/sales/shipments/{shipment.pk}/delete/")
    assert response.status_code == 302 and not SalesShipment.objects.filter(pk=shipment.pk).exists()


def test_reverse_shows_what_it_changes_then_reverses(web, sell, owner, order, stocked, english):
    shipment = sell.shipment(
        *[ship(ln.product, ln.unit_quantity, unit_id=ln.unit_id, order_line_id=ln.pk) for ln in order.lines.all()]
    )
    sales_shipment_post(actor=owner, shipment=shipment)
    page = web.get(f"/sales/shipments/{shipment.pk}/reverse/").content.decode()
    assert 'id="reverse-preview"' in page and "+48" in page and 'id="reverse-receivable"' in page
    assert order.number in page
    early = web.post(f"/sales/shipments/{shipment.pk}/reverse/", {"date": "2026-10-01"})
    assert early.status_code == 422 and SalesShipment.objects.count() == 1
    done = web.post(f"/sales/shipments/{shipment.pk}/reverse/", {"date": DAY.isoformat()})
    assert done.status_code == 302
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert shipment.status == "reversed" and order.status == OrderStatus.APPROVED
    reversal = SalesShipment.objects.get(reversal_of=shipment)
    assert done["Location"] == f"/sales/shipments/{reversal.pk}/"
    assert receivable(sell.customer) == 0


# The delivery note, the keeper, the scope


def test_the_delivery_note(web, sell, owner, company, goods, make_user, english):
    noodles, water, _chips = goods
    sell.customer.address = "城东路 8 号"
    sell.customer.save()
    shipment = sell.shipment(ship(noodles, 24, "3.00", notes="轻放"), ship(water, 2, "2.00"), contact="王经理 139")
    packed = web.post(
        f"/sales/shipments/{shipment.pk}/pack/",
        {"packages-TOTAL_FORMS": "1", "packages-INITIAL_FORMS": "0", "packages-0-number": "1"}
        | {f"line_{ln.pk}": "1" for ln in shipment.lines.all()},
    )
    assert packed.status_code == 302, packed.content.decode()
    sales_shipment_post(actor=owner, shipment=shipment, carrier="顺丰", tracking_no="SF9")
    page = web.get(f"/sales/shipments/{shipment.pk}/print/").content.decode()
    for text in ("Delivery note", company.name, sell.customer.name, "城东路 8 号", "王经理 139", "顺丰", "SF9"):
        assert text in page
    assert "Received by (customer)" in page, page
    assert 'id="print-packages"' in page and "轻放" in page
    assert "Unit price" in page and "76.00" in page  # 24 × 3.00 + 2 × 2.00
    keeper = _client(make_user("keeper2", "warehouse")).get(f"/sales/shipments/{shipment.pk}/print/")
    assert keeper.status_code == 200 and "Unit price" not in keeper.content.decode()
    assert "76.00" not in keeper.content.decode()


def test_the_keeper_picks_packs_and_ships_but_never_sees_prices(sell, order, stocked, keeper, units, english):
    noodles, water = stocked
    client = _client(keeper)
    form = client.get(f"/sales/shipments/new/?order={order.pk}").content.decode()
    assert "Unit price" not in form and "lines-0-price" not in form and "freight" not in form
    noodle_line, water_line = order.lines.order_by("position")
    rows = [
        {"product": noodles.pk, "order_line": noodle_line.pk, "unit": units["箱"].pk, "quantity": "2", "price": "1"},
        {"product": water.pk, "order_line": water_line.pk, "unit": units["包"].pk, "quantity": "10"},
    ]
    response = client.post("/sales/shipments/new/", _form(sell, rows, freight="999"))
    assert response.status_code == 302, response.content.decode()[:1500]
    shipment = SalesShipment.objects.get()
    assert shipment.lines.get(product=noodles).price == D("72.000000") and shipment.freight == 0  # the order's
    detail = client.get(f"/sales/shipments/{shipment.pk}/").content.decode()
    for hidden in ("Unit price", "Total receivable", "Cost of goods sold", "87.00"):
        assert hidden not in detail
    scan = client.post(f"/sales/shipments/{shipment.pk}/scan/", {"code": barcode(water)}, HTTP_HX_REQUEST="true")
    assert scan.status_code == 200
    assert client.post(f"/sales/shipments/{shipment.pk}/ship/", {}).status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == "posted"
    listed = client.get("/sales/shipments/").content.decode()
    assert shipment.number in listed and "Total receivable" not in listed
    rows = sheet_rows(client.get("/sales/shipments/", {"export": "xlsx"}).content)
    assert "Total receivable" not in rows[0] and "Cost of goods sold" not in rows[0]
    lines = sheet_rows(client.get(f"/sales/shipments/{shipment.pk}/", {"export": "xlsx"}).content)
    assert "Unit price" not in lines[0] and "Cost of goods sold" not in lines[0]


def test_other_warehouses_and_missing_permissions(sell, stocked, make_user, make_warehouse, english):
    noodles, _water = stocked
    shipment = sell.shipment(ship(noodles, 1, "3"))
    branch = make_warehouse("BR", "分店仓")
    limited = _client(make_user("limited", "warehouse", all_warehouses=False, warehouse_ids=[branch.pk]))
    assert limited.get(f"/sales/shipments/{shipment.pk}/").status_code == 404
    assert shipment.number not in limited.get("/sales/shipments/").content.decode()
    seller = _client(make_user("seller", "sales"))
    assert seller.get(f"/sales/shipments/{shipment.pk}/").status_code == 200
    assert seller.post(f"/sales/shipments/{shipment.pk}/ship/", {}).status_code == 403
    cashier = _client(make_user("cashier", "cashier"))
    assert cashier.get(f"/sales/shipments/{shipment.pk}/pick/").status_code == 403


def test_a_lot_chosen_on_the_form_that_is_not_in_stock_is_refused_on_its_row(web, sell, make_product, units, english):
    milk = make_product(sku="MK", name="牛奶", track_lots=True)
    sell.stock(milk, 5, "4", batch_no="B1")
    empty = Lot.objects.create(product=milk, batch_no="B-EMPTY")
    rows = [{"product": milk.pk, "unit": units["包"].pk, "quantity": "2", "lot": str(empty.pk)}]
    before = _written()
    response = web.post("/sales/shipments/new/", _form(sell, rows))
    assert response.status_code == 422 and "is not in stock" in _row(response.content.decode(), 0)
    assert _written() == before


def test_the_list_pages_do_not_query_per_row(web, sell, owner, goods):
    noodles, water, _chips = goods
    sales_shipment_post(actor=owner, shipment=sell.shipment(ship(noodles, 1, "3")), expected_delivery=DAY)
    pages = ("/sales/shipments/", "/sales/deliveries/", "/sales/to-ship/")
    few = {}
    for url in pages:
        web.get(url)
        with CaptureQueriesContext(connection) as queries:
            web.get(url)
        few[url] = len(queries.captured_queries)
    for _n in range(4):
        sales_shipment_post(actor=owner, shipment=sell.shipment(ship(water, 1, "2")), expected_delivery=DAY)
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            web.get(url)
        assert len(queries.captured_queries) == few[url], url
