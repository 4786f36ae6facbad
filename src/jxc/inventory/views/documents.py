"""Pages: other receipts (其他入库, incl. 期初), other issues (其他出库) and transfers (调拨).

One list for the three kinds, an entry form with a scan field, the detail page with its actions (post, receive,
reverse), the reversal preview, a print view and the goods in transit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jxc.accounts.selectors import audit_trail
from jxc.catalog.selectors import product_find_by_code
from jxc.core.columns import can_view_cost, rows_of, visible_columns
from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.listing import ListPage, list_response
from jxc.inventory.choices import DocumentKind, DocumentStatus
from jxc.inventory.forms_documents import (
    KINDS,
    DocumentFilterForm,
    DocumentForm,
    LineContext,
    LineForm,
    LineFormSet,
    ReverseForm,
    line_row_form,
)
from jxc.inventory.models import StockDocument
from jxc.inventory.selectors import in_transit_documents, reversal_preview, warehouses_of
from jxc.inventory.selectors.documents import (
    document_lines,
    document_moves,
    may_receive,
    may_use,
    reversed_by,
    stock_document_get_for,
    stock_document_search,
    with_totals,
)
from jxc.inventory.services.documents import (
    SOURCE_TYPE,
    stock_document_create,
    stock_document_post,
    stock_document_reverse,
    stock_document_update,
    stock_transfer_receive,
)
from jxc.inventory.tables_documents import (
    DOCUMENT_COLUMNS,
    IN_TRANSIT_COLUMNS,
    LINE_COLUMNS,
    document_amount,
    reason_label,
    warehouses_label,
)

TITLES = {
    DocumentKind.RECEIPT: gettext_lazy("Other receipts"),
    DocumentKind.ISSUE: gettext_lazy("Other issues"),
    DocumentKind.TRANSFER: gettext_lazy("Transfers"),
}
NEW_TITLES = {
    DocumentKind.RECEIPT: gettext_lazy("New other receipt"),
    DocumentKind.ISSUE: gettext_lazy("New other issue"),
    DocumentKind.TRANSFER: gettext_lazy("New transfer"),
}
PRINT_TITLES = {
    DocumentKind.RECEIPT: gettext_lazy("Other receipt note"),
    DocumentKind.ISSUE: gettext_lazy("Other issue note"),
    DocumentKind.TRANSFER: gettext_lazy("Transfer note"),
}
LIST_NAMES = {
    DocumentKind.RECEIPT: "inventory:receipt_list",
    DocumentKind.ISSUE: "inventory:issue_list",
    DocumentKind.TRANSFER: "inventory:transfer_list",
}
STATUS_BADGES = {
    DocumentStatus.DRAFT: "badge-muted",
    DocumentStatus.IN_TRANSIT: "badge-warning",
    DocumentStatus.POSTED: "badge-success",
    DocumentStatus.REVERSED: "badge-danger",
}


def _document(request: HttpRequest, pk: int) -> StockDocument:
    try:
        return stock_document_get_for(user=request.user, pk=pk)
    except StockDocument.DoesNotExist:
        raise Http404 from None


@permission_required("inventory.view_stockdocument", raise_exception=True)
def document_list(request: HttpRequest, kind: str | None = None) -> HttpResponse:
    """All stock documents, or one kind of them, with filters; ?export=xlsx exports the filtered list."""
    form = DocumentFilterForm(request.GET or None, user=request.user, kind=kind)
    filters = form.filters()
    if kind:
        filters["kind"] = kind
    columns = [c for c in DOCUMENT_COLUMNS if not (kind and c.key == "kind")]
    if kind == DocumentKind.TRANSFER:
        columns = [c for c in columns if c.key != "reason"]
    can_add = request.user.has_perm("inventory.add_stockdocument")
    page = ListPage(
        title=TITLES[DocumentKind(kind)] if kind else gettext_lazy("Stock documents"),
        columns=columns,
        default_sort="-date",
        filter_form=form,
        create_url=reverse("inventory:document_create", args=[kind]) if kind and can_add else "",
        create_label=NEW_TITLES[DocumentKind(kind)] if kind else "",
        export_name=f"{kind}s" if kind else "stock-documents",
        empty_text=gettext_lazy("No documents match."),
    )
    return list_response(request, stock_document_search(user=request.user, **filters), page)


def _form_page(
    request: HttpRequest, *, kind: str, document: StockDocument | None = None, copy: StockDocument | None = None
) -> HttpResponse:
    user = request.user
    show_cost = can_view_cost(user)
    source = document or copy
    initial = DocumentForm.initial_for(source, copy=copy is not None) if source else {}
    line_initial = [LineForm.initial_for(ln, show_cost=show_cost) for ln in document_lines(source)] if source else []
    data = request.POST if request.method == "POST" else None
    form = DocumentForm(data, initial=initial, user=user, kind=kind)
    lines = LineFormSet(data, initial=line_initial, user=user, kind=kind, show_cost=show_cost)
    if data is not None and form.is_valid() and lines.is_valid():
        keep_costs = None
        if document is not None and not show_cost:  # the costs someone else typed stay when this user edits
            keep_costs = {(ln.product_id, ln.unit_id): ln.unit_cost for ln in document.lines.all()}
        document_data, rows = form.to_data(lines, keep_costs=keep_costs)
        try:
            if document is None:
                saved = stock_document_create(actor=user, data=document_data)  # type: ignore[arg-type]
            else:
                saved = stock_document_update(actor=user, document=document, data=document_data)  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form, rows)
        else:
            return _after_save(request, saved)
    lines.numbered()
    has_errors = bool(form.errors or any(lines.errors) or lines.non_form_errors())
    context = {
        "kind": kind,
        "title": NEW_TITLES[DocumentKind(kind)] if document is None else document.number,
        "document": document,
        "form": form,
        "lines": lines,
        "show_cost_columns": show_cost and kind == DocumentKind.RECEIPT,
        "is_transfer": kind == DocumentKind.TRANSFER,
        "list_url": reverse(LIST_NAMES[DocumentKind(kind)]),
        "list_title": TITLES[DocumentKind(kind)],
        "row_errors": [row for row in lines.forms if row.errors and getattr(row, "number", None)],
    }
    return render(
        request, "inventory/document_form.html", context, status=422 if data is not None and has_errors else 200
    )


def _after_save(request: HttpRequest, document: StockDocument) -> HttpResponse:
    then = request.POST.get("then", "")
    if then == "post" and request.user.has_perm("inventory.post_stockdocument"):
        try:
            document = stock_document_post(actor=request.user, document=document)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(
                request,
                _("Saved %(number)s as a draft, but it could not be posted: %(error)s")
                % {"number": document.number, "error": error.text},
            )
            return redirect("inventory:document_edit", document.pk)
        messages.success(request, _("Posted %(number)s.") % {"number": document.number})
    else:
        messages.success(request, _("Saved %(number)s.") % {"number": document.number})
    if then == "new":
        return redirect("inventory:document_create", document.kind)
    return redirect(document)


@permission_required("inventory.add_stockdocument", raise_exception=True)
def document_create(request: HttpRequest, kind: str) -> HttpResponse:
    """A new draft; ?copy=<id> starts from another document's lines (a corrected copy after a reversal)."""
    if kind not in KINDS:
        raise Http404
    copy = None
    copy_id = request.GET.get("copy", "")
    if copy_id.isdigit():
        copy = _document(request, int(copy_id))
        if copy.kind != kind or copy.reversal_of_id is not None:
            raise Http404
    return _form_page(request, kind=kind, copy=copy)


