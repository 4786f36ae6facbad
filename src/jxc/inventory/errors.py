"""Errors of warehouses, locations, the stock ledger and stock documents."""

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError


class DefaultLocationRequired(DomainError):
    """A warehouse's default location cannot be deactivated."""

    code = "default_location_required"
    message = _("The default location of a warehouse cannot be deactivated.")


class InsufficientStock(DomainError):
    """Not enough available stock; `items` lists every shortfall (product, place, needed, available, short)."""

    code = "insufficient_stock"
    message = _("Not enough stock: %(summary)s")


class ClosedPeriod(DomainError):
    """The date falls in a closed stock period."""

    code = "closed_period"
    message = _("%(date)s is in the closed period %(period)s; post it with a later date or reopen the period.")


class LotRequired(DomainError):
    """A lot-tracked product moved without a lot."""

    code = "lot_required"
    status = 422
    message = _("%(product)s is tracked by lot: give the batch number.")


class LotNotAllowed(DomainError):
    """A lot given for a product that is not tracked by lot."""

    code = "lot_not_allowed"
    status = 422
    message = _("%(product)s is not tracked by lot.")


class LotMismatch(DomainError):
    """A batch number that already exists with other dates."""

    code = "lot_mismatch"
    status = 422
    message = _("Batch %(batch)s of %(product)s already exists with other dates.")


class LotExpired(DomainError):
    """Issuing from an expired lot needs the override permission."""

    code = "lot_expired"
    message = _("Batch %(batch)s of %(product)s expired on %(expiry)s.")


class SerialsRequired(DomainError):
    """A serial-tracked product needs exactly one serial number per unit."""

    code = "serials_required"
    status = 422
    message = _("%(product)s needs %(needed)s serial numbers, %(given)s given.")


class SerialNotInStock(DomainError):
    """A serial number that is not in stock at that place."""

    code = "serial_not_in_stock"
    message = _("Serial number %(serial)s of %(product)s is not in stock at %(place)s.")


class SerialAlreadyInStock(DomainError):
    """A serial number received while it is still in stock."""

    code = "serial_in_stock"
    message = _("Serial number %(serial)s of %(product)s is already in stock.")


class InvalidQuantity(DomainError):
    """A quantity that is zero, negative or finer than the unit allows."""

    code = "invalid_quantity"
    status = 422
    message = _("The quantity of %(product)s must be greater than zero.")


class WrongLocation(DomainError):
    """A location that does not belong to the warehouse (or is deactivated)."""

    code = "wrong_location"
    status = 422
    message = _("Location %(location)s is not an active location of %(warehouse)s.")


class DocumentNotDraft(DomainError):
    """Only a draft can be changed or posted."""

    code = "document_not_draft"
    message = _("%(number)s is %(status)s, not a draft.")


class OrderStatusConflict(DomainError):
    """The order's status does not allow this step (purchase and sales orders)."""

    code = "order_status"
    message = _("%(number)s is %(status)s: it cannot be %(action)s.")


class DocumentNotPosted(DomainError):
    """Only a posted document can be reversed."""

    code = "document_not_posted"
    message = _("%(number)s is %(status)s: only a posted document can be reversed.")


class AlreadyReversed(DomainError):
    """A document is reversed at most once."""

    code = "already_reversed"
    message = _("%(number)s was already reversed by %(reversal)s.")


class SameLocation(DomainError):
    """A transfer must change the place of the goods."""

    code = "same_location"
    status = 422
    message = _("A transfer needs a different target location or warehouse.")


class EmptyDocument(DomainError):
    """A document without lines cannot be posted."""

    code = "empty_document"
    status = 422
    message = _("Add at least one line.")


class ReservationNotActive(DomainError):
    """Only an active reservation can be released or consumed."""

    code = "reservation_not_active"
    message = _("The reservation is %(status)s.")


class PeriodOrder(DomainError):
    """Periods close in order and reopen from the latest."""

    code = "period_order"
    message = _("%(reason)s")


class CountNotReady(DomainError):
    """A count moves counting → submitted → approved → posted."""

    code = "count_status"
    message = _("%(number)s is %(status)s.")


class CostScopeLocked(DomainError):
    """Per-warehouse costing can only be switched before the first stock move."""

    code = "cost_scope_locked"
    message = _("The costing scope can only be changed before anything is posted.")
