"""Replenishment (补货建议): min/max and reorder point by hand, on order included, draft orders per preferred
supplier × warehouse, the error for products without one; the page and the API."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jxc.core.errors import ValidationFailed
from jxc.inventory.choices import MoveKind
from jxc.inventory.services.posting import Leg, Source, stock_post
from jxc.inventory.services.reservations import reservation_create
from jxc.inventory.services.reversal import posting_reverse
from jxc.purchasing.errors import NoPreferredSupplier
from jxc.purchasing.models import PurchaseOrder, PurchaseOrderLine
from jxc.purchasing.selectors.replenishment import replenishment_suggestions
from jxc.purchasing.services.replenishment import replenishment_orders_create
from jxc.purchasing.services.terms import TermData, supplier_term_save
from tests.conftest import audit_count
from tests.helpers import sheet_rows
from tests.purchasing.conftest import line

TODAY = timezone.localdate()
SOURCE_IDS = itertools.count(1)


def ago(days):
    return TODAY - timedelta(days=days)


def move(product, warehouse, quantity, kind, *, on):
    """A stock move as a document of another app would post it (there is no sales app yet)."""
    n = next(SOURCE_IDS)
    incoming_value = D(quantity) * 2 if kind in {MoveKind.OPENING, MoveKind.RECEIPT} else None
    return stock_post(
        source=Source("tests.stock", n, f"T{n}"),
        day=on,
        legs=[
            Leg(
                product_id=product.pk,
                warehouse_id=warehouse.pk,
                location_id=warehouse.locations.get(is_default=True).pk,
                quantity=D(quantity),
                kind=kind,
                value=incoming_value,
            )
        ],
        actor=None,
    )


def prefer(owner, supplier, product, **fields):
    return supplier_term_save(
        actor=owner, data=TermData(supplier_id=supplier.pk, product_id=product.pk, preferred=True, **fields)
    )


def rows_by_key(rows):
    return {(r.product.sku, r.warehouse.code): r for r in rows}


@pytest.fixture
def second(make_warehouse):
    return make_warehouse("W2", "二号仓")


@pytest.fixture
def other_supplier(make_partner):
    return make_partner("广州粮油批发", is_customer=False, is_supplier=True, lead_time_days=3)


@pytest.fixture
def shelves(buy, owner, make_product, units, second, company):
    """Min/max products in the main warehouse (and the second one, empty but for an order).

    KSF  min 20 max 60, on hand 12, preferred supplier A in 箱 of 24.
    WAT  min 50 max 100: order 2 箱 (48) approved, 1 箱 received (on hand 24), 5 reserved; a draft order (not
         counted) and 1 箱 approved for the second warehouse. Preferred A in 箱.
    OIL  min 10, no max, on hand 4, no preferred supplier.
    SALT min 10 max 20, on hand 15, no preferred supplier.
    """
    company.prices_include_tax = False
    company.save()
    main, box = buy.warehouse, units["箱"].pk
    ksf = make_product(sku="KSF", name="方便面", min_stock=D(20), max_stock=D(60))
    wat = make_product(sku="WAT", name="矿泉水", min_stock=D(50), max_stock=D(100))
    oil = make_product(sku="OIL", name="食用油", min_stock=D(10))
    salt = make_product(sku="SALT", name="食盐", min_stock=D(10), max_stock=D(20))
    prefer(owner, buy.supplier, ksf, unit_id=box, lead_time_days=7, last_price=D("2.00"))
    prefer(owner, buy.supplier, wat, unit_id=box)
    move(ksf, main, 12, MoveKind.OPENING, on=ago(60))
    move(oil, main, 4, MoveKind.OPENING, on=ago(60))
    move(salt, main, 15, MoveKind.OPENING, on=ago(60))
    order = buy.approved_order(line(wat, 2, "48.00", unit_id=box), date=ago(10))
    buy.receive(*buy.against(order, l1=1), date=ago(5))
    reservation_create(
        product=wat, warehouse=main, quantity=D(5), source_type="tests.order", source_id=1, source_line_id=1
    )
    buy.order(line(wat, 10, "48.00", unit_id=box), date=ago(3))  # a draft: not on order
    buy.warehouse = second
    buy.approved_order(line(wat, 1, "48.00", unit_id=box), date=ago(3))
    buy.warehouse = main
    return {"ksf": ksf, "wat": wat, "oil": oil, "salt": salt, "main": main, "second": second}


def test_min_max_suggestions_match_a_hand_calculation(owner, shelves, english):
    rows = rows_by_key(replenishment_suggestions(user=owner, method="minmax"))

    ksf = rows[("KSF", "MAIN")]
    assert (ksf.available, ksf.on_order, ksf.projected, ksf.quantity, ksf.unit_quantity) == (12, 0, 12, 48, 2)
    assert ksf.unit.name == "箱" and ksf.supplier is not None
    assert ksf.explanation == "Available 12 + on order 0 = 12 < minimum 20 → up to maximum 60: 48; 48 = 2 箱"

    wat = rows[("WAT", "MAIN")]  # available 24 − 5 = 19, on order 48 − 24 = 24 → 43 < 50 → 57 → 3 箱
    assert (wat.on_hand, wat.reserved, wat.on_order, wat.projected) == (24, 5, 24, 43)
    assert (wat.need, wat.quantity, wat.unit_quantity) == (57, 72, 3)
    assert wat.explanation == (
        "Available 19 + on order 24 = 43 < minimum 50 → up to maximum 100: 57; whole 箱 of 24: 3 箱 = 72"
    )
    assert (rows[("WAT", "W2")].on_order, rows[("WAT", "W2")].quantity) == (24, 96)  # 100 − 24 = 76 → 4 箱
    assert rows[("KSF", "W2")].quantity == 72  # 60 → 3 箱

    oil = rows[("OIL", "MAIN")]
    assert (oil.quantity, oil.unit.name, oil.supplier) == (6, "包", None)
    assert "up to the minimum (no maximum): 6" in oil.explanation
    assert ("SALT", "MAIN") not in rows and rows[("SALT", "W2")].quantity == 20


def test_min_max_filters_and_everything_planned(owner, shelves, buy):
    main = shelves["main"].pk
    everything = rows_by_key(replenishment_suggestions(user=owner, warehouse_id=main, only_below=False))
    assert set(everything) == {("KSF", "MAIN"), ("WAT", "MAIN"), ("OIL", "MAIN"), ("SALT", "MAIN")}
    assert everything[("SALT", "MAIN")].quantity == 0
    assert "15 ≥ minimum 10" in everything[("SALT", "MAIN")].explanation

    by_supplier = replenishment_suggestions(user=owner, warehouse_id=main, supplier_id=buy.supplier.pk)
    assert [r.product.sku for r in by_supplier] == ["KSF", "WAT"]
    assert [r.product.sku for r in replenishment_suggestions(user=owner, warehouse_id=main, q="食用")] == ["OIL"]


@pytest.fixture
def sales(buy, owner, other_supplier, make_product, units, second):
    """Reorder point products: 30-day window, 5 safety days.

    COLA (A preferred, lead 7 on the terms): opening 150 (45 days ago); shipped 30 (40 days ago, outside),
         50 (20 ago), 30 (10 ago, reversed), 50 (5 ago); 10 returned (3 ago). Net sales in the window 90 → 3 a
         day; on hand 30. Reorder point 3 × 7 + 3 × 5 = 36 ≥ 30 → 36 + 3 × 7 − 30 = 27.
         Second warehouse: opening 10, shipped 9 → 0.3 a day; 0.3 × 7 + 0.3 × 5 = 3.6 ≥ 1 → 3.6 + 2.1 − 1 = 4.7 → 5.
    JUICE (B preferred, no lead time on the terms → B's 3 days): opening 100, shipped 60 → 2 a day;
         2 × 3 + 2 × 5 = 16 < 40 on hand → nothing.
    TEA  (B preferred, lead 10, 箱 of 24, at least 2 箱): opening 50, shipped 45 → 1.5 a day;
         1.5 × 10 + 1.5 × 5 = 22.5 ≥ 5 → 22.5 + 15 − 5 = 32.5 → 33 → at least 2 箱 = 48.
    """
    main, box = buy.warehouse, units["箱"].pk
    cola = make_product(sku="COLA", name="可乐")
    juice = make_product(sku="JUICE", name="果汁")
    tea = make_product(sku="TEA", name="冰红茶")
    prefer(owner, buy.supplier, cola, lead_time_days=7)
    prefer(owner, other_supplier, juice)
    prefer(owner, other_supplier, tea, unit_id=box, lead_time_days=10, min_order_quantity=D(2))
    move(cola, main, 150, MoveKind.OPENING, on=ago(45))
    move(cola, main, -30, MoveKind.SHIPMENT, on=ago(40))
    move(cola, main, -50, MoveKind.SHIPMENT, on=ago(20))
    reversed_sale = move(cola, main, -30, MoveKind.SHIPMENT, on=ago(10))
    posting_reverse(posting=reversed_sale, source=Source("tests.stock", 9999, "R1", "reverse"), day=ago(9), actor=None)
    move(cola, main, -50, MoveKind.SHIPMENT, on=ago(5))
    move(cola, main, 10, MoveKind.SALES_RETURN, on=ago(3))
    move(cola, second, 10, MoveKind.OPENING, on=ago(45))
    move(cola, second, -9, MoveKind.SHIPMENT, on=ago(4))
    move(juice, main, 100, MoveKind.OPENING, on=ago(45))
    move(juice, main, -60, MoveKind.SHIPMENT, on=ago(15))
    move(tea, main, 50, MoveKind.OPENING, on=ago(45))
    move(tea, main, -45, MoveKind.SHIPMENT, on=ago(2))
    return {"cola": cola, "juice": juice, "tea": tea, "main": main, "second": second, "b": other_supplier}


def rop(owner, **filters):
    return rows_by_key(replenishment_suggestions(user=owner, method="rop", days=30, safety_days=5, **filters))


def test_reorder_point_suggestions_match_a_hand_calculation(owner, sales):
    rows = rop(owner)

    cola = rows[("COLA", "MAIN")]
    assert (cola.sales, cola.daily_sales, cola.lead_time_days, cola.reorder_point) == (90, 3, 7, 36)
    assert (cola.on_hand, cola.projected, cola.quantity, cola.lead_time_source) == (30, 30, 27, "term")
    assert cola.explanation == (
        "Sold 90 in 30 days = 3 a day; reorder point 3 × 7 days lead time + 3 × 5 safety days = 36; "
        "available 30 + on order 0 = 30 ≤ 36 → 36 + 3 × 7 − 30 = 27"
    )
    far = rows[("COLA", "W2")]
    assert (far.daily_sales, far.reorder_point, far.need, far.quantity) == (D("0.3"), D("3.6"), D("4.7"), 5)

    tea = rows[("TEA", "MAIN")]
    assert (tea.daily_sales, tea.reorder_point, tea.need, tea.quantity, tea.unit_quantity) == (
        D("1.5"),
        D("22.5"),
        D("32.5"),
        48,
        2,
    )
    assert tea.explanation.endswith("= 32.5; rounded up to 33; at least the minimum order of 2 箱 = 48; 48 = 2 箱")
    assert ("JUICE", "MAIN") not in rows

    juice = rop(owner, only_below=False)[("JUICE", "MAIN")]
    assert (juice.lead_time_days, juice.lead_time_source, juice.reorder_point, juice.quantity) == (3, "supplier", 16, 0)
    assert "40 > reorder point 16" in juice.explanation


def test_reorder_point_counts_goods_on_order(owner, sales, buy, units):
    buy.approved_order(line(sales["tea"], 1, "30.00", unit_id=units["箱"].pk), supplier=sales["b"], date=ago(1))

    tea = rop(owner, only_below=False)[("TEA", "MAIN")]

    assert (tea.on_order, tea.projected, tea.quantity) == (24, 29, 0)  # 29 > 22.5


def test_draft_orders_one_per_preferred_supplier_and_warehouse(owner, shelves, sales, buy):
    ksf, wat, tea = shelves["ksf"], shelves["wat"], sales["tea"]
    main, second = shelves["main"].pk, shelves["second"].pk
    existing = set(PurchaseOrder.objects.values_list("pk", flat=True))

    orders = replenishment_orders_create(
        actor=owner,
        selections=[(ksf.pk, main, D(2)), (wat.pk, main, D(3)), (ksf.pk, second, D(3)), (tea.pk, main, D(2))],
    )

    assert len(orders) == 3 and not existing & {o.pk for o in orders}
    shape = sorted(
        (
            o.supplier.name,
            o.warehouse.code,
            o.status,
            [(ln.product.sku, ln.unit.name, ln.unit_quantity) for ln in o.lines.all()],
        )
        for o in orders
    )
    assert shape == [
        ("华南食品批发", "MAIN", "draft", [("KSF", "箱", 2), ("WAT", "箱", 3)]),
        ("华南食品批发", "W2", "draft", [("KSF", "箱", 3)]),
        ("广州粮油批发", "MAIN", "draft", [("TEA", "箱", 2)]),
    ]
    ksf_line = PurchaseOrderLine.objects.get(order__in=orders, product=ksf, order__warehouse_id=main)
    assert ksf_line.price == D("48.00")  # the last price 2.00 per 包 × 24, without tax as the company states prices
    assert ksf_line.expected_date == TODAY + timedelta(days=7)
    tea_order = next(o for o in orders if o.supplier_id == sales["b"].pk)
    assert tea_order.expected_date == TODAY + timedelta(days=10)


def test_products_without_a_preferred_supplier_refuse_the_lot(owner, shelves):
    before = (PurchaseOrder.objects.count(), audit_count())
    main = shelves["main"].pk

    with pytest.raises(NoPreferredSupplier) as caught:
        replenishment_orders_create(
            actor=owner,
            selections=[
                (shelves["ksf"].pk, main, D(2)),
                (shelves["oil"].pk, main, D(6)),
                (shelves["salt"].pk, main, D(5)),
            ],
        )

    assert caught.value.code == "no_preferred_supplier"
    assert "OIL 食用油" in caught.value.text and "SALT 食盐" in caught.value.text and "KSF" not in caught.value.text
    assert caught.value.data["product_ids"] == [shelves["oil"].pk, shelves["salt"].pk]
    assert (PurchaseOrder.objects.count(), audit_count()) == before


def test_bad_quantities_are_refused_per_item_and_nothing_is_written(owner, shelves):
    before = (PurchaseOrder.objects.count(), audit_count())
    main = shelves["main"].pk

    with pytest.raises(ValidationFailed) as zero:
        replenishment_orders_create(actor=owner, selections=[(shelves["ksf"].pk, main, D(0))])
    with pytest.raises(ValidationFailed) as fraction:  # 0.01 箱 is 0.24 包: 包 counts in whole units
        replenishment_orders_create(
            actor=owner, selections=[(shelves["wat"].pk, main, D(1)), (shelves["ksf"].pk, main, D("0.01"))]
        )
    with pytest.raises(ValidationFailed) as nothing:
        replenishment_orders_create(actor=owner, selections=[])

    assert list(zero.value.errors) == ["items.0.quantity"]
    assert list(fraction.value.errors) == ["items.1.quantity"]
    assert list(nothing.value.errors) == ["items"]
    assert (PurchaseOrder.objects.count(), audit_count()) == before


# Page and API


def test_replenishment_page_shows_how_each_row_was_computed_and_exports(web, shelves, english):
    page = web.get("/purchasing/replenishment/", {"warehouse": shelves["main"].pk}, HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Available 12 + on order 0 = 12 &lt; minimum 20 → up to maximum 60: 48; 48 = 2 箱" in text
    assert 'name="qty-{}-{}" value="2"'.format(shelves["ksf"].pk, shelves["main"].pk) in text

    export = web.get(
        "/purchasing/replenishment/", {"warehouse": shelves["main"].pk, "export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = sheet_rows(export.content)
    assert [r[0] for r in rows[1:]] == ["KSF", "OIL", "WAT"]
    assert rows[1][-2:] == ("箱", "Available 12 + on order 0 = 12 < minimum 20 → up to maximum 60: 48; 48 = 2 箱")


def test_replenishment_reads_a_fixed_number_of_queries(owner, shelves, make_product, buy, units):
    def count():
        with CaptureQueriesContext(connection) as queries:
            replenishment_suggestions(user=owner, method="rop")
            replenishment_suggestions(user=owner, method="minmax")
        return len(queries)

    few = count()
    for n in range(6):
        product = make_product(sku=f"MORE{n}", min_stock=D(5), max_stock=D(9))
        prefer(owner, buy.supplier, product, unit_id=units["箱"].pk)
        move(product, shelves["main"], 3, MoveKind.OPENING, on=ago(20))
        move(product, shelves["main"], -1, MoveKind.SHIPMENT, on=ago(2))
    assert count() == few


def test_replenishment_page_filters_in_place(web, shelves):
    region = web.get(
        "/purchasing/replenishment/",
        {"method": "rop", "warehouse": shelves["second"].pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="replenishment-results",
    )
    text = region.content.decode()
    assert region.status_code == 200 and "<html" not in text and 'id="replenishment-table"' in text


def test_replenishment_page_creates_drafts_and_says_which(web, shelves):
    main = shelves["main"].pk
    ksf, wat = (f"{shelves[k].pk}-{main}" for k in ("ksf", "wat"))

    done = web.post(
        f"/purchasing/replenishment/orders/?warehouse={main}",
        {"pick": [ksf, wat], f"qty-{ksf}": "2", f"qty-{wat}": "4"},
        follow=True,
    )

    order = PurchaseOrder.objects.get(status="draft", notes__isnull=False, lines__product=shelves["ksf"])
    assert order.number in done.content.decode()
    assert sorted(order.lines.values_list("product__sku", "unit_quantity")) == [("KSF", D(2)), ("WAT", D(4))]


def test_replenishment_page_keeps_what_was_typed_on_error(web, shelves):
    main = shelves["main"].pk
    ksf, oil = (f"{shelves[k].pk}-{main}" for k in ("ksf", "oil"))
    before = PurchaseOrder.objects.count()

    refused = web.post(
        f"/purchasing/replenishment/orders/?warehouse={main}",
        {"pick": [ksf, oil], f"qty-{ksf}": "5", f"qty-{oil}": "7"},
    )

    text = refused.content.decode()
    assert refused.status_code == 409 and "OIL 食用油" in text and 'id="replenishment-errors"' in text
    assert f'name="qty-{ksf}" value="5"' in text and f'name="qty-{oil}" value="7"' in text
    assert PurchaseOrder.objects.count() == before


def test_replenishment_api(api, sales, buy):
    listed = api.get(
        "/replenishment", {"method": "rop", "days": 30, "safety_days": 5, "warehouse_id": sales["main"].pk}
    )
    assert listed.status_code == 200, listed.content
    items = {i["sku"]: i for i in listed.json()["items"]}
    assert set(items) == {"COLA", "TEA"}
    assert (items["COLA"]["quantity"], items["COLA"]["reorder_point"], items["COLA"]["supplier_id"]) == (
        "27.000000",
        "36.000000",
        buy.supplier.pk,
    )
    assert (items["TEA"]["unit"], items["TEA"]["unit_quantity"]) == ("箱", "2.000000")

    created = api.post(
        "/replenishment/orders",
        {
            "items": [
                {"product_id": i["product_id"], "warehouse_id": i["warehouse_id"], "quantity": i["unit_quantity"]}
                for i in items.values()
            ]
        },
    )
    assert created.status_code == 201, created.content
    assert sorted((o["supplier"], o["line_count"]) for o in created.json()["orders"]) == [
        ("华南食品批发", 1),
        ("广州粮油批发", 1),
    ]


def test_replenishment_api_errors(api, shelves):
    before = (PurchaseOrder.objects.count(), audit_count())
    main = shelves["main"].pk

    refused = api.post(
        "/replenishment/orders", {"items": [{"product_id": shelves["oil"].pk, "warehouse_id": main, "quantity": "6"}]}
    )
    invalid = api.post(
        "/replenishment/orders", {"items": [{"product_id": shelves["ksf"].pk, "warehouse_id": main, "quantity": "-1"}]}
    )

    assert refused.status_code == 409 and refused.json()["code"] == "no_preferred_supplier"
    assert refused.json()["data"]["product_ids"] == [shelves["oil"].pk]
    assert invalid.status_code == 422 and "items.0.quantity" in invalid.json()["data"]["errors"]
    assert (PurchaseOrder.objects.count(), audit_count()) == before
