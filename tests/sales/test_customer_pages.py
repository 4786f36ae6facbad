"""The customer pages (customers by class, a customer's purchase history) with their exports and permissions, the
partner page's link, and the API."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jxc.accounts.models import AuditEntry
from jxc.partners.models import Partner
from jxc.sales.services.shipments import sales_shipment_reverse
from tests.helpers import sheet_rows
from tests.sales.test_customers import History, ago

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _user_with(make_user: Any, name: str, *codenames: str) -> Any:
    user = make_user(name)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def web(owner: Any) -> Client:
    """The owner's browser, in English."""
    return _client(owner)


@pytest.fixture
def clerk(make_user: Any) -> Any:
    """Sees shipments and sales prices, not costs; cannot change partners."""
    return _user_with(make_user, "clerk", "view_salesshipment", "view_customerprice", "view_partner")


@pytest.fixture
def shop(sell: Any, make_partner: Any, make_product: Any) -> dict[str, Any]:
    """A key customer (six purchases of noodles, one more reversed) and a new one (one bottle of water).

    Ranked: key (12,000.00) and fresh (30.00): the top 20 % of 2 is one place, key's.
    """
    noodles = make_product(sku="KSF", name="方便面", tax_rate=D(13))
    water = make_product(sku="WAT", name="矿泉水", tax_rate=D(13))
    sell.stock(noodles, 100, "1.00")
    sell.stock(water, 100, "0.50")
    h = History(sell, make_partner, noodles)
    key = h.customer("重点批发部", "KEY1")
    fresh = h.customer("新开超市", "NEW1")
    shipments = [h.buy(key, days, "2000", quantity=2) for days in (300, 200, 100, 60, 30, 12)]
    undone = h.buy(key, 5, "500")
    sales_shipment_reverse(actor=sell.owner, shipment=undone)
    h.buy(fresh, 3, "30", product=water, quantity=10)
    return {"key": key, "fresh": fresh, "noodles": noodles, "water": water, "shipments": shipments, "undone": undone}


