"""Customers and suppliers: services, REST API, the form page, and the Excel export → import round trip."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from jxc.accounts.models import AuditEntry
from jxc.core.errors import Duplicate, ValidationFailed
from jxc.partners.models import Contact, Partner
from jxc.partners.services.partners import (
    ContactLine,
    PartnerData,
    partner_create,
    partner_data_of,
    partner_set_active,
    partner_update,
)
from tests.helpers import sheet_rows, xlsx


def written() -> tuple[int, int, int]:
    """Partners, contacts and audit entries: unchanged means nothing was written."""
    return Partner.objects.count(), Contact.objects.count(), AuditEntry.objects.count()


def error_fields(body: dict[str, Any]) -> set[str]:
    """The fields a 422 names. Schema errors list {field, message, type}; service errors map field → messages."""
    errors = body["data"]["errors"]
    if isinstance(errors, list):
        return {e["field"] for e in errors}
    return set(errors)


def _customer(**fields: Any) -> PartnerData:
    data = PartnerData(name="城东惠民超市", is_customer=True)
    for key, value in fields.items():
        setattr(data, key, value)
    return data


# Services


def test_partner_create_keeps_contacts_and_numbers_the_code(owner):
    # given a customer with two contacts and no code
    data = _customer(
        phone="0571-88880001",
        contacts=[
            ContactLine("王经理", position="采购", phone="13800000001", email="wang@example.com", is_primary=True),
            ContactLine("李会计", phone="13900000002"),
        ],
    )

    # when it is created
    partner = partner_create(actor=owner, data=data)

    # then it has the first customer code, its pinyin initials and both contacts, and the creation is audited
    assert (partner.code, partner.mnemonic) == ("C0001", "CDHMCS")
    contacts = list(partner.contacts.order_by("pk").values_list("name", "position", "phone", "email", "is_primary"))
    assert contacts == [
        ("王经理", "采购", "13800000001", "wang@example.com", True),
        ("李会计", "", "13900000002", "", False),
    ]
    entry = AuditEntry.objects.get(action="partner.created")
    assert entry.actor == owner and entry.after["code"] == "C0001"
    assert entry.after["contacts"][0][:3] == ["王经理", "采购", "13800000001"]


def test_partner_codes_are_numbered_per_series_and_skip_taken_codes(db):
    customer = partner_create(actor=None, data=_customer())
    supplier = partner_create(actor=None, data=PartnerData(name="康师傅华东经销", is_supplier=True))
    both = partner_create(actor=None, data=PartnerData(name="两用商行", is_customer=True, is_supplier=True))
    manual = partner_create(actor=None, data=_customer(name="手工编码", code="C0003"))
    after_manual = partner_create(actor=None, data=_customer(name="下一个"))
    second_supplier = partner_create(actor=None, data=PartnerData(name="统一供应", is_supplier=True))
    assert [p.code for p in (customer, supplier, both, manual, after_manual, second_supplier)] == [
        "C0001",
        "S0001",
        "C0002",
        "C0003",
        "C0004",
        "S0002",
    ]


def test_partner_create_refuses_a_duplicate_code_in_any_case(make_partner):
    make_partner(code="VIP-01")
    before = written()
    with pytest.raises(Duplicate) as caught:
        partner_create(actor=None, data=_customer(name="另一家", code="vip-01", contacts=[ContactLine("张三")]))
    assert caught.value.field == "code"
    assert written() == before


def test_partner_update_keeps_its_code_when_none_is_given(make_partner):
    partner = make_partner(code="VIP-01")
    data = partner_data_of(partner)
    data.code = ""
    data.address = "杭州市上城区"
    partner_update(actor=None, partner=partner, data=data)
    partner.refresh_from_db()
    assert (partner.code, partner.address) == ("VIP-01", "杭州市上城区")


def test_partner_validation_names_every_bad_field_and_writes_nothing(db):
    before = written()
    with pytest.raises(ValidationFailed) as caught:
        partner_create(
            actor=None,
            data=PartnerData(
                name="  ",
                email="nope",
                credit_limit=Decimal("-1"),
                payment_terms_days=-5,
                price_level="gold",
                contacts=[ContactLine(""), ContactLine("李", email="bad@")],
            ),
        )
    assert set(caught.value.errors) == {
        "name",
        "is_customer",
        "email",
        "credit_limit",
        "payment_terms_days",
        "price_level",
        "contacts.0.name",
        "contacts.1.email",
    }
    assert written() == before


def test_partner_set_active_is_audited_once(make_partner):
    partner = make_partner()
    partner_set_active(actor=None, partner=partner, active=False)
    partner_set_active(actor=None, partner=partner, active=False)
    partner.refresh_from_db()
    assert partner.active is False
    assert AuditEntry.objects.filter(action="partner.deactivated").count() == 1
    partner_set_active(actor=None, partner=partner, active=True)
    assert Partner.objects.get(pk=partner.pk).active is True
    assert AuditEntry.objects.filter(action="partner.activated").count() == 1


# REST API


def test_api_create_with_contacts_and_automatic_codes(api):
    customer = api.post(
        "/partners",
        {
            "name": "城东惠民超市",
            "is_customer": True,
            "phone": "0571-88880001",
            "credit_limit": "5000",
            "price_level": "wholesale",
            "contacts": [{"name": "王经理", "phone": "13800000001", "is_primary": True}],
        },
    )
    supplier = api.post("/partners", {"name": "康师傅华东经销", "is_supplier": True})
    assert customer.status_code == 201 and supplier.status_code == 201
    body = customer.json()
    assert (body["code"], body["mnemonic"], body["credit_limit"], body["price_level"]) == (
        "C0001",
        "CDHMCS",
        "5000.00",
        "wholesale",
    )
    assert [(c["name"], c["phone"], c["is_primary"]) for c in body["contacts"]] == [("王经理", "13800000001", True)]
    assert supplier.json()["code"] == "S0001"
    assert api.get(f"/partners/{body['id']}").json()["contacts"][0]["name"] == "王经理"


@pytest.mark.parametrize("code", ["C0001", "c0001"])
def test_api_duplicate_code_is_409_and_writes_nothing(api, code):
    api.post("/partners", {"name": "城东惠民超市", "is_customer": True})
    before = written()
    response = api.post(
        "/partners", {"name": "另一家", "is_customer": True, "code": code, "contacts": [{"name": "张三"}]}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate"
    assert body["data"]["field"] == "code"
    assert written() == before


def test_api_duplicate_code_on_change_is_409_and_writes_nothing(api, make_partner):
    make_partner(code="A1")
    other = make_partner(name="另一家", code="B1")
    before = written()
    response = api.patch(f"/partners/{other.pk}", {"code": "a1"})
    assert response.status_code == 409 and response.json()["code"] == "duplicate"
    assert written() == before
    assert Partner.objects.get(pk=other.pk).code == "B1"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"is_customer": True}, "name"),
        ({"name": "   ", "is_customer": True}, "name"),
        ({"name": "城东惠民超市"}, "is_customer"),
        ({"name": "城东惠民超市", "is_customer": False, "is_supplier": False}, "is_customer"),
        ({"name": "城东惠民超市", "is_customer": True, "email": "not-an-email"}, "email"),
        ({"name": "城东惠民超市", "is_customer": True, "credit_limit": "-0.01"}, "credit_limit"),
        ({"name": "城东惠民超市", "is_customer": True, "credit_limit": "abc"}, "credit_limit"),
        ({"name": "城东惠民超市", "is_customer": True, "price_level": "gold"}, "price_level"),
        (
            {"name": "城东惠民超市", "is_customer": True, "contacts": [{"name": "李", "email": "x@"}]},
            "contacts.0.email",
        ),
    ],
    ids=[
        "name-missing",
        "name-blank",
        "no-role",
        "both-roles-false",
        "bad-email",
        "negative-credit-limit",
        "credit-limit-not-a-number",
        "unknown-price-level",
        "bad-contact-email",
    ],
)
def test_api_invalid_partner_is_422_naming_the_field(api, payload, field):
    before = written()
    response = api.post("/partners", payload)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in error_fields(body)
    assert written() == before


def test_api_patch_to_an_invalid_value_is_422_and_changes_nothing(api, make_partner):
    partner = make_partner(email="ok@example.com")
    before = written()
    response = api.patch(f"/partners/{partner.pk}", {"email": "broken", "phone": "13800000000"})
    assert response.status_code == 422 and "email" in error_fields(response.json())
    assert written() == before
    partner.refresh_from_db()
    assert (partner.email, partner.phone) == ("ok@example.com", "")


@pytest.fixture
def directory(make_partner) -> dict[str, Partner]:
    """A customer, a supplier, one that is both, and a deactivated customer."""
    found = {
        "huimin": make_partner(
            "城东惠民超市", phone="0571-88880001", contacts=[ContactLine("王经理", phone="13800000001")]
        ),
        "ksf": make_partner("康师傅华东经销", is_customer=False, is_supplier=True, phone="021-66660002"),
        "both": make_partner("西湖两用商行", is_supplier=True, contact_name="赵老板"),
        "gone": make_partner("已关门小卖部", phone="0571-12345678"),
    }
    partner_set_active(actor=None, partner=found["gone"], active=False)
    return found


def _codes(api, **params: Any) -> list[str]:
    response = api.get("/partners", params)
    assert response.status_code == 200
    return [p["code"] for p in response.json()["items"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("惠民", ["C0001"]),
        ("C0001", ["C0001"]),
        ("s0001", ["S0001"]),
        ("88880001", ["C0001"]),
        ("021-6666", ["S0001"]),
        ("13800000001", ["C0001"]),
        ("王经理", ["C0001"]),
        ("赵老板", ["C0002"]),
        ("CDHMCS", ["C0001"]),
        ("cdhm", ["C0001"]),
        ("KSF", ["S0001"]),
        ("XHLY", ["C0002"]),
        ("没有这家", []),
    ],
)
def test_api_search_by_name_code_phone_contact_and_pinyin(api, directory, q, expected):
    assert _codes(api, q=q) == expected


def test_api_search_finds_deactivated_partners_only_when_asked(api, directory):
    assert _codes(api, q="小卖部") == []
    assert _codes(api, q="XMB", active="false") == ["C0003"]


def test_api_filters_by_role_and_active(api, directory):
    assert _codes(api) == ["C0001", "C0002", "S0001"]
    assert _codes(api, role="customer") == ["C0001", "C0002"]
    assert _codes(api, role="supplier") == ["C0002", "S0001"]
    assert _codes(api, active="false") == ["C0003"]
    assert _codes(api, role="supplier", active="false") == []


def test_api_patch_keeps_untouched_fields(api, make_partner, make_user):
    # given a partner with many fields set and two contacts
    salesperson = make_user("wang", "sales")
    partner = make_partner(
        code="VIP-01",
        phone="0571-88880001",
        email="boss@example.com",
        address="杭州市上城区",
        credit_limit=Decimal("5000"),
        payment_terms_days=30,
        price_level="wholesale",
        customer_class="key",
        salesperson_id=salesperson.pk,
        notes="老客户",
        contacts=[ContactLine("王经理", position="采购", phone="13800000001", is_primary=True), ContactLine("李会计")],
    )
    before = api.get(f"/partners/{partner.pk}").json()

    # when only the phone is patched
    response = api.patch(f"/partners/{partner.pk}", {"phone": "0571-99990000"})

    # then only the phone (and the change time) differ
    assert response.status_code == 200
    after = response.json()
    assert after["phone"] == "0571-99990000"
    ignore = {"phone", "updated_at", "contacts"}
    assert {k: v for k, v in after.items() if k not in ignore} == {k: v for k, v in before.items() if k not in ignore}
    strip = [{k: v for k, v in c.items() if k != "id"} for c in before["contacts"]]
    assert [{k: v for k, v in c.items() if k != "id"} for c in after["contacts"]] == strip
    change = AuditEntry.objects.filter(action="partner.changed").get()
    assert change.before == {"phone": "0571-88880001"} and change.after == {"phone": "0571-99990000"}


def test_api_patch_can_clear_the_credit_limit_and_replace_contacts(api, make_partner):
    partner = make_partner(credit_limit=Decimal("5000"), contacts=[ContactLine("王经理")])
    response = api.patch(f"/partners/{partner.pk}", {"credit_limit": None, "contacts": [{"name": "新联系人"}]})
    assert response.status_code == 200
    assert response.json()["credit_limit"] is None
    assert [c["name"] for c in response.json()["contacts"]] == ["新联系人"]


def test_api_deactivate_and_activate(api, make_partner):
    partner = make_partner()
    response = api.post(f"/partners/{partner.pk}/deactivate")
    assert response.status_code == 200 and response.json()["active"] is False
    assert _codes(api) == []
    assert api.get(f"/partners/{partner.pk}").json()["active"] is False
    response = api.post(f"/partners/{partner.pk}/activate")
    assert response.status_code == 200 and response.json()["active"] is True
    assert _codes(api) == [partner.code]
    actions = list(AuditEntry.objects.filter(target_type="partners.partner").order_by("seq").values_list("action"))
    assert actions == [("partner.created",), ("partner.deactivated",), ("partner.activated",)]


def test_api_unknown_partner_is_404(api):
    for response in (api.get("/partners/999"), api.patch("/partners/999", {"phone": "1"})):
        assert response.status_code == 404 and response.json()["code"] == "not_found"


# The form page


def _field(html: str, name: str) -> str:
    """The part of the page that renders one form field: its wrapper, input, help and errors."""
    at = html.index(f'id="field-{name}"')
    start = html.rindex("<div", 0, at)
    following = html.find('id="field-', at + 1)
    end = html.rindex("<div", 0, following) if following != -1 else len(html)
    return html[start:end]


def _form(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "城东惠民超市",
        "code": "",
        "is_customer": "on",
        "phone": "13800000000",
        "email": "boss@example.com",
        "address": "杭州市上城区解放路1号",
        "payment_terms_days": "30",
        "credit_limit": "5000",
        "price_level": "wholesale",
        "customer_class": "key",
        "salesperson": "",
        "lead_time_days": "0",
        "supplier_approved": "on",
        "notes": "每周二送货",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "王经理",
        "contacts-0-position": "店长",
        "contacts-0-phone": "13900000000",
        "contacts-0-email": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_form_creates_a_partner_with_contacts(web):
    response = web.post("/partners/new/", _form())
    assert response.status_code == 302
    partner = Partner.objects.get()
    assert response["Location"] == f"/partners/{partner.pk}/"
    assert (partner.code, partner.price_level, partner.credit_limit) == ("C0001", "wholesale", Decimal("5000"))
    assert list(partner.contacts.values_list("name", "position", "phone")) == [("王经理", "店长", "13900000000")]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"credit_limit": "-5"}, "credit_limit", "greater than or equal to 0"),
        ({"is_customer": None}, "is_customer", "Tick customer, supplier or both."),
        ({"name": ""}, "name", "This field is required."),
    ],
    ids=["bad-email", "negative-credit-limit", "no-role", "no-name"],
)
def test_form_keeps_typed_values_and_shows_the_error_next_to_the_field(web, changes, field, message):
    # given a form with one bad value
    data = _form(**changes)
    before = written()

    # when it is submitted
    response = web.post("/partners/new/", data, HTTP_ACCEPT_LANGUAGE="en")

    # then the page comes back with 422, the error at the field, and everything typed still filled in
    assert response.status_code == 422
    html = response.content.decode()
    part = _field(html, field)
    assert "is-invalid" in part.split(">", 1)[0]
    assert message in part
    for name in ("name", "phone", "email", "address", "credit_limit"):
        if data.get(name):
            assert f'value="{data[name]}"' in _field(html, name), name
    assert 'value="王经理"' in html and 'value="店长"' in html and 'value="13900000000"' in html
    assert "每周二送货" in _field(html, "notes")
    assert re.search(r'<option value="wholesale"[^>]*selected', _field(html, "price_level"))
    assert re.search(r'<option value="key"[^>]*selected', _field(html, "customer_class"))
    assert written() == before


def test_form_duplicate_code_is_shown_at_the_code_field(web, make_partner):
    make_partner("老客户", code="VIP-01")
    before = written()
    response = web.post("/partners/new/", _form(code="vip-01"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    html = response.content.decode()
    assert "is already used" in _field(html, "code")
    assert 'value="vip-01"' in _field(html, "code")
    assert 'value="城东惠民超市"' in _field(html, "name")
    assert written() == before


# Excel export and import


def _export(client: Client) -> bytes:
    response = client.get("/partners/?export=xlsx&active=", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content


def _import(api, content: bytes, *, dry_run: bool) -> Any:
    return api.client.post(
        f"/api/v1/partners/import?dry_run={'true' if dry_run else 'false'}",
        {"file": SimpleUploadedFile("partners.xlsx", content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _set_cell(content: bytes, *, code: str, column: str, value: Any) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    code_at, column_at = header.index("Code"), header.index(column)
    for row in sheet.iter_rows(min_row=2):
        if row[code_at].value == code:
            row[column_at].value = value
            break
    else:
        raise AssertionError(f"no row with code {code}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _state() -> list[dict[str, Any]]:
    """Every partner and its contacts, without the change time and the contacts' ids."""
    state = []
    for partner in Partner.objects.order_by("pk").prefetch_related("contacts"):
        row = {k: v for k, v in partner.__dict__.items() if not k.startswith("_") and k != "updated_at"}
        row["contacts"] = [
            (c.name, c.position, c.phone, c.email, c.is_primary) for c in partner.contacts.order_by("pk")
        ]
        state.append(row)
    return state


