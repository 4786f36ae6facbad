"""Turning chosen replenishment suggestions into draft purchase orders: one per preferred supplier × warehouse."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.catalog.lines import Errors
from jxc.catalog.models import Product
from jxc.core.errors import ValidationFailed
from jxc.purchasing.errors import NoPreferredSupplier
from jxc.purchasing.models import PurchaseOrder, SupplierProduct
from jxc.purchasing.services.orders import OrderData, OrderLineData, purchase_order_create

Selection = tuple[int, int, Decimal]


def _check(selections: Sequence[Selection]) -> dict[int, Product]:
    errors: Errors = {}

    def add(key: str, message: str | Promise) -> None:
        errors.setdefault(key, []).append(message)

    if not selections:
        add("items", _("Choose at least one product to order."))
    products = Product.objects.select_related("base_unit").in_bulk({p for p, _w, _q in selections})
    seen: set[tuple[int, int]] = set()
    for i, (product_id, warehouse_id, quantity) in enumerate(selections):
        if product_id not in products:
            add(f"items.{i}.product_id", _("Unknown product."))
        if (product_id, warehouse_id) in seen:
            add(f"items.{i}", _("This product and warehouse are chosen twice."))
        seen.add((product_id, warehouse_id))
        if quantity is None or quantity <= 0:
            add(f"items.{i}.quantity", _("The quantity must be greater than zero."))
    if errors:
        raise ValidationFailed(errors)
    return products


def _renumbered(error: ValidationFailed, indexes: list[int]) -> ValidationFailed:
    """An order's line errors (lines.0.quantity) as errors of the selections they came from (items.3.quantity)."""
    errors: Errors = {}
    for key, messages in error.errors.items():
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(indexes):
            key = ".".join(["items", str(indexes[int(parts[1])]), *parts[2:]])
        elif parts[0] == "warehouse_id":
            key = f"items.{indexes[0]}.warehouse_id"
        errors.setdefault(key, []).extend(messages)
    return ValidationFailed(errors)


@transaction.atomic
def replenishment_orders_create(
    *, actor: User, selections: Sequence[Selection], day: date | None = None
) -> list[PurchaseOrder]:
    """Draft orders for the chosen (product, warehouse, quantity in the preferred supplier's purchase unit), one per
    preferred supplier × warehouse, prices recalled from the supplier's last price. All or nothing: a product
    without a preferred supplier refuses the lot (`no_preferred_supplier`, naming every such product)."""
    products = _check(selections)
    terms = {
        t.product_id: t
        for t in SupplierProduct.objects.filter(preferred=True, product_id__in=list(products)).select_related(
            "supplier"
        )
    }
    missing = sorted({p for p, _w, _q in selections if p not in terms}, key=lambda p: products[p].sku)
    if missing:
        raise NoPreferredSupplier(
            products="、".join(f"{products[p].sku} {products[p].name}" for p in missing), product_ids=missing
        )
    day = day or timezone.localdate()
    groups: dict[tuple[int, int], list[int]] = {}
    for index, (product_id, warehouse_id, _quantity) in enumerate(selections):
        groups.setdefault((terms[product_id].supplier_id, warehouse_id), []).append(index)
    orders = []
    for (supplier_id, warehouse_id), indexes in sorted(groups.items()):
        indexes.sort(key=lambda i: products[selections[i][0]].sku)
        lines = []
        for i in indexes:
            product_id, _w, quantity = selections[i]
            term = terms[product_id]
            lead = term.lead_time_days if term.lead_time_days is not None else term.supplier.lead_time_days
            lines.append(
                OrderLineData(
                    product_id=product_id,
                    quantity=quantity,
                    unit_id=term.unit_id,
                    price=None,
                    expected_date=day + timedelta(days=lead) if lead else None,
                )
            )
        expected = [ln.expected_date for ln in lines if ln.expected_date is not None]
        data = OrderData(
            supplier_id=supplier_id,
            warehouse_id=warehouse_id,
            date=day,
            expected_date=max(expected) if expected else None,
            notes=str(_("Replenishment suggestion")),
            lines=lines,
        )
        try:
            orders.append(purchase_order_create(actor=actor, data=data))
        except ValidationFailed as error:
            raise _renumbered(error, indexes) from error
    return orders
