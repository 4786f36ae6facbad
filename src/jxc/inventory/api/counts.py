"""API: stock counts (盘点) — sheets, counted quantities and scans, submit, approve, post, cancel, reverse."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.columns import can_view_cost, rows_of, visible_columns
from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.excel import xlsx_response
from jxc.inventory.choices import CountStatus
from jxc.inventory.models import StockCount, StockCountLine
from jxc.inventory.schemas_counts import (
    CountEntriesIn,
    ScanIn,
    ScanOut,
    StockCountIn,
    StockCountLineOut,
    StockCountOut,
    SubmitIn,
)
from jxc.inventory.selectors.counts import (
    count_get_for,
    count_line_at,
    count_lines,
    count_list_for,
    count_scan_entry,
    count_shows_book,
    count_variances,
)
from jxc.inventory.services.counts import (
    CountEntry,
    stock_count_approve,
    stock_count_cancel,
    stock_count_create,
    stock_count_post,
    stock_count_record,
    stock_count_reverse,
    stock_count_submit,
)
from jxc.inventory.tables_counts import COUNT_COLUMNS, sheet_columns

router = Router(tags=["stock counts"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "inventory.view_stockcount"
ADD = "inventory.add_stockcount"
CHANGE = "inventory.change_stockcount"
APPROVE = "inventory.approve_stockcount"


def _line_out(line: StockCountLine, *, show_book: bool, show_cost: bool, estimate: Any = None) -> dict[str, Any]:
    """A line as the API returns it: book and difference only where the user may see them, values with view_cost."""
    out: dict[str, Any] = {
        "id": line.pk,
        "product_id": line.product_id,
        "sku": line.product.sku,
        "name": line.product.name,
        "spec": line.product.spec,
        "unit": line.product.base_unit.name,
        "location_id": line.location_id,
        "location": line.location.code,
        "lot_id": line.lot_id,
        "batch_no": line.lot.batch_no if line.lot else None,
        "expiry_date": line.lot.expiry_date if line.lot else None,
        "counted_quantity": line.counted_quantity,
        "moved_during_count": line.moved_during_count,
        "counted_by": str(line.counted_by) if line.counted_by_id else None,
        "counted_at": line.counted_at,
    }
    if show_book:
        out["book_quantity"] = line.book_quantity
        out["difference"] = line.difference
        if show_cost:
            out["value"] = line.value
            if estimate is not None:
                out["estimated_value"] = estimate
    return out


def _count_out(count: StockCount, *, user: Any, with_lines: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": count.pk,
        "number": count.number,
        "date": count.date,
        "warehouse_id": count.warehouse_id,
        "warehouse": count.warehouse.name,
        "status": count.status,
        "status_label": str(count.get_status_display()),
        "blind": count.blind,
        "notes": count.notes,
        "location_ids": sorted(loc.pk for loc in count.locations.all()),
        "category_ids": sorted(c.pk for c in count.categories.all()),
        "created_by": str(count.created_by),
        "created_at": count.created_at,
        "approved_by": str(count.approved_by) if count.approved_by_id else None,
        "approved_at": count.approved_at,
        "posted_by": str(count.posted_by) if count.posted_by_id else None,
        "posted_at": count.posted_at,
    }
    if not with_lines:
        out["line_count"] = count.line_count  # type: ignore[attr-defined]
        out["counted_count"] = count.counted_count  # type: ignore[attr-defined]
        return out
    show_book = count_shows_book(count=count, user=user)
    show_cost = can_view_cost(user)
    lines = list(count_lines(count=count))
    estimates: dict[int, Any] = {}
    if show_cost and count.status in {CountStatus.SUBMITTED, CountStatus.APPROVED}:
        report = count_variances(count=count, lines=lines, with_value=True)
        estimates = {v.line.pk: v.value for v in [*report.gains, *report.losses]}
    out["line_count"] = len(lines)
    out["counted_count"] = sum(1 for ln in lines if ln.counted_quantity is not None)
    out["lines"] = [
        _line_out(ln, show_book=show_book, show_cost=show_cost, estimate=estimates.get(ln.pk)) for ln in lines
    ]
    return out


def _count(user: Any, count_id: int) -> StockCount:
    return count_get_for(user=user, pk=count_id)


def _detail(user: Any, count_id: int) -> dict[str, Any]:
    return _count_out(_count(user, count_id), user=user, with_lines=True)


@router.get("/stock-counts", response=Page[StockCountOut], exclude_unset=True, summary="List stock counts")
def stock_counts(
    request: HttpRequest,
    params: Query[PageParams],
    status: str = "",
    warehouse_id: int | None = None,
    q: str = "",
) -> dict[str, Any]:
    """Counts of the warehouses the caller may see, newest first; `q` searches the number and notes."""
    user = require(request, VIEW)
    found = (
        count_list_for(user=user, q=q, status=status, warehouse_id=warehouse_id)
        .select_related("approved_by", "posted_by")
        .prefetch_related("locations", "categories")
        .order_by("-number")
    )
    return paged(found, params, lambda c: _count_out(c, user=user, with_lines=False))


@router.get("/stock-counts/export", summary="Export stock counts to Excel", response={200: None})
def stock_counts_export(
    request: HttpRequest, status: str = "", warehouse_id: int | None = None, q: str = ""
) -> HttpResponse:
    user = require(request, VIEW)
    found = count_list_for(user=user, q=q, status=status, warehouse_id=warehouse_id).order_by("-number")
    columns = visible_columns(COUNT_COLUMNS, user)
    return xlsx_response(filename="stock-counts", title="stock counts", columns=columns, rows=rows_of(found, columns))


@router.post(
    "/stock-counts",
    response={201: StockCountOut, **ERRORS},
    exclude_unset=True,
    summary="Start a stock count (the book is taken now)",
)
def stock_counts_create(request: HttpRequest, payload: StockCountIn) -> Status[dict[str, Any]]:
    user = require(request, ADD)
    count = stock_count_create(
        actor=user,
        warehouse_id=payload.warehouse_id,
        day=payload.date or timezone.localdate(),
        location_ids=payload.location_ids,
        category_ids=payload.category_ids,
        blind=payload.blind,
        notes=payload.notes,
    )
    return Status(201, _detail(user, count.pk))


@router.get(
    "/stock-counts/{count_id}",
    response={200: StockCountOut, **ERRORS},
    exclude_unset=True,
    summary="Get a stock count with its lines",
)
def stock_counts_get(request: HttpRequest, count_id: int) -> dict[str, Any]:
    user = require(request, VIEW)
    return _detail(user, count_id)


@router.get("/stock-counts/{count_id}/export", summary="Export a count sheet to Excel", response={200: None, **ERRORS})
def stock_counts_sheet_export(request: HttpRequest, count_id: int) -> HttpResponse:
    user = require(request, VIEW)
    count = _count(user, count_id)
    columns = visible_columns(sheet_columns(show_book=count_shows_book(count=count, user=user)), user)
    return xlsx_response(
        filename=f"stock-count-{count.number}",
        title=count.number,
        columns=columns,
        rows=rows_of(count_lines(count=count), columns),
    )


@router.post(
    "/stock-counts/{count_id}/entries",
    response={200: list[StockCountLineOut], **ERRORS},
    exclude_unset=True,
    summary="Record counted quantities",
)
def stock_counts_entries(request: HttpRequest, count_id: int, payload: CountEntriesIn) -> list[dict[str, Any]]:
    """Set the counted total of each product × location (× lot), or with `add` add to it (one more scanned).

    A product found where the sheet has no line gets a new line with book quantity 0. All entries or none.
    """
    user = require(request, CHANGE)
    count = _count(user, count_id)
    entries = [CountEntry(**e.dict()) for e in payload.entries]
    changed = stock_count_record(actor=user, count=count, entries=entries)
    lines = count_lines(count=count).in_bulk([ln.pk for ln in changed])
    show_book, show_cost = count_shows_book(count=count, user=user), can_view_cost(user)
    return [_line_out(lines[ln.pk], show_book=show_book, show_cost=show_cost) for ln in changed]


def _scan_error(error: DomainError) -> DomainError:
    """A service error about the one scanned entry, named by the scan's own fields (code, quantity, lot_id)."""

    def field(key: str) -> str:
        name = key.rsplit(".", 1)[-1]
        return {"product_id": "code", "quantity": "quantity", "lot_id": "lot_id"}.get(name, key)

    if isinstance(error, ValidationFailed) and error.errors:
        return ValidationFailed({field(k): list(v) for k, v in error.errors.items()})
    if error.field:
        error.field = field(error.field)
    return error


