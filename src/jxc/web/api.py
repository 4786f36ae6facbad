"""API: the global search."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from jxc.web.selectors import global_search

router = Router(tags=["search"])


class SearchProductOut(Schema):
    id: int
    sku: str
    name: str
    spec: str
    active: bool


class SearchPartnerOut(Schema):
    id: int
    code: str
    name: str
    phone: str
    is_customer: bool
    is_supplier: bool
    active: bool


class SearchOut(Schema):
    query: str
    exact_product_id: int | None
    products: list[SearchProductOut]
    partners: list[SearchPartnerOut]


@router.get("/search", response=SearchOut, summary="Search products and partners")
def search(request: HttpRequest, q: str, limit: int = 10) -> dict[str, object]:
    """Products by name, SKU, barcode or pinyin initials; partners by name, code or phone."""
    results = global_search(user=request.auth, q=q, limit=min(max(limit, 1), 50))  # type: ignore[attr-defined]
    return {
        "query": results.query,
        "exact_product_id": results.exact_product.pk if results.exact_product else None,
        "products": results.products,
        "partners": results.partners,
    }
