from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField, PriceField, QuantityField, RateField
from jxc.core.text import split_serials
from jxc.inventory.choices import PostingStatus
from jxc.sales.choices import Channel, DeliveryStatus, PaymentMethod


class SalesShipment(models.Model):
    """A shipment (销售出库) of goods to a customer from one warehouse: against orders, direct, or a counter sale."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    date = models.DateField(_("date"))
    customer = models.ForeignKey(
        "partners.Partner", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.DIRECT)
    status = models.CharField(_("status"), max_length=12, choices=PostingStatus.choices, default=PostingStatus.DRAFT)
    prices_include_tax = models.BooleanField(_("prices include tax"), default=True)
    freight = MoneyField(_("freight"), default=Decimal(0))
    other_charges = MoneyField(_("other charges"), default=Decimal(0))
    amount = MoneyField(_("amount without tax"), default=Decimal(0))
    tax = MoneyField(_("tax"), default=Decimal(0))
    total = MoneyField(_("total receivable"), default=Decimal(0))
    cost = MoneyField(_("cost of goods sold"), default=Decimal(0))
    ship_to = models.CharField(_("ship to"), max_length=300, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_no = models.CharField(_("tracking no."), max_length=60, blank=True, db_index=True)
    expected_delivery = models.DateField(_("expected delivery"), null=True, blank=True)
    delivery_status = models.CharField(
        _("delivery status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.NOT_SHIPPED
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=10, choices=PaymentMethod.choices, blank=True)
    paid = MoneyField(_("paid"), default=Decimal(0))
    cash_given = MoneyField(_("cash given"), default=Decimal(0))
    change = MoneyField(_("change"), default=Decimal(0))
    notes = models.TextField(_("notes"), blank=True)
    reversal_of = models.OneToOneField(
        "self", verbose_name=_("reverses"), on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(_("shipped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        indexes = [
            models.Index(fields=["date"], name="salesshipment_date"),
            models.Index(fields=["customer", "date"], name="salesshipment_customer"),
            models.Index(fields=["delivery_status", "expected_delivery"], name="salesshipment_delivery"),
        ]
        permissions = [("post_salesshipment", _("Can ship (post) and reverse shipments"))]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("sales:shipment_detail", args=[self.pk])


class ShipmentPackage(models.Model):
    """A package (箱) of a shipment, numbered 1, 2, … with its weight."""

    shipment = models.ForeignKey(SalesShipment, on_delete=models.CASCADE, related_name="packages")
    number = models.PositiveIntegerField(_("package no."))
    weight_kg = QuantityField(_("weight (kg)"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["shipment", "number"], name="shipmentpackage_unique")]

    def __str__(self) -> str:
        return f"{self.shipment_id}/{self.number}"


class SalesShipmentLine(models.Model):
    """A shipped line: product, unit, quantity, price, where it is picked from (location, lot, serials)."""

    shipment = models.ForeignKey(SalesShipment, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    order_line = models.ForeignKey(
        "sales.SalesOrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipment_lines",
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("catalog.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_quantity = QuantityField(_("quantity"))
    factor = QuantityField(_("factor"))
    quantity = QuantityField(_("base quantity"))
    price = PriceField(_("unit price"))
    tax_rate = RateField(_("tax rate (%)"), default=Decimal(13))
    discount_pct = RateField(_("discount (%)"), default=Decimal(0))
    amount = MoneyField(_("amount without tax"))
    tax = MoneyField(_("tax"))
    total = MoneyField(_("total"))
    cost = MoneyField(_("cost"), default=Decimal(0))
    location = models.ForeignKey(
        "inventory.Location", verbose_name=_("location"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(
        "inventory.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    serials = models.TextField(_("serial numbers"), blank=True)
    picked_quantity = QuantityField(_("picked (base)"), default=Decimal(0))
    picked_serials = models.TextField(_("serials picked"), blank=True)
    package = models.ForeignKey(
        ShipmentPackage,
        verbose_name=_("package"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lines",
    )
    returned_quantity = QuantityField(_("returned (base)"), default=Decimal(0))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["product"], name="salesshipmentline_product")]

    def __str__(self) -> str:
        return f"{self.shipment_id}#{self.position}"

    @property
    def serial_list(self) -> list[str]:
        return split_serials(self.serials)

    @property
    def returnable(self) -> Decimal:
        """Shipped base units not returned yet."""
        return self.quantity - self.returned_quantity

    @property
    def unit_cost(self) -> Decimal:
        """The cost per base unit the goods left with (0 before posting)."""
        return self.cost / self.quantity if self.quantity else Decimal(0)


class TrackingEvent(models.Model):
    """A delivery status event of a shipment (物流跟踪), entered by hand or posted through the API."""

    shipment = models.ForeignKey(SalesShipment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=DeliveryStatus.choices)
    occurred_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    source = models.CharField(_("entered through"), max_length=10, default="page")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.status} {self.occurred_at:%Y-%m-%d %H:%M}"
