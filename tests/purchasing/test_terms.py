"""Supplier terms (供应商商品): record, change, remove; one preferred supplier per product; API and pages."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Permission

from jxc.accounts.models import AuditEntry
from jxc.core.errors import Duplicate, ValidationFailed
from jxc.purchasing.models import SupplierProduct
from jxc.purchasing.services.terms import (
    TermData,
    supplier_term_delete,
    supplier_term_save,
    supplier_term_set_preferred,
)
from tests.conftest import audit_count
from tests.helpers import sheet_rows


@pytest.fixture
def noodles(make_product):
    return make_product(sku="KSF", name="康师傅红烧牛肉面")


@pytest.fixture
def other_supplier(make_partner):
    return make_partner("广州粮油批发", is_customer=False, is_supplier=True, lead_time_days=3)


def terms(supplier, product, **fields):
    return TermData(supplier_id=supplier.pk, product_id=product.pk, **fields)


def test_supplier_term_save_records_terms_with_an_audit_entry(owner, supplier, noodles, units):
    before = audit_count()

    term = supplier_term_save(
        actor=owner,
        data=terms(
            supplier,
            noodles,
            supplier_sku="HN-001",
            unit_id=units["箱"].pk,
            last_price=D("2.10"),
            lead_time_days=7,
            min_order_quantity=D(2),
            preferred=True,
            notes="整箱发货",
        ),
    )

    term.refresh_from_db()
    assert (term.supplier_sku, term.unit_id, term.last_price, term.lead_time_days) == (
        "HN-001",
        units["箱"].pk,
        D("2.10"),
        7,
    )
    assert term.min_order_quantity == D(2) and term.preferred and term.last_price_date is not None
    assert audit_count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "supplier_term.created" and entry.after["supplier_sku"] == "HN-001"


def test_supplier_term_save_changes_terms_and_audits_only_what_changed(owner, supplier, noodles):
    term = supplier_term_save(actor=owner, data=terms(supplier, noodles, lead_time_days=7))

    supplier_term_save(actor=owner, data=terms(supplier, noodles, lead_time_days=10, notes="改"), term=term)

    term.refresh_from_db()
    assert (term.lead_time_days, term.notes) == (10, "改")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "supplier_term.changed"
    assert entry.before == {"lead_time_days": 7, "notes": ""} and entry.after == {"lead_time_days": 10, "notes": "改"}


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"unit_id": "瓶"}, "unit_id"),
        ({"lead_time_days": -1}, "lead_time_days"),
        ({"last_price": D("-0.01")}, "last_price"),
        ({"last_price": D("1.0000001")}, "last_price"),
        ({"min_order_quantity": D(-1)}, "min_order_quantity"),
        ({"supplier_sku": "X" * 61}, "supplier_sku"),
    ],
)
def test_supplier_term_save_refuses_bad_input_and_writes_nothing(owner, supplier, noodles, units, fields, key):
    if fields.get("unit_id") == "瓶":
        fields = {"unit_id": units["瓶"].pk}
    before = audit_count()

    with pytest.raises(ValidationFailed) as caught:
        supplier_term_save(actor=owner, data=terms(supplier, noodles, **fields))

    assert list(caught.value.errors) == [key]
    assert SupplierProduct.objects.count() == 0 and audit_count() == before


def test_supplier_term_save_needs_a_supplier_and_a_known_product(owner, make_partner, noodles):
    customer = make_partner("城东惠民超市")  # a customer only
    before = audit_count()

    with pytest.raises(ValidationFailed) as caught:
        supplier_term_save(actor=owner, data=TermData(supplier_id=customer.pk, product_id=999999))

    assert set(caught.value.errors) == {"supplier_id", "product_id"}
    assert SupplierProduct.objects.count() == 0 and audit_count() == before


def test_supplier_term_save_refuses_a_second_record_for_the_same_pair(owner, supplier, noodles):
    supplier_term_save(actor=owner, data=terms(supplier, noodles))
    before = audit_count()

    with pytest.raises(Duplicate):
        supplier_term_save(actor=owner, data=terms(supplier, noodles, lead_time_days=3))

    assert SupplierProduct.objects.count() == 1 and audit_count() == before


def test_recorded_terms_keep_their_supplier_and_product(owner, supplier, other_supplier, noodles):
    term = supplier_term_save(actor=owner, data=terms(supplier, noodles))

    with pytest.raises(ValidationFailed) as caught:
        supplier_term_save(actor=owner, data=terms(other_supplier, noodles), term=term)

    assert "product_id" in caught.value.errors
    term.refresh_from_db()
    assert term.supplier_id == supplier.pk


def test_preferred_moves_to_the_new_supplier_in_one_step(owner, supplier, other_supplier, noodles):
    first = supplier_term_save(actor=owner, data=terms(supplier, noodles, preferred=True))
    second = supplier_term_save(actor=owner, data=terms(other_supplier, noodles))
    assert list(SupplierProduct.objects.filter(preferred=True).values_list("pk", flat=True)) == [first.pk]

    supplier_term_save(actor=owner, data=terms(other_supplier, noodles, preferred=True), term=second)

    assert list(SupplierProduct.objects.filter(preferred=True).values_list("pk", flat=True)) == [second.pk]
    actions = list(AuditEntry.objects.order_by("-seq").values_list("action", "target_id", "after")[:2])
    assert ("supplier_term.changed", str(first.pk), {"preferred": False}) in actions

    supplier_term_set_preferred(actor=owner, term=first)
    assert list(SupplierProduct.objects.filter(preferred=True).values_list("pk", flat=True)) == [first.pk]

    supplier_term_set_preferred(actor=owner, term=first, preferred=False)
    assert not SupplierProduct.objects.filter(preferred=True).exists()


def test_supplier_term_delete_removes_the_record_with_an_audit_entry(owner, supplier, noodles):
    term = supplier_term_save(actor=owner, data=terms(supplier, noodles))
    before = audit_count()

    supplier_term_delete(actor=owner, term=term)

    assert not SupplierProduct.objects.exists()
    assert audit_count() == before + 1
    assert AuditEntry.objects.order_by("-seq").first().action == "supplier_term.deleted"


# API


def test_supplier_products_api_crud(api, supplier, other_supplier, noodles, units):
    created = api.post(
        "/supplier-products",
        {
            "supplier_id": supplier.pk,
            "product_id": noodles.pk,
            "unit_id": units["箱"].pk,
            "last_price": "2.05",
            "lead_time_days": 4,
            "min_order_quantity": "2",
            "preferred": True,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["unit"], body["last_price"], body["preferred"], body["lead_time_days"]) == ("箱", "2.050000", True, 4)

    other = api.post(
        "/supplier-products", {"supplier_id": other_supplier.pk, "product_id": noodles.pk, "preferred": True}
    ).json()
    assert other["preferred"] is True
    assert api.get(f"/supplier-products/{body['id']}").json()["preferred"] is False

    listed = api.get("/supplier-products", {"product_id": noodles.pk}).json()
    assert listed["count"] == 2 and listed["items"][0]["supplier_id"] == other_supplier.pk  # preferred first
    assert api.get("/supplier-products", {"supplier_id": supplier.pk}).json()["count"] == 1

    changed = api.put(
        f"/supplier-products/{body['id']}",
        {"supplier_id": supplier.pk, "product_id": noodles.pk, "lead_time_days": 9, "preferred": True},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["lead_time_days"] == 9 and changed.json()["preferred"] is True
    assert SupplierProduct.objects.filter(preferred=True).get().pk == body["id"]

    assert api._call("delete", f"/supplier-products/{other['id']}").status_code == 204
    assert api.get(f"/supplier-products/{other['id']}").status_code == 404


def test_supplier_products_api_errors_write_nothing(api, supplier, noodles, units):
    api.post("/supplier-products", {"supplier_id": supplier.pk, "product_id": noodles.pk})
    before = (SupplierProduct.objects.count(), audit_count())

    duplicate = api.post("/supplier-products", {"supplier_id": supplier.pk, "product_id": noodles.pk})
    bad_unit = api.post(
        "/supplier-products", {"supplier_id": supplier.pk, "product_id": noodles.pk, "unit_id": units["瓶"].pk}
    )
    negative = api.post(
        "/supplier-products", {"supplier_id": supplier.pk, "product_id": noodles.pk, "lead_time_days": -1}
    )

    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate"
    assert bad_unit.status_code == 422 and "unit_id" in bad_unit.json()["data"]["errors"]
    assert negative.status_code == 422 and negative.json()["code"] == "validation_error"
    assert (SupplierProduct.objects.count(), audit_count()) == before


def test_supplier_products_api_hides_prices_without_view_cost(make_user, api_for, supplier, noodles, owner):
    supplier_term_save(actor=owner, data=terms(supplier, noodles, last_price=D("2.10")))
    clerk = make_user("clerk", "warehouse")
    clerk.user_permissions.add(Permission.objects.get(codename="view_supplierproduct"))

    item = api_for(clerk).get("/supplier-products", {"supplier_id": supplier.pk}).json()["items"][0]

    assert "last_price" not in item and "last_price_date" not in item
    assert api_for(make_user("seller", "sales")).get("/supplier-products").status_code == 403


# Pages


def test_supplier_page_adds_edits_prefers_and_removes_terms(web, supplier, noodles, units):
    page = web.get(f"/purchasing/suppliers/{supplier.pk}/")
    assert page.status_code == 200 and 'id="term-form"' in page.content.decode()

    added = web.post(
        f"/purchasing/suppliers/{supplier.pk}/terms/new/",
        {"product": "KSF", "unit": units["箱"].pk, "last_price": "2.10", "lead_time_days": "6", "preferred": "on"},
    )
    assert added.status_code == 302
    term = SupplierProduct.objects.get()
    assert (term.unit_id, term.last_price, term.lead_time_days, term.preferred) == (units["箱"].pk, D("2.10"), 6, True)
    assert "KSF" in web.get(f"/purchasing/suppliers/{supplier.pk}/").content.decode()

    unknown = web.post(f"/purchasing/suppliers/{supplier.pk}/terms/new/", {"product": "NOPE"})
    assert unknown.status_code == 422 and SupplierProduct.objects.count() == 1

    duplicate = web.post(f"/purchasing/suppliers/{supplier.pk}/terms/new/", {"product": "KSF"})
    assert duplicate.status_code == 409 and "NOPE" not in duplicate.content.decode()

    edited = web.post(
        f"/purchasing/supplier-products/{term.pk}/edit/",
        {"unit": units["箱"].pk, "last_price": "2.10", "lead_time_days": "8", "min_order_quantity": "3"},
    )
    assert edited.status_code == 302
    term.refresh_from_db()
    assert (term.lead_time_days, term.min_order_quantity, term.last_price) == (8, D(3), D("2.10"))
    assert not term.preferred  # the box was not ticked

    web.post(f"/purchasing/supplier-products/{term.pk}/preferred/", {"preferred": "1"})
    term.refresh_from_db()
    assert term.preferred

    export = web.get(f"/purchasing/suppliers/{supplier.pk}/?export=terms")
    rows = sheet_rows(export.content)
    assert len(rows) == 2 and (rows[1][0], rows[1][3], rows[1][4]) == ("KSF", "箱", 2.1)

    assert web.post(f"/purchasing/supplier-products/{term.pk}/delete/").status_code == 302
    assert not SupplierProduct.objects.exists()


def test_partner_page_links_to_the_supplier_page(web, supplier):
    page = web.get(f"/partners/{supplier.pk}/").content.decode()
    assert f"/purchasing/suppliers/{supplier.pk}/" in page
