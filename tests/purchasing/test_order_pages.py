"""Purchase order pages: list with filters and export, entry with errors next to their line, edit, the order's life
(submit, approve with rules, reject, unapprove, close, void), print, the scan and price endpoints, the home card."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jxc.accounts.approvals import PURCHASE_ORDER
from jxc.accounts.models import ApprovalStatus, ApprovalStep, AuditEntry
from jxc.accounts.services.approvals import RuleData, approval_rule_save
from jxc.catalog.services.products import product_set_active
from jxc.purchasing.choices import OrderStatus
from jxc.purchasing.models import PurchaseOrder, PurchaseOrderLine
from jxc.purchasing.services.orders import purchase_order_submit
from tests.helpers import sheet_rows
from tests.purchasing.conftest import DAY, D, line


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def web(owner):
    """The owner's browser, in English (the messages the tests read)."""
    return _client(owner)


@pytest.fixture
def noodles(make_product):
    return make_product(sku="KSF-105", name="康师傅红烧牛肉面")


@pytest.fixture
def coke(make_product):
    return make_product(sku="COKE-330", name="可口可乐 330ml", purchase_price=D("1.80"))


def _form(buy, lines, **header):
    """POST data of the entry form: the header, then one formset row per line dict."""
    data = {
        "supplier": buy.supplier.pk,
        "warehouse": buy.warehouse.pk,
        "date": DAY.isoformat(),
        "expected_date": "",
        "freight": "",
        "other_charges": "",
        "supplier_reference": "",
        "notes": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
    }
    data.update(header)
    for i, row in enumerate(lines):
        for key, value in row.items():
            data[f"lines-{i}-{key}"] = value
    return data


def _written():
    return PurchaseOrder.objects.count(), PurchaseOrderLine.objects.count(), AuditEntry.objects.count()


def _row(page, index):
    start = page.index(f'data-prefix="lines-{index}"')
    return page[start : page.index("</tr>", start)]


def _rule(threshold="100", role="accountant"):
    return approval_rule_save(
        actor=None,
        data=RuleData(
            name="大额采购", document_type=PURCHASE_ORDER, condition="total_above", threshold=D(threshold), role=role
        ),
    )


# The list


@pytest.fixture
def three_orders(buy, make_partner, noodles, coke):
    """A draft of noodles, an approved order of coke to another supplier, and an approved order that is late."""
    other = make_partner("北方饮料", is_customer=False, is_supplier=True)
    today = timezone.localdate()
    draft = buy.order(line(noodles, 10, "2.50"), date=DAY)
    approved = buy.approved_order(line(coke, 24, "1.70"), supplier=other, date=DAY + timedelta(days=1))
    late = buy.approved_order(
        line(noodles, 5, "2.40"), date=today - timedelta(days=10), expected_date=today - timedelta(days=3)
    )
    return draft, approved, late, other


def test_the_list_shows_the_orders_with_their_status_and_filters_them(web, three_orders, coke, warehouse, english):
    draft, approved, late, other = three_orders
    page = web.get("/purchasing/orders/").content.decode()
    assert all(o.number in page for o in (draft, approved, late))
    assert 'data-status="draft"' in page and 'data-status="approved"' in page and "华南食品批发" in page

    def numbers(**query):
        html = web.get("/purchasing/orders/", query).content.decode()
        return {o.number for o in (draft, approved, late) if o.number in html}

    assert numbers(q="COKE-330") == {approved.number}
    assert numbers(q="北方") == {approved.number}
    assert numbers(q=draft.number) == {draft.number}
    assert numbers(status="draft") == {draft.number}
    assert numbers(supplier=other.pk) == {approved.number}
    assert numbers(overdue="on") == {late.number}
    assert numbers(date_from=DAY.isoformat(), date_to=DAY.isoformat()) == {draft.number}
    assert numbers(warehouse=warehouse.pk) == {draft.number, approved.number, late.number}
    by_supplier = web.get("/purchasing/orders/", {"sort": "supplier__name"}).content.decode()
    assert by_supplier.index(approved.number) < by_supplier.index(draft.number)  # 北方饮料 sorts before 华南
    for sort in ("-received_share", "total", "-expected_date", "status"):
        assert web.get("/purchasing/orders/", {"sort": sort}).status_code == 200


