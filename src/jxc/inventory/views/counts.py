"""Pages: stock counts (盘点) — the list, a new count, the count sheet with its scan field, variances, print."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from jxc.accounts.selectors import audit_trail
from jxc.core.columns import can_view_cost, rows_of, visible_columns
from jxc.core.display import qty
from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.htmx import render_page
from jxc.core.listing import ListPage, list_response
from jxc.inventory.choices import CountStatus
from jxc.inventory.errors import ClosedPeriod
from jxc.inventory.forms_counts import (
    CountCreateForm,
    CountedInput,
    CountFilterForm,
    ScanForm,
    SubmitForm,
    counted_input,
    error_items,
)
from jxc.inventory.models import Location, StockCount, StockCountLine
from jxc.inventory.selectors import reversal_preview
from jxc.inventory.selectors.counts import (
    count_get_for,
    count_line_at,
    count_lines,
    count_list_for,
    count_moved_places,
    count_scan_entry,
    count_scan_locations,
    count_shows_book,
    count_variances,
)
from jxc.inventory.services.counts import (
    SOURCE_TYPE,
    stock_count_approve,
    stock_count_cancel,
    stock_count_create,
    stock_count_post,
    stock_count_record,
    stock_count_reverse,
    stock_count_submit,
)
from jxc.inventory.tables_counts import COUNT_COLUMNS, sheet_columns

VIEW = "inventory.view_stockcount"
ADD = "inventory.add_stockcount"
CHANGE = "inventory.change_stockcount"
APPROVE = "inventory.approve_stockcount"
T = TypeVar("T")


def _count(request: HttpRequest, pk: int) -> StockCount:
    try:
        return count_get_for(user=request.user, pk=pk)
    except StockCount.DoesNotExist:
        raise Http404 from None


@permission_required(VIEW, raise_exception=True)
def count_list(request: HttpRequest) -> HttpResponse:
    form = CountFilterForm(request.GET or None, user=request.user)
    page = ListPage(
        title=gettext_lazy("Stock counts"),
        columns=COUNT_COLUMNS,
        default_sort="-number",
        filter_form=form,
        create_url=reverse("inventory:count_create") if request.user.has_perm(ADD) else "",
        create_label=gettext_lazy("New count"),
        export_name="stock-counts",
        empty_text=gettext_lazy("No stock counts yet."),
    )
    return list_response(request, count_list_for(user=request.user, **form.filters()), page)


@permission_required(ADD, raise_exception=True)
def count_create(request: HttpRequest) -> HttpResponse:
    """A new count sheet; changing the warehouse reloads only its locations (htmx)."""
    data = request.POST if request.method == "POST" else None
    form = CountCreateForm(data, user=request.user, warehouse_id=request.GET.get("warehouse"))
    if data is not None and form.is_valid():
        try:
            count = stock_count_create(actor=request.user, **form.to_kwargs())  # type: ignore[arg-type]
        except DomainError as error:
            if isinstance(error, ClosedPeriod) and not error.field:
                form.add_error("date", error.text)
            else:
                apply_error(error, form)
        else:
            n = count.lines.count()
            started = ngettext(
                "Count %(number)s started: %(n)s line on the sheet.",
                "Count %(number)s started: %(n)s lines on the sheet.",
                n,
            )
            messages.success(request, started % {"number": count.number, "n": n})
            return redirect(count)
    status = 422 if data is not None and form.errors else 200
    return render_page(request, "inventory/count_form.html", {"form": form}, partial="count-locations", status=status)


@dataclass
class SheetRow:
    """A line as the sheet shows it: with what was typed into it (kept on an error) and its errors."""

    line: StockCountLine
    typed: str | None = None
    errors: list[str] = field(default_factory=list)
    moved: bool = False

    @property
    def shown(self) -> str:
        """What the counted-quantity input shows: what was typed, or what is recorded."""
        return self.typed if self.typed is not None else qty(self.line.counted_quantity)

    @property
    def recorded(self) -> str:
        return qty(self.line.counted_quantity)


def _rows(
    lines: list[StockCountLine], moved: set[tuple[int, int, int | None]], counted: CountedInput | None
) -> list[SheetRow]:
    typed = counted.typed if counted else {}
    errors = counted.errors if counted else {}
    return [
        SheetRow(
            line,
            typed.get(line.pk),
            errors.get(line.pk, []),
            line.moved_during_count or (line.product_id, line.location_id, line.lot_id) in moved,
        )
        for line in lines
    ]


def _by_location(items: Iterable[T], location_of: Callable[[T], Location]) -> list[tuple[Location, list[T]]]:
    """Consecutive items of the same location as (location, items) groups (the lines come sorted by location)."""
    groups: list[tuple[Location, list[T]]] = []
    for item in items:
        location = location_of(item)
        if not groups or groups[-1][0].pk != location.pk:
            groups.append((location, []))
        groups[-1][1].append(item)
    return groups


def _flags(request: HttpRequest, count: StockCount) -> dict[str, bool]:
    user = request.user
    status = count.status
    return {
        "can_count": status == CountStatus.COUNTING and user.has_perm(CHANGE),
        "can_approve": status == CountStatus.SUBMITTED and user.has_perm(APPROVE),
        "can_post": status == CountStatus.APPROVED and user.has_perm(APPROVE),
        "can_cancel": status in {CountStatus.COUNTING, CountStatus.SUBMITTED, CountStatus.APPROVED}
        and user.has_perm(CHANGE),
        "can_reverse": status == CountStatus.POSTED and user.has_perm(APPROVE),
    }


def _sheet_page(
    request: HttpRequest,
    count: StockCount,
    *,
    status: int = 200,
    counted: CountedInput | None = None,
    scan_form: ScanForm | None = None,
    submit_form: SubmitForm | None = None,
    sheet_errors: list[str] | None = None,
    action_errors: list[str] | None = None,
) -> HttpResponse:
    """The count sheet while counting, the variances after; errors and typed values are passed back in."""
    counting = count.status == CountStatus.COUNTING
    show_book = count_shows_book(count=count, user=request.user)
    show_cost = can_view_cost(request.user)
    lines = list(count_lines(count=count))
    rows = _rows(lines, count_moved_places(count=count), counted)
    groups = _by_location(rows, lambda r: r.line.location)
    locations = count_scan_locations(count=count) if counting else []
    if scan_form is None and counting:
        wanted = request.GET.get("location")
        initial = {"location": int(wanted)} if wanted and wanted.isdigit() else {}
        scan_form = ScanForm(initial=initial, locations=locations)
    show_all = counting or request.GET.get("lines") == "all"
    variances = None if counting else count_variances(count=count, lines=lines, with_value=show_cost)
    context = {
        "count": count,
        "groups": groups if show_all else [],
        "show_all": show_all,
        "line_total": len(lines),
        "counted_total": sum(1 for ln in lines if ln.counted_quantity is not None),
        "moved_total": sum(1 for r in rows if r.moved),
        "show_book": show_book,
        "show_cost": show_cost,
        "counting": counting,
        "variances": variances,
        "variance_sections": [(_("Gains (盘盈)"), variances.gains), (_("Losses (盘亏)"), variances.losses)]
        if variances
        else [],
        "scan_form": scan_form,
        "submit_form": submit_form or SubmitForm(),
        "sheet_errors": sheet_errors or [],
        "action_errors": action_errors or [],
        "trail": audit_trail(target=count)[:20],
        **_flags(request, count),
    }
    return render(request, "inventory/count_detail.html", context, status=status)


@permission_required(VIEW, raise_exception=True)
def count_detail(request: HttpRequest, pk: int) -> HttpResponse:
    count = _count(request, pk)
    if request.GET.get("export") == "xlsx":
        show_book = count_shows_book(count=count, user=request.user)
        columns = visible_columns(sheet_columns(show_book=show_book), request.user)
        return xlsx_response(
            filename=f"stock-count-{count.number}",
            title=count.number,
            columns=columns,
            rows=rows_of(count_lines(count=count), columns),
        )
    return _sheet_page(request, count)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def count_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the counted quantities typed into the sheet (only the inputs that changed)."""
    count = _count(request, pk)
    counted = counted_input(request.POST, list(count_lines(count=count)))
    if counted.errors:
        return _sheet_page(request, count, status=422, counted=counted)
    if counted.entries:
        try:
            stock_count_record(actor=request.user, count=count, entries=counted.entries)  # type: ignore[arg-type]
        except DomainError as error:
            rest = counted.apply(error)
            return _sheet_page(request, count, status=422, counted=counted, sheet_errors=rest)
    n = len(counted.entries)
    if n:
        messages.success(request, ngettext("Saved %(n)s count.", "Saved %(n)s counts.", n) % {"n": n})
    else:
        messages.info(request, _("Nothing to save: no quantity was changed."))
    return redirect(count)


