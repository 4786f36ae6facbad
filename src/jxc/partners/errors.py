"""Errors of customers and suppliers and of their ledger (往来账)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError


class ItemSettled(DomainError):
    """A document that payments already settle cannot be reversed before they are undone."""

    code = "document_settled"
    message = _("%(number)s is settled by %(by)s for %(amount)s; undo that allocation first.")


class DocumentVoid(DomainError):
    """A reversed (voided) document cannot be paid."""

    code = "document_void"
    message = _("%(number)s was reversed; it cannot be paid or settled.")


class OverAllocated(DomainError):
    """More allocated to a document than it still has open."""

    code = "over_allocated"
    status = 422
    message = _("%(number)s has only %(open)s open; %(amount)s cannot be allocated to it.")


class CreditExceeded(DomainError):
    """More allocated than the payment, return or write-off has left to apply."""

    code = "allocation_exceeds_credit"
    status = 422
    message = _("%(number)s has only %(open)s left to apply; %(amount)s were allocated.")


class AllocationMismatch(DomainError):
    """A credit can only settle debts of the same partner and account."""

    code = "allocation_mismatch"
    status = 422
    message = _("%(number)s is not a debt of %(partner)s on this account.")