def test_the_list_exports_the_filtered_orders_to_excel(web, three_orders, english):
    draft, approved, late, _other = three_orders
    response = web.get("/purchasing/orders/", {"export": "xlsx"})
    assert response.status_code == 200 and "purchase-orders" in response["Content-Disposition"]
    header, *rows = sheet_rows(response.content)
    assert header[:6] == ("Number", "Date", "Supplier", "Warehouse", "Status", "Expected date")
    assert "Total" in header and "Received (%)" in header
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_number) == {draft.number, approved.number, late.number}
    assert by_number[draft.number]["Status"] == "draft" and by_number[draft.number]["Supplier"] == "华南食品批发"
    assert by_number[draft.number]["Total"] == 28.25  # 10 × 2.50 without tax, plus 13 % tax
    assert by_number[approved.number]["Status"] == "approved" and by_number[approved.number]["Received (%)"] == 0
    filtered = sheet_rows(web.get("/purchasing/orders/", {"export": "xlsx", "status": "draft"}).content)
    assert [row[0] for row in filtered[1:]] == [draft.number]


def test_the_list_hides_totals_from_users_without_cost(three_orders, make_user, english):
    keeper = _client(make_user("keeper", "warehouse"))
    page = keeper.get("/purchasing/orders/")
    assert page.status_code == 200 and three_orders[0].number in page.content.decode()
    header = sheet_rows(keeper.get("/purchasing/orders/", {"export": "xlsx"}).content)[0]
    assert "Total" not in header and "Number" in header
    assert keeper.get("/purchasing/orders/new/").status_code == 403
    cashier = _client(make_user("till", "cashier"))
    assert cashier.get("/purchasing/orders/").status_code == 403


def test_the_list_takes_the_same_number_of_queries_for_more_orders(web, buy, noodles, coke):
    buy.order(line(noodles, 1, "2"))
    with CaptureQueriesContext(connection) as few:
        assert web.get("/purchasing/orders/").status_code == 200
    for n in range(12):
        order = buy.order(line(noodles, n + 1, "2"), line(coke, 2, "1.5"))
        if n % 2:
            purchase_order_submit(actor=buy.owner, order=order)
    with CaptureQueriesContext(connection) as many:
        page = web.get("/purchasing/orders/")
    assert page.status_code == 200 and page.content.decode().count('data-status="') == 13
    assert len(many) == len(few)


def test_the_overdue_list_shows_late_orders_only_with_how_late(web, three_orders, english):
    draft, approved, late, _other = three_orders
    page = web.get("/purchasing/overdue/").content.decode()
    assert late.number in page and draft.number not in page and approved.number not in page
    header, *rows = sheet_rows(web.get("/purchasing/overdue/", {"export": "xlsx"}).content)
    row = dict(zip(header, rows[0], strict=True))
    assert len(rows) == 1 and row["Number"] == late.number and row["Days late"] == 3


# Entry


def test_create_an_order_with_a_recalled_price_and_a_box_line(web, buy, noodles, coke, units, english):
    lines = [
        {"product": noodles.pk, "unit": units["箱"].pk, "quantity": "2", "price": "50", "discount_pct": "10"},
        {"product": coke.pk, "unit": units["包"].pk, "quantity": "12", "price": "", "tax_rate": "", "notes": "冷藏"},
    ]
    header = {"freight": "8.5", "supplier_reference": "SO-778", "prices_include_tax": "", "notes": "月度补货"}
    response = web.post("/purchasing/orders/new/", _form(buy, lines, **header))
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/purchasing/orders/{order.pk}/"
    assert order.number.startswith("CG") and order.status == OrderStatus.DRAFT and not order.prices_include_tax
    box, cans = order.lines.order_by("position")
    assert (box.unit_quantity, box.quantity, box.amount) == (2, 48, D("90.00"))  # 2 × 50 less 10 %
    assert (cans.price, cans.tax_rate, cans.amount, cans.notes) == (D("1.8"), D(13), D("21.60"), "冷藏")
    assert (order.freight, order.supplier_reference, order.notes) == (D("8.50"), "SO-778", "月度补货")
    assert order.total == D("90.00") + D("11.70") + D("21.60") + D("2.81") + D("8.50")
    detail = web.get(response["Location"]).content.decode()
    assert 'data-status="draft"' in detail and 'id="order-edit"' in detail and 'id="order-submit"' in detail
    assert f"¥{order.total:,.2f}" in detail


