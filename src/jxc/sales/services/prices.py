"""Agreed prices (协议价): the price a customer pays for a product, proposed first on their sales lines.

An agreed price is per base unit and stated as the company states prices (with or without tax). It lives on the
customer's price row for the product, beside the last price sold to them; removing it keeps that last price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record
from jxc.catalog.lines import Errors
from jxc.catalog.models import Product
from jxc.core.errors import NotFound, RecordInactive, ValidationFailed
from jxc.core.numbers import is_exact, round_price
from jxc.sales.models import CustomerPrice
from jxc.sales.services.orders import customer_for

NOTES_MAX = 200


@dataclass
class CustomerPriceData:
    """An agreed price as entered: customer, product, price per base unit, notes."""

    customer_id: int | None
    product_id: int | None
    price: Decimal | None
    notes: str = ""


def customer_price_state(row: CustomerPrice) -> dict[str, Any]:
    """The agreed price as recorded in the audit log."""
    return {
        "customer": row.customer_id,
        "product": row.product_id,
        "price": None if row.price is None else str(round_price(row.price)),
        "notes": row.notes,
    }


def _label(row: CustomerPrice) -> str:
    return f"{row.customer.name} · {row.product.name}"


def _product_for(errors: Errors, product_id: int | None) -> Product | None:
    product = Product.objects.filter(pk=product_id).first() if product_id else None
    if product is None:
        errors.setdefault("product_id", []).append(_("Choose a product."))
        return None
    if not product.active:
        raise RecordInactive(field="product_id", label=_("Product"), value=product.name)
    return product


@transaction.atomic
def customer_price_save(*, actor: User, data: CustomerPriceData) -> CustomerPrice:
    """Agree a price with a customer for a product, or change it: an active customer and product, a price ≥ 0."""
    errors: Errors = {}
    customer = customer_for(errors, data.customer_id)
    product = _product_for(errors, data.product_id)
    if data.price is None or data.price < 0 or not is_exact(data.price, 6):
        errors.setdefault("price", []).append(_("Enter a price of 0 or more (at most 6 decimal places)."))
    notes = (data.notes or "").strip()
    if len(notes) > NOTES_MAX:
        errors.setdefault("notes", []).append(_("At most %(n)s characters.") % {"n": NOTES_MAX})
    if errors:
        raise ValidationFailed(errors)
    assert customer is not None and product is not None
    row, _created = CustomerPrice.objects.select_for_update(of=("self",)).get_or_create(
        customer=customer, product=product
    )
    agreed = row.price is None
    before = None if agreed else customer_price_state(row)
    row.price, row.notes = data.price, notes
    row.save(update_fields=["price", "notes", "updated_at"])
    audit_record(
        actor=actor,
        action="customer_price.agreed" if agreed else "customer_price.changed",
        target=row,
        target_repr=_label(row),
        before=before,
        after=customer_price_state(row),
    )
    return row


@transaction.atomic
def customer_price_remove(*, actor: User, price: CustomerPrice) -> None:
    """Remove an agreed price: the row goes, unless it still holds the last price sold to the customer."""
    row = (
        CustomerPrice.objects.select_for_update(of=("self",))
        .select_related("customer", "product")
        .filter(pk=price.pk)
        .first()
    )
    if row is None or row.price is None:
        raise NotFound()
    before = customer_price_state(row)
    label, pk = _label(row), row.pk
    if row.last_price is None:
        row.delete()
    else:
        row.price, row.notes = None, ""
        row.save(update_fields=["price", "notes", "updated_at"])
    audit_record(
        actor=actor,
        action="customer_price.removed",
        target_type=CustomerPrice._meta.label_lower,
        target_id=str(pk),
        target_repr=label,
        before=before,
    )
