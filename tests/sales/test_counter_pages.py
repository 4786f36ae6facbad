"""The counter page (门店收银): the checkout, adding by scan, paying, the receipt, refusals that keep the cart, and
the API."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.test import Client

from jxc.core.models.sequences import Sequence
from jxc.inventory.models import StockBalance, StockMove
from jxc.partners.models import PartnerBalance, PartnerEntry
from jxc.sales.models import SalesShipment
from tests.conftest import audit_count


@pytest.fixture
def shelf(sell, make_product):
    cola = make_product(sku="COLA", name="可口可乐 330ml", retail_price=D("3.00"), wholesale_price=D("2.50"))
    chips = make_product(sku="CHIPS", name="乐事薯片", retail_price=D("6.50"))
    sell.stock(cola, 48, "1.80")
    sell.stock(chips, 5, "4.00")
    return cola, chips


@pytest.fixture
def cashier(make_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make_user("shouyin", "cashier"))
    return client


def barcode(product, unit_name="包"):
    return next(b.code for b in product.barcodes.select_related("unit").all() if b.unit.name == unit_name)


def cart(warehouse, *rows, method="cash", cash_given="", level="", customer=""):
    """The checkout form as the page posts it."""
    data = {
        "warehouse": warehouse.pk,
        "price_level": level,
        "customer": customer,
        "payment_method": method,
        "lines-TOTAL_FORMS": len(rows),
        "lines-INITIAL_FORMS": 0,
        "lines-MIN_NUM_FORMS": 0,
        "lines-MAX_NUM_FORMS": 500,
    }
    if method == "cash":
        data["cash_given"] = cash_given
    for i, (product, quantity, price, *discount) in enumerate(rows):
        data.update(
            {
                f"lines-{i}-product": product.pk,
                f"lines-{i}-unit": product.base_unit_id,
                f"lines-{i}-quantity": quantity,
                f"lines-{i}-price": price,
                f"lines-{i}-discount_pct": discount[0] if discount else "",
            }
        )
    return data


def written():
    return (
        SalesShipment.objects.count(),
        StockMove.objects.count(),
        PartnerEntry.objects.count(),
        audit_count(),
        list(Sequence.objects.values_list("key", "last")),
        sorted(StockBalance.objects.values_list("product_id", "on_hand")),
    )


def test_counter_page_opens_with_the_scan_field_focused(cashier, warehouse):
    response = cashier.get("/sales/counter/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="counter-scan" autofocus' in page
    assert f'<option value="{warehouse.pk}" selected>' in page
    for key in ("F5", "F6", "F7", "F8", "F9"):
        assert f"<kbd>{key}</kbd>" in page
    assert 'aria-pressed="true" id="pay-cash"' in page
    assert "sales/counter.js" in page
    assert 'href="/sales/counter/"' in page  # the sidebar's Counter item


def test_counter_needs_the_right_to_ship(make_user, warehouse):
    salesperson = Client()
    salesperson.force_login(make_user("xiaoshou", "sales"))
    assert salesperson.get("/sales/counter/").status_code == 403
    assert salesperson.get("/sales/counter/lookup/", {"code": "x"}).status_code == 403
    assert 'href="/sales/counter/"' not in salesperson.get("/").content.decode()


def test_a_scan_gives_a_cart_row_at_the_level_price(cashier, warehouse, shelf):
    cola, _chips = shelf
    single = cashier.get("/sales/counter/lookup/", {"code": barcode(cola), "index": 3}).json()
    assert (single["product_id"], single["unit"], single["price"], single["factor"]) == (cola.pk, "包", "3.00", "1")
    assert 'name="lines-3-product"' in single["html"] and 'value="3.00"' in single["html"]
    assert 'name="lines-3-quantity" value="1"' in single["html"]
    case = cashier.get("/sales/counter/lookup/", {"code": barcode(cola, "箱"), "level": "wholesale"}).json()
    assert (case["unit"], case["factor"], case["price"]) == ("箱", "24", "60.00")  # 24 × 2.50
    by_sku = cashier.get("/sales/counter/lookup/", {"code": "cola"}).json()
    assert by_sku["product_id"] == cola.pk
    chosen = cashier.get("/sales/counter/lookup/", {"product": cola.pk, "level": "wholesale"}).json()
    assert chosen["price"] == "2.50"


def test_an_unknown_code_is_refused(cashier, warehouse, shelf):
    response = cashier.get("/sales/counter/lookup/", {"code": "6900000000000"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and "6900000000000" in response.json()["message"]


def test_suggestions_by_name_and_pinyin_and_customers(cashier, warehouse, shelf, make_partner):
    cola, chips = shelf
    found = cashier.get("/sales/counter/suggest/", {"q": "可乐"}).content.decode()
    assert f'data-id="{cola.pk}"' in found and f'data-id="{chips.pk}"' not in found
    assert 'role="option"' in found
    by_initials = cashier.get("/sales/counter/suggest/", {"q": "lssp"}).content.decode()  # 乐事薯片
    assert f'data-id="{chips.pk}"' in by_initials and f'data-id="{cola.pk}"' not in by_initials
    make_partner("会员王女士")
    customers = cashier.get("/sales/counter/suggest/", {"q": "王", "kind": "customer"}).content.decode()
    assert "会员王女士" in customers
    assert "No product matches" in cashier.get("/sales/counter/suggest/", {"q": "zzz"}).content.decode()


def test_paying_cash_with_change_opens_the_receipt(cashier, warehouse, shelf):
    cola, chips = shelf
    response = cashier.post(
        "/sales/counter/", cart(warehouse, (cola, "2", "3.00"), (chips, "1", "6.50", "10"), cash_given="20")
    )
    shipment = SalesShipment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sales/counter/{shipment.pk}/receipt/"
    assert (shipment.channel, shipment.status, shipment.payment_method) == ("counter", "posted", "cash")
    assert (shipment.total, shipment.cash_given, shipment.change) == (D("11.85"), D("20.00"), D("8.15"))
    assert StockBalance.objects.get(product=cola, warehouse=warehouse).on_hand == 46
    assert PartnerBalance.objects.get(partner=shipment.customer).receivable == 0

    receipt = cashier.get(response["Location"]).content.decode()
    assert "@page { size: 80mm auto; margin: 0 }" in receipt
    assert shipment.number in receipt and "shouyin" in receipt
    assert '<span id="receipt-total">¥11.85</span>' in receipt
    assert '<span id="receipt-given">20.00</span>' in receipt and '<span id="receipt-change">8.15</span>' in receipt
    assert "2 包 × 3.00" in receipt and "−10%" in receipt and '<span id="receipt-discount">−0.65</span>' in receipt
    assert "window.print()" in receipt
    assert f'href="/sales/counter/?warehouse={warehouse.pk}"' in receipt
    # The next checkout starts in the same warehouse.
    assert f'<option value="{warehouse.pk}" selected>' in cashier.get("/sales/counter/").content.decode()


def test_wechat_at_the_wholesale_level_and_the_new_sale_link_keeps_it(cashier, warehouse, shelf, make_partner):
    cola, _chips = shelf
    member = make_partner("会员王女士")
    response = cashier.post(
        "/sales/counter/",
        cart(warehouse, (cola, "4", "2.50"), method="wechat", level="wholesale", customer=member.pk),
    )
    shipment = SalesShipment.objects.get()
    assert response["Location"] == f"/sales/counter/{shipment.pk}/receipt/?level=wholesale"
    assert (shipment.customer, shipment.payment_method, shipment.total, shipment.change) == (
        member,
        "wechat",
        D("10.00"),
        D(0),
    )
    receipt = cashier.get(response["Location"]).content.decode()
    assert f"?warehouse={warehouse.pk}&amp;level=wholesale" in receipt and "会员王女士" in receipt
    assert "receipt-change" not in receipt
    page = cashier.get(f"/sales/counter/?warehouse={warehouse.pk}&level=wholesale").content.decode()
    assert '<option value="wholesale" selected>' in page


def test_out_of_stock_keeps_the_cart_and_marks_the_item(cashier, warehouse, shelf):
    cola, chips = shelf
    before = written()
    response = cashier.post(
        "/sales/counter/", cart(warehouse, (cola, "2", "2.80"), (chips, "6", "6.50", "5"), cash_given="50")
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert written() == before
    assert 'name="lines-0-price" value="2.80"' in page and 'name="lines-1-quantity" value="6"' in page
    assert 'name="lines-1-discount_pct" value="5"' in page and 'name="cash_given" value="50"' in page
    assert "乐事薯片" in page and "可口可乐 330ml" in page
    assert 'role="alert"' in page and "5 包 left, 6 包 wanted" in page


def test_cash_short_is_shown_by_the_cash_given(cashier, warehouse, shelf):
    cola, _chips = shelf
    before = written()
    response = cashier.post("/sales/counter/", cart(warehouse, (cola, "3", "3.00"), cash_given="5"))
    page = response.content.decode()
    assert response.status_code == 422
    assert written() == before
    assert (
        '<ul class="errorlist" role="alert" id="cash-given-error"><li>5.00 given is less than the total 9.00.' in page
    )
    assert 'name="lines-0-quantity" value="3"' in page


def test_an_empty_cart_or_a_bad_quantity_is_refused(cashier, warehouse, shelf):
    cola, _chips = shelf
    before = written()
    empty = cashier.post("/sales/counter/", cart(warehouse))
    assert empty.status_code == 422 and "Scan or add at least one item." in empty.content.decode()
    zero = cashier.post("/sales/counter/", cart(warehouse, (cola, "0", "3.00")))
    assert zero.status_code == 422 and "The quantity must be greater than zero." in zero.content.decode()
    assert written() == before


def test_the_receipt_is_only_for_counter_sales_in_the_users_warehouses(cashier, web, warehouse, shelf, make_user):
    cola, _chips = shelf
    cashier.post("/sales/counter/", cart(warehouse, (cola, "1", "3.00")))
    shipment = SalesShipment.objects.get()
    other = Client()
    other.force_login(make_user("elsewhere", "cashier", all_warehouses=False))
    assert other.get(f"/sales/counter/{shipment.pk}/receipt/").status_code == 404
    assert web.get(f"/sales/counter/{shipment.pk}/receipt/").status_code == 200


# The API


def test_api_checkout_returns_the_summary_with_the_receipt(api_for, make_user, warehouse, shelf):
    cola, chips = shelf
    api = api_for(make_user("pos", "cashier"))
    response = api.post(
        "/counter-sales",
        {
            "warehouse_id": warehouse.pk,
            "payment_method": "cash",
            "cash_given": "50",
            "lines": [
                {"product_id": cola.pk, "quantity": "2"},
                {"product_id": chips.pk, "quantity": "1", "price": "6.00", "discount_pct": "0"},
            ],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    shipment = SalesShipment.objects.get()
    assert body["number"] == shipment.number and body["number"].startswith("CK")
    assert (D(body["total"]), D(body["paid"]), D(body["change"])) == (D("12.00"), D("12.00"), D("38.00"))
    assert body["receipt_url"] == f"/sales/counter/{shipment.pk}/receipt/"
    assert [(ln["sku"], D(ln["quantity"]), D(ln["price"]), D(ln["total"])) for ln in body["lines"]] == [
        ("COLA", 2, D("3.00"), D("6.00")),
        ("CHIPS", 1, D("6.00"), D("6.00")),
    ]
    assert StockBalance.objects.get(product=chips, warehouse=warehouse).on_hand == 4


def test_api_refusals_write_nothing(api_for, make_user, warehouse, shelf):
    cola, chips = shelf
    api = api_for(make_user("pos", "cashier"))
    before = written()
    short = api.post(
        "/counter-sales",
        {
            "warehouse_id": warehouse.pk,
            "payment_method": "cash",
            "cash_given": "1",
            "lines": [{"product_id": cola.pk, "quantity": "2"}],
        },
    )
    assert short.status_code == 409 and short.json()["code"] == "payment_short"
    stock = api.post(
        "/counter-sales",
        {"warehouse_id": warehouse.pk, "payment_method": "card", "lines": [{"product_id": chips.pk, "quantity": "9"}]},
    )
    assert stock.status_code == 409 and stock.json()["code"] == "insufficient_stock"
    assert stock.json()["data"]["items"][0]["product_id"] == chips.pk
    method = api.post(
        "/counter-sales",
        {
            "warehouse_id": warehouse.pk,
            "payment_method": "bitcoin",
            "lines": [{"product_id": cola.pk, "quantity": "1"}],
        },
    )
    assert method.status_code == 422 and "payment_method" in method.json()["data"]["errors"]
    assert written() == before
    salesperson = api_for(make_user("xiaoshou", "sales"))
    refused = salesperson.post("/counter-sales", {"warehouse_id": warehouse.pk, "payment_method": "cash", "lines": []})
    assert refused.status_code == 403


def test_api_lookup(api_for, make_user, warehouse, shelf):
    cola, _chips = shelf
    api = api_for(make_user("pos", "cashier"))
    hit = api.get("/counter-sales/lookup", {"code": barcode(cola, "箱"), "price_level": "wholesale"}).json()
    assert (hit["product_id"], hit["unit"], D(hit["factor"]), D(hit["price"])) == (cola.pk, "箱", 24, D("60"))
    assert hit["price_source"] == "wholesale"
    missing = api.get("/counter-sales/lookup", {"code": "nope"})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    bad_level = api.get("/counter-sales/lookup", {"code": "COLA", "price_level": "gold"})
    assert bad_level.status_code == 422