@router.post(
    "/stock-counts/{count_id}/scan",
    response={200: ScanOut, **ERRORS},
    exclude_unset=True,
    summary="Add one scan to a count",
)
def stock_counts_scan(request: HttpRequest, count_id: int, payload: ScanIn) -> dict[str, Any]:
    """Adds `quantity` (default 1) of the unit the barcode stands for at the location: a box barcode adds 24 包.

    An unknown code, or a product or location outside the count's scope, is refused (422) and changes nothing.
    """
    user = require(request, CHANGE)
    count = _count(user, count_id)
    try:
        scan = count_scan_entry(
            count=count,
            code=payload.code,
            location_id=payload.location_id,
            quantity=payload.quantity,
            lot_id=payload.lot_id,
        )
        stock_count_record(actor=user, count=count, entries=[scan.entry])
    except DomainError as error:
        mapped = _scan_error(error)
        if mapped is error:
            raise
        raise mapped from error
    entry = scan.entry
    line = count_line_at(count=count, product_id=entry.product_id, location_id=entry.location_id, lot_id=entry.lot_id)
    assert line is not None  # recorded just now
    return {
        "line": _line_out(line, show_book=count_shows_book(count=count, user=user), show_cost=can_view_cost(user)),
        "added": entry.quantity,
        "unit": scan.unit.name,
        "factor": scan.factor,
    }


