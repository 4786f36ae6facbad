"""API shapes of write-offs (坏账核销) and discounts (折让)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class WriteOffFilters(Schema):
    """The filters of the write-off list."""

    status: str = Field("", description="draft, submitted, posted or rejected")
    kind: str = Field("", description="write_off (bad debt) or discount")
    account: str = Field("", description="receivable or payable")
    partner_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = Field("", description="The number, the partner's name or the reason")


class WriteOffLineIn(Schema):
    item_id: int = Field(description="The open document (an open item of the partner's account, by its entry id)")
    amount: Decimal = Field(max_digits=12, decimal_places=2, description="What to settle of it")


class WriteOffIn(Schema):
    """A write-off or discount as entered (PUT replaces a draft or rejected one). Without lines it settles the
    partner's oldest documents first; with lines they must add up to the amount."""

    kind: str = Field("write_off", description="write_off (bad debt 坏账核销) or discount (折让)")
    partner_id: int
    account: str = Field("receivable", description="receivable (a customer) or payable (a supplier)")
    date: dt.date | None = Field(None, description="Default: today")
    amount: Decimal = Field(max_digits=12, decimal_places=2)
    reason: str = Field(max_length=300, description="Required: why the amount is taken off")
    lines: list[WriteOffLineIn] = []


class WriteOffLineOut(Schema):
    item_id: int
    number: str
    date: dt.date
    due_date: dt.date
    open: Decimal
    amount: Decimal


class ApprovalStepOut(Schema):
    rule: str
    reason: str
    role: str
    status: str
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    comment: str


class AllocationOut(Schema):
    item_id: int
    number: str
    amount: Decimal
    undone: bool


class WriteOffSummaryOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    date: dt.date
    partner_id: int
    partner: str
    account: str
    amount: Decimal
    reason: str
    created_at: dt.datetime
    posted_at: dt.datetime | None = None


class WriteOffOut(WriteOffSummaryOut):
    created_by: str
    lines: list[WriteOffLineOut]
    approval: list[ApprovalStepOut] = Field(description="The steps of the latest approval round")
    allocations: list[AllocationOut] = Field(description="The documents a posted write-off settled")


class DecisionIn(Schema):
    comment: str = Field("", max_length=300)


class RejectIn(Schema):
    reason: str = Field(max_length=300)