def test_save_and_new_goes_back_to_an_empty_form_and_removed_rows_are_left_out(web, buy, noodles, units):
    lines = [
        {"product": noodles.pk, "unit": units["包"].pk, "quantity": "3"},
        {"product": noodles.pk, "unit": units["箱"].pk, "quantity": "1", "DELETE": "on"},
    ]
    response = web.post("/purchasing/orders/new/", _form(buy, lines, then="new"))
    assert response.status_code == 302 and response["Location"] == "/purchasing/orders/new/"
    assert PurchaseOrder.objects.get().lines.get().price == D("2.35")  # no price typed: the purchase price


def test_errors_stay_next_to_their_line_and_nothing_is_written(web, buy, noodles, coke, units, english):
    product_set_active(actor=None, product=coke, active=False)
    before = _written()
    lines = [
        {"product": coke.pk, "unit": units["包"].pk, "quantity": "4", "notes": "typed note"},
        {"product": noodles.pk, "unit": units["kg"].pk, "quantity": "7", "price": "2.25"},
    ]
    response = web.post("/purchasing/orders/new/", _form(buy, lines, notes="typed header"))
    assert response.status_code == 422
    assert _written() == before
    page = response.content.decode()
    assert "可口可乐 330ml is deactivated." in _row(page, 0)
    assert "康师傅红烧牛肉面 has no such unit." in _row(page, 1) and "deactivated" not in _row(page, 1)
    summary = page[page.index('id="document-errors"') : page.index("</ul>", page.index('id="document-errors"'))]
    assert "Line 1" in summary and "Line 2" in summary
    assert 'value="typed note"' in page and "typed header" in page
    assert 'name="lines-1-price" value="2.25"' in page and 'name="lines-1-quantity" value="7"' in page


def test_header_errors_show_at_their_field(web, buy, noodles, units, english):
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "1"}]
    late = _form(buy, lines, expected_date=(DAY - timedelta(days=1)).isoformat(), supplier_reference="kept")
    response = web.post("/purchasing/orders/new/", late)
    assert response.status_code == 422 and not PurchaseOrder.objects.exists()
    page = response.content.decode()
    field = page[page.index('id="field-expected_date"') : page.index("</ul>", page.index('id="field-expected_date"'))]
    assert "cannot be before the order date" in field and 'value="kept"' in page
    empty = web.post("/purchasing/orders/new/", _form(buy, []))
    assert empty.status_code == 422 and "Add at least one line." in empty.content.decode()


def test_edit_a_draft_and_only_a_draft(web, buy, noodles, units, english):
    order = buy.order(line(noodles, 10, "2.50"), notes="first")
    page = web.get(f"/purchasing/orders/{order.pk}/edit/").content.decode()
    assert 'name="lines-0-quantity" value="10"' in page and 'name="lines-0-price" value="2.5"' in page
    data = _form(
        buy, [{"product": noodles.pk, "unit": units["箱"].pk, "quantity": "1", "price": "55"}], notes="changed"
    )
    data["lines-INITIAL_FORMS"] = "1"
    response = web.post(f"/purchasing/orders/{order.pk}/edit/", data)
    assert response.status_code == 302
    order.refresh_from_db()
    changed = order.lines.get()
    assert (order.notes, changed.unit_id, changed.quantity, changed.amount) == ("changed", units["箱"].pk, 24, D(55))
    assert AuditEntry.objects.filter(action="purchase_order.changed", target_id=str(order.pk)).exists()
    purchase_order_submit(actor=buy.owner, order=order)
    again = web.get(f"/purchasing/orders/{order.pk}/edit/", follow=True)
    assert "is not a draft any more" in again.content.decode()
    assert web.post(f"/purchasing/orders/{order.pk}/edit/", data).status_code == 302
    order.refresh_from_db()
    assert order.notes == "changed" and order.status == OrderStatus.APPROVED


def test_copy_starts_a_new_draft_with_the_lines(web, buy, noodles, units):
    order = buy.approved_order(line(noodles, 6, "2.40"), supplier_reference="OLD")
    page = web.get("/purchasing/orders/new/", {"copy": order.pk}).content.decode()
    assert 'id="copy-of"' in page and 'name="lines-0-quantity" value="6"' in page
    assert 'name="lines-0-price" value="2.4"' in page and 'value="OLD"' not in page
    assert f'<option value="{buy.supplier.pk}" selected>' in page


