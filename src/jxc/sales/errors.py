"""Errors of sales orders."""

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError


class SalesOrderShipped(DomainError):
    """An order with goods shipped cannot go back to draft or be voided."""

    code = "order_shipped"
    message = _("%(number)s has goods shipped: it cannot be %(action)s.")


class OverShipment(DomainError):
    """Shipping more of an order line than is left to ship."""

    code = "over_shipment"
    message = _("%(product)s: %(quantity)s to ship against %(number)s, but only %(left)s is left to ship.")


class LotNotInStock(DomainError):
    """A picked batch has nothing on hand at the chosen location."""

    code = "lot_not_in_stock"
    message = _("Batch %(batch)s of %(product)s is not in stock at %(place)s.")


class ScanNotOnDocument(DomainError):
    """A scanned barcode names a product that is not on the document being picked."""

    code = "scan_not_on_document"
    message = _("%(code)s is %(product)s, which is not on %(number)s: put it back.")


class ScanUnknown(DomainError):
    """A scanned code is no barcode, SKU or serial number we know."""

    code = "scan_unknown"
    status = 404
    message = _("%(code)s is not a known barcode, SKU or serial number.")


class OverPick(DomainError):
    """Scanning more of a product than the document ships."""

    code = "over_pick"
    message = _("%(product)s is picked in full (%(quantity)s): this one is one too many.")


class SerialScanRequired(DomainError):
    """A serial-tracked product is picked by scanning its serial numbers, not its barcode."""

    code = "serial_scan_required"
    message = _("%(product)s is tracked by serial number: scan the serial number, not the barcode.")


class ShipmentHasReturns(DomainError):
    """A shipment with returns (posted or draft) is reversed only after them."""

    code = "shipment_has_returns"
    message = _("%(number)s has returns (%(returns)s): reverse or delete them first.")


class ReturnExceedsShipment(DomainError):
    """Returning more than was shipped (and not returned yet)."""

    code = "return_exceeds_shipment"
    message = _("%(product)s: %(quantity)s to return, but only %(left)s of shipment %(shipment)s is left to return.")


class NotShipped(DomainError):
    """Delivery events only follow a shipment that has gone out."""

    code = "not_shipped"
    message = _("%(number)s has not been shipped yet.")


class BadStatusLink(DomainError):
    """A public status link that was altered or is not ours."""

    code = "bad_status_link"
    status = 404
    message = _("This status link is not valid. Ask the seller for a new one.")


class PaymentShort(DomainError):
    """A counter sale paid in cash with less than its total."""

    code = "payment_short"
    message = _("%(given)s given is less than the total %(total)s.")