@pytest.fixture
def book(make_partner, make_user) -> list[Partner]:
    """Partners of every kind, with contacts (name and phone) and most fields filled."""
    salesperson = make_user("wang", "sales")
    partners = [
        make_partner(
            "城东惠民超市",
            phone="0571-88880001",
            email="boss@example.com",
            address="杭州市上城区解放路1号",
            credit_limit=Decimal("5000.50"),
            payment_terms_days=30,
            price_level="wholesale",
            customer_class="key",
            salesperson_id=salesperson.pk,
            notes="每周二送货",
            contacts=[ContactLine("王经理", phone="13800000001"), ContactLine("李会计", phone="13900000002")],
        ),
        make_partner(
            "康师傅华东经销",
            is_customer=False,
            is_supplier=True,
            tax_id="91330100MA2B",
            bank_name="工商银行",
            bank_account="6222000011112222",
            lead_time_days=3,
            supplier_approved=False,
        ),
        make_partner("西湖两用商行", is_supplier=True, price_level="vip", contacts=[ContactLine("赵老板")]),
        make_partner("已关门小卖部", code="OLD-1", phone="0571-12345678"),
    ]
    partner_set_active(actor=None, partner=partners[3], active=False)
    return partners


def test_export_then_import_round_trip(api, web, book):
    # given every partner exported to Excel
    content = _export(web)
    header, *rows = sheet_rows(content)
    assert {"Code", "Name", "Phone", "Price level", "Contacts", "Active"} <= set(header)
    assert len(rows) == len(book) == 4
    state, audits = _state(), AuditEntry.objects.count()

    # when the same file is checked (dry run)
    response = _import(api, content, dry_run=True)

    # then every row would be an update, there are no errors, and nothing was written
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["errors"], report["fatal"], report["committed"]) == ([], "", False)
    assert (report["total"], report["updated"], report["created"]) == (4, 4, 0)
    assert _state() == state and AuditEntry.objects.count() == audits

    # when one phone is changed in the file and it is imported for real
    changed = _set_cell(content, code="C0001", column="Phone", value="0571-99998888")
    response = _import(api, changed, dry_run=False)

    # then that phone changed, nothing else did, and the change is the only audit entry
    assert response.status_code == 200, response.content
    assert response.json()["committed"] is True and response.json()["updated"] == 4
    huimin = Partner.objects.get(code="C0001")
    assert huimin.phone == "0571-99998888"
    expected = [dict(row, phone="0571-99998888") if row["code"] == "C0001" else row for row in state]
    assert _state() == expected
    entries = list(AuditEntry.objects.filter(seq__gt=audits).values_list("action", "before", "after"))
    assert entries == [("partner.changed", {"phone": "0571-88880001"}, {"phone": "0571-99998888"})]


