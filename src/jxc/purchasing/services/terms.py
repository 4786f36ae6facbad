"""Supplier terms (供应商商品): a supplier's item code, purchase unit, last price, lead time, minimum order quantity,
and which supplier is the preferred one for a product (at most one: moving it is one transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record, changed, snapshot
from jxc.catalog.lines import Errors
from jxc.catalog.models import Product, ProductUnit
from jxc.core.errors import Duplicate, ValidationFailed
from jxc.core.numbers import ZERO, is_exact
from jxc.partners.models import Partner
from jxc.purchasing.errors import PreferredConflict
from jxc.purchasing.models import SupplierProduct

MAX_LEAD_TIME_DAYS = 3650


@dataclass
class TermData:
    """A supplier's terms for a product as entered; `min_order_quantity` is in the purchase unit."""

    supplier_id: int
    product_id: int
    supplier_sku: str = ""
    unit_id: int | None = None
    last_price: Decimal | None = None
    last_price_date: date | None = None
    lead_time_days: int | None = None
    min_order_quantity: Decimal | None = None
    preferred: bool = False
    notes: str = ""


def _check(data: TermData, term: SupplierProduct | None) -> tuple[Partner, Product]:
    errors: Errors = {}

    def add(key: str, message: str | Promise) -> None:
        errors.setdefault(key, []).append(message)

    supplier = Partner.objects.filter(pk=data.supplier_id, is_supplier=True).first() if data.supplier_id else None
    if supplier is None:
        add("supplier_id", _("Choose a supplier."))
    product = Product.objects.filter(pk=data.product_id).first() if data.product_id else None
    if product is None:
        add("product_id", _("Unknown product."))
    if term is not None and (data.supplier_id, data.product_id) != (term.supplier_id, term.product_id):
        add("product_id", _("The supplier and product of recorded terms cannot change: remove them and add new ones."))
    if product is not None and data.unit_id is not None and data.unit_id != product.base_unit_id:
        known = ProductUnit.objects.filter(product=product, unit_id=data.unit_id).exists()
        if not known:
            add("unit_id", _("%(product)s has no such unit.") % {"product": product.name})
    if data.lead_time_days is not None and not 0 <= data.lead_time_days <= MAX_LEAD_TIME_DAYS:
        add("lead_time_days", _("A lead time is between 0 and %(max)s days.") % {"max": MAX_LEAD_TIME_DAYS})
    if data.last_price is not None and (data.last_price < 0 or not is_exact(data.last_price, 6)):
        add("last_price", _("Enter a price of 0 or more (at most 6 decimal places)."))
    moq = data.min_order_quantity
    if moq is not None and (moq < 0 or not is_exact(moq, 6)):
        add("min_order_quantity", _("Enter a quantity of 0 or more (at most 6 decimal places)."))
    if len(data.supplier_sku.strip()) > 60:
        add("supplier_sku", _("At most 60 characters."))
    if len(data.notes.strip()) > 200:
        add("notes", _("At most 200 characters."))
    if errors:
        raise ValidationFailed(errors)
    assert supplier is not None and product is not None
    return supplier, product


def _unset_other_preferred(*, actor: User, term: SupplierProduct) -> None:
    """Take `preferred` from whichever other supplier of the product holds it (their rows locked in key order)."""
    others = list(
        SupplierProduct.objects.select_for_update(of=("self",))
        .filter(product_id=term.product_id, preferred=True)
        .exclude(pk=term.pk)
        .order_by("pk")
    )
    for other in others:
        other.preferred = False
        other.save(update_fields=["preferred", "updated_at"])
        audit_record(
            actor=actor,
            action="supplier_term.changed",
            target=other,
            before={"preferred": True},
            after={"preferred": False},
        )


def _duplicate(supplier: Partner, product: Product) -> Duplicate:
    return Duplicate(
        _("%(supplier)s already has terms for %(product)s: change those."),
        field="product_id",
        supplier=supplier.name,
        product=product.name,
    )


def _save(term: SupplierProduct, product: Product) -> None:
    try:
        with transaction.atomic():
            term.save()
    except IntegrityError as error:
        if (
            term.preferred
            and SupplierProduct.objects.filter(product=product, preferred=True).exclude(pk=term.pk).exists()
        ):
            raise PreferredConflict(product=product.name) from error
        raise _duplicate(term.supplier, product) from error


@transaction.atomic
def supplier_term_save(*, actor: User, data: TermData, term: SupplierProduct | None = None) -> SupplierProduct:
    """Record new terms (term None) or change them; preferred moves here from any other supplier of the product."""
    supplier, product = _check(data, term)
    if term is None:
        if SupplierProduct.objects.filter(supplier=supplier, product=product).exists():
            raise _duplicate(supplier, product)
        term = SupplierProduct(supplier=supplier, product=product)
        before = None
    else:
        term = SupplierProduct.objects.select_for_update(of=("self",)).get(pk=term.pk)
        before = snapshot(term, exclude=("created_at", "updated_at"))
    term.supplier_sku = data.supplier_sku.strip()
    term.unit_id = data.unit_id
    if data.last_price is None:
        term.last_price_date = None
    elif data.last_price_date is not None:
        term.last_price_date = data.last_price_date
    elif data.last_price != term.last_price or term.last_price_date is None:
        term.last_price_date = timezone.localdate()
    term.last_price = data.last_price
    term.lead_time_days = data.lead_time_days
    term.min_order_quantity = data.min_order_quantity if data.min_order_quantity != ZERO else None
    term.preferred = data.preferred
    term.notes = data.notes.strip()
    if term.preferred:
        _unset_other_preferred(actor=actor, term=term)
    _save(term, product)
    after = snapshot(term, exclude=("created_at", "updated_at"))
    if before is None:
        audit_record(actor=actor, action="supplier_term.created", target=term, after=after)
    else:
        old, new = changed(before, after)
        if new:
            audit_record(actor=actor, action="supplier_term.changed", target=term, before=old, after=new)
    return term


@transaction.atomic
def supplier_term_set_preferred(*, actor: User, term: SupplierProduct, preferred: bool = True) -> SupplierProduct:
    """Make this supplier the product's preferred one (taking it from another), or stop it being preferred."""
    term = SupplierProduct.objects.select_for_update(of=("self",)).select_related("product").get(pk=term.pk)
    if term.preferred == preferred:
        return term
    if preferred:
        _unset_other_preferred(actor=actor, term=term)
    term.preferred = preferred
    try:
        with transaction.atomic():
            term.save(update_fields=["preferred", "updated_at"])
    except IntegrityError as error:
        raise PreferredConflict(product=term.product.name) from error
    audit_record(
        actor=actor,
        action="supplier_term.changed",
        target=term,
        before={"preferred": not preferred},
        after={"preferred": preferred},
    )
    return term


@transaction.atomic
def supplier_term_delete(*, actor: User, term: SupplierProduct) -> None:
    """Remove a supplier's terms for a product (orders and receipts keep their own prices)."""
    term = SupplierProduct.objects.select_for_update(of=("self",)).get(pk=term.pk)
    audit_record(
        actor=actor,
        action="supplier_term.deleted",
        target=term,
        before=snapshot(term, exclude=("created_at", "updated_at")),
    )
    term.delete()