def _line_at(count: StockCount, place: tuple[int, int, int | None]) -> StockCountLine | None:
    product_id, location_id, lot_id = place
    return count_line_at(count=count, product_id=product_id, location_id=location_id, lot_id=lot_id)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def count_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """One scan adds one of the code's unit at the chosen location; htmx gets back only the changed line."""
    count = _count(request, pk)
    locations = count_scan_locations(count=count)
    form = ScanForm(request.POST, locations=locations)
    line: StockCountLine | None = None
    created = False
    scan = None
    quantity = Decimal(1)
    if form.is_valid():
        data = form.cleaned_data
        quantity = data["quantity"] or quantity
        try:
            scan = count_scan_entry(count=count, code=data["code"], location_id=data["location"], quantity=quantity)
            entry = scan.entry
            place = (entry.product_id, entry.location_id, entry.lot_id)
            created = _line_at(count, place) is None
            stock_count_record(actor=request.user, count=count, entries=[entry])  # type: ignore[arg-type]
        except DomainError as error:
            form.apply(error)
        else:
            line = _line_at(count, place)
    htmx = getattr(request, "htmx", None)
    if line is None:
        if htmx:
            return render(request, "inventory/count_scan_status.html", {"scan_form": form}, status=422)
        return _sheet_page(request, count, status=422, scan_form=form)
    assert scan is not None
    message = _("%(product)s: +%(quantity)s %(unit)s at %(location)s, counted %(counted)s %(base)s.") % {
        "product": scan.product,
        "quantity": qty(quantity),
        "unit": scan.unit.name,
        "location": line.location.code,
        "counted": qty(line.counted_quantity),
        "base": scan.product.base_unit.name,
    }
    if not htmx:
        messages.success(request, message)
        return redirect(f"{count.get_absolute_url()}?location={line.location_id}")
    return _scan_answer(request, count, line, created=created, message=message)


