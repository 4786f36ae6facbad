"""API shapes of statements (对账单) and of the statements shared with partners."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class StatementQuery(Schema):
    """Which account and period; defaults: receivable for a customer, payable for a supplier; this month."""

    account: str = Field("", description="receivable or payable")
    start: dt.date | None = None
    end: dt.date | None = None


class StatementLineOut(Schema):
    entry_id: int
    date: dt.date
    number: str = Field(description="The document's number")
    source_type: str = Field(description="What kind of document, e.g. sales.salesshipment, finance.payment")
    source_id: int
    phase: str = Field(description="post, or reverse-post for a reversal (红冲)")
    kind: str = Field(description="The kind of document, readable")
    memo: str
    debit: Decimal = Field(description="What the entry added to the account")
    credit: Decimal = Field(description="What the entry took off the account")
    balance: Decimal = Field(description="The account's balance after the entry")


class StatementOut(Schema):
    partner_id: int
    partner: str
    account: str
    start: dt.date
    end: dt.date
    opening: Decimal = Field(description="The balance of the entries dated before `start`")
    total_debit: Decimal
    total_credit: Decimal
    closing: Decimal = Field(description="opening + total_debit − total_credit")
    lines: list[StatementLineOut]


class StatementShareIn(Schema):
    """Share a partner's statement of a period by signed link."""

    partner_id: int
    account: str = Field("", description="receivable or payable; default by the partner's role")
    start: dt.date | None = Field(None, description="Default: the first day of this month")
    end: dt.date | None = Field(None, description="Default: the last day of this month")
    valid_days: int = Field(30, description="How many days the link works (1–365)")


class StatementShareFilters(Schema):
    partner: int | None = Field(None, description="Only the statements shared with this partner")


class StatementShareOut(Schema):
    id: int
    partner_id: int
    partner: str
    account: str
    start: dt.date
    end: dt.date
    opening: Decimal = Field(description="The opening balance when the statement was shared")
    closing: Decimal = Field(description="The closing balance when the statement was shared")
    expires_at: dt.datetime
    url: str = Field(description="The public link for the partner (no login)")
    status: str = Field(description="pending, confirmed or disputed")
    comment: str
    answered_by: str
    answered_at: dt.datetime | None
    created_by: str
    created_at: dt.datetime
