"""Credit exposure per customer: the batched selector equals `credit_of` customer by customer; hand-computed
figures; which customers show; the page, the API and the Excel export; who may see it; constant queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jxc.reports.selectors.credit import credit_customers, credit_exposure, credits_of
from jxc.sales.selectors.credit import credit_of
from jxc.sales.services.orders import SalesLineData, SalesOrderData, sales_order_create, sales_order_submit
from tests.helpers import sheet_rows
from tests.reports.conftest import _stock, line, ship

ON = date(2026, 11, 23)
URL = "/reports/credit-exposure/"


@dataclass
class Book:
    east: Any
    west: Any
    north: Any
    alice: Any


def _order(owner: Any, warehouse: Any, customer: Any, product: Any, quantity: int, price: str) -> Any:
    order = sales_order_create(
        actor=owner,
        data=SalesOrderData(
            customer_id=customer.pk,
            warehouse_id=warehouse.pk,
            date=date(2026, 11, 1),
            prices_include_tax=False,
            lines=[SalesLineData(product_id=product.pk, quantity=D(quantity), price=D(price))],
        ),
    )
    sales_order_submit(actor=owner, order=order)
    return order


@pytest.fixture
def book(
    owner: Any,
    make_user: Callable[..., Any],
    make_partner: Callable[..., Any],
    make_warehouse: Callable[..., Any],
    make_product: Callable[..., Any],
) -> Book:
    """East (limit 1,000, alice's): shipped 33.90 + 36.16, an approved order of 33.90 not shipped, one of 90.40 with
    4 of 10 shipped (54.24 left). North (limit 100, cash terms): shipped 135.60 on 10-05, all overdue. West: nothing.
    """
    alice = make_user("alice", "sales")
    east = make_partner("城东惠民超市", salesperson_id=alice.pk, payment_terms_days=30, credit_limit=D("1000.00"))
    west = make_partner("城西便利店", payment_terms_days=30)
    north = make_partner("城北批发部", payment_terms_days=0, credit_limit=D("100.00"))
    warehouse = make_warehouse()
    noodles = make_product(sku="A", name="方便面", tax_rate=D(13))
    water = make_product(sku="B", name="矿泉水", tax_rate=D(13))
    _stock(owner, warehouse, noodles, 100, "2.00", date(2026, 10, 1))
    _stock(owner, warehouse, water, 50, "5.00", date(2026, 10, 1))
    ship(owner, warehouse, east, date(2026, 11, 2), line(noodles, 10, "3.00"))
    _order(owner, warehouse, east, noodles, 10, "3.00")
    partly = _order(owner, warehouse, east, water, 10, "8.00")
    ship(owner, warehouse, east, date(2026, 11, 3), line(water, 4, order_line_id=partly.lines.get().pk))
    ship(owner, warehouse, north, date(2026, 10, 5), line(noodles, 40, "3.00"))
    return Book(east, west, north, alice)


def figures(row: Any) -> tuple[Any, ...]:
    return (row.limit, row.receivable, row.on_order, row.exposure, row.available, row.usage, row.overdue)


def test_hand_computed_positions(book):
    rows = {r.customer.pk: r for r in credit_exposure(on=ON, show="all")}
    assert figures(rows[book.east.pk]) == (
        D("1000.00"),
        D("70.06"),
        D("88.14"),
        D("158.20"),
        D("841.80"),
        D("15.82"),
        D("0.00"),
    )
    assert figures(rows[book.north.pk]) == (
        D("100.00"),
        D("135.60"),
        D(0),
        D("135.60"),
        D("-35.60"),
        D("135.60"),
        D("135.60"),
    )
    assert rows[book.north.pk].over_limit and not rows[book.east.pk].over_limit
    assert figures(rows[book.west.pk]) == (None, D(0), D(0), D(0), None, None, D(0))


def test_the_batched_figures_equal_credit_of_customer_by_customer(book):
    for on in (date(2026, 10, 1), ON, date(2026, 12, 31)):
        customers = credit_customers()
        batched = credits_of(customers=customers, on=on)
        for customer in customers:
            assert batched[customer.pk] == credit_of(customer=customer, on=on), (customer.name, on)


def test_which_customers_show_and_in_what_order(book):
    assert [r.customer for r in credit_exposure(on=ON)] == [book.east, book.north]  # largest exposure first
    assert [r.customer for r in credit_exposure(on=ON, show="over")] == [book.north]
    assert [r.customer for r in credit_exposure(on=ON, show="overdue")] == [book.north]
    assert book.west in [r.customer for r in credit_exposure(on=ON, show="all")]
    assert [r.customer for r in credit_exposure(on=ON, sort="available")] == [book.north, book.east]
    assert [r.customer for r in credit_exposure(on=ON, salesperson_id=book.alice.pk)] == [book.east]
    assert [r.customer for r in credit_exposure(on=ON, q="城北")] == [book.north]


def test_queries_do_not_grow_with_customers(book, make_partner, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        credit_exposure(on=ON, show="all")
    for n in range(5):
        make_partner(f"新客户{n}", credit_limit=D("50.00"))
    with django_assert_max_num_queries(4):
        assert len(credit_exposure(on=ON, show="all")) == 8


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_page_lists_positions_with_totals(book, owner, english):
    html = _client(owner).get(URL).content.decode()
    assert "城东惠民超市" in html and "城北批发部" in html and "城西便利店" not in html
    assert "1 customer over the credit limit." in html
    foot = html[html.index("data-totals") : html.index("</tfoot>")]
    assert "293.80" in foot and "1,100.00" in foot  # exposure 158.20 + 135.60; limits 1,000 + 100


def test_who_may_see_it(book, make_user, api_for):
    for role, status in (("sales", 200), ("accountant", 200), ("warehouse", 403), ("cashier", 403)):
        user = make_user(f"u-{role}", role)
        assert _client(user).get(URL).status_code == status, role
        assert api_for(user).get("/reports/credit-exposure").status_code == status, role
        assert api_for(user).get("/reports/credit-exposure/export").status_code == status, role


def test_the_export_reads_back(book, owner):
    response = _client(owner).get(URL, {"show": "all", "sort": "name", "export": "xlsx"})
    rows = sheet_rows(response.content)
    assert len(rows) == 1 + 3 + 1
    north = next(r for r in rows if r[1] == "城北批发部")
    assert [D(str(v)) for v in north[4:9]] == [D(100), D("135.6"), D(0), D("135.6"), D("-35.6")]
    assert D(str(rows[-1][7])) == D("293.8")


def test_the_api(book, api):
    body = api.get("/reports/credit-exposure", {"show": "over"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["name"], item["credit_limit"], item["exposure"], item["available"], item["over_limit"]) == (
        "城北批发部",
        "100.00",
        "135.60",
        "-35.60",
        True,
    )
    assert body["totals"]["exposure"] == "135.60"
    assert api.get("/reports/credit-exposure", {"show": "nobody"}).status_code == 422


def test_page_queries_do_not_grow_with_customers(book, owner, make_partner):
    client = _client(owner)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"show": "all"}).status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        make_partner(f"新客户{n}", credit_limit=D("50.00"))
    assert count() == before


@pytest.mark.parametrize("codename", ["sales.view_customerprice", "finance.view_payment"])
def test_either_permission_is_enough(book, make_user, api_for, codename):
    from django.contrib.auth.models import Permission

    user = make_user(f"only-{codename}")
    assert _client(user).get(URL).status_code == 403
    app_label, name = codename.split(".")
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=name))
    user = type(user).objects.get(pk=user.pk)  # permissions are cached per instance
    assert _client(user).get(URL).status_code == 200
    assert api_for(user).get("/reports/credit-exposure").status_code == 200
