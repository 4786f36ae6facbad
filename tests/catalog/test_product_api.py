"""The product API: CRUD, filters, pages, the error format, idempotent retries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.accounts.models import AuditEntry
from jxc.catalog.models import Barcode, Product


def _payload(unit_map, **fields):
    payload = {
        "sku": "KSF-105",
        "name": "康师傅红烧牛肉面",
        "spec": "105g",
        "base_unit_id": unit_map["包"].pk,
        "purchase_price": "2.35",
        "retail_price": "3.50",
        "units": [{"unit_id": unit_map["箱"].pk, "factor": "24"}],
        "barcodes": [{"code": "6920152400012"}, {"code": "16920152400019", "unit_id": unit_map["箱"].pk}],
    }
    payload.update(fields)
    return payload


def test_create_get_change_and_deactivate(api, units):
    created = api.post("/products", _payload(units))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["mnemonic"] == "KSFHSNRM"
    assert body["purchase_price"] == "2.350000"
    assert body["units"] == [{"unit_id": units["箱"].pk, "unit": "箱", "factor": "24.000000"}]
    assert {b["code"] for b in body["barcodes"]} == {"6920152400012", "16920152400019"}
    product_id = body["id"]

    assert api.get(f"/products/{product_id}").json()["sku"] == "KSF-105"
    patched = api.patch(f"/products/{product_id}", {"retail_price": "3.80"})
    assert patched.status_code == 200
    assert patched.json()["retail_price"] == "3.800000"
    assert patched.json()["barcodes"] == body["barcodes"]  # untouched fields stay

    replaced = api.put(f"/products/{product_id}", _payload(units, name="康师傅红烧牛肉面(新)", units=[], barcodes=[]))
    assert replaced.status_code == 200
    assert replaced.json()["units"] == [] and replaced.json()["name"] == "康师傅红烧牛肉面(新)"

    assert api.post(f"/products/{product_id}/deactivate").json()["active"] is False
    assert api.get("/products").json()["count"] == 0
    assert api.post(f"/products/{product_id}/activate").json()["active"] is True


def test_lookup_by_barcode_names_the_unit(api, make_product, units):
    product = make_product()
    box_code = product.barcodes.get(unit=units["箱"]).code
    response = api.get("/products/lookup", {"code": box_code})
    assert response.status_code == 200
    assert response.json()["unit"] == "箱" and response.json()["factor"] == "24.000000"
    missing = api.get("/products/lookup", {"code": "0000"})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_list_filters_search_and_pages(api, make_product, units):
    for n in range(7):
        make_product(sku=f"N{n}", name="康师傅红烧牛肉面")
    make_product(sku="W1", name="农夫山泉饮用天然水")
    page = api.get("/products", {"q": "ksf", "page": 2, "page_size": 5}).json()
    assert page["count"] == 7 and page["page"] == 2 and page["page_size"] == 5
    assert [p["sku"] for p in page["items"]] == ["N5", "N6"]
    assert api.get("/products", {"q": "NFSQ"}).json()["count"] == 1


def test_the_list_does_not_query_per_product(api, make_product):
    for n in range(3):
        make_product(sku=f"A{n}")
    api.get("/products")  # the first request of a token records when it was last used
    with CaptureQueriesContext(connection) as few:
        api.get("/products")
    for n in range(10):
        make_product(sku=f"B{n}")
    with CaptureQueriesContext(connection) as many:
        response = api.get("/products")
    assert response.json()["count"] == 13
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"sku": ""}, 422, "validation_error", "sku"),
        ({"units": [{"unit_id": 0, "factor": "0"}]}, 422, "validation_error", "units.0.unit_id"),
        ({"base_unit_id": "x"}, 422, "validation_error", "base_unit_id"),
        ({"retail_price": "abc"}, 422, "validation_error", "retail_price"),
    ],
)
def test_invalid_input_gets_422_and_writes_nothing(api, units, change, status, code, field):
    before = Product.objects.count(), AuditEntry.objects.count()
    response = api.post("/products", _payload(units, **change))
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message", "data"} and body["code"] == code
    assert field in body["data"]["errors"]
    assert (Product.objects.count(), AuditEntry.objects.count()) == before


def test_duplicate_sku_gets_409_naming_the_field(api, units, make_product):
    make_product(sku="KSF-105")
    before = Product.objects.count(), Barcode.objects.count(), AuditEntry.objects.count()
    response = api.post("/products", _payload(units))
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate" and response.json()["data"]["field"] == "sku"
    assert (Product.objects.count(), Barcode.objects.count(), AuditEntry.objects.count()) == before


def test_missing_product_gets_404(api):
    response = api.get("/products/999999")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert api.patch("/products/999999", {"name": "x"}).status_code == 404


def test_a_retry_with_the_same_idempotency_key_replays_the_first_answer(api, units):
    first = api.post("/products", _payload(units), HTTP_IDEMPOTENCY_KEY="create-ksf-1")
    again = api.post("/products", _payload(units), HTTP_IDEMPOTENCY_KEY="create-ksf-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Product.objects.count() == 1
    other = api.post("/products", _payload(units, sku="OTHER"), HTTP_IDEMPOTENCY_KEY="create-ksf-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Product.objects.count() == 1


def test_a_failed_request_is_replayed_as_failed(api, units, make_product):
    make_product(sku="KSF-105")
    first = api.post("/products", _payload(units), HTTP_IDEMPOTENCY_KEY="k2")
    again = api.post("/products", _payload(units), HTTP_IDEMPOTENCY_KEY="k2")
    assert first.status_code == again.status_code == 409


def test_units_categories_and_brands(api):
    unit = api.post("/units", {"name": "盒", "decimals": 0})
    assert unit.status_code == 201
    assert api.post("/units", {"name": "盒"}).status_code == 409
    drinks = api.post("/categories", {"name": "饮料"}).json()
    soda = api.post("/categories", {"name": "碳酸饮料", "parent_id": drinks["id"]}).json()
    assert soda["path"] == "饮料/碳酸饮料"
    cycle = api.put(f"/categories/{drinks['id']}", {"name": "饮料", "parent_id": soda["id"]})
    assert cycle.status_code == 422 and cycle.json()["code"] == "category_cycle"
    assert [c["path"] for c in api.get("/categories").json()["items"]] == ["饮料", "饮料/碳酸饮料"]
    brand = api.post("/brands", {"name": "康师傅"}).json()
    assert brand["mnemonic"] == "KSF"
    assert api.post(f"/brands/{brand['id']}/deactivate").json()["active"] is False
    assert api.get("/brands", {"active": True}).json()["count"] == 0


def test_a_unit_in_use_cannot_be_deactivated(api, make_product, units):
    make_product()
    response = api.post(f"/units/{units['包'].pk}/deactivate")
    assert response.status_code == 409 and response.json()["code"] == "unit_in_use"


def test_decimals_are_exact_in_json(api, units):
    payload = _payload(units, purchase_price="9999999999.99", max_stock="123456789012.123456")
    body = api.post("/products", payload).json()
    assert body["purchase_price"] == "9999999999.990000"
    assert body["max_stock"] == "123456789012.123456"
    assert Product.objects.get().max_stock == Decimal("123456789012.123456")
