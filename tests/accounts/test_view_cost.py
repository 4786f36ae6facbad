"""Purchase prices are shown only with accounts.view_cost: never in the API, pages, exports or imports otherwise.

Roles without view_cost: sales, warehouse, cashier. None of them may edit products, so the form, template and
import checks use such a user who was additionally given the product permissions directly
(catalog.add_product and catalog.change_product): the cost must stay hidden for them too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jxc.accounts.models import AuditEntry, User
from jxc.catalog.models import Product
from jxc.core.models import ImportBatch
from tests.helpers import sheet_rows, xlsx

COST = Decimal("7.654321")
COST_TEXT = "7.654321"
LABELS = {"zh-hans": "进价", "en": "Purchase price"}
NO_COST_ROLES = ("sales", "warehouse", "cashier")


@pytest.fixture
def product(make_product) -> Product:
    return make_product(sku="COST-1", name="统一老坛酸菜面", purchase_price=COST)


def _editor(make_user, role: str) -> User:
    """A user of this role who may also create and change products (but still has no view_cost)."""
    user = make_user(f"editor-{role}", role)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="catalog", codename__in=["add_product", "change_product"])
    )
    user = User.objects.get(pk=user.pk)  # no cached permissions
    assert user.has_perm("catalog.change_product") and not user.has_perm("accounts.view_cost")
    return user


def _browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, path: str, language: str) -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def _holds_cost(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return abs(Decimal(str(value)) - COST) < Decimal("0.0000001")
    return COST_TEXT in str(value)


# The REST API


@pytest.mark.parametrize("role", NO_COST_ROLES)
def test_api_leaves_the_purchase_price_out_without_view_cost(make_user, api_for, product, role):
    # given a user whose role has no view_cost
    api = api_for(make_user(role, role))

    # when they read the product in every way the API offers
    listed = api.get("/products").json()["items"]
    detail = api.get(f"/products/{product.pk}").json()
    by_barcode = api.get("/products/lookup", {"code": "6900000000001"}).json()
    by_sku = api.get("/products/lookup", {"code": "COST-1"}).json()

    # then the key is absent everywhere (not null), and the value appears nowhere
    assert [p["sku"] for p in listed] == ["COST-1"]
    for item in (listed[0], detail, by_barcode["product"], by_sku["product"]):
        assert "purchase_price" not in item
        assert item["retail_price"] == "3.500000"
    for response in (api.get("/products"), api.get(f"/products/{product.pk}"), api.get("/search", {"q": "COST"})):
        assert COST_TEXT not in response.content.decode()


def test_api_shows_the_purchase_price_to_a_purchaser(make_user, api_for, product):
    api = api_for(make_user("li", "purchaser"))
    assert api.get("/products").json()["items"][0]["purchase_price"] == COST_TEXT
    assert api.get(f"/products/{product.pk}").json()["purchase_price"] == COST_TEXT
    assert api.get("/products/lookup", {"code": "COST-1"}).json()["product"]["purchase_price"] == COST_TEXT


# Pages


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", NO_COST_ROLES)
def test_product_pages_hide_the_purchase_price_without_view_cost(make_user, product, role, language):
    client = _browser(make_user(role, role))
    for path in ("/catalog/products/", f"/catalog/products/{product.pk}/", "/catalog/products/?sort=purchase_price"):
        html = _page(client, path, language)
        assert product.name in html
        assert COST_TEXT not in html, path
        assert LABELS[language] not in html, path


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", NO_COST_ROLES)
def test_product_form_hides_the_purchase_price_without_view_cost(make_user, product, role, language):
    client = _browser(_editor(make_user, role))
    for path in (f"/catalog/products/{product.pk}/edit/", "/catalog/products/new/"):
        html = _page(client, path, language)
        assert COST_TEXT not in html, path
        assert LABELS[language] not in html, path
        assert 'name="purchase_price"' not in html, path


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_product_pages_show_the_purchase_price_to_a_purchaser(make_user, product, language):
    client = _browser(make_user("li", "purchaser"))
    for path in ("/catalog/products/", f"/catalog/products/{product.pk}/", f"/catalog/products/{product.pk}/edit/"):
        html = _page(client, path, language)
        assert COST_TEXT in html, path
        assert LABELS[language] in html, path
    assert 'name="purchase_price"' in _page(client, f"/catalog/products/{product.pk}/edit/", language)


# Excel export and import


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", NO_COST_ROLES)
def test_exports_have_no_purchase_price_column_without_view_cost(make_user, api_for, product, role, language):
    user = make_user(role, role)
    downloads = {
        "page": _browser(user).get("/catalog/products/?export=xlsx", HTTP_ACCEPT_LANGUAGE=language),
        "api": api_for(user).get("/products/export", HTTP_ACCEPT_LANGUAGE=language),
    }
    for source, response in downloads.items():
        assert response.status_code == 200, source
        rows = sheet_rows(response.content)
        header, data = rows[0], rows[1:]
        assert LABELS[language] not in header, source
        assert len(data) == 1 and "COST-1" in data[0], source
        assert not any(_holds_cost(cell) for row in rows for cell in row), source


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_exports_have_the_purchase_price_column_for_a_purchaser(make_user, api_for, product, language):
    user = make_user("li", "purchaser")
    for response in (
        _browser(user).get("/catalog/products/?export=xlsx", HTTP_ACCEPT_LANGUAGE=language),
        api_for(user).get("/products/export", HTTP_ACCEPT_LANGUAGE=language),
    ):
        header, row = sheet_rows(response.content)
        column = header.index(LABELS[language])
        assert _holds_cost(row[column])


@pytest.mark.parametrize("role", NO_COST_ROLES)
def test_import_template_has_no_purchase_price_column_without_view_cost(make_user, role):
    client = _browser(_editor(make_user, role))
    for language, label in LABELS.items():
        response = client.get("/catalog/products/import/?template=1", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        (header,) = sheet_rows(response.content)
        assert label not in header
        assert LABELS["en"] not in header and LABELS["zh-hans"] not in header
        html = _page(client, "/catalog/products/import/", language)
        assert label not in html


def test_import_template_has_the_purchase_price_column_for_a_purchaser(make_user):
    client = _browser(make_user("li", "purchaser"))
    (header,) = sheet_rows(client.get("/catalog/products/import/?template=1", HTTP_ACCEPT_LANGUAGE="en").content)
    assert "Purchase price" in header


@pytest.mark.parametrize("header_label", ["Purchase price", "进价", "purchase_price"])
@pytest.mark.parametrize("role", NO_COST_ROLES)
def test_an_import_with_a_purchase_price_column_is_refused_without_view_cost(
    make_user, api_for, units, role, header_label
):
    # given a product file that sets a purchase price
    user = _editor(make_user, role)
    api, client = api_for(user), _browser(user)
    content = xlsx(["SKU", "Name", "Base unit", header_label], ["NEW-1", "新商品", "包", "1.23"])
    before = (Product.objects.count(), AuditEntry.objects.count(), ImportBatch.objects.count())

    # when such a user imports it through the API (commit) and through the page (check)
    response = api.client.post(
        "/api/v1/products/import?dry_run=false",
        {"file": SimpleUploadedFile("p.xlsx", content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = client.post(
        "/catalog/products/import/", {"file": SimpleUploadedFile("p.xlsx", content)}, HTTP_ACCEPT_LANGUAGE="en"
    )

    # then the header check names the column as unknown, and nothing was written
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "import_failed"
    assert f"unknown columns: {header_label}" in body["data"]["fatal"]
    assert body["data"]["committed"] is False
    assert page.status_code == 422
    assert f"unknown columns: {header_label}" in page.content.decode()
    assert (Product.objects.count(), AuditEntry.objects.count(), ImportBatch.objects.count()) == before


def test_a_purchaser_may_import_purchase_prices(make_user, api_for, units):
    api = api_for(make_user("li", "purchaser"))
    content = xlsx(["SKU", "Name", "Base unit", "Purchase price"], ["NEW-1", "新商品", "包", "7.654321"])
    response = api.client.post("/api/v1/products/import?dry_run=false", {"file": SimpleUploadedFile("p.xlsx", content)})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    assert Product.objects.get(sku="NEW-1").purchase_price == COST


# Changing a product without view_cost keeps its purchase price


def _form_data(product: Product, units: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = {
        "sku": product.sku,
        "name": product.name,
        "spec": "",
        "category": "",
        "brand": "",
        "base_unit": units["包"].pk,
        "retail_price": "3.5",
        "wholesale_price": "0",
        "min_price": "0",
        "tax_rate": "13",
        "units-TOTAL_FORMS": "1",
        "units-INITIAL_FORMS": "1",
        "units-0-unit": units["箱"].pk,
        "units-0-factor": "24",
        "barcodes-TOTAL_FORMS": "2",
        "barcodes-INITIAL_FORMS": "2",
        "barcodes-0-code": "16900000000001",
        "barcodes-0-unit": units["箱"].pk,
        "barcodes-1-code": "6900000000001",
        "barcodes-1-unit": "",
    }
    data.update(changes)
    return data


def test_editing_a_product_in_the_form_without_view_cost_keeps_the_purchase_price(make_user, units, product):
    # given a sales user allowed to change products, and a product that cost 7.654321
    client = _browser(_editor(make_user, "sales"))

    # when they save the form with a new name (and even slip in a purchase price)
    response = client.post(
        f"/catalog/products/{product.pk}/edit/",
        _form_data(product, units, name="统一老坛酸菜面 新装", purchase_price="0.01"),
    )

    # then the name changed but the purchase price did not
    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    assert product.name == "统一老坛酸菜面 新装"
    assert product.purchase_price == COST
    assert product.units.count() == 1 and product.barcodes.count() == 2
    change = AuditEntry.objects.filter(action="product.changed").get()
    assert "purchase_price" not in change.after


def test_editing_a_product_through_the_api_without_view_cost_keeps_the_purchase_price(make_user, api_for, product):
    api = api_for(_editor(make_user, "sales"))

    patched = api.patch(f"/products/{product.pk}", {"name": "新名字", "purchase_price": "0.01"})
    assert patched.status_code == 200
    assert "purchase_price" not in patched.json()
    product.refresh_from_db()
    assert (product.name, product.purchase_price) == ("新名字", COST)

    replaced = api.put(
        f"/products/{product.pk}",
        {"sku": "COST-1", "name": "再改名", "base_unit_id": product.base_unit_id, "purchase_price": "0.02"},
    )
    assert replaced.status_code == 200
    assert "purchase_price" not in replaced.json()
    product.refresh_from_db()
    assert (product.name, product.purchase_price) == ("再改名", COST)


def test_a_purchaser_editing_through_the_api_changes_the_purchase_price(make_user, api_for, product):
    api = api_for(make_user("li", "purchaser"))
    response = api.patch(f"/products/{product.pk}", {"purchase_price": "2.5"})
    assert response.status_code == 200 and response.json()["purchase_price"] == "2.500000"
    product.refresh_from_db()
    assert product.purchase_price == Decimal("2.5")