@permission_required("inventory.change_stockdocument", raise_exception=True)
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    if not may_use(request.user, document):
        raise PermissionDenied
    if document.status != DocumentStatus.DRAFT:
        messages.error(request, _("%(number)s is not a draft any more: it cannot be changed.") % {"number": document})
        return redirect(document)
    return _form_page(request, kind=document.kind, document=document)


@require_GET
@permission_required("inventory.view_stockdocument", raise_exception=True)
def document_line(request: HttpRequest) -> HttpResponse:
    """For the scan field: a new line row for the product a barcode or SKU names, in the unit it scans as."""
    if not (
        request.user.has_perm("inventory.add_stockdocument") or request.user.has_perm("inventory.change_stockdocument")
    ):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    index = request.GET.get("index", "")
    if kind not in KINDS or not index.isdigit():
        return JsonResponse({"code": "validation_error", "message": _("Bad request."), "data": {}}, status=400)
    hit = product_find_by_code(code=request.GET.get("code", ""))
    if hit is None:
        return JsonResponse(
            {"code": "not_found", "message": _("No product has this barcode or SKU."), "data": {}}, status=404
        )
    context = LineContext.build(
        user=request.user, kind=kind, show_cost=can_view_cost(request.user), product_ids={hit.product.pk}
    )
    row = line_row_form(
        context=context, index=int(index), product=context.products[hit.product.pk], unit_id=hit.unit.pk
    )
    row.number = int(index) + 1  # type: ignore[attr-defined]
    return render(
        request,
        "inventory/document_line_row.html",
        {
            "row": row,
            "show_cost_columns": context.show_cost and kind == DocumentKind.RECEIPT,
            "is_transfer": kind == DocumentKind.TRANSFER,
        },
    )


