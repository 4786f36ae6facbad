"""Pages: suppliers with their scores (供应商评分), a supplier's page, and their terms per product (供应商商品)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jxc.core.columns import Column, can_view_cost, rows_of, visible_columns
from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.htmx import render_page
from jxc.core.listing import PAGE_SIZES, Listing, ListPage
from jxc.partners.models import Partner
from jxc.purchasing.forms_suppliers import ScoreWindowForm, SupplierFilterForm, TermForm
from jxc.purchasing.models import SupplierProduct
from jxc.purchasing.selectors.scores import (
    SupplierScore,
    recent_orders,
    recent_receipts,
    supplier_score,
    supplier_scores,
    supplier_scores_sorted,
)
from jxc.purchasing.selectors.terms import supplier_terms_list
from jxc.purchasing.services.terms import supplier_term_delete, supplier_term_save, supplier_term_set_preferred

VIEW_TERMS = "purchasing.view_supplierproduct"
ADD_TERMS = "purchasing.add_supplierproduct"
CHANGE_TERMS = "purchasing.change_supplierproduct"


# Columns (shared by the pages, their Excel exports and the API's field names)

SCORE_COLUMNS = (
    Column("code", gettext_lazy("Code"), get=lambda s: s.supplier.code, sort="code", width=12),
    Column("name", gettext_lazy("Supplier"), get=lambda s: s.supplier.name, sort="name", width=28),
    Column("class", gettext_lazy("Class"), get=lambda s: s.supplier.supplier_class, sort="class", width=6),
    Column("approved", gettext_lazy("Approved"), kind="bool", get=lambda s: s.supplier.supplier_approved, width=8),
    Column("rating", gettext_lazy("Rating"), kind="int", get=lambda s: s.supplier.supplier_rating, sort="rating"),
    Column("on_time_pct", gettext_lazy("On time"), kind="rate", sort="on_time", width=9),
    Column("on_time_text", gettext_lazy("On-time lines"), get=lambda s: s.on_time.text, width=10),
    Column("quality_pct", gettext_lazy("Pass rate"), kind="rate", sort="quality", width=9),
    Column("quality_text", gettext_lazy("Accepted / received"), get=lambda s: s.quality.text, width=14),
    Column("price_index", gettext_lazy("Price index"), kind="quantity", sort="price_index", width=9),
    Column("receipts", gettext_lazy("Receipts"), kind="int", sort="receipts", width=8),
    Column("open_orders", gettext_lazy("Open orders"), kind="int", sort="open_orders", width=8),
    Column("payable", gettext_lazy("Payable"), kind="money", sort="payable"),
)

TERM_COLUMNS = (
    Column("sku", gettext_lazy("SKU"), get=lambda t: t.product.sku),
    Column("name", gettext_lazy("Product"), get=lambda t: str(t.product), width=30),
    Column("supplier_sku", gettext_lazy("Supplier's item code")),
    Column("unit", gettext_lazy("Purchase unit"), get=lambda t: (t.unit or t.product.base_unit).name, width=8),
    Column("last_price", gettext_lazy("Last price"), kind="price", cost=True),
    Column("last_price_date", gettext_lazy("Last price on"), kind="date", cost=True),
    Column("lead_time_days", gettext_lazy("Lead time (days)"), kind="int"),
    Column("min_order_quantity", gettext_lazy("Minimum order"), kind="quantity"),
    Column("preferred", gettext_lazy("Preferred"), kind="bool", width=8),
    Column("notes", gettext_lazy("Notes"), width=24),
)


def document_url(name: str, pk: int) -> str:
    """The page of an order or receipt, or "" while that page does not exist."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _supplier(pk: int) -> Partner:
    supplier = Partner.objects.filter(pk=pk, is_supplier=True).first()
    if supplier is None:
        raise Http404
    return supplier


# Suppliers list


@permission_required(VIEW_TERMS, raise_exception=True)
def supplier_list(request: HttpRequest) -> HttpResponse:
    """供应商: every supplier with their score over the window, payable and open orders."""
    form = SupplierFilterForm(request.GET or None)
    filters = form.filters()
    scores = supplier_scores(**filters)
    ordered, sort = supplier_scores_sorted(scores, request.GET.get("sort", "code"))
    columns = visible_columns(SCORE_COLUMNS, request.user)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            filename=f"supplier-scores-{filters['days']}d",
            title=str(_("Supplier scores")),
            columns=columns,
            rows=rows_of(ordered, columns),
        )
    try:
        size = int(request.GET.get("per_page", 50))
    except ValueError:
        size = 50
    page_obj = Paginator(ordered, size if size in PAGE_SIZES else 50).get_page(request.GET.get("page"))
    listing = Listing(page=page_obj, columns=columns, sort=sort, query=request.GET)
    page = ListPage(
        title=gettext_lazy("Suppliers"),
        columns=columns,
        default_sort="code",
        filter_form=form,
        export_name="supplier-scores",
        empty_text=gettext_lazy("No suppliers match."),
    )
    context = {"page": page, "listing": listing, "filter_form": form}
    return render_page(request, "web/list.html", context, partial="list-results")


