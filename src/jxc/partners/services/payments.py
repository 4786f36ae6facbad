"""Where a payment taken with a document is recorded: finance registers the recorder, lower apps call it.

A counter sale is paid as it ships; the sales app cannot know finance's payments (they are siblings), so it
hands the payment over here and finance records it as a receipt of payment settling the shipment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jxc.accounts.models import User
from jxc.partners.models import Partner
from jxc.partners.services.ledger import EntrySource


@dataclass(frozen=True)
class PaymentTaken:
    """A payment received (or made) together with a document, which it settles."""

    partner: Partner
    account: str
    amount: Decimal
    method: str
    day: date
    settles: EntrySource
    memo: str = ""


@dataclass(frozen=True)
class PaymentDesk:
    """What finance offers lower apps: record a payment taken with a document, reverse the ones it took."""

    record: Callable[[PaymentTaken, User], object]
    reverse: Callable[[EntrySource, date, User], object]


_DESKS: list[PaymentDesk] = []


def payment_desk_register(desk: PaymentDesk) -> None:
    """Install the desk (finance does it when the app is ready)."""
    _DESKS[:] = [desk]


def _desk() -> PaymentDesk:
    if not _DESKS:
        raise RuntimeError("no payment desk is registered")
    return _DESKS[0]


def payment_taken_record(*, payment: PaymentTaken, actor: User) -> object:
    """Record the payment in the caller's transaction; it settles the document it was taken with."""
    return _desk().record(payment, actor)


def payments_taken_reverse(*, settles: EntrySource, day: date, actor: User) -> object:
    """Reverse (红冲) the payments taken with a document, in the caller's transaction, before it is reversed."""
    return _desk().reverse(settles, day, actor)
