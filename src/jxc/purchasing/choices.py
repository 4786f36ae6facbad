"""The fixed vocabularies of purchasing: statuses, numbering prefixes and how charges are allocated."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.inventory.choices import PostingStatus as PostingStatus  # shared with sales


class OrderStatus(models.TextChoices):
    """The life of a purchase order (DESIGN §4)."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    PARTIAL = "partial", _("partly received")
    DONE = "done", _("done")
    CLOSED = "closed", _("closed")
    VOID = "void", _("void")


OPEN_ORDER_STATUSES = (OrderStatus.APPROVED, OrderStatus.PARTIAL)


class Allocation(models.TextChoices):
    """How a receipt's freight and other charges are spread over its lines."""

    VALUE = "value", _("by value")
    QUANTITY = "quantity", _("by quantity")


ORDER_PREFIX = "CG"
RECEIPT_PREFIX = "RK"
RETURN_PREFIX = "CT"

ORDER_SOURCE = "purchasing.purchaseorder"
RECEIPT_SOURCE = "purchasing.purchasereceipt"
RETURN_SOURCE = "purchasing.purchasereturn"