# Supplier page


@permission_required(VIEW_TERMS, raise_exception=True)
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A supplier's page: the score and how it is made, their terms per product, recent orders and receipts."""
    supplier = _supplier(pk)
    window = ScoreWindowForm(request.GET or None)
    days = window.window_days()
    show_cost = can_view_cost(request.user)
    terms = list(supplier_terms_list(supplier_id=supplier.pk))
    if request.GET.get("export") == "terms":
        columns = visible_columns(TERM_COLUMNS, request.user)
        return xlsx_response(
            filename=f"supplier-terms-{supplier.code}",
            title=str(_("Supplier terms")),
            columns=columns,
            rows=rows_of(terms, columns),
        )
    score: SupplierScore = supplier_score(supplier=supplier, days=days)
    orders = [(o, document_url("purchasing:order_detail", o.pk)) for o in recent_orders(supplier=supplier)]
    receipts = [(r, document_url("purchasing:receipt_detail", r.pk)) for r in recent_receipts(supplier=supplier)]
    context = {
        "supplier": supplier,
        "score": score,
        "window": window,
        "days": days,
        "terms": terms,
        "show_cost": show_cost,
        "orders": orders,
        "receipts": receipts,
        "term_form": TermForm(supplier=supplier, show_cost=show_cost) if request.user.has_perm(ADD_TERMS) else None,
    }
    return render(request, "purchasing/supplier_detail.html", context)


# Terms


def _term_page(request: HttpRequest, supplier: Partner, term: SupplierProduct | None) -> HttpResponse:
    show_cost = can_view_cost(request.user)
    data = request.POST if request.method == "POST" else None
    form = TermForm(data, supplier=supplier, term=term, show_cost=show_cost)
    status = 200
    if data is not None and form.is_valid():
        try:
            saved = supplier_term_save(actor=request.user, data=form.to_data(), term=term)  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form)
            status = error.status
        else:
            messages.success(request, _("Saved the terms for %(product)s.") % {"product": saved.product.name})
            return redirect("purchasing:supplier_detail", supplier.pk)
    elif data is not None:
        status = 422
    context = {"supplier": supplier, "term": term, "form": form}
    return render(request, "purchasing/supplier_term_form.html", context, status=status)


@permission_required(ADD_TERMS, raise_exception=True)
def supplier_term_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _term_page(request, _supplier(pk), None)


def _term(pk: int) -> SupplierProduct:
    return get_object_or_404(SupplierProduct.objects.select_related("supplier", "product__base_unit", "unit"), pk=pk)


@permission_required(CHANGE_TERMS, raise_exception=True)
def supplier_term_edit(request: HttpRequest, pk: int) -> HttpResponse:
    term = _term(pk)
    return _term_page(request, term.supplier, term)


@require_POST
@permission_required(CHANGE_TERMS, raise_exception=True)
def supplier_term_remove(request: HttpRequest, pk: int) -> HttpResponse:
    term = _term(pk)
    supplier_term_delete(actor=request.user, term=term)  # type: ignore[arg-type]
    messages.success(request, _("Removed the terms for %(product)s.") % {"product": term.product.name})
    return redirect("purchasing:supplier_detail", term.supplier_id)


@require_POST
@permission_required(CHANGE_TERMS, raise_exception=True)
def supplier_term_prefer(request: HttpRequest, pk: int) -> HttpResponse:
    term = _term(pk)
    preferred = request.POST.get("preferred", "1") != "0"
    try:
        supplier_term_set_preferred(actor=request.user, term=term, preferred=preferred)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.text)
    else:
        if preferred:
            text = _("%(supplier)s is now the preferred supplier of %(product)s.")
        else:
            text = _("%(supplier)s is no longer the preferred supplier of %(product)s.")
        messages.success(request, text % {"supplier": term.supplier.name, "product": term.product.name})
    return redirect("purchasing:supplier_detail", term.supplier_id)


urlpatterns: list[URLPattern] = [
    path("suppliers/", supplier_list, name="supplier_list"),
    path("suppliers/<int:pk>/", supplier_detail, name="supplier_detail"),
    path("suppliers/<int:pk>/terms/new/", supplier_term_create, name="supplier_term_create"),
    path("supplier-products/<int:pk>/edit/", supplier_term_edit, name="supplier_term_edit"),
    path("supplier-products/<int:pk>/delete/", supplier_term_remove, name="supplier_term_delete"),
    path("supplier-products/<int:pk>/preferred/", supplier_term_prefer, name="supplier_term_preferred"),
]
