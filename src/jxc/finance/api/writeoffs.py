"""API: write-offs (坏账核销) and discounts (折让): drafts, submit to the approval engine, approve (the last approval
posts it) or reject."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from jxc.accounts.approvals import WRITE_OFF
from jxc.accounts.selectors import approval_steps
from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.errors import NotFound
from jxc.finance.models import WriteOff
from jxc.finance.schemas_writeoffs import (
    DecisionIn,
    RejectIn,
    WriteOffFilters,
    WriteOffIn,
    WriteOffOut,
    WriteOffSummaryOut,
)
from jxc.finance.selectors.writeoffs import writeoff_allocations, writeoff_get, writeoff_lines, writeoff_search
from jxc.finance.services.writeoffs import (
    WriteOffData,
    WriteOffLineData,
    writeoff_approve,
    writeoff_create,
    writeoff_reject,
    writeoff_submit,
    writeoff_update,
)

router = Router(tags=["write-offs"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "finance.view_writeoff"
ADD = "finance.add_writeoff"
CHANGE = "finance.change_writeoff"


def _summary(write_off: WriteOff) -> dict[str, Any]:
    return {
        "id": write_off.pk,
        "number": write_off.number,
        "kind": write_off.kind,
        "status": write_off.status,
        "date": write_off.date,
        "partner_id": write_off.partner_id,
        "partner": write_off.partner.name,
        "account": write_off.account,
        "amount": write_off.amount,
        "reason": write_off.reason,
        "created_at": write_off.created_at,
        "posted_at": write_off.posted_at,
    }


def _out(write_off_id: int) -> dict[str, Any]:
    write_off = _get(write_off_id)
    out = _summary(write_off)
    out["created_by"] = str(write_off.created_by)
    out["lines"] = [
        {
            "item_id": ln.item_id,
            "number": ln.item.entry.source_number,
            "date": ln.item.date,
            "due_date": ln.item.due_date,
            "open": ln.item.open,
            "amount": ln.amount,
        }
        for ln in writeoff_lines(write_off)
    ]
    out["approval"] = [
        {
            "rule": s.rule_name,
            "reason": s.reason,
            "role": s.role,
            "status": s.status,
            "decided_by": str(s.decided_by) if s.decided_by else None,
            "decided_at": s.decided_at,
            "comment": s.comment,
        }
        for s in approval_steps(document_type=WRITE_OFF, document_id=write_off.pk)
    ]
    out["allocations"] = [
        {
            "item_id": a.debit_id,
            "number": a.debit.entry.source_number,
            "amount": a.amount,
            "undone": a.released_at is not None,
        }
        for a in writeoff_allocations(write_off)
    ]
    return out


def _get(write_off_id: int) -> WriteOff:
    try:
        return writeoff_get(pk=write_off_id)
    except WriteOff.DoesNotExist:
        raise NotFound() from None


def _data(payload: WriteOffIn) -> WriteOffData:
    return WriteOffData(
        kind=payload.kind,
        partner_id=payload.partner_id,
        account=payload.account,
        date=payload.date or timezone.localdate(),
        amount=payload.amount,
        reason=payload.reason,
        lines=[WriteOffLineData(item_id=ln.item_id, amount=ln.amount) for ln in payload.lines],
    )


@router.get("/write-offs", response=Page[WriteOffSummaryOut], summary="List write-offs and discounts")
def write_offs(request: HttpRequest, params: Query[PageParams], filters: Query[WriteOffFilters]) -> dict[str, Any]:
    """Newest first."""
    require(request, VIEW)
    found = writeoff_search(**filters.dict()).order_by("-date", "-pk")
    return paged(found, params, _summary)


@router.post("/write-offs", response={201: WriteOffOut, **ERRORS}, summary="Create a draft write-off or discount")
def write_offs_create(request: HttpRequest, payload: WriteOffIn) -> Status[dict[str, Any]]:
    """Saved as a draft with its number (HX + date + sequence). More than the partner owes on the account is
    refused (422 `write_off_exceeds_open`), a line above its document's open amount too (422 `over_allocated`), a
    reversed document (409 `document_void`), a closed period (409 `closed_period`)."""
    user = require(request, ADD)
    write_off = writeoff_create(actor=user, data=_data(payload))
    return Status(201, _out(write_off.pk))


@router.get("/write-offs/{write_off_id}", response={200: WriteOffOut, **ERRORS}, summary="Get a write-off")
def write_offs_get(request: HttpRequest, write_off_id: int) -> dict[str, Any]:
    require(request, VIEW)
    return _out(write_off_id)


@router.put("/write-offs/{write_off_id}", response={200: WriteOffOut, **ERRORS}, summary="Replace a draft")
def write_offs_put(request: HttpRequest, write_off_id: int, payload: WriteOffIn) -> dict[str, Any]:
    """Only a draft or rejected write-off (409 `write_off_not_editable` otherwise); a rejected one is a draft
    again."""
    user = require(request, CHANGE)
    writeoff_update(actor=user, write_off=_get(write_off_id), data=_data(payload))
    return _out(write_off_id)


@router.post("/write-offs/{write_off_id}/submit", response={200: WriteOffOut, **ERRORS}, summary="Submit for approval")
def write_offs_submit(request: HttpRequest, write_off_id: int) -> dict[str, Any]:
    """Every approval rule that fires becomes a step for its role; with none, it is approved (company setting) and
    posted at once."""
    user = require(request, CHANGE)
    writeoff_submit(actor=user, write_off=_get(write_off_id))
    return _out(write_off_id)


@router.post("/write-offs/{write_off_id}/approve", response={200: WriteOffOut, **ERRORS}, summary="Approve")
def write_offs_approve(request: HttpRequest, write_off_id: int, payload: DecisionIn | None = None) -> dict[str, Any]:
    """Approves the waiting steps the user's roles allow (403 `approval_role_required` naming the roles
    otherwise); the last approval posts it: the account goes down and the documents are settled."""
    user = require(request, VIEW)
    writeoff_approve(actor=user, write_off=_get(write_off_id), comment=payload.comment if payload else "")
    return _out(write_off_id)


@router.post("/write-offs/{write_off_id}/reject", response={200: WriteOffOut, **ERRORS}, summary="Reject")
def write_offs_reject(request: HttpRequest, write_off_id: int, payload: RejectIn) -> dict[str, Any]:
    """With a reason; it can then be changed and submitted again."""
    user = require(request, VIEW)
    writeoff_reject(actor=user, write_off=_get(write_off_id), reason=payload.reason)
    return _out(write_off_id)
