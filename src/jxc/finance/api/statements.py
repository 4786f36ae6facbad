"""API of finance: statements (对账单) of a partner and period, as JSON or Excel; sharing them by signed link and
reading the partners' answers."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from jxc.accounts.selectors import company_get
from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.errors import NotFound, ValidationFailed
from jxc.core.excel import XLSX_MIME
from jxc.finance.models import StatementShare
from jxc.finance.schemas_statements import (
    StatementOut,
    StatementQuery,
    StatementShareFilters,
    StatementShareIn,
    StatementShareOut,
)
from jxc.finance.selectors.statements import (
    Statement,
    default_account,
    default_period,
    statement,
    statement_share_list,
    statement_share_token,
)
from jxc.finance.services.statements import statement_share_create
from jxc.finance.tables_statements import statement_xlsx
from jxc.partners.models import Account, Partner

router = Router(tags=["statements"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "finance.view_statementshare"
ADD = "finance.add_statementshare"


def _partner(partner_id: int) -> Partner:
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None:
        raise NotFound()
    return partner


def _figures(partner: Partner, query: StatementQuery) -> Statement:
    account = query.account or default_account(partner)
    start, end = default_period(timezone.localdate())
    start, end = query.start or start, query.end or end
    if account not in Account.values:
        raise ValidationFailed.one("account", _("Choose receivable or payable."))
    if start > end:
        raise ValidationFailed.one("end", _("The end date is before the start date."))
    return statement(partner=partner, account=account, start=start, end=end)


def _statement_out(figures: Statement) -> dict[str, Any]:
    return {
        "partner_id": figures.partner.pk,
        "partner": figures.partner.name,
        "account": figures.account,
        "start": figures.start,
        "end": figures.end,
        "opening": figures.opening,
        "total_debit": figures.total_debit,
        "total_credit": figures.total_credit,
        "closing": figures.closing,
        "lines": [dataclasses.asdict(line) for line in figures.lines],
    }


def share_out(request: HttpRequest, share: StatementShare) -> dict[str, Any]:
    """A shared statement with its public link and the partner's answer."""
    link = reverse("finance:statement_public", args=[statement_share_token(share)])
    return {
        "id": share.pk,
        "partner_id": share.partner_id,
        "partner": share.partner.name,
        "account": share.account,
        "start": share.start,
        "end": share.end,
        "opening": share.opening,
        "closing": share.closing,
        "expires_at": share.expires_at,
        "url": request.build_absolute_uri(link),
        "status": share.status,
        "comment": share.comment,
        "answered_by": share.answered_by,
        "answered_at": share.answered_at,
        "created_by": str(share.created_by),
        "created_at": share.created_at,
    }


@router.get(
    "/partners/{partner_id}/statement",
    response={200: StatementOut, **ERRORS},
    summary="A partner's statement of a period",
)
def partner_statement(request: HttpRequest, partner_id: int, query: Query[StatementQuery]) -> dict[str, Any]:
    """The opening balance (entries before `start`), every entry of the period by date with what it added
    (debit) or took off (credit) and the running balance, the totals and the closing balance."""
    require(request, VIEW)
    return _statement_out(_figures(_partner(partner_id), query))


@router.get("/partners/{partner_id}/statement/export", summary="Export a statement to Excel", response={200: None})
def partner_statement_export(request: HttpRequest, partner_id: int, query: Query[StatementQuery]) -> HttpResponse:
    """The statement as an .xlsx: company, partner and period on top, then opening, the lines, closing."""
    require(request, VIEW)
    figures = _figures(_partner(partner_id), query)
    response = HttpResponse(statement_xlsx(statement=figures, company=company_get().name), content_type=XLSX_MIME)
    name = f"statement-{figures.partner.code}-{figures.start:%Y%m%d}-{figures.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@router.post("/statement-shares", response={201: StatementShareOut, **ERRORS}, summary="Share a statement by link")
def statement_shares_create(request: HttpRequest, payload: StatementShareIn) -> Status[dict[str, Any]]:
    """Stores the statement with its opening and closing balance as of now; `url` is the signed link for the
    partner, who can confirm or dispute it without logging in until `expires_at`."""
    user = require(request, ADD)
    partner = _partner(payload.partner_id)
    figures = _figures(partner, StatementQuery(account=payload.account, start=payload.start, end=payload.end))
    share = statement_share_create(
        actor=user,
        partner=partner,
        account=figures.account,
        start=figures.start,
        end=figures.end,
        valid_days=payload.valid_days,
    )
    return Status(201, share_out(request, share))


@router.get("/statement-shares", response=Page[StatementShareOut], summary="Shared statements and their answers")
def statement_shares(
    request: HttpRequest, params: Query[PageParams], filters: Query[StatementShareFilters]
) -> dict[str, Any]:
    """Newest first, with the partner's answer (pending, confirmed, disputed with a comment)."""
    require(request, VIEW)
    partner = _partner(filters.partner) if filters.partner else None
    return paged(statement_share_list(partner=partner), params, lambda share: share_out(request, share))
