"""Pages: purchase receipts (采购入库) with inspection.

The list with filters and Excel export; the entry form (against open orders — prefilled from `?order=`, or picked
from the supplier's open order lines — or free lines by scanning); the detail page with its actions (post,
reverse with a preview, return goods, print); the A4 print view.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jxc.accounts.selectors import audit_trail, include_tax_default
from jxc.catalog.selectors import product_find_by_code
from jxc.core.columns import can_view_cost, rows_of, visible_columns
from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.listing import ListPage, list_response
from jxc.inventory.choices import DocumentKind
from jxc.inventory.forms_documents import LineContext, ReverseForm
from jxc.inventory.selectors import reversal_preview, warehouses_of
from jxc.partners.models import Partner
from jxc.purchasing.choices import RECEIPT_SOURCE, PostingStatus
from jxc.purchasing.forms_receipts import (
    PurchaseFilterForm,
    ReceiptForm,
    ReceiptLineForm,
    ReceiptLineFormSet,
    receipt_row_form,
)
from jxc.purchasing.models import PurchaseOrder, PurchaseOrderLine, PurchaseReceipt
from jxc.purchasing.selectors.documents import (
    line_progress,
    may_use,
    open_order_lines,
    purchase_order_get_for,
    purchase_order_search,
    purchase_receipt_get_for,
    purchase_receipt_search,
    purchase_return_search,
    receipt_lines,
    receipt_moves,
    returnable_lines,
    reversed_receipt,
)
from jxc.purchasing.services.receipts import (
    purchase_receipt_create,
    purchase_receipt_delete,
    purchase_receipt_post,
    purchase_receipt_reverse,
    purchase_receipt_update,
)
from jxc.purchasing.tables_receipts import RECEIPT_COLUMNS, RECEIPT_LINE_COLUMNS

TITLE = gettext_lazy("Purchase receipts")
NEW_TITLE = gettext_lazy("New purchase receipt")
STATUS_BADGES = {
    PostingStatus.DRAFT: "badge-muted",
    PostingStatus.POSTED: "badge-success",
    PostingStatus.REVERSED: "badge-danger",
}
# The service names a row's quantity `quantity`; the receipt row calls it what was received.
ROW_FIELDS = {"quantity": "received_quantity"}


def renamed(error: DomainError, names: Mapping[str, str]) -> DomainError:
    """The error with the line fields of the service (`lines.0.quantity`) named as the page's rows name them."""

    def fix(key: str) -> str:
        parts = key.split(".")
        if len(parts) == 3 and parts[2] in names:
            parts[2] = names[parts[2]]
        return ".".join(parts)

    if isinstance(error, ValidationFailed):
        error.errors = {fix(k): v for k, v in error.errors.items()}
    if error.field:
        error.field = fix(error.field)
    return error


def payable_of(partner: Partner) -> Decimal:
    """What we owe the supplier now (the partner ledger's cached balance)."""
    try:
        return partner.balance.payable
    except ObjectDoesNotExist:
        return Decimal(0)


def _receipt(request: HttpRequest, pk: int) -> PurchaseReceipt:
    try:
        return purchase_receipt_get_for(user=request.user, pk=pk)
    except PurchaseReceipt.DoesNotExist:
        raise Http404 from None


def _may_enter(user: Any) -> bool:
    return bool(user.has_perm("purchasing.add_purchasereceipt") or user.has_perm("purchasing.change_purchasereceipt"))


@permission_required("purchasing.view_purchasereceipt", raise_exception=True)
def receipt_list(request: HttpRequest) -> HttpResponse:
    """Receipts with filters; ?export=xlsx exports the filtered list (amounts only for users who see costs)."""
    form = PurchaseFilterForm(request.GET or None, user=request.user)
    can_add = request.user.has_perm("purchasing.add_purchasereceipt")
    page = ListPage(
        title=TITLE,
        columns=RECEIPT_COLUMNS,
        default_sort="-date",
        filter_form=form,
        create_url=reverse("purchasing:receipt_create") if can_add else "",
        create_label=NEW_TITLE,
        export_name="purchase-receipts",
        empty_text=gettext_lazy("No receipts match."),
    )
    return list_response(request, purchase_receipt_search(user=request.user, **form.filters()), page)


