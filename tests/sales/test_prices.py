"""Agreed prices (协议价): the services with every error writing nothing, the proposal that follows them, the page per
customer with its Excel export, the API; and the registry of goods on order that the sales lines read."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jxc.accounts.models import AuditEntry
from jxc.catalog.services.products import product_set_active
from jxc.core.errors import NotFound, RecordInactive, ValidationFailed
from jxc.inventory.selectors.incoming import _providers, incoming_quantities, incoming_register
from jxc.purchasing.services.orders import (
    OrderData,
    OrderLineData,
    purchase_order_approve,
    purchase_order_close,
    purchase_order_create,
    purchase_order_submit,
)
from jxc.purchasing.services.receipts import (
    ReceiptData,
    ReceiptLineData,
    purchase_receipt_create,
    purchase_receipt_post,
)
from jxc.sales.models import CustomerPrice
from jxc.sales.selectors.prices import sale_price
from jxc.sales.services.orders import sales_order_submit
from jxc.sales.services.prices import CustomerPriceData, customer_price_remove, customer_price_save
from tests.conftest import audit_count
from tests.helpers import sheet_rows
from tests.sales.conftest import DAY, sale


@pytest.fixture
def noodles(make_product):
    return make_product(sku="KSF", name="康师傅红烧牛肉面", wholesale_price=D("3.00"))


def agree(owner, customer, product, price="2.80", notes=""):
    return customer_price_save(
        actor=owner,
        data=CustomerPriceData(customer_id=customer.pk, product_id=product.pk, price=D(price), notes=notes),
    )


def written():
    return CustomerPrice.objects.count(), list(CustomerPrice.objects.values_list("price", flat=True)), audit_count()


def proposed(customer, product):
    return sale_price(customer=customer, product=product, factor=D(1), tax_rate=D(13), include_tax=True)


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


# Services


def test_agreeing_a_price_then_changing_it_is_audited_and_proposed(owner, customer, noodles):
    assert proposed(customer, noodles) == (D("3.000000"), "wholesale")
    row = agree(owner, customer, noodles, "2.80", "年度协议")
    assert (row.price, row.notes) == (D("2.8"), "年度协议")
    entry = AuditEntry.objects.get(action="customer_price.agreed")
    assert entry.target_repr == "城东惠民超市 · 康师傅红烧牛肉面" and entry.after["price"] == "2.800000"
    assert proposed(customer, noodles) == (D("2.800000"), "agreed")
    again = agree(owner, customer, noodles, "2.75")
    assert again.pk == row.pk and CustomerPrice.objects.count() == 1
    changed = AuditEntry.objects.get(action="customer_price.changed")
    assert changed.before["price"] == "2.800000" and changed.after["price"] == "2.750000"


def test_removing_keeps_the_last_price_sold_or_deletes_the_row(owner, sell, customer, noodles, make_product):
    sell.stock(noodles, 10, "2.00")
    sales_order_submit(actor=owner, order=sell.order(sale(noodles, 1, "3.39")))  # last price sold: 3.00
    row = agree(owner, customer, noodles, "2.80")
    customer_price_remove(actor=owner, price=row)
    row.refresh_from_db()
    assert row.price is None and row.last_price == D("3") and proposed(customer, noodles)[1] == "last_sale"
    assert AuditEntry.objects.get(action="customer_price.removed").before["price"] == "2.800000"
    with pytest.raises(NotFound):
        customer_price_remove(actor=owner, price=row)  # no agreed price left to remove
    cola = make_product(sku="COKE", name="可口可乐")
    only = agree(owner, customer, cola, "2.00")
    customer_price_remove(actor=owner, price=only)
    assert not CustomerPrice.objects.filter(product=cola).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price": D("-0.01")}, "price"),
        ({"price": D("1.1234567")}, "price"),
        ({"price": None}, "price"),
        ({"product_id": 999999}, "product_id"),
        ({"product_id": None}, "product_id"),
        ({"customer_id": 999999}, "customer_id"),
        ({"notes": "x" * 201}, "notes"),
    ],
)
def test_invalid_agreed_prices_are_refused_and_nothing_is_written(owner, customer, noodles, change, field):
    agree(owner, customer, noodles, "2.80")
    before = written()
    data = CustomerPriceData(customer_id=customer.pk, product_id=noodles.pk, price=D("2.50"))
    for key, value in change.items():
        setattr(data, key, value)
    with pytest.raises(ValidationFailed) as error:
        customer_price_save(actor=owner, data=data)
    assert field in error.value.errors
    assert written() == before


def test_inactive_customers_and_products_and_suppliers_are_refused(owner, customer, noodles, make_partner):
    supplier = make_partner("华南食品批发", is_customer=False, is_supplier=True)
    with pytest.raises(ValidationFailed) as not_a_customer:
        customer_price_save(
            actor=owner, data=CustomerPriceData(customer_id=supplier.pk, product_id=noodles.pk, price=D(1))
        )
    assert "customer_id" in not_a_customer.value.errors
    product_set_active(actor=None, product=noodles, active=False)
    with pytest.raises(RecordInactive) as product_error:
        agree(owner, customer, noodles)
    assert product_error.value.field == "product_id"
    product_set_active(actor=None, product=noodles, active=True)
    customer.active = False
    customer.save()
    before = written()
    with pytest.raises(RecordInactive) as customer_error:
        agree(owner, customer, noodles)
    assert customer_error.value.field == "customer_id" and written() == before


# Pages


def test_the_page_lists_a_customers_prices_and_exports_them(owner, customer, noodles, make_partner, make_product):
    other = make_partner("北方便利店")
    cola = make_product(sku="COKE", name="可口可乐")
    agree(owner, customer, noodles, "2.80", "年度协议")
    agree(owner, customer, cola, "2.20")
    agree(owner, other, noodles, "2.95")
    CustomerPrice.objects.create(customer=other, product=cola, last_price=D("2.10"))  # last price only: not listed
    web = _client(owner)
    page = web.get("/sales/prices/", {"customer": customer.pk}).content.decode()
    assert "2.80" in page and "2.20" in page and "2.95" not in page and "年度协议" in page
    assert f'href="/sales/prices/new/?customer={customer.pk}"' in page and "data-edit-price" in page
    everyone = web.get("/sales/prices/").content.decode()
    assert "2.95" in everyone and "北方便利店" in everyone and "2.10" not in everyone
    assert "2.20" in web.get("/sales/prices/", {"q": "COKE"}).content.decode()
    assert "2.80" not in web.get("/sales/prices/", {"q": "COKE"}).content.decode()
    response = web.get("/sales/prices/", {"customer": customer.pk, "export": "xlsx"})
    assert response.status_code == 200 and "agreed-prices" in response["Content-Disposition"]
    header, *rows = sheet_rows(response.content)
    assert header[:4] == ("Customer code", "Customer", "SKU", "Product") and "Agreed price" in header
    assert sorted(dict(zip(header, r, strict=True))["Agreed price"] for r in rows) == [2.2, 2.8]


def test_add_change_and_remove_an_agreed_price_on_the_page(make_user, customer, noodles, english):
    seller = make_user("seller", "sales")
    web = _client(seller)
    form = web.get("/sales/prices/new/", {"customer": customer.pk}).content.decode()
    assert f'<option value="{customer.pk}" selected>' in form and "Per base unit, with tax" in form
    response = web.post(
        "/sales/prices/new/", {"customer": customer.pk, "product": "KSF", "price": "2.80", "notes": "年度协议"}
    )
    assert response.status_code == 302 and response["Location"] == f"/sales/prices/?customer={customer.pk}"
    row = CustomerPrice.objects.get()
    assert (row.price, row.notes) == (D("2.8"), "年度协议")
    edit = web.get(f"/sales/prices/{row.pk}/edit/").content.decode()
    assert 'value="2.8"' in edit and 'id="price-remove"' in edit and 'name="product"' not in edit
    assert web.post(f"/sales/prices/{row.pk}/edit/", {"price": "2.70", "notes": ""}).status_code == 302
    row.refresh_from_db()
    assert row.price == D("2.7")
    removed = web.post(f"/sales/prices/{row.pk}/remove/", follow=True)
    assert "Removed the agreed price" in removed.content.decode() and not CustomerPrice.objects.exists()
    assert web.get(f"/sales/prices/{row.pk}/edit/").status_code == 404
    assert web.get(f"/sales/prices/{row.pk}/remove/").status_code == 405


def test_page_errors_stay_next_to_their_field_and_nothing_is_written(owner, customer, noodles, english):
    web = _client(owner)
    unknown = web.post("/sales/prices/new/", {"customer": customer.pk, "product": "NOPE", "price": "2", "notes": "k"})
    assert unknown.status_code == 422 and "No product has this barcode or SKU." in unknown.content.decode()
    assert 'value="k"' in unknown.content.decode()
    negative = web.post("/sales/prices/new/", {"customer": customer.pk, "product": "KSF", "price": "-1"})
    assert negative.status_code == 422 and 'id="field-price"' in negative.content.decode()
    product_set_active(actor=None, product=noodles, active=False)
    before = written()
    inactive = web.post("/sales/prices/new/", {"customer": customer.pk, "product": "KSF", "price": "2"})
    page = inactive.content.decode()
    assert inactive.status_code == 422 and "is deactivated" in page[page.index('id="field-product"') :]
    assert written() == before


def test_who_may_see_and_change_agreed_prices(make_user, customer, noodles, owner):
    row = agree(owner, customer, noodles)
    keeper = _client(make_user("keeper", "warehouse"))
    assert keeper.get("/sales/prices/").status_code == 403
    assert keeper.post(f"/sales/prices/{row.pk}/remove/").status_code == 403
    accountant = _client(make_user("acc", "accountant"))
    assert accountant.get("/sales/prices/").status_code == 200  # reads them, beside the customers' figures
    assert accountant.post(f"/sales/prices/{row.pk}/remove/").status_code == 403
    seller = _client(make_user("seller", "sales"))
    assert seller.get("/sales/prices/").status_code == 200


# API


def test_agreed_prices_over_the_api(api, customer, noodles, make_product):
    cola = make_product(sku="COKE", name="可口可乐")
    created = api.post(
        "/customer-prices", {"customer_id": customer.pk, "product_id": noodles.pk, "price": "2.80", "notes": "年度"}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["price"], body["sku"], body["base_unit"], body["prices_include_tax"]) == (
        "2.800000",
        "KSF",
        "包",
        True,
    )
    replaced = api.post("/customer-prices", {"customer_id": customer.pk, "product_id": noodles.pk, "price": "2.75"})
    assert replaced.status_code == 200 and replaced.json()["id"] == body["id"]
    api.post("/customer-prices", {"customer_id": customer.pk, "product_id": cola.pk, "price": "2.00"})
    listed = api.get("/customer-prices", {"customer_id": customer.pk}).json()
    assert listed["count"] == 2 and {i["sku"] for i in listed["items"]} == {"KSF", "COKE"}
    assert api.get("/customer-prices", {"q": "可口"}).json()["count"] == 1
    assert api.get("/customer-prices", {"page_size": 1, "page": 2}).json()["items"][0]["sku"] in {"KSF", "COKE"}
    got = api.get(f"/customer-prices/{body['id']}").json()
    assert got["price"] == "2.750000" and got["notes"] == ""
    changed = api.put(f"/customer-prices/{body['id']}", {"price": "2.60", "notes": "调价"})
    assert changed.status_code == 200 and changed.json()["price"] == "2.600000" and changed.json()["notes"] == "调价"
    rows = sheet_rows(api.get("/customer-prices/export").content)
    assert len(rows) == 3 and 2.6 in [value for row in rows[1:] for value in row]
    assert api.client.delete(f"/api/v1/customer-prices/{body['id']}").status_code == 204
    gone = api.get(f"/customer-prices/{body['id']}")
    assert gone.status_code == 404 and gone.json()["code"] == "not_found"
    assert api.client.delete(f"/api/v1/customer-prices/{body['id']}").status_code == 404


def test_api_errors_write_nothing(api, api_for, customer, noodles, make_user):
    keeper = api_for(make_user("keeper", "warehouse"))
    before = written()
    negative = api.post("/customer-prices", {"customer_id": customer.pk, "product_id": noodles.pk, "price": "-1"})
    assert negative.status_code == 422 and "price" in negative.json()["data"]["errors"]
    unknown = api.post("/customer-prices", {"customer_id": customer.pk, "product_id": 999999, "price": "1"})
    assert unknown.status_code == 422 and "product_id" in unknown.json()["data"]["errors"]
    too_precise = api.post(
        "/customer-prices", {"customer_id": customer.pk, "product_id": noodles.pk, "price": "1.1234567"}
    )
    assert too_precise.status_code == 422
    assert written() == before
    product_set_active(actor=None, product=noodles, active=False)
    before = written()
    inactive = api.post("/customer-prices", {"customer_id": customer.pk, "product_id": noodles.pk, "price": "1"})
    assert inactive.status_code == 409 and inactive.json()["code"] == "inactive"
    assert keeper.get("/customer-prices").status_code == 403
    assert (
        keeper.post(
            "/customer-prices", {"customer_id": customer.pk, "product_id": noodles.pk, "price": "1"}
        ).status_code
        == 403
    )
    assert api.put("/customer-prices/999999", {"price": "1"}).status_code == 404
    assert written() == before


# Goods on order, as the sales lines read them


def test_goods_on_order_come_from_open_purchase_orders_in_one_query(owner, noodles, make_partner, make_warehouse):
    main, shop = make_warehouse(), make_warehouse("SHOP", "门店仓")
    supplier = make_partner("华南食品批发", is_customer=False, is_supplier=True)

    def order(quantity, warehouse, approve=True):
        created = purchase_order_create(
            actor=owner,
            data=OrderData(
                supplier_id=supplier.pk,
                warehouse_id=warehouse.pk,
                date=DAY,
                lines=[OrderLineData(product_id=noodles.pk, quantity=D(quantity), price=D("2.00"))],
            ),
        )
        if approve and not purchase_order_submit(actor=owner, order=created).approved:
            purchase_order_approve(actor=owner, order=created)
        created.refresh_from_db()
        return created

    partly = order(10, main)
    order(3, main, approve=False)  # a draft: not on order yet
    order(4, shop)  # another warehouse
    closed = order(8, main)
    purchase_order_close(actor=owner, order=closed, reason="缺货")
    receipt = purchase_receipt_create(
        actor=owner,
        data=ReceiptData(
            supplier_id=supplier.pk,
            warehouse_id=main.pk,
            date=DAY,
            lines=[ReceiptLineData(product_id=noodles.pk, order_line_id=partly.lines.get().pk, received_quantity=D(6))],
        ),
    )
    purchase_receipt_post(actor=owner, receipt=receipt)
    with CaptureQueriesContext(connection) as queries:
        incoming = incoming_quantities([noodles.pk, noodles.pk + 1000], main.pk)
    assert incoming == {noodles.pk: D(4)} and len(queries) == len(_providers)
    assert incoming_quantities([noodles.pk], shop.pk) == {noodles.pk: D(4)}
    assert incoming_quantities([], main.pk) == {}


def test_providers_are_summed_and_registered_once(noodles):
    def extra(product_ids, warehouse_id):
        return {p: D(2) for p in product_ids}

    incoming_register(extra)
    incoming_register(extra)
    try:
        assert _providers.count(extra) == 1
        assert incoming_quantities([noodles.pk], 999) == {noodles.pk: D(2)}
    finally:
        _providers.remove(extra)