def test_export_then_import_through_the_import_page(web, book):
    content = _set_cell(_export(web), code="S0001", column="Phone", value="021-12340000")
    preview = web.post("/partners/import/", {"file": SimpleUploadedFile("partners.xlsx", content)})
    assert preview.status_code == 200
    assert Partner.objects.get(code="S0001").phone == ""
    batch = re.search(r'name="batch" value="(\d+)"', preview.content.decode()).group(1)
    committed = web.post("/partners/import/", {"batch": batch})
    assert committed.status_code == 302
    assert Partner.objects.get(code="S0001").phone == "021-12340000"


def test_export_then_import_keeps_contact_details(api, web, make_partner):
    make_partner(
        contacts=[
            ContactLine("王经理", position="店长", phone="13800000001", email="wang@example.com", is_primary=True)
        ]
    )
    state = _state()
    response = _import(api, _export(web), dry_run=False)
    assert response.status_code == 200 and response.json()["committed"] is True
    assert _state() == state


def test_import_with_a_bad_row_commits_nothing(api, make_partner):
    # given a known partner, and a file that changes it, adds one, and has one row with an unknown price level
    make_partner(code="C0001")
    content = xlsx(
        ["Code", "Name", "Customer", "Phone", "Price level", "Contacts"],
        ["C0001", "城东惠民超市", "是", "0571-11112222", "批发价", "王经理 13800000001"],
        ["", "新客户甲", "yes", "0571-33334444", "VIP价", "张三 13700000000"],
        ["", "新客户乙", "yes", "", "超级VIP", "李四"],
    )
    state, before = _state(), written()

    # when it is imported for real
    response = _import(api, content, dry_run=False)

    # then it is refused with the bad row named, and nothing at all was written
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "import_failed"
    errors = body["data"]["errors"]
    assert [(e["row"], e["column"], e["value"]) for e in errors] == [(4, "Price level", "超级VIP")]
    assert body["data"]["committed"] is False
    assert written() == before and _state() == state

    # and a dry run reports the same error
    report = _import(api, content, dry_run=True).json()
    assert [e["row"] for e in report["errors"]] == [4]
    assert written() == before


def test_import_of_new_partners_numbers_them_and_keeps_contacts(api):
    content = xlsx(
        ["Name", "Customer", "Supplier", "Contacts", "Credit limit"],
        ["城东惠民超市", "是", "", "王经理 13800000001; 李会计", 5000],
        ["康师傅华东经销", "否", "是", "", None],
    )
    response = _import(api, content, dry_run=False)
    assert response.status_code == 200 and response.json()["created"] == 2
    huimin, ksf = Partner.objects.get(name="城东惠民超市"), Partner.objects.get(name="康师傅华东经销")
    assert (huimin.code, ksf.code) == ("C0001", "S0001")
    assert huimin.credit_limit == Decimal("5000") and ksf.credit_limit is None
    assert list(huimin.contacts.order_by("pk").values_list("name", "phone")) == [
        ("王经理", "13800000001"),
        ("李会计", ""),
    ]
