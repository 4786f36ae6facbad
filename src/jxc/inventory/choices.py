"""The fixed vocabularies of the inventory: move kinds, document kinds, statuses and reasons."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MoveKind(models.TextChoices):
    """Why stock moved; one value per kind of document leg."""

    OPENING = "opening", _("opening stock")
    RECEIPT = "receipt", _("other receipt")
    ISSUE = "issue", _("other issue")
    TRANSFER_OUT = "transfer_out", _("transfer out")
    TRANSFER_IN = "transfer_in", _("transfer in")
    COUNT_GAIN = "count_gain", _("count gain")
    COUNT_LOSS = "count_loss", _("count loss")
    PURCHASE_RECEIPT = "purchase_receipt", _("purchase receipt")
    PURCHASE_RETURN = "purchase_return", _("purchase return")
    SHIPMENT = "shipment", _("shipment")
    SALES_RETURN = "sales_return", _("sales return")
    COST_ADJUSTMENT = "cost_adjustment", _("cost adjustment")
    COST_VARIANCE = "cost_variance", _("cost variance")
    REVERSAL = "reversal", _("reversal")


class DocumentKind(models.TextChoices):
    """The warehouse documents of this app (orders, receipts and shipments live in their own apps)."""

    RECEIPT = "receipt", _("other receipt")
    ISSUE = "issue", _("other issue")
    TRANSFER = "transfer", _("transfer")


DOCUMENT_PREFIX = {DocumentKind.RECEIPT: "QR", DocumentKind.ISSUE: "QC", DocumentKind.TRANSFER: "DB"}


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_TRANSIT = "in_transit", _("in transit")
    POSTED = "posted", _("posted")
    REVERSED = "reversed", _("reversed")


class PostingStatus(models.TextChoices):
    """The life of a receipt, shipment or return: drafted, posted, reversed (红冲)."""

    DRAFT = "draft", _("draft")
    POSTED = "posted", _("posted")
    REVERSED = "reversed", _("reversed")


class ReceiptReason(models.TextChoices):
    """Why goods came in without a purchase (其他入库)."""

    OPENING = "opening", _("opening stock")
    GIFT = "gift", _("gift or free goods")
    FOUND = "found", _("found goods")
    PRODUCTION = "production", _("returned from production")
    OTHER = "other", _("other")


class IssueReason(models.TextChoices):
    """Why goods went out without a sale (其他出库)."""

    SCRAP = "scrap", _("scrap (报损)")
    INTERNAL_USE = "internal_use", _("internal use (领用)")
    SAMPLE = "sample", _("sample")
    OTHER = "other", _("other")


class CountStatus(models.TextChoices):
    COUNTING = "counting", _("counting")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    POSTED = "posted", _("posted")
    CANCELLED = "cancelled", _("cancelled")
    REVERSED = "reversed", _("reversed")


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    CONSUMED = "consumed", _("consumed")
    RELEASED = "released", _("released")


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class SerialStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("in stock")
    OUT = "out", _("out of stock")
