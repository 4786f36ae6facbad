"""Sales order pages: list with filters and export, entry with proposed prices and stock figures, errors next to their
line, edit, copy, the order's life (submit, approve with rules, reject, unapprove, close, void), gross profit for
users who see costs, print, the scan, price and stock endpoints, the home card and the sidebar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jxc.accounts.approvals import SALES_ORDER
from jxc.accounts.models import ApprovalStatus, ApprovalStep, AuditEntry
from jxc.accounts.services.approvals import RuleData, approval_rule_save
from jxc.catalog.services.products import product_set_active
from jxc.inventory.models import Reservation, StockBalance
from jxc.purchasing.services.orders import (
    OrderData,
    OrderLineData,
    purchase_order_approve,
    purchase_order_create,
    purchase_order_submit,
)
from jxc.sales.choices import OrderStatus
from jxc.sales.models import CustomerPrice, SalesOrder, SalesOrderLine
from jxc.sales.services.orders import sales_order_submit
from jxc.sales.services.shipments import sales_shipment_post
from tests.helpers import sheet_rows
from tests.sales.conftest import DAY, D, sale, ship


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
    return make_product(sku="KSF-105", name="康师傅红烧牛肉面", wholesale_price=D("3.00"))


@pytest.fixture
def coke(make_product):
    return make_product(sku="COKE-330", name="可口可乐 330ml", wholesale_price=D("2.50"))


@pytest.fixture
def stocked(sell, noodles, coke):
    """100 packs of noodles at 2.00 and 48 cans of coke at 1.50 in the warehouse."""
    sell.stock(noodles, 100, "2.00")
    sell.stock(coke, 48, "1.50")
    return sell


def _viewer(make_user, username="picker"):
    """A warehouse keeper, who may open sales orders (to ship them) but not see what customers pay."""
    user = make_user(username, "warehouse")
    user.user_permissions.add(Permission.objects.get(codename="view_salesorder"))
    return _client(user)


def _form(sell, lines, **header):
    """POST data of the entry form: the header, then one formset row per line dict."""
    data = {
        "customer": sell.customer.pk,
        "warehouse": sell.warehouse.pk,
        "date": DAY.isoformat(),
        "delivery_date": "",
        "salesperson": "",
        "prices_include_tax": "on",
        "freight": "",
        "other_charges": "",
        "customer_reference": "",
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
    return SalesOrder.objects.count(), SalesOrderLine.objects.count(), AuditEntry.objects.count()


def _row(page, index):
    start = page.index(f'data-prefix="lines-{index}"')
    return page[start : page.index("</tr>", start)]


def _input(page, name):
    start = page.index(f'name="{name}"')
    return page[page.rindex("<input", 0, start) : page.index(">", start)]


def _region(page, marker, end="</dl>"):
    start = page.index(marker)
    return page[start : page.index(end, start)]


def _rule(condition="total_above", threshold="100", role="accountant"):
    return approval_rule_save(
        actor=None,
        data=RuleData(
            name="大额销售", document_type=SALES_ORDER, condition=condition, threshold=D(threshold), role=role
        ),
    )


def _reserved(product):
    balance = StockBalance.objects.filter(product=product).first()
    return balance.reserved if balance else D(0)


# The list


@pytest.fixture
def three_orders(stocked, make_partner, noodles, coke, owner, make_user):
    """A draft of noodles, an approved order of coke for another customer (by a salesperson), and a submitted one."""
    other = make_partner("北方便利店", price_level="retail")
    seller = make_user("seller", "sales")
    draft = stocked.order(sale(noodles, 10, "3.39"), customer_reference="PO-778")
    approved = stocked.order(
        sale(coke, 24, "2.80"), customer=other, date=DAY + timedelta(days=1), salesperson_id=seller.pk
    )
    sales_order_submit(actor=owner, order=approved)
    _rule("total_above", "50", "owner")
    waiting = stocked.order(sale(noodles, 30, "3.39"), date=DAY + timedelta(days=2))
    sales_order_submit(actor=owner, order=waiting)
    return draft, approved, waiting, other, seller


def test_the_list_shows_the_orders_with_their_status_and_filters_them(web, three_orders, coke, warehouse, english):
    draft, approved, waiting, other, seller = three_orders
    page = web.get("/sales/orders/").content.decode()
    assert all(o.number in page for o in (draft, approved, waiting))
    assert 'data-status="draft"' in page and 'data-status="approved"' in page and 'data-status="submitted"' in page
    assert "城东惠民超市" in page and f'href="/sales/orders/{draft.pk}/"' in page

    def numbers(**query):
        html = web.get("/sales/orders/", query).content.decode()
        return {o.number for o in (draft, approved, waiting) if o.number in html}

    assert numbers(q="COKE-330") == {approved.number}
    assert numbers(q="北方") == {approved.number}
    assert numbers(q="PO-778") == {draft.number}
    assert numbers(q=draft.number) == {draft.number}
    assert numbers(status="submitted") == {waiting.number}
    assert numbers(customer=other.pk) == {approved.number}
    assert numbers(salesperson=seller.pk) == {approved.number}
    assert numbers(date_from=DAY.isoformat(), date_to=DAY.isoformat()) == {draft.number}
    assert numbers(warehouse=warehouse.pk) == {draft.number, approved.number, waiting.number}
    by_customer = web.get("/sales/orders/", {"sort": "customer__name"}).content.decode()
    assert by_customer.index(approved.number) < by_customer.index(draft.number)  # 北方 sorts before 城东
    for sort in ("-shipped_share", "total", "-delivery_date", "status", "salesperson__username"):
        assert web.get("/sales/orders/", {"sort": sort}).status_code == 200


def test_the_list_exports_the_filtered_orders_to_excel(web, three_orders, english):
    draft, approved, waiting, _other, _seller = three_orders
    response = web.get("/sales/orders/", {"export": "xlsx"})
    assert response.status_code == 200 and "sales-orders" in response["Content-Disposition"]
    header, *rows = sheet_rows(response.content)
    assert header[:6] == ("Number", "Date", "Customer", "Warehouse", "Salesperson", "Status")
    assert "Total" in header and "Shipped (%)" in header and "Customer's reference" in header
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_number) == {draft.number, approved.number, waiting.number}
    assert by_number[draft.number]["Status"] == "draft" and by_number[draft.number]["Customer"] == "城东惠民超市"
    assert by_number[draft.number]["Total"] == 33.9 and by_number[draft.number]["Customer's reference"] == "PO-778"
    assert by_number[approved.number]["Salesperson"] == "seller" and by_number[approved.number]["Shipped (%)"] == 0
    filtered = sheet_rows(web.get("/sales/orders/", {"export": "xlsx", "status": "draft"}).content)
    assert [row[0] for row in filtered[1:]] == [draft.number]


def test_the_list_hides_totals_from_users_who_may_not_see_prices(three_orders, make_user, english):
    picker = _viewer(make_user)
    page = picker.get("/sales/orders/")
    assert page.status_code == 200 and three_orders[0].number in page.content.decode()
    assert "New sales order" not in page.content.decode()
    header = sheet_rows(picker.get("/sales/orders/", {"export": "xlsx"}).content)[0]
    assert "Total" not in header and "Number" in header
    assert picker.get("/sales/orders/new/").status_code == 403
    seller = _client(make_user("seller2", "sales"))
    assert "Total" in sheet_rows(seller.get("/sales/orders/", {"export": "xlsx"}).content)[0]
    for role in ("cashier", "purchaser"):
        assert _client(make_user(f"u-{role}", role)).get("/sales/orders/").status_code == 403


def test_the_list_takes_the_same_number_of_queries_for_more_orders(web, stocked, noodles, coke, owner):
    stocked.order(sale(noodles, 1, "3"))
    with CaptureQueriesContext(connection) as few:
        assert web.get("/sales/orders/").status_code == 200
    for n in range(12):
        order = stocked.order(sale(noodles, n + 1, "3"), sale(coke, 2, "2.5"))
        if n % 2:
            sales_order_submit(actor=owner, order=order)
    with CaptureQueriesContext(connection) as many:
        page = web.get("/sales/orders/")
    assert page.status_code == 200 and page.content.decode().count('data-status="') == 13
    assert len(many) == len(few)


# Entry


def test_create_an_order_with_a_proposed_price_a_typed_one_and_a_box_line(
    web, stocked, noodles, coke, units, customer, english
):
    CustomerPrice.objects.create(customer=customer, product=coke, price=D("2.40"))
    lines = [
        {"product": noodles.pk, "unit": units["箱"].pk, "quantity": "2", "price": "70", "discount_pct": "5"},
        {"product": coke.pk, "unit": units["包"].pk, "quantity": "12", "price": "", "tax_rate": "", "notes": "冷藏"},
    ]
    header = {"freight": "8.5", "customer_reference": "PO-2611", "notes": "周五送货", "then": ""}
    response = web.post("/sales/orders/new/", _form(stocked, lines, **header))
    order = SalesOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sales/orders/{order.pk}/"
    assert order.number.startswith("XS") and order.status == OrderStatus.DRAFT and order.prices_include_tax
    box, cans = order.lines.order_by("position")
    assert (box.unit_quantity, box.quantity, box.total, box.price_source) == (2, 48, D("133.00"), "typed")
    assert (cans.price, cans.price_source, cans.total, cans.notes) == (D("2.4"), "agreed", D("28.80"), "冷藏")
    assert (order.freight, order.customer_reference, order.notes) == (D("8.50"), "PO-2611", "周五送货")
    assert order.total == D("133.00") + D("28.80") + D("8.50")
    assert order.salesperson_id is None  # none chosen and the customer has none
    detail = web.get(response["Location"]).content.decode()
    assert 'data-status="draft"' in detail and 'id="order-edit"' in detail and 'id="order-submit"' in detail
    assert f"¥{order.total:,.2f}" in detail and "agreed price" in detail and "typed" in detail


def test_save_and_new_goes_back_to_an_empty_form_and_removed_rows_are_left_out(web, stocked, noodles, units):
    lines = [
        {"product": noodles.pk, "unit": units["包"].pk, "quantity": "3"},
        {"product": noodles.pk, "unit": units["箱"].pk, "quantity": "1", "DELETE": "on"},
    ]
    response = web.post("/sales/orders/new/", _form(stocked, lines, then="new"))
    assert response.status_code == 302 and response["Location"] == "/sales/orders/new/"
    line = SalesOrder.objects.get().lines.get()
    assert (line.price, line.price_source) == (D("3.000000"), "wholesale")  # no price typed: the customer's level


def test_errors_stay_next_to_their_line_and_nothing_is_written(web, stocked, noodles, coke, units, english):
    product_set_active(actor=None, product=coke, active=False)
    before = _written()
    lines = [
        {"product": coke.pk, "unit": units["包"].pk, "quantity": "4", "notes": "typed note"},
        {"product": noodles.pk, "unit": units["kg"].pk, "quantity": "7", "price": "3.25"},
    ]
    response = web.post("/sales/orders/new/", _form(stocked, lines, notes="typed header"))
    assert response.status_code == 422
    assert _written() == before
    page = response.content.decode()
    assert "可口可乐 330ml is deactivated." in _row(page, 0)
    assert "康师傅红烧牛肉面 has no such unit." in _row(page, 1) and "deactivated" not in _row(page, 1)
    summary = _region(page, 'id="document-errors"', "</ul>")
    assert "Line 1" in summary and "Line 2" in summary
    assert 'value="typed note"' in page and "typed header" in page
    assert 'name="lines-1-price" value="3.25"' in page and 'name="lines-1-quantity" value="7"' in page


def test_header_errors_show_at_their_field(web, stocked, noodles, units, customer, english):
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "1"}]
    late = _form(stocked, lines, delivery_date=(DAY - timedelta(days=1)).isoformat(), customer_reference="kept")
    response = web.post("/sales/orders/new/", late)
    assert response.status_code == 422 and not SalesOrder.objects.exists()
    page = response.content.decode()
    assert "cannot be before the order date" in _region(page, 'id="field-delivery_date"', "</ul>")
    assert 'value="kept"' in page
    empty = web.post("/sales/orders/new/", _form(stocked, []))
    assert empty.status_code == 422 and "Add at least one line." in empty.content.decode()
    customer.active = False
    customer.save()
    inactive = web.post("/sales/orders/new/", _form(stocked, lines))
    assert inactive.status_code == 422 and not SalesOrder.objects.exists()
    assert "Select a valid choice" in _region(inactive.content.decode(), 'id="field-customer"', "</ul>")


def test_edit_a_draft_and_only_a_draft(web, stocked, noodles, units, owner, english):
    order = stocked.order(sale(noodles, 10, "3.20"), sale(noodles, 1, unit_id=units["箱"].pk), notes="first")
    page = web.get(f"/sales/orders/{order.pk}/edit/").content.decode()
    assert 'name="lines-0-quantity" value="10"' in page and 'name="lines-0-price" value="3.2"' in page
    assert "value=" not in _input(page, "lines-1-price")  # a proposed price is proposed again, not kept as typed
    data = _form(stocked, [{"product": noodles.pk, "unit": units["箱"].pk, "quantity": "1", "price": "75"}], notes="v2")
    data["lines-INITIAL_FORMS"] = "2"
    response = web.post(f"/sales/orders/{order.pk}/edit/", data)
    assert response.status_code == 302
    order.refresh_from_db()
    changed = order.lines.get()
    assert (order.notes, changed.unit_id, changed.quantity, changed.total) == ("v2", units["箱"].pk, 24, D(75))
    assert AuditEntry.objects.filter(action="sales_order.changed", target_id=str(order.pk)).exists()
    sales_order_submit(actor=owner, order=order)
    again = web.get(f"/sales/orders/{order.pk}/edit/", follow=True)
    assert "is not a draft any more" in again.content.decode()
    assert web.post(f"/sales/orders/{order.pk}/edit/", data).status_code == 302
    order.refresh_from_db()
    assert order.notes == "v2" and order.status == OrderStatus.APPROVED


def test_copy_starts_a_new_draft_with_the_lines(web, stocked, noodles, owner):
    order = stocked.order(sale(noodles, 6, "3.30"), customer_reference="OLD")
    sales_order_submit(actor=owner, order=order)
    page = web.get("/sales/orders/new/", {"copy": order.pk}).content.decode()
    assert 'id="copy-of"' in page and 'name="lines-0-quantity" value="6"' in page
    assert 'name="lines-0-price" value="3.3"' in page and 'value="OLD"' not in page
    assert f'<option value="{stocked.customer.pk}" selected>' in page
    start = web.get("/sales/orders/new/", {"customer": stocked.customer.pk}).content.decode()
    assert f'<option value="{stocked.customer.pk}" selected>' in start


def test_the_line_rows_show_stock_and_what_is_on_order(web, stocked, noodles, coke, owner, make_partner):
    """Available and reserved come from the balance; on order from approved purchase orders not received yet."""
    held = stocked.order(sale(noodles, 30, "3"))
    sales_order_submit(actor=owner, order=held)  # 30 of 100 reserved
    supplier = make_partner("华南食品批发", is_customer=False, is_supplier=True)
    bought = purchase_order_create(
        actor=owner,
        data=OrderData(
            supplier_id=supplier.pk,
            warehouse_id=stocked.warehouse.pk,
            date=DAY,
            lines=[OrderLineData(product_id=noodles.pk, quantity=D(5), unit_id=None, price=D("2.00"))],
        ),
    )
    draft_only = purchase_order_create(
        actor=owner,
        data=OrderData(
            supplier_id=supplier.pk,
            warehouse_id=stocked.warehouse.pk,
            date=DAY,
            lines=[OrderLineData(product_id=noodles.pk, quantity=D(7), price=D("2.00"))],
        ),
    )
    if not purchase_order_submit(actor=owner, order=bought).approved:
        purchase_order_approve(actor=owner, order=bought)
    order = stocked.order(sale(noodles, 2, "3"), sale(coke, 1, "3"))
    page = web.get(f"/sales/orders/{order.pk}/edit/").content.decode()
    row = _row(page, 0)
    assert 'data-figure="available">70<' in row and 'data-figure="reserved">30<' in row
    assert 'data-figure="on_order">5<' in row  # the approved purchase order; the draft one does not count
    assert 'data-figure="available">48<' in _row(page, 1) and 'data-figure="on_order">0<' in _row(page, 1)
    assert draft_only.status == "draft"
    stock = web.get("/sales/orders/stock/", {"warehouse": stocked.warehouse.pk, "product": [noodles.pk, coke.pk]})
    assert stock.json()["products"][str(noodles.pk)] == {
        "on_hand": "100",
        "reserved": "30",
        "available": "70",
        "on_order": "5",
    }


def test_the_stock_endpoint_keeps_to_the_users_warehouses(web, stocked, noodles, make_user, make_warehouse):
    shop = make_warehouse("SHOP", "门店仓")
    limited = _client(make_user("shop", "sales", all_warehouses=False, warehouse_ids=[shop.pk]))
    assert (
        limited.get("/sales/orders/stock/", {"warehouse": stocked.warehouse.pk, "product": noodles.pk}).status_code
        == 404
    )
    mine = limited.get("/sales/orders/stock/", {"warehouse": shop.pk, "product": noodles.pk}).json()
    assert mine["products"][str(noodles.pk)]["available"] == "0"
    assert web.get("/sales/orders/stock/", {"product": noodles.pk}).status_code == 400
    assert _client(make_user("till", "cashier")).get("/sales/orders/stock/", {"warehouse": shop.pk}).status_code == 403


# The order's life


def test_save_and_submit_approves_at_once_without_rules_and_reserves(web, stocked, noodles, units, english):
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "10", "price": "3.39"}]
    response = web.post("/sales/orders/new/", _form(stocked, lines, then="submit"), follow=True)
    order = SalesOrder.objects.get()
    assert order.status == OrderStatus.APPROVED and order.approved_by is None and _reserved(noodles) == 10
    page = response.content.decode()
    assert "approved at once" in page and 'data-status="approved"' in page
    assert 'id="order-unapprove"' in page and 'id="order-close"' in page and 'id="order-void"' in page
    assert "on submit (no approval rule applied)" in page and 'id="order-credit"' not in page


def test_save_and_submit_that_cannot_reserve_keeps_the_draft(web, stocked, noodles, units, english):
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "101", "price": "3"}]
    response = web.post("/sales/orders/new/", _form(stocked, lines, then="submit"), follow=True)
    order = SalesOrder.objects.get()
    assert order.status == OrderStatus.DRAFT and _reserved(noodles) == 0
    assert "could not be submitted" in response.content.decode()
    assert not Reservation.objects.exists()


def test_an_order_over_the_credit_limit_waits_for_the_accountant(web, stocked, noodles, make_user, english):
    _rule("over_credit_limit", "0", "accountant")
    order = stocked.order(sale(noodles, 100, "11.30"))  # 1130.00 > the customer's limit of 1000.00
    submitted = web.post(f"/sales/orders/{order.pk}/submit/", follow=True).content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED and _reserved(noodles) == 0
    assert "waits for approval by Accountant" in submitted and "0.00 + 1,130.00 &gt; 1,000.00" in submitted
    credit = _region(submitted, 'id="order-credit"')
    assert "¥1,000.00" in credit and "¥1,130.00" in credit and 'id="credit-over"' in credit

    seller = _client(make_user("seller", "sales"))
    page = seller.get(f"/sales/orders/{order.pk}/").content.decode()
    assert 'id="order-approve"' not in page and 'id="approval-steps"' in page
    theirs = seller.post(f"/sales/orders/{order.pk}/approve/", {"approve-comment": "ok"})
    assert theirs.status_code == 422 and "waits for approval by: Accountant" in theirs.content.decode()
    admin = _client(make_user("admin1", "admin"))  # may approve sales orders, but does not hold the role
    refused = admin.post(f"/sales/orders/{order.pk}/approve/", {"approve-comment": "ok"})
    assert refused.status_code == 422 and "This document waits for approval by: Accountant." in refused.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED

    accountant = _client(make_user("acc", "accountant"))
    mine = accountant.get(f"/sales/orders/{order.pk}/").content.decode()
    assert "1,130.00 &gt; 1,000.00" in _region(mine, 'id="approval-reasons"', "</ul>")
    approved = accountant.post(f"/sales/orders/{order.pk}/approve/", {"approve-comment": "老客户"}, follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED and _reserved(noodles) == 100
    step = ApprovalStep.objects.get(document_id=order.pk, document_type=SALES_ORDER)
    assert (step.status, step.comment) == (ApprovalStatus.APPROVED, "老客户")
    page = approved.content.decode()
    assert f"Approved {order.number}." in page and "老客户" in page and 'data-step-status="approved"' in page


def test_approving_without_the_stock_shows_the_error_and_changes_nothing(web, stocked, noodles, english):
    _rule("total_above", "10", "owner")
    order = stocked.order(sale(noodles, 100, "3"))
    sales_order_submit(actor=stocked.owner, order=order)
    stocked.order(sale(noodles, 60, "3"))
    other = stocked.order(sale(noodles, 3, "1"))
    sales_order_submit(actor=stocked.owner, order=other)  # below the rule: approved, 3 reserved
    before = AuditEntry.objects.count()
    response = web.post(f"/sales/orders/{order.pk}/approve/", {"approve-comment": ""})
    assert response.status_code == 422 and 'id="order-error"' in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED and _reserved(noodles) == 3 and AuditEntry.objects.count() == before


def test_reject_needs_a_reason_and_sends_the_order_back_to_draft(web, stocked, noodles, english):
    _rule("total_above", "10", "owner")
    order = stocked.order(sale(noodles, 10, "3"))
    sales_order_submit(actor=stocked.owner, order=order)
    before = AuditEntry.objects.count()
    empty = web.post(f"/sales/orders/{order.pk}/reject/", {"reject-reason": ""})
    assert empty.status_code == 422 and AuditEntry.objects.count() == before
    assert "This field is required." in _region(empty.content.decode(), 'id="field-reject-reason"', "</div>")
    done = web.post(f"/sales/orders/{order.pk}/reject/", {"reject-reason": "价格再议"}, follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT
    step = ApprovalStep.objects.get(document_id=order.pk, document_type=SALES_ORDER)
    assert (step.status, step.comment) == (ApprovalStatus.REJECTED, "价格再议")
    page = done.content.decode()
    assert "it is a draft again" in page and "价格再议" in page and 'id="order-edit"' in page


def test_unapprove_returns_the_order_to_draft_and_releases_the_stock(web, stocked, noodles, english):
    order = stocked.order(sale(noodles, 10, "3"))
    sales_order_submit(actor=stocked.owner, order=order)
    assert _reserved(noodles) == 10
    response = web.post(f"/sales/orders/{order.pk}/unapprove/", follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT and _reserved(noodles) == 0
    assert "Unapproved" in response.content.decode() and 'id="order-edit"' in response.content.decode()
    assert web.get(f"/sales/orders/{order.pk}/unapprove/").status_code == 405
    refused = web.post(f"/sales/orders/{order.pk}/close/", {"close-reason": "x"})
    assert refused.status_code == 422 and "cannot be closed" in refused.content.decode()


def test_a_shipped_order_shows_progress_and_cannot_be_unapproved_or_voided(web, stocked, noodles, coke, english):
    order = stocked.order(sale(noodles, 10, "3"), sale(coke, 6, "2.5"))
    sales_order_submit(actor=stocked.owner, order=order)
    first = order.lines.get(position=1)
    sales_shipment_post(actor=stocked.owner, shipment=stocked.shipment(ship(noodles, 4, order_line_id=first.pk)))
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIAL
    page = web.get(f"/sales/orders/{order.pk}/").content.decode()
    line = page[page.index('data-line="1"') : page.index("</tr>", page.index('data-line="1"'))]
    assert 'data-col="shipped">4<' in line and 'data-col="remaining"><strong>6<' in line
    assert 'id="order-unapprove"' not in page and 'id="order-void"' not in page and 'id="order-close"' in page
    header, *rows = sheet_rows(web.get(f"/sales/orders/{order.pk}/", {"export": "xlsx"}).content)
    first_line = dict(zip(header, rows[0], strict=True))
    assert [first_line[k] for k in ("SKU", "Ordered", "Shipped", "Still to ship")] == ["KSF-105", 10, 4, 6]
    refused = web.post(f"/sales/orders/{order.pk}/void/", {"void-reason": "不要了"})
    assert refused.status_code == 422 and "it cannot be voided" in refused.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIAL


def test_close_cancels_the_rest_and_releases_its_stock(web, stocked, noodles, english):
    order = stocked.order(sale(noodles, 10, "3"))
    sales_order_submit(actor=stocked.owner, order=order)
    assert web.post(f"/sales/orders/{order.pk}/close/", {"close-reason": ""}).status_code == 422
    assert _reserved(noodles) == 10
    response = web.post(f"/sales/orders/{order.pk}/close/", {"close-reason": "客户取消"}, follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.close_reason == "客户取消" and _reserved(noodles) == 0
    page = response.content.decode()
    assert 'data-col="remaining"><strong>0<' in page and 'id="order-close-reason"' in page and "客户取消" in page
    assert 'id="order-close"' not in page and 'id="order-void"' not in page


def test_void_a_submitted_order_cancels_its_waiting_review(web, stocked, noodles, english):
    _rule("total_above", "10", "owner")
    order = stocked.order(sale(noodles, 10, "3"))
    sales_order_submit(actor=stocked.owner, order=order)
    response = web.post(f"/sales/orders/{order.pk}/void/", {"void-reason": "重复下单"}, follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.VOID and order.close_reason == "重复下单"
    assert ApprovalStep.objects.get(document_id=order.pk, document_type=SALES_ORDER).status == ApprovalStatus.CANCELLED
    page = response.content.decode()
    assert f"Voided {order.number}." in page and 'id="order-void"' not in page and 'id="order-edit"' not in page


# Gross profit, prices and scope


def test_gross_profit_is_shown_to_users_who_see_costs_only(web, stocked, noodles, coke, make_user, english):
    order = stocked.order(sale(noodles, 10, "3.39"), sale(coke, 4, "1.13"))  # 30.00 and 4.00 without tax
    page = web.get(f"/sales/orders/{order.pk}/").content.decode()
    first = page[page.index('data-line="1"') : page.index("</tr>", page.index('data-line="1"'))]
    assert 'data-col="unit-cost">2.00<' in first and 'data-col="profit">10.00<' in first  # 30.00 − 10 × 2.00
    assert 'data-col="margin">33.33%<' in first
    second = page[page.index('data-line="2"') : page.index("</tr>", page.index('data-line="2"'))]
    assert 'data-col="profit">-2.00<' in second  # sold below its cost of 1.50
    total = _region(page, 'id="order-profit"', "</dd>")
    assert "¥8.00" in total and "(23.53%)" in total  # 34.00 − 26.00
    header = sheet_rows(web.get(f"/sales/orders/{order.pk}/", {"export": "xlsx"}).content)
    assert "Gross profit" in header[0] and 10 in header[1]

    seller = _client(make_user("seller", "sales"))
    theirs = seller.get(f"/sales/orders/{order.pk}/").content.decode()
    assert 'id="order-total"' in theirs and 'id="order-profit"' not in theirs and 'data-col="profit"' not in theirs
    assert "Unit cost" not in theirs
    exported = sheet_rows(seller.get(f"/sales/orders/{order.pk}/", {"export": "xlsx"}).content)[0]
    assert "Gross profit" not in exported and "Unit price" in exported

    picker = _viewer(make_user)
    plain = picker.get(f"/sales/orders/{order.pk}/").content.decode()
    assert "3.39" not in plain and 'id="order-total"' not in plain and 'data-col="price"' not in plain
    assert 'id="order-edit"' not in plain and 'id="order-copy"' not in plain
    assert "Unit price" not in sheet_rows(picker.get(f"/sales/orders/{order.pk}/", {"export": "xlsx"}).content)[0]


def test_gross_profit_uses_the_warehouse_cost_with_per_warehouse_costing(web, sell, noodles, company, make_warehouse):
    company.cost_per_warehouse = True
    company.save()
    sell.stock(noodles, 10, "2.50")
    order = sell.order(sale(noodles, 10, "3.39"))
    page = web.get(f"/sales/orders/{order.pk}/").content.decode()
    assert "¥5.00" in _region(page, 'id="order-profit"', "</dd>")


def test_actions_follow_permissions_and_warehouse_scope(stocked, noodles, make_user, make_warehouse, english):
    order = stocked.order(sale(noodles, 10, "3"))
    sales_order_submit(actor=stocked.owner, order=order)
    picker = _viewer(make_user)
    page = picker.get(f"/sales/orders/{order.pk}/").content.decode()
    assert 'id="order-close"' not in page and 'id="order-unapprove"' not in page
    assert picker.post(f"/sales/orders/{order.pk}/close/", {"close-reason": "x"}).status_code == 403
    seller = _client(make_user("seller", "sales"))
    assert seller.post(f"/sales/orders/{order.pk}/unapprove/").status_code == 403  # approving is not theirs
    shop = make_warehouse("SHOP", "门店仓")
    elsewhere = _client(make_user("shop", "sales", all_warehouses=False, warehouse_ids=[shop.pk]))
    assert elsewhere.get(f"/sales/orders/{order.pk}/").status_code == 404
    assert order.number not in elsewhere.get("/sales/orders/").content.decode()
    assert elsewhere.post(f"/sales/orders/{order.pk}/close/", {"close-reason": "x"}).status_code == 404


# Print, scan, price, home


def test_print_has_the_company_customer_lines_totals_and_signatures(web, stocked, noodles, company, make_user, english):
    company.name, company.address, company.phone = "测试商贸有限公司", "上海市浦东新区1号", "021-5555"
    company.save()
    customer = stocked.customer
    customer.contact_name, customer.phone, customer.address = "王店长", "13800000000", "杭州市西湖区"
    customer.save()
    order = stocked.order(sale(noodles, 10, "3.39"), delivery_date=DAY + timedelta(days=5))
    page = web.get(f"/sales/orders/{order.pk}/print/").content.decode()
    assert "测试商贸有限公司" in page and "上海市浦东新区1号" in page and order.number in page
    party = page[page.index('id="print-customer"') : page.index('id="print-seller"')]
    assert "王店长" in party and "13800000000" in party and "杭州市西湖区" in party
    assert "康师傅红烧牛肉面" in page and "3.39" in page and "¥33.90" in page and "Not approved" in page
    assert (DAY + timedelta(days=5)).isoformat() in page and "Gross profit" not in page
    assert "Prepared by" in page and "Approved by" in page and "Customer's confirmation" in page
    picker = _viewer(make_user).get(f"/sales/orders/{order.pk}/print/").content.decode()
    assert "康师傅红烧牛肉面" in picker and "¥33.90" not in picker and 'id="print-totals"' not in picker


def test_the_scan_row_comes_in_the_scanned_unit_with_its_stock(web, stocked, noodles, coke, units, english):
    box = noodles.barcodes.get(unit=units["箱"]).code
    row = web.get("/sales/orders/line/", {"code": box, "index": "2", "warehouse": stocked.warehouse.pk})
    html = row.content.decode()
    assert row.status_code == 200 and 'name="lines-2-product"' in html and f'value="{noodles.pk}"' in html
    assert f'<option value="{units["箱"].pk}" selected>箱</option>' in html
    assert 'name="lines-2-quantity" value="1"' in html and 'name="lines-2-tax_rate" value="13"' in html
    assert 'name="lines-2-price"' in html and "data-price-source" in html and 'name="lines-2-DELETE"' in html
    assert 'data-figure="available">100<' in html
    without = web.get("/sales/orders/line/", {"code": "KSF-105", "index": "0"}).content.decode()
    assert 'data-figure="available"></strong>' in without  # the page fills it in for the chosen warehouse
    unknown = web.get("/sales/orders/line/", {"code": "0000", "index": "0"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert web.get("/sales/orders/line/", {"code": "KSF-105", "index": "x"}).status_code == 400
    product_set_active(actor=None, product=coke, active=False)
    inactive = web.get("/sales/orders/line/", {"code": "COKE-330", "index": "0"})
    assert inactive.status_code == 422 and "deactivated" in inactive.json()["message"]


def test_the_price_endpoint_proposes_agreed_last_sold_or_the_level(
    web, stocked, noodles, units, customer, make_partner, make_user, owner
):
    url = "/sales/orders/price/"
    level = web.get(url, {"product": noodles.pk, "customer": customer.pk, "include_tax": "1"}).json()
    assert (level["price"], level["source"], level["label"], level["tax_rate"]) == (
        "3",
        "wholesale",
        "wholesale price",
        "13",
    )
    walk_in = web.get(url, {"product": noodles.pk, "include_tax": "1"}).json()
    assert (walk_in["price"], walk_in["source"]) == ("3.5", "retail")
    box = web.get(url, {"product": noodles.pk, "customer": customer.pk, "unit": units["箱"].pk, "include_tax": "0"})
    assert box.json()["price"] == "63.716814"  # 24 × 3.00 without 13 % tax
    sales_order_submit(actor=owner, order=stocked.order(sale(noodles, 1, "3.39")))
    last = web.get(url, {"product": noodles.pk, "customer": customer.pk, "include_tax": "1"}).json()
    assert (last["price"], last["source"]) == ("3.39", "last_sale")
    CustomerPrice.objects.filter(customer=customer, product=noodles).update(price=D("3.10"))
    agreed = web.get(url, {"product": noodles.pk, "customer": customer.pk, "include_tax": "1"}).json()
    assert (agreed["price"], agreed["source"]) == ("3.1", "agreed")
    assert web.get(url, {"product": noodles.pk, "unit": units["kg"].pk}).status_code == 422
    assert web.get(url, {"product": "x"}).status_code == 400
    assert web.get(url, {"product": 999999}).status_code == 404
    assert _viewer(make_user).get(url, {"product": noodles.pk}).status_code == 403


def test_the_entry_page_has_the_scan_field_and_its_scripts(web, stocked):
    page = web.get("/sales/orders/new/").content.decode()
    assert "data-scan-add" in page and "data-product-search" in page and 'list="product-suggestions"' in page
    for script in ("inventory/documents.js", "inventory/orders.js", "sales/orders.js"):
        assert script in page
    assert 'data-line-url="/sales/orders/line/"' in page and 'data-price-url="/sales/orders/price/"' in page
    assert 'data-stock-url="/sales/orders/stock/"' in page and 'data-search-url="/api/v1/products"' in page
    assert 'data-party="customer"' in page and 'data-price-into="placeholder"' in page
    assert 'name="prices_include_tax"' in page and 'id="total-sum"' in page and 'name="salesperson"' in page
    assert web.get("/static/sales/orders.js").status_code == 200


def test_the_home_page_links_sales_orders_waiting_for_approval(web, stocked, noodles, make_user, english):
    _rule("total_above", "10", "accountant")
    order = stocked.order(sale(noodles, 10, "3"))
    sales_order_submit(actor=stocked.owner, order=order)
    page = web.get("/").content.decode()
    card = _region(page, 'id="waiting-approvals"', "</table>")
    assert f'href="/sales/orders/{order.pk}/"' in card and order.number in card and "sales order" in card
    accountant = _client(make_user("acc", "accountant")).get("/").content.decode()
    assert order.number in _region(accountant, 'id="waiting-approvals"', "</table>")
    seller = _client(make_user("seller", "sales")).get("/").content.decode()
    assert 'id="waiting-approvals"' not in seller


def test_the_sidebar_links_the_sales_pages(web, make_user, english):
    page = web.get("/").content.decode()
    assert 'href="/sales/orders/"' in page and 'href="/sales/prices/"' in page
    seller = _client(make_user("seller", "sales")).get("/").content.decode()
    assert 'href="/sales/orders/"' in seller and 'href="/sales/prices/"' in seller
    keeper = _client(make_user("keeper", "warehouse")).get("/").content.decode()
    assert 'href="/sales/prices/"' not in keeper  # a keeper may open orders to ship them, never agreed prices
    buyer = _client(make_user("buyer", "purchaser")).get("/").content.decode()
    assert 'href="/sales/orders/"' not in buyer and 'href="/sales/prices/"' not in buyer