# The order's life


def test_save_and_submit_approves_at_once_without_rules(web, buy, noodles, units, english):
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "10", "price": "2.5"}]
    response = web.post("/purchasing/orders/new/", _form(buy, lines, then="submit"), follow=True)
    order = PurchaseOrder.objects.get()
    assert order.status == OrderStatus.APPROVED and order.approved_by is None
    page = response.content.decode()
    assert "approved at once" in page and 'data-status="approved"' in page
    assert f'href="/purchasing/receipts/new/?order={order.pk}"' in page and 'id="order-unapprove"' in page
    assert "on submit (no approval rule applied)" in page


def test_an_order_over_a_rule_waits_for_the_role_and_the_owner_approves(web, buy, noodles, make_user, english):
    _rule("100", "accountant")
    order = buy.order(line(noodles, 100, "2.50"))
    submitted = web.post(f"/purchasing/orders/{order.pk}/submit/", follow=True).content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    assert "waits for approval by Accountant" in submitted
    assert "大额采购" in submitted and "total above 100: 282.50" in submitted and 'id="order-approve"' in submitted
    assert 'id="order-receive"' not in submitted

    admin = _client(make_user("admin1", "admin"))  # may approve orders, but does not hold the accountant role
    page = admin.get(f"/purchasing/orders/{order.pk}/").content.decode()
    assert 'id="order-approve"' in page and 'id="approval-reasons"' not in page
    refused = admin.post(f"/purchasing/orders/{order.pk}/approve/", {"approve-comment": "ok"})
    assert refused.status_code == 422
    assert "This document waits for approval by: Accountant." in refused.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    assert ApprovalStep.objects.get(document_id=order.pk, round=1).status == ApprovalStatus.PENDING

    mine = web.get(f"/purchasing/orders/{order.pk}/").content.decode()
    reasons = mine[mine.index('id="approval-reasons"') : mine.index("</ul>", mine.index('id="approval-reasons"'))]
    assert "total above 100: 282.50" in reasons
    approved = web.post(f"/purchasing/orders/{order.pk}/approve/", {"approve-comment": "价格合理"}, follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED and order.approved_by == buy.owner
    step = ApprovalStep.objects.get(document_id=order.pk)
    assert (step.status, step.decided_by, step.comment) == (ApprovalStatus.APPROVED, buy.owner, "价格合理")
    page = approved.content.decode()
    assert f"Approved {order.number}." in page and "价格合理" in page and 'data-step-status="approved"' in page


def test_reject_needs_a_reason_and_sends_the_order_back_to_draft(web, buy, noodles, english):
    _rule("10", "owner")
    order = buy.order(line(noodles, 100, "2.50"))
    purchase_order_submit(actor=buy.owner, order=order)
    before = AuditEntry.objects.count()
    empty = web.post(f"/purchasing/orders/{order.pk}/reject/", {"reject-reason": ""})
    assert empty.status_code == 422 and AuditEntry.objects.count() == before
    page = empty.content.decode()
    field = page[page.index('id="field-reject-reason"') : page.index("</div>", page.index('id="field-reject-reason"'))]
    assert "This field is required." in field
    done = web.post(f"/purchasing/orders/{order.pk}/reject/", {"reject-reason": "单价太高"}, follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT
    step = ApprovalStep.objects.get(document_id=order.pk)
    assert (step.status, step.comment) == (ApprovalStatus.REJECTED, "单价太高")
    page = done.content.decode()
    assert "it is a draft again" in page and "单价太高" in page and 'id="order-edit"' in page


def test_unapprove_returns_an_order_without_receipts_to_draft(web, buy, noodles, english):
    order = buy.approved_order(line(noodles, 10, "2.50"))
    response = web.post(f"/purchasing/orders/{order.pk}/unapprove/", follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT and order.approved_at is None
    assert "Unapproved" in response.content.decode() and 'id="order-edit"' in response.content.decode()
    assert web.get(f"/purchasing/orders/{order.pk}/unapprove/").status_code == 405


def test_an_order_with_a_receipt_shows_progress_and_cannot_be_unapproved_or_voided(web, buy, noodles, coke, english):
    order = buy.approved_order(line(noodles, 10, "2.50"), line(coke, 6, "1.5"))
    receipt = buy.receive(*buy.against(order, l1=(4, 1)))
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIAL
    page = web.get(f"/purchasing/orders/{order.pk}/").content.decode()
    first = page[page.index('data-line="1"') : page.index("</tr>", page.index('data-line="1"'))]
    assert 'data-col="received">3<' in first and 'data-col="rejected">1<' in first
    assert 'data-col="remaining"><strong>7<' in first
    receipts = page[page.index('id="order-receipts"') :]
    assert receipt.number in receipts
    header, *rows = sheet_rows(web.get(f"/purchasing/orders/{order.pk}/", {"export": "xlsx"}).content)
    first_line = dict(zip(header, rows[0], strict=True))
    assert [first_line[k] for k in ("SKU", "Ordered", "Received", "Rejected", "Remaining")] == ["KSF-105", 10, 3, 1, 7]
    assert 'id="order-unapprove"' not in page and 'id="order-void"' not in page and 'id="order-close"' in page
    refused = web.post(f"/purchasing/orders/{order.pk}/void/", {"void-reason": "不要了"})
    assert refused.status_code == 422 and "it cannot be voided" in refused.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIAL


def test_close_cancels_what_has_not_arrived(web, buy, noodles, english):
    order = buy.approved_order(line(noodles, 10, "2.50"))
    buy.receive(*buy.against(order, l1=6))
    assert web.post(f"/purchasing/orders/{order.pk}/close/", {"close-reason": ""}).status_code == 422
    response = web.post(f"/purchasing/orders/{order.pk}/close/", {"close-reason": "供应商缺货"}, follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.close_reason == "供应商缺货"
    page = response.content.decode()
    assert 'data-col="remaining"><strong>0<' in page and 'id="order-close-reason"' in page and "供应商缺货" in page
    assert 'id="order-receive"' not in page and 'id="order-close"' not in page


def test_void_a_submitted_order_cancels_its_waiting_approval(web, buy, noodles, english):
    _rule("10", "owner")
    order = buy.order(line(noodles, 100, "2.50"))
    purchase_order_submit(actor=buy.owner, order=order)
    response = web.post(f"/purchasing/orders/{order.pk}/void/", {"void-reason": "重复下单"}, follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.VOID and order.close_reason == "重复下单"
    assert ApprovalStep.objects.get(document_id=order.pk).status == ApprovalStatus.CANCELLED
    page = response.content.decode()
    assert f"Voided {order.number}." in page and 'id="order-void"' not in page and 'id="order-edit"' not in page


def test_actions_follow_permissions_and_warehouse_scope(buy, noodles, make_user, make_warehouse, english):
    order = buy.approved_order(line(noodles, 10, "2.50"))
    keeper = _client(make_user("keeper", "warehouse"))
    page = keeper.get(f"/purchasing/orders/{order.pk}/").content.decode()
    assert "2.50" not in page and 'id="order-total"' not in page  # no purchase prices
    assert f"/purchasing/receipts/new/?order={order.pk}" in page  # but the goods can be received
    assert 'id="order-close"' not in page and 'id="order-unapprove"' not in page
    assert keeper.post(f"/purchasing/orders/{order.pk}/close/", {"close-reason": "x"}).status_code == 403
    shop = make_warehouse("SHOP", "门店仓")
    elsewhere = _client(make_user("shop", "purchaser", all_warehouses=False, warehouse_ids=[shop.pk]))
    assert elsewhere.get(f"/purchasing/orders/{order.pk}/").status_code == 404
    assert order.number not in elsewhere.get("/purchasing/orders/").content.decode()


# Print, scan, price, home


def test_print_has_the_company_supplier_lines_totals_and_signatures(web, buy, noodles, company, make_user, english):
    company.name, company.address, company.phone = "测试商贸有限公司", "上海市浦东新区1号", "021-5555"
    company.save()
    buy.supplier.contact_name, buy.supplier.phone, buy.supplier.address = "王经理", "13800000000", "广州市白云区"
    buy.supplier.save()
    order = buy.approved_order(line(noodles, 10, "2.50"), expected_date=DAY + timedelta(days=5))
    page = web.get(f"/purchasing/orders/{order.pk}/print/").content.decode()
    assert "测试商贸有限公司" in page and "上海市浦东新区1号" in page and order.number in page
    supplier = page[page.index('id="print-supplier"') : page.index('id="print-buyer"')]
    assert "王经理" in supplier and "13800000000" in supplier and "广州市白云区" in supplier
    assert "康师傅红烧牛肉面" in page and "2.50" in page and "¥28.25" in page
    assert (DAY + timedelta(days=5)).isoformat() in page
    assert "Prepared by" in page and "Approved by" in page and "Supplier's confirmation" in page
    keeper = _client(make_user("keeper", "warehouse")).get(f"/purchasing/orders/{order.pk}/print/").content.decode()
    assert "康师傅红烧牛肉面" in keeper and "¥28.25" not in keeper and 'id="print-totals"' not in keeper


def test_the_scan_row_comes_in_the_scanned_unit_and_refuses_inactive_products(web, noodles, coke, units, english):
    box = noodles.barcodes.get(unit=units["箱"]).code
    row = web.get("/purchasing/orders/line/", {"code": box, "index": "2"})
    html = row.content.decode()
    assert row.status_code == 200 and 'name="lines-2-product"' in html and f'value="{noodles.pk}"' in html
    assert f'<option value="{units["箱"].pk}" selected>箱</option>' in html
    assert 'name="lines-2-quantity" value="1"' in html and 'name="lines-2-tax_rate" value="13"' in html
    assert 'name="lines-2-price"' in html and "data-price-source" in html
    assert 'name="lines-2-DELETE"' in html  # removing the row on the page keeps it out of the order
    unknown = web.get("/purchasing/orders/line/", {"code": "0000", "index": "0"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    product_set_active(actor=None, product=coke, active=False)
    inactive = web.get("/purchasing/orders/line/", {"code": "COKE-330", "index": "0"})
    assert inactive.status_code == 422 and "deactivated" in inactive.json()["message"]


def test_the_price_endpoint_recalls_the_last_price_else_the_purchase_price(web, buy, noodles, units, make_user):
    url = "/purchasing/orders/price/"
    first = web.get(url, {"product": noodles.pk, "supplier": buy.supplier.pk, "include_tax": "0"}).json()
    assert (first["price"], first["source"], first["tax_rate"]) == ("2.35", "purchase_price", "13")
    box = web.get(url, {"product": noodles.pk, "unit": units["箱"].pk, "include_tax": "1"}).json()
    assert box["price"] == "63.732"  # 24 × 2.35 × 1.13
    buy.approved_order(line(noodles, 10, "2.10"))
    last = web.get(url, {"product": noodles.pk, "supplier": buy.supplier.pk, "include_tax": "0"}).json()
    assert (last["price"], last["source"]) == ("2.1", "last_price")
    assert web.get(url, {"product": noodles.pk, "unit": units["kg"].pk}).status_code == 422
    assert web.get(url, {"product": "x"}).status_code == 400
    keeper = _client(make_user("keeper", "warehouse"))
    assert keeper.get(url, {"product": noodles.pk}).status_code == 403


def test_the_entry_page_has_the_scan_field_and_its_scripts(web, buy):
    page = web.get("/purchasing/orders/new/").content.decode()
    assert "data-scan-add" in page and "inventory/documents.js" in page and "inventory/orders.js" in page
    assert 'data-line-url="/purchasing/orders/line/"' in page and 'data-price-url="/purchasing/orders/price/"' in page
    assert 'name="prices_include_tax"' in page and 'id="total-sum"' in page
    assert web.get("/static/inventory/orders.js").status_code == 200


def test_the_home_page_lists_overdue_orders(web, three_orders, make_user, english):
    _draft, approved, late, _other = three_orders
    page = web.get("/").content.decode()
    card = page[page.index('id="overdue-orders-card"') : page.index("</table>", page.index('id="overdue-orders-card"'))]
    assert late.number in card and approved.number not in card and 'data-overdue-count="1"' in card
    cashier = _client(make_user("till", "cashier")).get("/").content.decode()
    assert 'id="overdue-orders-card"' not in cashier


def test_the_sidebar_links_the_order_pages(web, make_user, english):
    page = web.get("/").content.decode()
    assert 'href="/purchasing/orders/"' in page and 'href="/purchasing/overdue/"' in page
    cashier = _client(make_user("till", "cashier")).get("/").content.decode()
    assert 'href="/purchasing/orders/"' not in cashier
