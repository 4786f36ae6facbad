"""Pages: customers by class (客户分类) with the reason for each, and a customer's purchase history (购买记录).

Both show what customers pay, so they need the shipments' view permission and the right to see sales prices;
gross profit is cost data (view_cost). Every list exports to Excel with the same columns.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jxc.core.columns import Column, can_view_cost, rows_of, visible_columns
from jxc.core.excel import xlsx_response
from jxc.core.forms import FastSelect, date_input
from jxc.core.htmx import render_page
from jxc.core.listing import PAGE_SIZES, Listing, ListPage
from jxc.partners.models import CustomerClass, Partner
from jxc.sales.models import SalesShipmentLine
from jxc.sales.selectors.credit import credit_of
from jxc.sales.selectors.customers import (
    CustomerRfm,
    customer_classes,
    customer_classes_filtered,
    customer_classes_sorted,
    customer_history,
    customer_history_summary,
    customer_rfm,
)
from jxc.sales.selectors.documents import can_view_prices
from jxc.sales.services.customers import customer_classes_refresh

VIEW = "sales.view_salesshipment"
REFRESH = "partners.change_partner"
CLASS_BADGES = {
    CustomerClass.NEW: "badge-info",
    CustomerClass.REGULAR: "badge-muted",
    CustomerClass.KEY: "badge-success",
    CustomerClass.DORMANT: "badge-warning",
}
ACTIVE_CHOICES = [("1", gettext_lazy("Active")), ("0", gettext_lazy("Deactivated")), ("", gettext_lazy("All"))]


# Columns (shared by the pages and their Excel exports)

CLASS_COLUMNS = (
    Column("code", gettext_lazy("Code"), get=lambda r: r.customer.code, sort="code", width=12),
    Column("name", gettext_lazy("Customer"), get=lambda r: r.customer.name, sort="name", width=28),
    Column("class", gettext_lazy("Class"), get=lambda r: r.class_label, sort="class", width=10),
    Column("recorded", gettext_lazy("Recorded class"), get=lambda r: r.recorded_label, width=10),
    Column("reason", gettext_lazy("Why"), get=lambda r: r.reason, width=60),
    Column("last_date", gettext_lazy("Last purchase"), kind="date", sort="last", width=12),
    Column("recency", gettext_lazy("Days since"), kind="int", sort="recency", width=8),
    Column("frequency", gettext_lazy("Purchases (365 days)"), kind="int", sort="frequency", width=10),
    Column("value", gettext_lazy("Value (365 days)"), kind="money", sort="value"),
    Column("rank", gettext_lazy("Rank"), kind="int", width=6),
)

HISTORY_COLUMNS = (
    Column("date", gettext_lazy("Date"), kind="date", get=lambda ln: ln.shipment.date, width=12),
    Column("number", gettext_lazy("Shipment"), get=lambda ln: ln.shipment.number, width=16),
    Column("sku", gettext_lazy("SKU"), get=lambda ln: ln.product.sku),
    Column("product", gettext_lazy("Product"), get=lambda ln: ln.product.name, width=30),
    Column("unit_quantity", gettext_lazy("Quantity"), kind="quantity", width=10),
    Column("unit", gettext_lazy("Unit"), get=lambda ln: ln.unit.name, width=6),
    Column("price", gettext_lazy("Unit price"), kind="price", width=10),
    Column("amount", gettext_lazy("Amount without tax"), kind="money"),
    Column("total", gettext_lazy("Total"), kind="money"),
    Column("cost", gettext_lazy("Cost"), kind="money", cost=True),
    Column("profit", gettext_lazy("Gross profit"), kind="money", cost=True),
)

SUMMARY_COLUMNS = (
    Column("sku", gettext_lazy("SKU"), get=lambda s: s.product.sku),
    Column("product", gettext_lazy("Product"), get=lambda s: s.product.name, width=30),
    Column("quantity", gettext_lazy("Quantity"), kind="quantity", width=10),
    Column("returned", gettext_lazy("Returned"), kind="quantity", width=10),
    Column("base_unit", gettext_lazy("Unit"), width=6),
    Column("amount", gettext_lazy("Net amount without tax"), kind="money"),
    Column("profit", gettext_lazy("Gross profit"), kind="money", cost=True),
    Column("last_date", gettext_lazy("Last sold"), kind="date", width=12),
    Column("last_price", gettext_lazy("Last price"), kind="price", width=10),
    Column("last_unit", gettext_lazy("per"), width=6),
)


# Filters


class ClassFilterForm(forms.Form):
    """The customers-by-class toolbar: search, class, active."""

    q = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("Name, code, phone, pinyin")}),
    )
    customer_class = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("Any class")), *CustomerClass.choices], widget=FastSelect
    )
    active = forms.ChoiceField(required=False, choices=ACTIVE_CHOICES, widget=FastSelect)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        active = self.data.get("active") if self.is_bound else None
        return {
            "q": data.get("q", ""),
            "customer_class": data.get("customer_class", ""),
            "active": True if active is None else (None if active == "" else active != "0"),
        }


class HistoryFilterForm(forms.Form):
    """A customer's history: a date range and product text (name, SKU, pinyin initials)."""

    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=date_input())
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=date_input())
    q = forms.CharField(
        label=gettext_lazy("Product"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("Product name, SKU, pinyin")}),
    )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"date_from": data.get("date_from"), "date_to": data.get("date_to"), "q": data.get("q", "")}


