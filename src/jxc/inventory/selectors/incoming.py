"""Goods on their way into a warehouse (在途/已订未到), from whichever apps order them.

Inventory cannot read purchase orders (purchasing sits above it), so the apps that order goods register a provider
here when they start (`AppConfig.ready`): a function answering, in one query, how many base units of each product
are still to arrive in a warehouse. Sales reads the sum through `incoming_quantities` without knowing who ordered.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from decimal import Decimal

IncomingProvider = Callable[[Collection[int], int], Mapping[int, Decimal]]

_providers: list[IncomingProvider] = []


def incoming_register(fn: IncomingProvider) -> IncomingProvider:
    """Add a provider of incoming quantities (registering the same function twice keeps one)."""
    if fn not in _providers:
        _providers.append(fn)
    return fn


def incoming_quantities(product_ids: Collection[int], warehouse_id: int) -> dict[int, Decimal]:
    """Base units still to arrive per product in the warehouse, summed over the providers (one call each)."""
    ids = {int(p) for p in product_ids}
    total: dict[int, Decimal] = {}
    if not ids:
        return total
    for provider in _providers:
        for product_id, quantity in provider(ids, warehouse_id).items():
            if quantity:
                total[product_id] = total.get(product_id, Decimal(0)) + quantity
    return total
