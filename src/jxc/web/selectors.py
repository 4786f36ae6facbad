"""Reads for the home page and the global search."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from jxc.catalog.models import Product
from jxc.catalog.selectors import product_find_by_code, product_list
from jxc.inventory.models import Location
from jxc.inventory.selectors import warehouse_list_for
from jxc.partners.models import Partner
from jxc.partners.selectors import partner_list


@dataclass
class SearchResults:
    """What the global search found, per kind, plus an exact code hit if there is one."""

    query: str
    exact_product: Product | None = None
    products: list[Product] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)
    product_count: int = 0
    partner_count: int = 0

    @property
    def empty(self) -> bool:
        return not self.products and not self.partners


def global_search(*, user: Any, q: str, limit: int = 8) -> SearchResults:
    """Products by name, SKU, barcode or pinyin initials; partners by name, code, phone or initials."""
    q = q.strip()
    results = SearchResults(query=q)
    if not q:
        return results
    if user.has_perm("catalog.view_product"):
        hit = product_find_by_code(code=q)
        results.exact_product = hit.product if hit else None
        products = product_list(q=q, active=None).order_by("-active", "name")
        results.product_count = products.count()
        results.products = list(products[:limit])
    if user.has_perm("partners.view_partner"):
        partners = partner_list(q=q, active=None).order_by("-active", "name")
        results.partner_count = partners.count()
        results.partners = list(partners[:limit])
    return results


@dataclass(frozen=True)
class DashboardFigures:
    """The counts shown on the home page."""

    products: int
    inactive_products: int
    customers: int
    suppliers: int
    warehouses: int
    locations: int


def dashboard_figures(*, user: Any) -> DashboardFigures:
    """Counts of the master data this user may see."""
    products = Product.objects.aggregate(
        n_active=Count("pk", filter=Q(active=True)), n_inactive=Count("pk", filter=Q(active=False))
    )
    partners = Partner.objects.filter(active=True).aggregate(
        n_customers=Count("pk", filter=Q(is_customer=True)), n_suppliers=Count("pk", filter=Q(is_supplier=True))
    )
    warehouses = warehouse_list_for(user=user).filter(active=True)
    return DashboardFigures(
        products=products["n_active"],
        inactive_products=products["n_inactive"],
        customers=partners["n_customers"],
        suppliers=partners["n_suppliers"],
        warehouses=warehouses.count(),
        locations=Location.objects.filter(warehouse__in=warehouses, active=True).count(),
    )
