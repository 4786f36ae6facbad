"""Errors of finance: payments, write-offs, invoices, statements, opening balances."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError


class PaymentReversed(DomainError):
    """A reversed payment cannot be reversed again or applied."""

    code = "payment_reversed"
    message = _("%(number)s is reversed.")


class WriteOffNotEditable(DomainError):
    """Only a draft or rejected write-off can be changed or submitted."""

    code = "write_off_not_editable"
    message = _("%(number)s is %(status)s; it can no longer be changed.")


class InvoiceExceedsDocument(DomainError):
    """More invoiced against a document than its amount."""

    code = "invoice_exceeds_document"
    status = 422
    message = _("%(number)s has only %(left)s left to invoice; %(amount)s were entered.")


class StatementLinkInvalid(DomainError):
    """The statement link was changed or has expired."""

    code = "statement_link_invalid"
    status = 404
    message = _("This statement link is not valid: it was changed, or it has expired. Ask for a new link.")


class StatementAnswered(DomainError):
    """A statement is answered once."""

    code = "statement_answered"
    message = _("This statement was already %(status)s.")


class OpeningTotalsMismatch(DomainError):
    """The opening-balance file's totals do not add up to its rows."""

    code = "opening_totals_mismatch"
    status = 422
    message = _("The file's total %(what)s is %(stated)s but its rows add up to %(rows)s.")


class WriteOffExceedsOpen(DomainError):
    """More written off than the partner owes on the account's open documents."""

    code = "write_off_exceeds_open"
    status = 422
    message = _("%(partner)s has only %(open)s open on this account; %(amount)s cannot be written off.")