def _detail_context(request: HttpRequest, document: StockDocument) -> dict[str, Any]:
    user = request.user
    show_cost = can_view_cost(user)
    usable = may_use(user, document)
    status = document.status
    is_reversal = document.reversal_of_id is not None
    reversal = reversed_by(document) if status == DocumentStatus.REVERSED else None
    lines = document_lines(document)
    return {
        "document": document,
        "lines": lines,
        "moves": document_moves(document),
        "reversal": reversal,
        "reason": reason_label(document.kind, document.reason),
        "warehouses": warehouses_label(document),
        "amount": document_amount(document) if show_cost else None,
        "badge": STATUS_BADGES.get(DocumentStatus(status), ""),
        "list_url": reverse(LIST_NAMES[DocumentKind(document.kind)]),
        "list_title": TITLES[DocumentKind(document.kind)],
        "show_cost_columns": show_cost and document.kind == DocumentKind.RECEIPT,
        "is_transfer": document.kind == DocumentKind.TRANSFER,
        "has_tracking": any(ln.lot_id or ln.batch_no or ln.serials for ln in lines),
        "can_edit": status == DocumentStatus.DRAFT and usable and user.has_perm("inventory.change_stockdocument"),
        "can_post": status == DocumentStatus.DRAFT and usable and user.has_perm("inventory.post_stockdocument"),
        "can_receive": status == DocumentStatus.IN_TRANSIT
        and user.has_perm("inventory.post_stockdocument")
        and may_receive(user, document),
        "can_reverse": status in {DocumentStatus.POSTED, DocumentStatus.IN_TRANSIT}
        and not is_reversal
        and usable
        and user.has_perm("inventory.post_stockdocument"),
        "can_copy": not is_reversal and user.has_perm("inventory.add_stockdocument"),
        "trail": audit_trail(target=document)[:20] if show_cost else [],
    }


def _detail_page(request: HttpRequest, document: StockDocument, *, error: str = "") -> HttpResponse:
    context = _detail_context(request, document)
    context["error"] = error
    return render(request, "inventory/document_detail.html", context, status=422 if error else 200)


@permission_required("inventory.view_stockdocument", raise_exception=True)
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    if request.GET.get("export") == "xlsx":
        columns = visible_columns(LINE_COLUMNS, request.user)
        return xlsx_response(
            filename=document.number,
            title=document.number,
            columns=columns,
            rows=rows_of(document_lines(document), columns),
        )
    return _detail_page(request, document)


