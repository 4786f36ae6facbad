"""Pages of finance: tax invoices (发票) issued to customers and received from suppliers.

The list with filters and Excel export; the entry form (direction and partner load the partner's documents still
to invoice, with an amount per document and a "fill the rest" helper; errors show next to their field or document,
keeping what was typed); the detail page with its lines and the void action; the report "invoiced / not yet
invoiced" per shipment or receipt with its totals and Excel export.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jxc.accounts.selectors import audit_trail
from jxc.core.columns import rows_of
from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.htmx import render_page
from jxc.core.listing import ListPage, list_response, listing
from jxc.finance.choices import InvoiceDirection
from jxc.finance.forms_invoices import (
    InvoiceFilterForm,
    InvoiceForm,
    InvoiceStatusForm,
    VoidForm,
    line_data,
    posted_lines,
)
from jxc.finance.models import Invoice
from jxc.finance.selectors.invoices import (
    documents,
    invoice_get,
    invoice_lines,
    invoice_search,
    invoice_status,
    invoice_status_totals,
    invoiceable_documents,
)
from jxc.finance.services.invoices import InvoiceLineData, invoice_record, invoice_void
from jxc.finance.tables_invoices import INVOICE_COLUMNS, INVOICE_EXPORT_COLUMNS, STATUS_COLUMNS, document_url
from jxc.partners.models import OpenItem

VIEW = "finance.view_invoice"
ADD = "finance.add_invoice"
VOID = "finance.void_invoice"

TITLE = gettext_lazy("Tax invoices")
NEW_TITLE = gettext_lazy("Record a tax invoice")
STATUS_TITLE = gettext_lazy("Invoiced / not yet invoiced")


def _int(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


# List


@permission_required(VIEW, raise_exception=True)
def invoice_list(request: HttpRequest) -> HttpResponse:
    """Invoices with filters; ?export=xlsx exports the filtered list."""
    form = InvoiceFilterForm(request.GET or None)
    export = request.GET.get("export") == "xlsx"
    page = ListPage(
        title=TITLE,
        columns=INVOICE_EXPORT_COLUMNS if export else INVOICE_COLUMNS,
        default_sort="-date",
        filter_form=form,
        create_url=reverse("finance:invoice_create") if request.user.has_perm(ADD) else "",
        create_label=NEW_TITLE,
        export_name="invoices",
        empty_text=gettext_lazy("No invoices match."),
    )
    return list_response(request, invoice_search(**form.filters()), page)


# Entry


def _documents(direction: str, partner_id: int | None, also: set[int]) -> list[OpenItem]:
    """The partner's documents left to invoice, and those the user typed an amount for (even if full now)."""
    if direction not in InvoiceDirection.values or not partner_id:
        return []
    found = invoiceable_documents(direction=direction, partner_id=partner_id)
    missing = also - {d.pk for d in found}
    if missing:
        found += list(documents(direction=direction).filter(partner_id=partner_id, pk__in=missing))
        found.sort(key=lambda d: (d.date, d.pk))
    return found


def _panel_context(
    direction: str,
    partner_id: int | None,
    *,
    typed: dict[int, str] | None = None,
    row_errors: dict[int, list[str]] | None = None,
) -> dict[str, Any]:
    typed = typed or {}
    row_errors = row_errors or {}
    docs = _documents(direction, partner_id, set(typed))
    rows = [
        {
            "item": d,
            "url": document_url(d.entry),
            "value": typed.get(d.pk, ""),
            "errors": row_errors.get(d.pk, []),
        }
        for d in docs
    ]
    return {"rows": rows, "partner_id": partner_id, "direction": direction}


def _apply(
    error: DomainError,
    form: InvoiceForm,
    lines: list[InvoiceLineData],
    row_errors: dict[int, list[str]],
    other_errors: list[str],
) -> None:
    """Put a service error next to its field or document row: `lines.<i>.*` to the i-th line's document."""
    if isinstance(error, ValidationFailed) and error.errors:
        items = list(error.errors.items())
    else:
        items = [(error.field or "", [error.text])]
    form_errors: dict[str, list[Any]] = {}
    for key, texts in items:
        parts = key.split(".")
        if parts[0] == "lines":
            index = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1
            if 0 <= index < len(lines) and lines[index].item_id is not None:
                row_errors.setdefault(lines[index].item_id or 0, []).extend(texts)
            else:
                other_errors.extend(texts)
        else:
            form_errors[key] = list(texts)
    if form_errors:
        apply_error(ValidationFailed(form_errors), form)