# Helpers


def _allowed(request: HttpRequest) -> None:
    """Amounts customers pay are sales-price data: refused to users who may not see sales prices."""
    if not can_view_prices(request.user):
        raise PermissionDenied


def _customer(pk: int) -> Partner:
    customer = Partner.objects.filter(pk=pk, is_customer=True).first()
    if customer is None:
        raise Http404
    return customer


def shipment_url(pk: int) -> str:
    """The shipment's page, or "" while that page is not mounted."""
    try:
        return reverse("sales:shipment_detail", args=[pk])
    except NoReverseMatch:
        return ""


def _page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("per_page", 50))
    except ValueError:
        return 50
    return size if size in PAGE_SIZES else 50


# Customers by class


@permission_required(VIEW, raise_exception=True)
def customer_list(request: HttpRequest) -> HttpResponse:
    """客户分类: every customer's class today with why, the last purchase and the year's value; ?export=xlsx."""
    _allowed(request)
    form = ClassFilterForm(request.GET or None)
    today = timezone.localdate()
    results = customer_classes_filtered(customer_classes(on=today), **form.filters())
    ordered, sort = customer_classes_sorted(results, request.GET.get("sort", "code"))
    columns = visible_columns(CLASS_COLUMNS, request.user)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            filename="customer-classes",
            title=str(_("Customer classes")),
            columns=columns,
            rows=rows_of(ordered, columns),
        )
    page_obj = Paginator(ordered, _page_size(request)).get_page(request.GET.get("page"))
    listing = Listing(page=page_obj, columns=columns, sort=sort, query=request.GET)
    page = ListPage(
        title=gettext_lazy("Customer classes"),
        columns=columns,
        default_sort="code",
        filter_form=form,
        export_name="customer-classes",
        empty_text=gettext_lazy("No customers match."),
    )
    changed = sum(1 for r in results if r.changed)
    context = {"page": page, "listing": listing, "filter_form": form, "changed": changed, "today": today}
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted and htmx.target == "list-results":
        return render_page(request, "web/list.html", context, partial="list-results")
    return render(request, "sales/customer_list.html", context)


@require_POST
@permission_required(REFRESH, raise_exception=True)
def customer_classes_refresh_view(request: HttpRequest) -> HttpResponse:
    """Record every customer's class as computed today (only the changes are written)."""
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    refresh = customer_classes_refresh(actor=request.user, on=timezone.localdate())  # type: ignore[arg-type]
    messages.success(
        request,
        _("Classified %(customers)s customers: %(changed)s changed.")
        % {"customers": refresh.customers, "changed": refresh.changed},
    )
    return redirect("sales:customer_list")


# A customer's purchase history


@permission_required(VIEW, raise_exception=True)
def customer_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A customer's class with its reason and figures, their credit, what they bought line by line and per
    product; ?export=xlsx exports the lines, ?export=summary the products (both filtered)."""
    _allowed(request)
    customer = _customer(pk)
    form = HistoryFilterForm(request.GET or None)
    filters = form.filters()
    today = timezone.localdate()
    export = request.GET.get("export")
    if export == "xlsx":
        columns = visible_columns(HISTORY_COLUMNS, request.user)
        lines = customer_history(customer=customer, **filters).iterator(chunk_size=2000)
        return xlsx_response(
            filename=f"purchase-history-{customer.code}",
            title=str(_("Purchase history")),
            columns=columns,
            rows=rows_of(lines, columns),
        )
    summary = customer_history_summary(customer=customer, **filters)
    if export == "summary":
        columns = visible_columns(SUMMARY_COLUMNS, request.user)
        return xlsx_response(
            filename=f"purchases-by-product-{customer.code}",
            title=str(_("Purchases by product")),
            columns=columns,
            rows=rows_of(summary, columns),
        )
    page_obj = Paginator(customer_history(customer=customer, **filters), _page_size(request)).get_page(
        request.GET.get("page")
    )
    lines_page: list[SalesShipmentLine] = list(page_obj.object_list)
    rfm: CustomerRfm = customer_rfm(customer=customer, on=today)
    listing = Listing(page=page_obj, columns=[], sort="", query=request.GET)
    context = {
        "customer": customer,
        "rfm": rfm,
        "badge": CLASS_BADGES.get(CustomerClass(rfm.customer_class), ""),
        "credit": credit_of(customer=customer, on=today),
        "form": form,
        "listing": listing,
        "export_lines": listing.querystring(export="xlsx", page=None),
        "export_summary": listing.querystring(export="summary", page=None),
        "lines": [(line, shipment_url(line.shipment_id)) for line in lines_page],
        "summary": summary,
        "show_cost": can_view_cost(request.user),
        "today": today,
    }
    return render(request, "sales/customer_history.html", context)


urlpatterns: list[URLPattern] = [
    path("customers/", customer_list, name="customer_list"),
    path("customers/refresh/", customer_classes_refresh_view, name="customer_classes_refresh"),
    path("customers/<int:pk>/history/", customer_history_view, name="customer_history"),
]
