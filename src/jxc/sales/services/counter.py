"""Counter sale (门店收银 / 快速开单): a shop's checkout in one step.

One transaction creates and ships the shipment (stock out at cost, receivable up) and records the payment
(receivable back down; cash given and change for cash). If any step fails — a product out of stock, cash short —
nothing is left behind: no shipment, no number, no stock move, no ledger entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record
from jxc.catalog.lines import Catalog, Errors
from jxc.core.db import retrying_atomic
from jxc.core.errors import Duplicate, ValidationFailed
from jxc.core.numbers import ZERO, round_money
from jxc.partners.models import Account, Partner, PriceLevel
from jxc.partners.services.ledger import EntrySource
from jxc.partners.services.partners import PartnerData, partner_create
from jxc.partners.services.payments import PaymentTaken, payment_taken_record
from jxc.sales.choices import SHIPMENT_SOURCE, WALK_IN_CODE, Channel, PaymentMethod
from jxc.sales.errors import PaymentShort
from jxc.sales.models import SalesShipment
from jxc.sales.selectors.prices import sale_price
from jxc.sales.services.shipments import ShipmentData, ShipmentLineData, sales_shipment_create, sales_shipment_post


@dataclass
class CounterLineData:
    """A line at the counter: a product in one of its units; an empty price takes the price level's."""

    product_id: int
    quantity: Decimal
    unit_id: int | None = None
    price: Decimal | None = None
    discount_pct: Decimal = ZERO


@dataclass
class CounterSaleData:
    """A checkout: what is bought, by whom (none: the walk-in customer), at which price level, and how it is paid."""

    warehouse_id: int
    payment_method: str
    lines: list[CounterLineData] = field(default_factory=list)
    customer_id: int | None = None
    price_level: str = ""
    cash_given: Decimal | None = None
    notes: str = ""


def walk_in_customer() -> Partner:
    """The customer of sales to people we do not know (散客), made the first time it is needed."""
    customer = Partner.objects.filter(code=WALK_IN_CODE).first()
    if customer is not None:
        return customer
    try:
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):  # a name in the shop's language
            name = str(_("Walk-in customer"))
            return partner_create(actor=None, data=PartnerData(name=name, code=WALK_IN_CODE, is_customer=True))
    except (IntegrityError, Duplicate):  # made at the same moment by another checkout
        return Partner.objects.get(code=WALK_IN_CODE)


def _check(data: CounterSaleData) -> None:
    errors: Errors = {}
    if data.payment_method not in PaymentMethod.values:
        errors["payment_method"] = [_("Choose how the customer pays.")]
    if data.price_level and data.price_level not in PriceLevel.values:
        errors["price_level"] = [_("Choose a price level.")]
    if data.cash_given is not None and data.cash_given < 0:
        errors["cash_given"] = [_("The cash given cannot be negative.")]
    if not data.lines:
        errors["lines"] = [_("Scan or add at least one item.")]
    if errors:
        raise ValidationFailed(errors)


def _shipment_lines(data: CounterSaleData, customer: Partner | None) -> list[ShipmentLineData]:
    """The lines with the price level's prices filled in (with tax, as shops state prices)."""
    catalog = Catalog(ln.product_id for ln in data.lines)
    lines = []
    for entry in data.lines:
        price = entry.price
        product = catalog.products.get(entry.product_id)
        if price is None and product is not None and data.price_level:
            factor = catalog.factor(product, entry.unit_id or product.base_unit_id) or Decimal(1)
            price, _source = sale_price(
                customer=customer,
                product=product,
                factor=factor,
                tax_rate=product.tax_rate,
                include_tax=True,
                level=data.price_level,
            )
        lines.append(
            ShipmentLineData(
                product_id=entry.product_id,
                quantity=entry.quantity,
                unit_id=entry.unit_id,
                price=price,
                discount_pct=entry.discount_pct,
            )
        )
    return lines


@retrying_atomic
def counter_sale_post(*, actor: User, data: CounterSaleData) -> SalesShipment:
    """Check out: ship the goods and record the payment in one transaction; returns the posted shipment."""
    _check(data)
    customer_id = data.customer_id or walk_in_customer().pk
    customer = Partner.objects.filter(pk=customer_id).first()  # the shipment checks it is an active customer
    shipment_data = ShipmentData(
        customer_id=customer_id,
        warehouse_id=data.warehouse_id,
        date=timezone.localdate(),
        prices_include_tax=True,
        notes=data.notes,
        lines=_shipment_lines(data, customer),
    )
    shipment = sales_shipment_create(actor=actor, data=shipment_data, channel=Channel.COUNTER)
    shipment = sales_shipment_post(actor=actor, shipment=shipment)
    total = shipment.total
    if data.payment_method == PaymentMethod.CASH:
        given = round_money(data.cash_given if data.cash_given is not None else total)
        if given < total:
            raise PaymentShort(field="cash_given", given=f"{given:,.2f}", total=f"{total:,.2f}")
    else:
        given = total
    shipment.payment_method, shipment.paid = data.payment_method, total
    shipment.cash_given, shipment.change = given, given - total
    shipment.save(update_fields=["payment_method", "paid", "cash_given", "change"])
    if total:
        payment_taken_record(
            payment=PaymentTaken(
                partner=shipment.customer,
                account=Account.RECEIVABLE,
                amount=total,
                method=data.payment_method,
                day=shipment.date,
                settles=EntrySource(SHIPMENT_SOURCE, shipment.pk, shipment.number, "post"),
                memo=str(_("Paid at the counter: %(method)s") % {"method": shipment.get_payment_method_display()}),
            ),
            actor=actor,
        )
    audit_record(
        actor=actor,
        action="counter_sale.paid",
        target=shipment,
        after={"method": data.payment_method, "paid": str(total), "change": str(shipment.change)},
    )
    return shipment