def _scan_answer(
    request: HttpRequest, count: StockCount, line: StockCountLine, *, created: bool, message: str
) -> HttpResponse:
    """For htmx: the status next to the scan field, and out of band the line (or its new location group)."""
    new_group = created and not count.lines.filter(location_id=line.location_id).exclude(pk=line.pk).exists()
    row = SheetRow(line, moved=(line.product_id, line.location_id, line.lot_id) in count_moved_places(count=count))
    lines = count.lines.all()
    context = {
        "count": count,
        "scan_message": message,
        "location": line.location,
        "row": row,
        "rows": [row],
        "created": created,
        "new_group": new_group,
        "show_book": count_shows_book(count=count, user=request.user),
        "can_count": True,
        "line_total": lines.count(),
        "counted_total": lines.filter(counted_quantity__isnull=False).count(),
    }
    return render(request, "inventory/count_scan_result.html", context)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def count_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save what was typed and finish counting, in one transaction: on an error nothing is saved."""
    count = _count(request, pk)
    form = SubmitForm(request.POST)
    form.is_valid()
    counted = counted_input(request.POST, list(count_lines(count=count)))
    if counted.errors:
        return _sheet_page(request, count, status=422, counted=counted, submit_form=form)
    try:
        with transaction.atomic():
            if counted.entries:
                stock_count_record(actor=request.user, count=count, entries=counted.entries)  # type: ignore[arg-type]
            stock_count_submit(
                actor=request.user,  # type: ignore[arg-type]
                count=count,
                uncounted_as_zero=form.cleaned_data.get("uncounted_as_zero", False),
            )
    except DomainError as error:
        for message in counted.apply(error):
            form.add_error(None, message)
        return _sheet_page(request, count, status=422, counted=counted, submit_form=form)
    messages.success(request, _("%(number)s submitted: review the differences.") % {"number": count.number})
    return redirect(count)


def _action(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    count = _count(request, pk)
    try:
        service(actor=request.user, count=count)
    except DomainError as error:
        errors = [m for _key, ms in error_items(error) for m in ms]
        return _sheet_page(request, count, status=422, action_errors=errors)
    messages.success(request, done % {"number": count.number})
    return redirect(count)


@require_POST
@permission_required(APPROVE, raise_exception=True)
def count_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, stock_count_approve, _("%(number)s approved."))


@require_POST
@permission_required(APPROVE, raise_exception=True)
def count_post(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, stock_count_post, _("%(number)s posted: stock now matches the count."))


@require_POST
@permission_required(CHANGE, raise_exception=True)
def count_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, stock_count_cancel, _("%(number)s cancelled."))


@permission_required(APPROVE, raise_exception=True)
def count_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """红冲: show what the reversal will change at each place, then reverse on confirmation."""
    count = _count(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            stock_count_reverse(actor=request.user, count=count)  # type: ignore[arg-type]
        except DomainError as error:
            errors = [m for _key, ms in error_items(error) for m in ms]
        else:
            messages.success(request, _("%(number)s reversed.") % {"number": count.number})
            return redirect(count)
    context = {
        "count": count,
        "effects": reversal_preview(source_type=SOURCE_TYPE, source_id=count.pk),
        "errors": errors,
        "show_cost": can_view_cost(request.user),
    }
    return render(request, "inventory/count_reverse.html", context, status=422 if errors else 200)


@permission_required(VIEW, raise_exception=True)
def count_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The sheet on A4 paper, for counting by hand; book quantities only where the user may see them."""
    count = _count(request, pk)
    lines = list(count_lines(count=count))
    context = {
        "count": count,
        "groups": _by_location(lines, lambda ln: ln.location),
        "show_book": count_shows_book(count=count, user=request.user),
    }
    return render(request, "inventory/count_print.html", context)


urlpatterns = [
    path("counts/", count_list, name="count_list"),
    path("counts/new/", count_create, name="count_create"),
    path("counts/<int:pk>/", count_detail, name="count_detail"),
    path("counts/<int:pk>/record/", count_record, name="count_record"),
    path("counts/<int:pk>/scan/", count_scan, name="count_scan"),
    path("counts/<int:pk>/submit/", count_submit, name="count_submit"),
    path("counts/<int:pk>/approve/", count_approve, name="count_approve"),
    path("counts/<int:pk>/post/", count_post, name="count_post"),
    path("counts/<int:pk>/cancel/", count_cancel, name="count_cancel"),
    path("counts/<int:pk>/reverse/", count_reverse, name="count_reverse"),
    path("counts/<int:pk>/print/", count_print, name="count_print"),
]
