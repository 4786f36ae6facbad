"""API shapes of cash accounts (资金账户), receipts of payment (收款) and payments (付款)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class CashAccountIn(Schema):
    """A cash account as entered (PUT replaces every field); the balance moves only with payments."""

    name: str = Field(max_length=80)
    kind: str = Field("cash", description="cash, bank, wechat, alipay or other")
    code: str = Field("", max_length=30, description="Empty: numbered automatically (ZH001…)")
    bank_name: str = Field("", max_length=120)
    account_no: str = Field("", max_length=60)
    active: bool = True
    notes: str = Field("", max_length=200)


class CashAccountOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    bank_name: str
    account_no: str
    balance: Decimal
    active: bool
    notes: str


class CashAccountFilters(Schema):
    q: str = Field("", description="Code, name, bank or account number")
    kind: str = ""
    active: bool | None = None


class CashEntryOut(Schema):
    id: int
    date: dt.date
    number: str = Field(description="The document that moved the account")
    source_type: str
    source_id: int
    memo: str
    amount: Decimal = Field(description="+ in, − out")
    balance: Decimal = Field(description="The account's balance after this entry, in date order")


class CashJournalOut(Schema):
    """An account's journal (日记账) between two dates."""

    account_id: int
    date_from: dt.date | None
    date_to: dt.date | None
    opening: Decimal = Field(description="The balance before date_from")
    total_in: Decimal
    total_out: Decimal
    closing: Decimal
    entries: list[CashEntryOut]


class PaymentFilters(Schema):
    """The filters of the payment list and its export."""

    direction: str = Field("", description="in (receipts of payment) or out (payments)")
    partner_id: int | None = None
    cash_account_id: int | None = None
    status: str = Field("", description="posted or reversed")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = Field("", description="The number, the reference, the partner or the notes")


class AllocationIn(Schema):
    """An amount of the payment for one document: named by its open item's id or by its number."""

    item_id: int | None = Field(None, description="The document's open item (see /partners/{id}/open-items)")
    document: str = Field("", description="Or the document's number, e.g. CK202611020001")
    amount: Decimal = Field(max_digits=14, decimal_places=2)


class PaymentIn(Schema):
    """A receipt of payment (direction in, from a customer) or a payment (out, to a supplier). Allocation: the
    `allocations` given, or `auto` (oldest due first), or neither (the whole amount stays a prepayment)."""

    direction: str = Field(description="in or out")
    partner_id: int
    amount: Decimal = Field(max_digits=14, decimal_places=2)
    cash_account_id: int | None = Field(None, description="Default: the first active account of the method's kind")
    method: str = Field("bank", description="cash, bank, wechat, alipay, card or other")
    date: dt.date | None = Field(None, description="Default today")
    reference: str = Field("", max_length=60)
    notes: str = Field("", max_length=300)
    auto: bool = False
    allocations: list[AllocationIn] = []


class ApplyIn(Schema):
    """Apply what is left of a payment (or another credit): the `allocations` given, or `auto` oldest first."""

    auto: bool = False
    allocations: list[AllocationIn] = []
    date: dt.date | None = Field(None, description="The allocations' date; default today")


class AllocationOut(Schema):
    id: int
    item_id: int = Field(description="The other side: the document (or, seen from a document, the credit)")
    document: str
    kind: str
    date: dt.date
    allocated_on: dt.date
    amount: Decimal
    by: str
    active: bool = Field(description="False once undone")
    undoable: bool


class PaymentSummaryOut(Schema):
    id: int
    number: str
    direction: str
    date: dt.date
    partner_id: int
    partner: str
    cash_account_id: int
    cash_account: str
    method: str
    amount: Decimal = Field(description="Negative for a reversal")
    allocated: Decimal
    unallocated: Decimal = Field(description="What is left to apply: the prepayment (预收/预付)")
    reference: str
    notes: str
    status: str
    reversal_of_id: int | None
    created_at: dt.datetime


class PaymentOut(PaymentSummaryOut):
    reversed_by_id: int | None
    created_by: str
    allocations: list[AllocationOut]


class OpenItemOut(Schema):
    """A document still owed (a debt) or a credit still to apply; amounts positive."""

    item_id: int
    document: str
    kind: str
    source_type: str
    date: dt.date
    due_date: dt.date
    amount: Decimal
    open: Decimal
    overdue: bool


class OpenItemsOut(Schema):
    partner_id: int
    account: str
    debts: list[OpenItemOut]
    credits: list[OpenItemOut]
    owed: Decimal = Field(description="Σ open of the debts")
    credit: Decimal = Field(description="Σ open of the credits")