@require_POST
@permission_required("inventory.post_stockdocument", raise_exception=True)
def document_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a draft (a transfer between warehouses: ship it). Posting it again changes nothing."""
    document = _document(request, pk)
    if not may_use(request.user, document):
        raise PermissionDenied
    try:
        document = stock_document_post(actor=request.user, document=document)  # type: ignore[arg-type]
    except DomainError as error:
        return _detail_page(request, _document(request, pk), error=error.text)
    if document.status == DocumentStatus.IN_TRANSIT:
        messages.success(request, _("Shipped %(number)s: the goods are in transit.") % {"number": document.number})
    else:
        messages.success(request, _("Posted %(number)s.") % {"number": document.number})
    return redirect(document)


@require_POST
@permission_required("inventory.post_stockdocument", raise_exception=True)
def document_receive(request: HttpRequest, pk: int) -> HttpResponse:
    """The second step of a transfer between warehouses: the goods arrive."""
    document = _document(request, pk)
    if not may_receive(request.user, document):
        raise PermissionDenied
    try:
        document = stock_transfer_receive(actor=request.user, document=document)  # type: ignore[arg-type]
    except DomainError as error:
        return _detail_page(request, _document(request, pk), error=error.text)
    messages.success(request, _("Received %(number)s.") % {"number": document.number})
    if request.POST.get("next") == "in_transit":
        return redirect("inventory:in_transit")
    return redirect(document)


@permission_required("inventory.post_stockdocument", raise_exception=True)
def document_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """红冲: GET shows what the reversal will change at each place and asks to confirm; POST does it."""
    document = _document(request, pk)
    if not may_use(request.user, document):
        raise PermissionDenied
    if document.status not in {DocumentStatus.POSTED, DocumentStatus.IN_TRANSIT} or document.reversal_of_id:
        messages.error(request, _("Only a posted document can be reversed."))
        return redirect(document)
    form = ReverseForm(request.POST or None, document_date=document.date)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reversal = stock_document_reverse(
                    actor=request.user,  # type: ignore[arg-type]
                    document=document,
                    day=form.cleaned_data["date"],
                )
            except DomainError as error:
                apply_error(error, form)
            else:
                messages.success(
                    request,
                    _("Reversed %(number)s with %(reversal)s.") % {"number": document.number, "reversal": reversal},
                )
                return redirect(reversal)
        status = 422
    effects = reversal_preview(source_type=SOURCE_TYPE, source_id=document.pk)
    context = {
        "document": document,
        "form": form,
        "effects": effects,
        "short": any(e.short for e in effects),
        "warehouses": warehouses_label(document),
        "list_url": reverse(LIST_NAMES[DocumentKind(document.kind)]),
        "list_title": TITLES[DocumentKind(document.kind)],
    }
    return render(request, "inventory/document_reverse.html", context, status=status)


@permission_required("inventory.view_stockdocument", raise_exception=True)
def document_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A clean A4 page to print and sign."""
    document = _document(request, pk)
    lines = document_lines(document)
    show_cost = can_view_cost(request.user)
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.unit.name] = totals.get(line.unit.name, Decimal(0)) + line.unit_quantity
    context = {
        "document": document,
        "title": PRINT_TITLES[DocumentKind(document.kind)],
        "lines": lines,
        "reason": reason_label(document.kind, document.reason),
        "warehouses": warehouses_label(document),
        "show_cost_columns": show_cost and document.kind == DocumentKind.RECEIPT,
        "amount": document_amount(document) if show_cost else None,
        "is_transfer": document.kind == DocumentKind.TRANSFER,
        "has_tracking": any(ln.lot_id or ln.batch_no or ln.serials for ln in lines),
        "totals": sorted(totals.items()),
        "printed_at": timezone.localtime(),
    }
    return render(request, "inventory/document_print.html", context)


@permission_required("inventory.view_stockdocument", raise_exception=True)
def in_transit(request: HttpRequest) -> HttpResponse:
    """Transfers shipped and not received yet, with a receive button for the receiving side."""
    documents = with_totals(in_transit_documents(user=request.user))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            filename="in-transit",
            title=str(_("Goods in transit")),
            columns=IN_TRANSIT_COLUMNS,
            rows=rows_of(documents, IN_TRANSIT_COLUMNS),
        )
    rows = list(documents)
    can_post = request.user.has_perm("inventory.post_stockdocument")
    mine = None
    if not getattr(request.user, "all_warehouses", True):
        mine = set(warehouses_of(user=request.user).values_list("pk", flat=True))
    for row in rows:
        row.can_receive = can_post and (mine is None or row.to_warehouse_id in mine)  # type: ignore[attr-defined]
    return render(request, "inventory/document_in_transit.html", {"documents": rows})


urlpatterns: list[URLPattern] = [
    path("documents/", document_list, name="document_list"),
    path("receipts/", document_list, {"kind": DocumentKind.RECEIPT.value}, name="receipt_list"),
    path("issues/", document_list, {"kind": DocumentKind.ISSUE.value}, name="issue_list"),
    path("transfers/", document_list, {"kind": DocumentKind.TRANSFER.value}, name="transfer_list"),
    re_path(r"^(?P<kind>receipt|issue|transfer)s/new/$", document_create, name="document_create"),
    path("documents/line/", document_line, name="document_line"),
    path("documents/<int:pk>/", document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", document_edit, name="document_edit"),
    path("documents/<int:pk>/post/", document_post, name="document_post"),
    path("documents/<int:pk>/receive/", document_receive, name="document_receive"),
    path("documents/<int:pk>/reverse/", document_reverse, name="document_reverse"),
    path("documents/<int:pk>/print/", document_print, name="document_print"),
    path("in-transit/", in_transit, name="in_transit"),
]
