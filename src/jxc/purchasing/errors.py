"""Errors of purchase orders, receipts, returns and supplier terms."""

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError


class OrderNotOpen(DomainError):
    """Goods can only be received against an approved order with something left to receive."""

    code = "order_not_open"
    message = _("Order %(number)s is %(status)s: nothing can be received against it.")


class OrderHasReceipts(DomainError):
    """An order with receipts (posted or draft) cannot go back to draft or be voided."""

    code = "order_has_receipts"
    message = _("%(number)s has receipts (%(receipts)s): it cannot be %(action)s.")


class OverReceipt(DomainError):
    """Accepting more than ordered beyond the company's tolerance."""

    code = "over_receipt"
    message = _(
        "%(product)s: %(accepted)s would be accepted against %(ordered)s ordered "
        "(%(received)s received before, tolerance %(tolerance)s%%)."
    )


class SupplierNotApproved(DomainError):
    """An order to a supplier that is not approved needs the override permission to be approved."""

    code = "supplier_not_approved"
    status = 403
    message = _("%(supplier)s is not an approved supplier: approving needs the override permission.")


class ReturnExceedsReceipt(DomainError):
    """Returning more than was received (and not returned yet)."""

    code = "return_exceeds_receipt"
    message = _("%(product)s: %(quantity)s to return, but only %(left)s of receipt %(receipt)s is left to return.")


class ReceiptHasReturns(DomainError):
    """A receipt with returns (posted or draft) is reversed only after them."""

    code = "receipt_has_returns"
    message = _("%(number)s has returns (%(returns)s): reverse or delete them first.")


class PreferredConflict(DomainError):
    """Another supplier became preferred for the product at the same moment: try again."""

    code = "preferred_conflict"
    message = _("Another supplier was just made preferred for %(product)s: reload and try again.")


class NoPreferredSupplier(DomainError):
    """Products to order that have no preferred supplier: nothing is ordered until each has one."""

    code = "no_preferred_supplier"
    message = _("No preferred supplier for %(products)s: choose one on the supplier's page first.")