def _orders_prefill(request: HttpRequest, orders: list[PurchaseOrder]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The header and rows of a receipt for what is left of these orders (one supplier: the first order's)."""
    first = orders[0]
    usable = []
    for order in orders:
        if order.supplier_id != first.supplier_id:
            messages.warning(request, _("%(number)s is from another supplier: left out.") % {"number": order.number})
        elif not order.is_open:
            messages.warning(
                request,
                _("%(number)s is %(status)s: nothing can be received against it.")
                % {"number": order.number, "status": order.get_status_display()},
            )
        else:
            usable.append(order.pk)
    lines = open_order_lines(supplier_id=first.supplier_id, order_ids=usable) if usable else []
    header = {
        "supplier": first.supplier_id,
        "warehouse": first.warehouse_id,
        "prices_include_tax": first.prices_include_tax,
    }
    return header, [ReceiptLineForm.initial_from_order(ln) for ln in lines]


def _form_page(
    request: HttpRequest, *, receipt: PurchaseReceipt | None = None, orders: list[PurchaseOrder] | None = None
) -> HttpResponse:
    user = request.user
    show_cost = can_view_cost(user)
    data = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {}
    line_initial: list[dict[str, Any]] = []
    if receipt is not None:
        initial = ReceiptForm.initial_for(receipt)
        if data is None:
            line_initial = [ReceiptLineForm.initial_for(ln, show_cost=show_cost) for ln in receipt_lines(receipt)]
    elif orders and data is None:
        initial, line_initial = _orders_prefill(request, orders)
    elif orders:
        initial = {"supplier": orders[0].supplier_id}
    else:
        initial = {"prices_include_tax": include_tax_default(None)}
    form = ReceiptForm(data, initial=initial, user=user, show_cost=show_cost)
    lines = ReceiptLineFormSet(data, initial=line_initial, user=user, show_cost=show_cost)
    if data is not None and form.is_valid() and lines.is_valid():
        receipt_data, rows = form.to_data(lines, keep=receipt)
        try:
            if receipt is None:
                saved = purchase_receipt_create(actor=user, data=receipt_data)  # type: ignore[arg-type]
            else:
                saved = purchase_receipt_update(actor=user, receipt=receipt, data=receipt_data)  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(renamed(error, ROW_FIELDS), form, rows)
        else:
            return _after_save(request, saved)
    lines.numbered()
    has_errors = bool(form.errors or any(lines.errors) or lines.non_form_errors())
    context = {
        "title": NEW_TITLE if receipt is None else receipt.number,
        "receipt": receipt,
        "orders": orders or [],
        "form": form,
        "lines": lines,
        "show_cost": show_cost,
        "list_url": reverse("purchasing:receipt_list"),
        "list_title": TITLE,
        "row_errors": [row for row in lines.forms if row.errors and getattr(row, "number", None)],
    }
    status = 422 if data is not None and has_errors else 200
    return render(request, "purchasing/receipt_form.html", context, status=status)


def _after_save(request: HttpRequest, receipt: PurchaseReceipt) -> HttpResponse:
    then = request.POST.get("then", "")
    if then == "post" and request.user.has_perm("purchasing.post_purchasereceipt"):
        try:
            receipt = purchase_receipt_post(actor=request.user, receipt=receipt)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(
                request,
                _("Saved %(number)s as a draft, but it could not be posted: %(error)s")
                % {"number": receipt.number, "error": error.text},
            )
            return redirect("purchasing:receipt_edit", receipt.pk)
        messages.success(request, _("Posted %(number)s.") % {"number": receipt.number})
    else:
        messages.success(request, _("Saved %(number)s.") % {"number": receipt.number})
    if then == "new":
        return redirect("purchasing:receipt_create")
    return redirect(receipt)


@permission_required("purchasing.add_purchasereceipt", raise_exception=True)
def receipt_create(request: HttpRequest) -> HttpResponse:
    """A new draft; ?order=<id> (repeatable) receives what is left of those orders."""
    orders = []
    for value in request.GET.getlist("order"):
        if not value.isdigit():
            raise Http404
        try:
            orders.append(purchase_order_get_for(user=request.user, pk=int(value)))
        except PurchaseOrder.DoesNotExist:
            raise Http404 from None
    return _form_page(request, orders=orders)


@permission_required("purchasing.change_purchasereceipt", raise_exception=True)
def receipt_edit(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = _receipt(request, pk)
    if not may_use(request.user, receipt):
        raise PermissionDenied
    if receipt.status != PostingStatus.DRAFT:
        messages.error(request, _("%(number)s is not a draft any more: it cannot be changed.") % {"number": receipt})
        return redirect(receipt)
    return _form_page(request, receipt=receipt)


def _visible_open_lines(user: Any, supplier_id: int) -> list[PurchaseOrderLine]:
    """The supplier's open order lines, of orders in the user's warehouses."""
    if getattr(user, "all_warehouses", True):
        return open_order_lines(supplier_id=supplier_id)
    visible = list(purchase_order_search(user=user, supplier_id=supplier_id).values_list("pk", flat=True))
    return open_order_lines(supplier_id=supplier_id, order_ids=visible)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def bad_request(message: str, status: int = 400, code: str = "validation_error") -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "data": {}}, status=status)


@require_GET
@permission_required("purchasing.view_purchasereceipt", raise_exception=True)
def receipt_line(request: HttpRequest) -> HttpResponse:
    """New rows: for the scan field, a free line for the product a barcode or SKU names (in the unit it scans as);
    with ?order_line= (repeatable) and ?supplier=, one row per open order line, receiving what is left of it."""
    if not _may_enter(request.user):
        raise PermissionDenied
    index = _int(request.GET.get("index", ""))
    if index is None:
        return bad_request(_("Bad request."))
    show_cost = can_view_cost(request.user)
    wanted = {int(v) for v in request.GET.getlist("order_line") if v.isdigit()}
    rows: list[ReceiptLineForm] = []
    if wanted:
        supplier_id = _int(request.GET.get("supplier", ""))
        found = [ln for ln in _visible_open_lines(request.user, supplier_id or 0) if ln.pk in wanted]
        if not found:
            return bad_request(_("These order lines are not open any more."), 404, "not_found")
        context = LineContext.build(
            user=request.user,
            kind=DocumentKind.RECEIPT,
            show_cost=show_cost,
            product_ids={ln.product_id for ln in found},
        )
        for i, order_line in enumerate(found):
            rows.append(
                receipt_row_form(
                    context=context,
                    index=index + i,
                    product=context.products[order_line.product_id],
                    order_line=order_line,
                    initial=ReceiptLineForm.initial_from_order(order_line),
                )
            )
    else:
        hit = product_find_by_code(code=request.GET.get("code", ""))
        if hit is None:
            return bad_request(_("No product has this barcode or SKU."), 404, "not_found")
        context = LineContext.build(
            user=request.user, kind=DocumentKind.RECEIPT, show_cost=show_cost, product_ids={hit.product.pk}
        )
        one = Decimal(1)
        initial = {"product": hit.product.pk, "unit": hit.unit.pk, "received_quantity": one, "accepted_quantity": one}
        rows.append(
            receipt_row_form(context=context, index=index, product=context.products[hit.product.pk], initial=initial)
        )
    html = []
    for i, row in enumerate(rows):
        row.number = index + i + 1  # type: ignore[attr-defined]
        html.append(
            render_to_string("purchasing/receipt_line_row.html", {"row": row, "show_cost": show_cost}, request=request)
        )
    return HttpResponse("".join(html))


@permission_required("purchasing.view_purchasereceipt", raise_exception=True)
def receipt_order_lines(request: HttpRequest) -> HttpResponse:
    """The htmx panel of the entry form: the chosen supplier's open order lines, to add one by one or all."""
    supplier_id = _int(request.GET.get("supplier", ""))
    lines = _visible_open_lines(request.user, supplier_id) if supplier_id else []
    names = dict(warehouses_of(user=request.user).values_list("pk", "name")) if lines else {}
    rows = [{"line": ln, "warehouse": names.get(ln.order.warehouse_id, ""), **line_progress(ln)} for ln in lines]
    context = {"rows": rows, "supplier_id": supplier_id, "show_cost": can_view_cost(request.user)}
    return render(request, "purchasing/receipt_order_lines.html", context)


def _detail_context(request: HttpRequest, receipt: PurchaseReceipt) -> dict[str, Any]:
    user = request.user
    show_cost = can_view_cost(user)
    usable = may_use(user, receipt)
    status = receipt.status
    is_reversal = receipt.reversal_of_id is not None
    lines = receipt_lines(receipt)
    orders = {ln.order_line.order.pk: ln.order_line.order for ln in lines if ln.order_line is not None}
    returnable = returnable_lines(receipt) if status == PostingStatus.POSTED and not is_reversal else []
    totals: dict[str, dict[str, Decimal]] = {}
    for line in lines:
        unit = totals.setdefault(
            line.unit.name, {"received": Decimal(0), "accepted": Decimal(0), "rejected": Decimal(0)}
        )
        unit["received"] += line.received_quantity
        unit["accepted"] += line.accepted_quantity
        unit["rejected"] += line.rejected_quantity
    return {
        "receipt": receipt,
        "lines": lines,
        "orders": sorted(orders.values(), key=lambda o: o.number),
        "moves": receipt_moves(receipt),
        "reversal": reversed_receipt(receipt) if status == PostingStatus.REVERSED else None,
        "returns": list(purchase_return_search(user=user).filter(receipt=receipt).order_by("date", "pk")),
        "badge": STATUS_BADGES.get(PostingStatus(status), ""),
        "list_url": reverse("purchasing:receipt_list"),
        "list_title": TITLE,
        "show_cost": show_cost,
        "totals": sorted(totals.items()),
        "goods_total": receipt.amount + receipt.tax,
        "has_rejects": any(ln.rejected_quantity for ln in lines),
        "has_tracking": any(ln.lot_id or ln.batch_no or ln.serials for ln in lines),
        "can_edit": status == PostingStatus.DRAFT and usable and user.has_perm("purchasing.change_purchasereceipt"),
        "can_post": status == PostingStatus.DRAFT and usable and user.has_perm("purchasing.post_purchasereceipt"),
        "can_reverse": status == PostingStatus.POSTED
        and not is_reversal
        and usable
        and user.has_perm("purchasing.post_purchasereceipt"),
        "can_return": bool(returnable) and usable and user.has_perm("purchasing.add_purchasereturn"),
        "trail": audit_trail(target=receipt)[:20] if show_cost else [],
    }


def _detail_page(request: HttpRequest, receipt: PurchaseReceipt, *, error: str = "") -> HttpResponse:
    context = _detail_context(request, receipt)
    context["error"] = error
    return render(request, "purchasing/receipt_detail.html", context, status=422 if error else 200)


@permission_required("purchasing.view_purchasereceipt", raise_exception=True)
def receipt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt; ?export=xlsx exports its lines."""
    receipt = _receipt(request, pk)
    if request.GET.get("export") == "xlsx":
        columns = visible_columns(RECEIPT_LINE_COLUMNS, request.user)
        return xlsx_response(
            filename=receipt.number,
            title=receipt.number,
            columns=columns,
            rows=rows_of(receipt_lines(receipt), columns),
        )
    return _detail_page(request, receipt)


@require_POST
@permission_required("purchasing.change_purchasereceipt", raise_exception=True)
def receipt_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft (the detail page asks to confirm)."""
    receipt = _receipt(request, pk)
    if not may_use(request.user, receipt):
        raise PermissionDenied
    try:
        purchase_receipt_delete(actor=request.user, receipt=receipt)  # type: ignore[arg-type]
    except DomainError as error:
        return _detail_page(request, receipt, error=error.text)
    messages.success(request, _("Deleted %(number)s.") % {"number": receipt.number})
    return redirect("purchasing:receipt_list")


@require_POST
@permission_required("purchasing.post_purchasereceipt", raise_exception=True)
def receipt_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a draft: accepted goods into stock, the payable up, the orders received. Again: nothing changes."""
    receipt = _receipt(request, pk)
    if not may_use(request.user, receipt):
        raise PermissionDenied
    try:
        receipt = purchase_receipt_post(actor=request.user, receipt=receipt)  # type: ignore[arg-type]
    except DomainError as error:
        return _detail_page(request, _receipt(request, pk), error=error.text)
    messages.success(request, _("Posted %(number)s.") % {"number": receipt.number})
    return redirect(receipt)


@permission_required("purchasing.post_purchasereceipt", raise_exception=True)
def receipt_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """红冲: GET shows what the reversal changes (stock per place, the payable, the orders) and asks for a date;
    POST does it."""
    receipt = _receipt(request, pk)
    if not may_use(request.user, receipt):
        raise PermissionDenied
    if receipt.status != PostingStatus.POSTED or receipt.reversal_of_id:
        messages.error(request, _("Only a posted receipt can be reversed."))
        return redirect(receipt)
    form = ReverseForm(request.POST or None, document_date=receipt.date)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reversal = purchase_receipt_reverse(
                    actor=request.user,  # type: ignore[arg-type]
                    receipt=receipt,
                    day=form.cleaned_data["date"],
                )
            except DomainError as error:
                apply_error(error, form)
            else:
                messages.success(
                    request,
                    _("Reversed %(number)s with %(reversal)s.") % {"number": receipt.number, "reversal": reversal},
                )
                return redirect(reversal)
        status = 422
    show_cost = can_view_cost(request.user)
    effects = reversal_preview(source_type=RECEIPT_SOURCE, source_id=receipt.pk)
    payable = payable_of(receipt.supplier) if show_cost else None
    blocking = purchase_return_search(user=request.user).filter(
        receipt=receipt, status__in=[PostingStatus.DRAFT, PostingStatus.POSTED], reversal_of__isnull=True
    )
    context = {
        "receipt": receipt,
        "form": form,
        "effects": effects,
        "short": any(e.short for e in effects),
        "show_cost": show_cost,
        "payable": payable,
        "payable_after": payable - receipt.total if payable is not None else None,
        "order_lines": [ln for ln in receipt_lines(receipt) if ln.order_line is not None],
        "blocking": list(blocking.order_by("number")),
        "list_url": reverse("purchasing:receipt_list"),
        "list_title": TITLE,
    }
    return render(request, "purchasing/receipt_reverse.html", context, status=status)


@permission_required("purchasing.view_purchasereceipt", raise_exception=True)
def receipt_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A clean A4 receipt note (入库单) with the inspection, to print and sign."""
    context = _detail_context(request, _receipt(request, pk))
    context["printed_at"] = timezone.localtime()
    return render(request, "purchasing/receipt_print.html", context)


urlpatterns: list[URLPattern] = [
    path("receipts/", receipt_list, name="receipt_list"),
    path("receipts/new/", receipt_create, name="receipt_create"),
    path("receipts/line/", receipt_line, name="receipt_line"),
    path("receipts/order-lines/", receipt_order_lines, name="receipt_order_lines"),
    path("receipts/<int:pk>/", receipt_detail, name="receipt_detail"),
    path("receipts/<int:pk>/edit/", receipt_edit, name="receipt_edit"),
    path("receipts/<int:pk>/delete/", receipt_delete, name="receipt_delete"),
    path("receipts/<int:pk>/post/", receipt_post, name="receipt_post"),
    path("receipts/<int:pk>/reverse/", receipt_reverse, name="receipt_reverse"),
    path("receipts/<int:pk>/print/", receipt_print, name="receipt_print"),
]