@permission_required(ADD, raise_exception=True)
def invoice_create(request: HttpRequest) -> HttpResponse:
    """Record an invoice: the header, and the amount invoiced on each document of the partner.
    ?direction= and ?partner= preselect them."""
    data = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {}
    if data is None:
        if request.GET.get("direction") in InvoiceDirection.values:
            initial["direction"] = request.GET["direction"]
        if _int(request.GET.get("partner")):
            initial["partner"] = _int(request.GET.get("partner"))
    form = InvoiceForm(data, initial=initial)
    typed, bad = posted_lines(request.POST) if data is not None else ({}, {})
    row_errors: dict[int, list[str]] = {pk: [text] for pk, text in bad.items()}
    other_errors: list[str] = []
    if data is not None:
        direction = data.get("direction", "")
        partner_id = _int(data.get("partner"))
    else:
        direction = str(form.initial.get("direction", ""))
        partner_id = _int(form.initial.get("partner"))
    if data is not None and form.is_valid() and not bad:
        order = [d.pk for d in _documents(direction, partner_id, set(typed))]
        lines = line_data(typed, order)
        try:
            invoice = invoice_record(actor=request.user, data=form.to_data(lines))  # type: ignore[arg-type]
        except DomainError as error:
            _apply(error, form, lines, row_errors, other_errors)
        else:
            messages.success(request, _("Recorded invoice %(number)s.") % {"number": invoice.number})
            if request.POST.get("then") == "new":
                return redirect(f"{reverse('finance:invoice_create')}?direction={invoice.direction}")
            return redirect(invoice)
    has_errors = bool(form.errors or row_errors or other_errors)
    context = {
        "title": NEW_TITLE,
        "form": form,
        "other_errors": other_errors,
        "row_error_count": sum(len(v) for v in row_errors.values()),
        "list_url": reverse("finance:invoice_list"),
        "list_title": TITLE,
        **_panel_context(direction, partner_id, typed=typed, row_errors=row_errors),
    }
    status = 422 if data is not None and has_errors else 200
    return render(request, "finance/invoice_form.html", context, status=status)


@require_GET
@permission_required(ADD, raise_exception=True)
def invoice_documents(request: HttpRequest) -> HttpResponse:
    """The htmx panel of the entry form: the partner's documents left to invoice, each with an amount input; and,
    out of band, the partner list for the chosen direction."""
    direction = request.GET.get("direction", "")
    partner_id = _int(request.GET.get("partner"))
    form = InvoiceForm(initial={"direction": direction, "partner": partner_id})
    choices = {str(value) for value, _label in form.fields["partner"].choices}
    if partner_id and str(partner_id) not in choices:
        partner_id = None  # a supplier chosen, then the direction turned to issued
        form = InvoiceForm(initial={"direction": direction})
    form.fields["partner"].widget.attrs["hx-swap-oob"] = "true"
    context = {"form": form, "oob": True, **_panel_context(direction, partner_id)}
    return render(request, "finance/invoice_documents.html", context)


# Detail and void


def _invoice(pk: int) -> Invoice:
    try:
        return invoice_get(pk=pk)
    except Invoice.DoesNotExist:
        raise Http404 from None


def _detail_page(request: HttpRequest, invoice: Invoice, *, void_form: VoidForm | None = None) -> HttpResponse:
    lines = invoice_lines(invoice)
    trail = list(audit_trail(target=invoice)[:20])
    voided = next((e for e in trail if e.action == "invoice.voided"), None)
    context = {
        "invoice": invoice,
        "lines": [{"line": ln, "url": document_url(ln.item.entry)} for ln in lines],
        "void_form": void_form or VoidForm(),
        "can_void": not invoice.void and request.user.has_perm(VOID),
        "void_reason": (voided.after or {}).get("reason", "") if voided else "",
        "voided": voided,
        "trail": trail,
        "list_url": reverse("finance:invoice_list"),
        "list_title": TITLE,
    }
    status = 422 if void_form is not None and void_form.errors else 200
    return render(request, "finance/invoice_detail.html", context, status=status)


@permission_required(VIEW, raise_exception=True)
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _invoice(pk))


@require_POST
@permission_required(VOID, raise_exception=True)
def invoice_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Void the invoice with a reason: what it covered can be invoiced again."""
    invoice = _invoice(pk)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            invoice_void(actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form)
        else:
            messages.success(request, _("Invoice %(number)s is void.") % {"number": invoice.number})
            return redirect(invoice)
    return _detail_page(request, invoice, void_form=form)


# Report


@permission_required(VIEW, raise_exception=True)
def invoice_status_view(request: HttpRequest) -> HttpResponse:
    """Per shipment (issued) or receipt (received) in the date range: amount, invoiced, not yet invoiced; filter
    not fully / fully invoiced; totals. ?export=xlsx exports every row and the totals."""
    form = InvoiceStatusForm(request.GET or None, initial={"direction": InvoiceDirection.ISSUED})
    filters = form.filters()
    found = invoice_status(**filters)
    totals = invoice_status_totals(found)
    if request.GET.get("export") == "xlsx":
        columns = list(STATUS_COLUMNS)
        rows = list(rows_of(found.iterator(chunk_size=2000), columns))
        rows.append([_("Total"), "", None, totals.amount, totals.invoiced, totals.left, ""])
        name = "invoiced-issued" if filters["direction"] == InvoiceDirection.ISSUED else "invoiced-received"
        title = "".join(" " if ch in "\\/*?:[]" else ch for ch in str(STATUS_TITLE))  # not allowed in a sheet name
        return xlsx_response(filename=name, title=title, columns=columns, rows=rows)
    result = listing(request, found, columns=STATUS_COLUMNS, default_sort="date")
    context = {
        "title": STATUS_TITLE,
        "filter_form": form,
        "listing": result,
        "rows": [{"item": i, "url": document_url(i.entry)} for i in result.page.object_list],
        "totals": totals,
        "direction": filters["direction"],
        "list_url": reverse("finance:invoice_list"),
        "list_title": TITLE,
    }
    return render_page(request, "finance/invoice_status.html", context, partial="status-results")


urlpatterns: list[URLPattern] = [
    path("invoices/", invoice_list, name="invoice_list"),
    path("invoices/new/", invoice_create, name="invoice_create"),
    path("invoices/documents/", invoice_documents, name="invoice_documents"),
    path("invoices/status/", invoice_status_view, name="invoice_status"),
    path("invoices/<int:pk>/", invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/void/", invoice_void_view, name="invoice_void"),
]
