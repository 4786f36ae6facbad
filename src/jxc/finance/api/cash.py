"""API: cash accounts (资金账户) with their balances, and one account's journal (日记账) between two dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.errors import NotFound
from jxc.finance.models import CashAccount
from jxc.finance.schemas_payments import CashAccountFilters, CashAccountIn, CashAccountOut, CashJournalOut
from jxc.finance.selectors.cash import cash_account_get, cash_account_list, cash_journal
from jxc.finance.services.cash import CashAccountData, cash_account_save

router = Router(tags=["cash"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "finance.view_cashaccount"
ADD = "finance.add_cashaccount"
CHANGE = "finance.change_cashaccount"


def _out(account: CashAccount) -> dict[str, Any]:
    return {
        "id": account.pk,
        "code": account.code,
        "name": account.name,
        "kind": account.kind,
        "bank_name": account.bank_name,
        "account_no": account.account_no,
        "balance": account.balance,
        "active": account.active,
        "notes": account.notes,
    }


def _get(account_id: int) -> CashAccount:
    try:
        return cash_account_get(pk=account_id)
    except CashAccount.DoesNotExist:
        raise NotFound() from None


def _data(payload: CashAccountIn) -> CashAccountData:
    return CashAccountData(
        name=payload.name,
        kind=payload.kind,
        code=payload.code,
        bank_name=payload.bank_name,
        account_no=payload.account_no,
        active=payload.active,
        notes=payload.notes,
    )


@router.get("/cash-accounts", response=Page[CashAccountOut], summary="List cash accounts")
def cash_accounts(
    request: HttpRequest, params: Query[PageParams], filters: Query[CashAccountFilters]
) -> dict[str, Any]:
    """By code; each with its balance."""
    require(request, VIEW)
    return paged(cash_account_list(**filters.dict()).order_by("code", "pk"), params, _out)


@router.post("/cash-accounts", response={201: CashAccountOut, **ERRORS}, summary="Create a cash account")
def cash_accounts_create(request: HttpRequest, payload: CashAccountIn) -> Status[dict[str, Any]]:
    """The balance starts at zero and moves only with payments and opening balances."""
    user = require(request, ADD)
    return Status(201, _out(cash_account_save(actor=user, data=_data(payload))))


@router.get("/cash-accounts/{account_id}", response={200: CashAccountOut, **ERRORS}, summary="Get a cash account")
def cash_accounts_get(request: HttpRequest, account_id: int) -> dict[str, Any]:
    require(request, VIEW)
    return _out(_get(account_id))


@router.put("/cash-accounts/{account_id}", response={200: CashAccountOut, **ERRORS}, summary="Change a cash account")
def cash_accounts_put(request: HttpRequest, account_id: int, payload: CashAccountIn) -> dict[str, Any]:
    """Replaces every field but the balance (an empty code keeps the current one)."""
    user = require(request, CHANGE)
    return _out(cash_account_save(actor=user, data=_data(payload), account=_get(account_id)))


@router.get(
    "/cash-accounts/{account_id}/entries",
    response={200: CashJournalOut, **ERRORS},
    summary="A cash account's journal",
)
def cash_accounts_entries(
    request: HttpRequest, account_id: int, date_from: date | None = None, date_to: date | None = None
) -> dict[str, Any]:
    """The entries between the two dates (both included, either optional) in date order, each with the running
    balance; `opening` is the balance before `date_from`."""
    require(request, VIEW)
    journal = cash_journal(account=_get(account_id), date_from=date_from, date_to=date_to)
    return {
        "account_id": account_id,
        "date_from": date_from,
        "date_to": date_to,
        "opening": journal.opening,
        "total_in": journal.total_in,
        "total_out": journal.total_out,
        "closing": journal.closing,
        "entries": [
            {
                "id": ln.entry.pk,
                "date": ln.date,
                "number": ln.number,
                "source_type": ln.entry.source_type,
                "source_id": ln.entry.source_id,
                "memo": ln.memo,
                "amount": ln.entry.amount,
                "balance": ln.balance,
            }
            for ln in journal.lines
        ],
    }