@router.post(
    "/stock-counts/{count_id}/submit",
    response={200: StockCountOut, **ERRORS},
    exclude_unset=True,
    summary="Finish counting",
)
def stock_counts_submit(request: HttpRequest, count_id: int, payload: SubmitIn) -> dict[str, Any]:
    """Refused while lines are uncounted, unless `uncounted_as_zero` says they were not found (send `{}` for no)."""
    user = require(request, CHANGE)
    stock_count_submit(actor=user, count=_count(user, count_id), uncounted_as_zero=payload.uncounted_as_zero)
    return _detail(user, count_id)


@router.post(
    "/stock-counts/{count_id}/approve",
    response={200: StockCountOut, **ERRORS},
    exclude_unset=True,
    summary="Approve the differences of a submitted count",
)
def stock_counts_approve(request: HttpRequest, count_id: int) -> dict[str, Any]:
    user = require(request, APPROVE)
    stock_count_approve(actor=user, count=_count(user, count_id))
    return _detail(user, count_id)


@router.post(
    "/stock-counts/{count_id}/post",
    response={200: StockCountOut, **ERRORS},
    exclude_unset=True,
    summary="Post the gains and losses of an approved count",
)
def stock_counts_post(request: HttpRequest, count_id: int) -> dict[str, Any]:
    """Stock is set to what was counted; each difference is valued at the current moving-average cost."""
    user = require(request, APPROVE)
    stock_count_post(actor=user, count=_count(user, count_id))
    return _detail(user, count_id)


@router.post(
    "/stock-counts/{count_id}/cancel",
    response={200: StockCountOut, **ERRORS},
    exclude_unset=True,
    summary="Cancel a count that was not posted",
)
def stock_counts_cancel(request: HttpRequest, count_id: int) -> dict[str, Any]:
    user = require(request, CHANGE)
    stock_count_cancel(actor=user, count=_count(user, count_id))
    return _detail(user, count_id)


@router.post(
    "/stock-counts/{count_id}/reverse",
    response={200: StockCountOut, **ERRORS},
    exclude_unset=True,
    summary="Reverse (红冲) a posted count",
)
def stock_counts_reverse(request: HttpRequest, count_id: int) -> dict[str, Any]:
    """Takes the gains and losses back exactly, dated today (or the count's date if later)."""
    user = require(request, APPROVE)
    stock_count_reverse(actor=user, count=_count(user, count_id))
    return _detail(user, count_id)