def test_customer_list_shows_classes_with_reasons_filters_and_exports(web: Client, shop: dict[str, Any]) -> None:
    page = web.get("/sales/customers/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "重点批发部" in text and "新开超市" in text
    assert "Top 20 % by value with at least 6 purchases." in text and "12,000.00" in text
    assert f"/sales/customers/{shop['key'].pk}/history/" in text
    assert 'id="classes-refresh"' in text

    only_key = web.get("/sales/customers/", {"customer_class": "key"}).content.decode()
    assert "重点批发部" in only_key and "新开超市" not in only_key

    export = web.get("/sales/customers/", {"sort": "-value", "export": "xlsx"})
    assert export.status_code == 200 and export["Content-Disposition"].startswith("attachment")
    rows = sheet_rows(export.content)
    assert rows[0][:4] == ("Code", "Customer", "Class", "Recorded class")
    assert [r[0] for r in rows[1:3]] == ["KEY1", "NEW1"]
    assert rows[1][2] == "key" and rows[1][3] == "new" and rows[1][7] == 6 and rows[1][8] == 12000
    assert rows[2][4] == "First purchase 3 days ago (new for 90 days); 1 purchase, ¥30.00."


def test_customer_list_queries_do_not_grow_with_customers(web: Client, shop: dict[str, Any], make_partner: Any) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert web.get("/sales/customers/").status_code == 200
        return len(queries)

    few = count()
    for n in range(6):
        make_partner(f"客户{n}")
    assert count() == few


def test_recording_the_classes_from_the_list(web: Client, shop: dict[str, Any], clerk: Any) -> None:
    assert _client(clerk).post("/sales/customers/refresh/").status_code == 403
    response = web.post("/sales/customers/refresh/", follow=True)
    assert response.status_code == 200 and "changed." in response.content.decode()
    key = Partner.objects.get(pk=shop["key"].pk)
    assert key.customer_class == "key" and "rank 1 of 2" in key.customer_class_reason
    assert AuditEntry.objects.filter(action="partner.customer_classes_refreshed").count() == 1
    assert web.get("/sales/customers/refresh/").status_code == 405


def test_history_page_shows_class_credit_lines_and_products(web: Client, shop: dict[str, Any]) -> None:
    key = shop["key"]
    page = web.get(f"/sales/customers/{key.pk}/history/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-class="key"' in text and "rank 1 of 2" in text
    assert 'id="credit-limit"' in text and 'id="credit-overdue"' in text
    first = shop["shipments"][-1]
    assert f'href="/sales/shipments/{first.pk}/"' in text and first.number in text
    assert shop["undone"].number not in text  # the reversed shipment is not a purchase
    assert "Gross profit" in text and "1,998.00" in text  # 2,000.00 − 2 × 1.00, shown to the owner
    assert 'id="summary-table"' in text and "12,000.00" in text

    ranged = web.get(f"/sales/customers/{key.pk}/history/", {"date_from": ago(60).isoformat(), "q": "方便"})
    ranged_text = ranged.content.decode()
    assert shop["shipments"][3].number in ranged_text and shop["shipments"][2].number not in ranged_text
    assert web.get(f"/sales/customers/{key.pk}/history/", {"q": "矿泉"}).content.decode().count("<tr>") <= 4

    assert web.get(f"/sales/customers/{key.pk + 999}/history/").status_code == 404


def test_history_page_queries_do_not_grow_with_lines(web: Client, shop: dict[str, Any], sell: Any) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert web.get(f"/sales/customers/{shop['key'].pk}/history/").status_code == 200
        return len(queries)

    few = count()
    h = History(sell, None, shop["water"])
    for days in (50, 40, 20):
        h.buy(shop["key"], days, "10", quantity=2)
    assert count() == few


def test_history_exports_open_in_excel(web: Client, shop: dict[str, Any]) -> None:
    key = shop["key"]
    lines = web.get(f"/sales/customers/{key.pk}/history/", {"export": "xlsx", "date_from": ago(100).isoformat()})
    rows = sheet_rows(lines.content)
    assert rows[0] == (
        "Date",
        "Shipment",
        "SKU",
        "Product",
        "Quantity",
        "Unit",
        "Unit price",
        "Amount without tax",
        "Total",
        "Cost",
        "Gross profit",
    )
    assert len(rows) == 1 + 4 and rows[1][1] == shop["shipments"][-1].number
    assert rows[1][4] == 2 and rows[1][6] == 1000 and rows[1][7] == 2000 and rows[1][10] == 1998

    summary = sheet_rows(web.get(f"/sales/customers/{key.pk}/history/", {"export": "summary"}).content)
    assert summary[0][:3] == ("SKU", "Product", "Quantity")
    assert summary[1][:3] == ("KSF", "方便面", 12) and summary[1][5] == 12000 and summary[1][8] == 1000


def test_profit_is_hidden_without_view_cost(clerk: Any, shop: dict[str, Any]) -> None:
    client = _client(clerk)
    key = shop["key"]
    text = client.get(f"/sales/customers/{key.pk}/history/").content.decode()
    assert "rank 1 of 2" in text and "2,000.00" in text
    assert "Gross profit" not in text and "1,998.00" not in text
    header = sheet_rows(client.get(f"/sales/customers/{key.pk}/history/", {"export": "xlsx"}).content)[0]
    assert "Gross profit" not in header and "Cost" not in header
    summary = sheet_rows(client.get(f"/sales/customers/{key.pk}/history/", {"export": "summary"}).content)[0]
    assert "Gross profit" not in summary
    assert 'id="classes-refresh"' not in client.get("/sales/customers/").content.decode()


def test_users_who_may_not_see_sales_prices_are_refused(make_user: Any, shop: dict[str, Any]) -> None:
    keeper = _client(_user_with(make_user, "keeper", "view_salesshipment"))  # sees shipments, not what they cost
    assert keeper.get("/sales/customers/").status_code == 403
    assert keeper.get(f"/sales/customers/{shop['key'].pk}/history/").status_code == 403
    nobody = _client(make_user("nobody"))
    assert nobody.get("/sales/customers/").status_code == 403


def test_partner_page_links_to_the_history(web: Client, shop: dict[str, Any], make_user: Any) -> None:
    text = web.get(f"/partners/{shop['key'].pk}/").content.decode()
    assert f'href="/sales/customers/{shop["key"].pk}/history/"' in text
    viewer = _client(_user_with(make_user, "viewer", "view_partner"))
    assert 'id="customer-history"' not in viewer.get(f"/partners/{shop['key'].pk}/").content.decode()


# API


def test_api_history_is_paginated_and_filtered(api: Any, shop: dict[str, Any]) -> None:
    key = shop["key"]
    page = api.get(f"/customers/{key.pk}/history", {"page_size": 4}, **EN)
    body = page.json()
    assert page.status_code == 200 and body["count"] == 6 and len(body["items"]) == 4
    first = body["items"][0]
    assert first["number"] == shop["shipments"][-1].number and first["date"] == ago(12).isoformat()
    assert (first["unit_quantity"], first["price"], first["amount"], first["profit"]) == (
        "2.000000",
        "1000.000000",
        "2000.00",
        "1998.00",
    )
    second = api.get(f"/customers/{key.pk}/history", {"page": 2, "page_size": 4}, **EN).json()
    assert len(second["items"]) == 2
    ranged = api.get(f"/customers/{key.pk}/history", {"date_to": ago(100).isoformat()}, **EN).json()
    assert ranged["count"] == 3
    assert api.get(f"/customers/{key.pk}/history", {"q": "矿泉"}, **EN).json()["count"] == 0


def test_api_history_hides_cost_without_view_cost(api_for: Any, clerk: Any, shop: dict[str, Any]) -> None:
    item = api_for(clerk).get(f"/customers/{shop['key'].pk}/history", **EN).json()["items"][0]
    assert item["amount"] == "2000.00" and "profit" not in item and "cost" not in item


def test_api_class_and_list(api: Any, shop: dict[str, Any], english: Any) -> None:
    one = api.get(f"/customers/{shop['key'].pk}/class", **EN).json()
    assert one["customer_class"] == "key" and one["recorded_class"] == "new" and one["recorded_on"] is None
    assert (one["frequency"], one["value"], one["rank"], one["ranked"], one["recency_days"]) == (
        6,
        "12000.00",
        1,
        2,
        12,
    )
    assert one["reason"].startswith("Last purchase 12 days ago; 6 purchases and ¥12,000.00")

    listed = api.get("/customer-classes", {"customer_class": "new"}, **EN).json()
    codes = [item["code"] for item in listed["items"]]
    assert "NEW1" in codes and "KEY1" not in codes and listed["count"] == len(codes)

    wrong = api.get("/customer-classes", {"customer_class": "vip"}, **EN)
    assert wrong.status_code == 422 and wrong.json()["code"] == "validation_error"
    missing = api.get("/customers/999999/class", **EN)
    assert missing.status_code == 404 and set(missing.json()) == {"code", "message", "data"}


def test_api_refresh_needs_the_permission(api: Any, api_for: Any, clerk: Any, shop: dict[str, Any]) -> None:
    refused = api_for(clerk).post("/customer-classes/refresh", **EN)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert not AuditEntry.objects.filter(action="partner.customer_classes_refreshed").exists()

    done = api.post("/customer-classes/refresh", **EN).json()
    assert done["changed"] == done["customers"] and done["classes"]["key"] == 1
    assert api.post("/customer-classes/refresh", **EN).json()["changed"] == 0
    assert Partner.objects.get(pk=shop["key"].pk).customer_class == "key"
