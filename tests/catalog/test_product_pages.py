"""Product pages: the list, the form that keeps what was typed on an error, the detail page."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.accounts.models import AuditEntry
from jxc.catalog.models import Product


def _form(units, **fields):
    data = {
        "sku": "KSF-105",
        "name": "康师傅红烧牛肉面",
        "spec": "105g",
        "base_unit": units["包"].pk,
        "purchase_price": "2.35",
        "retail_price": "3.50",
        "tax_rate": "13",
        "units-TOTAL_FORMS": "1",
        "units-INITIAL_FORMS": "0",
        "units-0-unit": units["箱"].pk,
        "units-0-factor": "24",
        "barcodes-TOTAL_FORMS": "2",
        "barcodes-INITIAL_FORMS": "0",
        "barcodes-0-code": "6920152400012",
        "barcodes-0-unit": "",
        "barcodes-1-code": "16920152400019",
        "barcodes-1-unit": units["箱"].pk,
    }
    data.update(fields)
    return data


def test_create_a_product_through_the_form(web, units):
    response = web.post("/catalog/products/new/", _form(units))
    product = Product.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/catalog/products/{product.pk}/"
    assert product.units.get().factor == Decimal(24)
    assert product.barcodes.count() == 2
    page = web.get(response["Location"]).content.decode()
    assert "KSFHSNRM" in page and "16920152400019" in page and "24 包" in page


def test_an_error_is_shown_next_to_the_field_and_the_typed_values_stay(web, units, make_product, english):
    make_product(sku="KSF-105")
    before = Product.objects.count(), AuditEntry.objects.count()
    response = web.post("/catalog/products/new/", _form(units, spec="typed spec"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    page = response.content.decode()
    sku_field = page[page.index('id="field-sku"') : page.index('id="field-name"')]
    assert "is already used" in sku_field
    assert 'value="typed spec"' in page and 'value="2.35"' in page and 'value="16920152400019"' in page
    assert 'name="units-0-factor" value="24"' in page
    assert (Product.objects.count(), AuditEntry.objects.count()) == before


def test_an_error_in_a_unit_row_is_shown_in_that_row(web, units, english):
    response = web.post("/catalog/products/new/", _form(units, **{"units-0-factor": "0"}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    page = response.content.decode()
    row = page[page.index('id="units-rows"') : page.index("</tbody>", page.index('id="units-rows"'))]
    assert "greater than zero" in row
    assert not Product.objects.exists()


def test_a_barcode_of_another_product_is_named_in_the_barcode_row(web, units, make_product, english):
    other = make_product(sku="OTHER")
    taken = other.barcodes.first().code
    response = web.post("/catalog/products/new/", _form(units, **{"barcodes-1-code": taken}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    page = response.content.decode()
    row = page[page.index('id="barcodes-rows"') : page.index("</tbody>", page.index('id="barcodes-rows"'))]
    assert "already belongs to" in row and "OTHER" in row


def test_edit_a_product(web, make_product, units):
    product = make_product(sku="KSF-105")
    form = _form(
        units,
        name="康师傅红烧牛肉面 新包装",
        **{
            "units-INITIAL_FORMS": "1",
            "barcodes-TOTAL_FORMS": "1",
            "barcodes-INITIAL_FORMS": "1",
            "barcodes-0-code": "X1",
        },
    )
    response = web.post(f"/catalog/products/{product.pk}/edit/", form)
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "康师傅红烧牛肉面 新包装"
    assert list(product.barcodes.values_list("code", flat=True)) == ["X1"]


def test_removing_a_unit_row(web, make_product, units):
    product = make_product()
    form = _form(units, **{"units-INITIAL_FORMS": "1", "units-0-DELETE": "on", "barcodes-TOTAL_FORMS": "0"})
    assert web.post(f"/catalog/products/{product.pk}/edit/", form).status_code == 302
    assert not product.units.exists()


def test_the_list_searches_and_its_query_count_does_not_grow(web, make_product):
    for n in range(3):
        make_product(sku=f"A{n}")
    with CaptureQueriesContext(connection) as few:
        web.get("/catalog/products/")
    for n in range(20):
        make_product(sku=f"B{n}")
    with CaptureQueriesContext(connection) as many:
        response = web.get("/catalog/products/", {"q": "ksf"})
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.content.decode().count('href="/catalog/products/') >= 23


def test_deactivate_from_the_detail_page(web, make_product):
    product = make_product()
    response = web.post(f"/catalog/products/{product.pk}/deactivate/")
    assert response.status_code == 302
    product.refresh_from_db()
    assert not product.active
    assert "KSF" not in web.get("/catalog/products/").content.decode().split("<tbody>")[1]


def test_a_missing_product_is_404(web):
    assert web.get("/catalog/products/999999/").status_code == 404
