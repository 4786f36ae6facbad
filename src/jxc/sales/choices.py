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


class Channel(models.TextChoices):
    """How a shipment came about: against orders, directly (快速开单), or at the shop counter (门店收银)."""

    ORDER = "order", _("against orders")
    DIRECT = "direct", _("direct")
    COUNTER = "counter", _("counter sale")


class DeliveryStatus(models.TextChoices):
    """Where a shipped parcel is (物流跟踪), from the carrier's events."""

    NOT_SHIPPED = "not_shipped", _("not shipped")
    SHIPPED = "shipped", _("shipped")
    IN_TRANSIT = "in_transit", _("in transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("out for delivery")
    DELIVERED = "delivered", _("delivered")
    EXCEPTION = "exception", _("exception")


TRACKING_STATUSES = [s for s in DeliveryStatus if s != DeliveryStatus.NOT_SHIPPED]


class PaymentMethod(models.TextChoices):
    """How a counter sale was paid (recorded, not processed)."""

    CASH = "cash", _("cash")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    CARD = "card", _("bank card")


class Disposition(models.TextChoices):
    """What inspection decides for returned goods."""

    RESTOCK = "restock", _("back to stock")
    QUARANTINE = "quarantine", _("quarantine")
    SCRAP = "scrap", _("scrap")


SHIPMENT_PREFIX = "CK"
RETURN_PREFIX = "XT"
SHIPMENT_SOURCE = "sales.salesshipment"
RETURN_SOURCE = "sales.salesreturn"

WALK_IN_CODE = "RETAIL"  # the customer of counter sales to people we do not know (散客)
