"""The fixed vocabularies of sales: order statuses, numbering prefixes, source types."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    """The life of a sales order (DESIGN §4)."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    PARTIAL = "partial", _("partly shipped")
    DONE = "done", _("done")
    CLOSED = "closed", _("closed")
    VOID = "void", _("void")


OPEN_ORDER_STATUSES = (OrderStatus.APPROVED, OrderStatus.PARTIAL)

ORDER_PREFIX = "XS"
ORDER_SOURCE = "sales.salesorder"
