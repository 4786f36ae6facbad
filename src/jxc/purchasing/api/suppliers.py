"""API: supplier terms per product (供应商商品) and supplier scores (供应商评分)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from jxc.core.api import MAX_PAGE_SIZE, ErrorOut, Page, PageParams, paged, require
from jxc.core.columns import can_view_cost
from jxc.core.errors import NotFound
from jxc.partners.models import Partner
from jxc.purchasing.models import SupplierProduct
from jxc.purchasing.schemas_suppliers import SupplierScoreOut, TermIn, TermOut
from jxc.purchasing.selectors.scores import (
    DEFAULT_DAYS,
    Ratio,
    SupplierScore,
    supplier_score,
    supplier_scores,
    supplier_scores_sorted,
)
from jxc.purchasing.selectors.terms import supplier_terms_list
from jxc.purchasing.services.terms import TermData, supplier_term_delete, supplier_term_save

router = Router(tags=["suppliers"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "purchasing.view_supplierproduct"
ADD = "purchasing.add_supplierproduct"
CHANGE = "purchasing.change_supplierproduct"


# Terms


def term_out(term: SupplierProduct, *, show_cost: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": term.pk,
        "supplier_id": term.supplier_id,
        "supplier": term.supplier.name,
        "product_id": term.product_id,
        "sku": term.product.sku,
        "product": term.product.name,
        "supplier_sku": term.supplier_sku,
        "unit_id": term.unit_id,
        "unit": (term.unit or term.product.base_unit).name,
        "lead_time_days": term.lead_time_days,
        "min_order_quantity": term.min_order_quantity,
        "preferred": term.preferred,
        "notes": term.notes,
        "updated_at": term.updated_at,
    }
    if show_cost:
        out["last_price"], out["last_price_date"] = term.last_price, term.last_price_date
    return out


def _term(term_id: int) -> SupplierProduct:
    term = supplier_terms_list().filter(pk=term_id).first()
    if term is None:
        raise NotFound()
    return term


def _data(payload: TermIn, *, show_cost: bool, term: SupplierProduct | None) -> TermData:
    if show_cost:
        price, price_date = payload.last_price, payload.last_price_date
    else:
        price = term.last_price if term is not None else None
        price_date = term.last_price_date if term is not None else None
    return TermData(
        supplier_id=payload.supplier_id,
        product_id=payload.product_id,
        supplier_sku=payload.supplier_sku,
        unit_id=payload.unit_id,
        last_price=price,
        last_price_date=price_date,
        lead_time_days=payload.lead_time_days,
        min_order_quantity=payload.min_order_quantity,
        preferred=payload.preferred,
        notes=payload.notes,
    )


@router.get("/supplier-products", response={200: Page[TermOut], **ERRORS}, exclude_unset=True, summary="List terms")
def supplier_products(
    request: HttpRequest, params: Query[PageParams], supplier_id: int | None = None, product_id: int | None = None
) -> dict[str, Any]:
    """A supplier's products or a product's suppliers (preferred first); last prices only with view_cost."""
    user = require(request, VIEW)
    show_cost = can_view_cost(user)
    return paged(
        supplier_terms_list(supplier_id=supplier_id, product_id=product_id),
        params,
        lambda t: term_out(t, show_cost=show_cost),
    )


@router.post("/supplier-products", response={201: TermOut, **ERRORS}, exclude_unset=True, summary="Record terms")
def supplier_products_create(request: HttpRequest, payload: TermIn) -> Status[dict[str, Any]]:
    """409 `duplicate` when the supplier already has terms for the product; `preferred` moves from another one."""
    user = require(request, ADD)
    show_cost = can_view_cost(user)
    term = supplier_term_save(actor=user, data=_data(payload, show_cost=show_cost, term=None))
    return Status(201, term_out(_term(term.pk), show_cost=show_cost))


@router.get("/supplier-products/{term_id}", response={200: TermOut, **ERRORS}, exclude_unset=True, summary="Get terms")
def supplier_products_get(request: HttpRequest, term_id: int) -> dict[str, Any]:
    user = require(request, VIEW)
    return term_out(_term(term_id), show_cost=can_view_cost(user))


@router.put(
    "/supplier-products/{term_id}", response={200: TermOut, **ERRORS}, exclude_unset=True, summary="Replace terms"
)
def supplier_products_put(request: HttpRequest, term_id: int, payload: TermIn) -> dict[str, Any]:
    """Every field is replaced; the supplier and product must stay the same (422 otherwise)."""
    user = require(request, CHANGE)
    show_cost = can_view_cost(user)
    term = _term(term_id)
    supplier_term_save(actor=user, data=_data(payload, show_cost=show_cost, term=term), term=term)
    return term_out(_term(term_id), show_cost=show_cost)


@router.delete("/supplier-products/{term_id}", response={204: None, **ERRORS}, summary="Remove terms")
def supplier_products_delete(request: HttpRequest, term_id: int) -> Status[None]:
    """Needs change permission on supplier terms; orders and receipts keep their own prices."""
    user = require(request, CHANGE)
    supplier_term_delete(actor=user, term=_term(term_id))
    return Status(204, None)


# Scores


def _ratio(ratio: Ratio) -> dict[str, Any]:
    return {"pct": ratio.pct, "numerator": ratio.numerator, "denominator": ratio.denominator}


def score_out(score: SupplierScore, *, show_cost: bool, with_lines: bool = False) -> dict[str, Any]:
    supplier = score.supplier
    out: dict[str, Any] = {
        "supplier_id": supplier.pk,
        "code": supplier.code,
        "name": supplier.name,
        "active": supplier.active,
        "supplier_class": supplier.supplier_class,
        "approved": supplier.supplier_approved,
        "rating": supplier.supplier_rating,
        "notes": supplier.notes,
        "start": score.start,
        "end": score.end,
        "on_time": _ratio(score.on_time),
        "quality": _ratio(score.quality),
        "price_index": score.price_index,
        "receipts": score.receipts,
        "open_orders": score.open_orders,
        "payable": score.payable,
    }
    if with_lines:
        lines = []
        for line in score.price_lines:
            item: dict[str, Any] = {
                "product_id": line.product.pk,
                "sku": line.product.sku,
                "product": line.product.name,
                "quantity": line.quantity,
                "index": line.index,
                "suppliers": line.suppliers,
            }
            if show_cost:
                item.update({"value": line.value, "average": line.average, "lowest": line.lowest})
            lines.append(item)
        out["price_lines"] = lines
    return out


@router.get("/suppliers/scores", response={200: Page[SupplierScoreOut], **ERRORS}, exclude_unset=True, summary="Scores")
def suppliers_scores(
    request: HttpRequest,
    params: Query[PageParams],
    days: int = DEFAULT_DAYS,
    q: str = "",
    supplier_class: str = "",
    approved: bool | None = None,
    active: bool | None = True,
    sort: str = "code",
) -> dict[str, Any]:
    """Every supplier's score over the last `days` days (default 365), sorted by `sort` (code, name, class,
    rating, on_time, quality, price_index, receipts, open_orders, payable; `-` for descending)."""
    user = require(request, VIEW)
    show_cost = can_view_cost(user)
    scores = supplier_scores(days=max(days, 1), q=q, supplier_class=supplier_class, approved=approved, active=active)
    ordered, _sort = supplier_scores_sorted(scores, sort)
    page, size = max(params.page, 1), min(max(params.page_size, 1), MAX_PAGE_SIZE)
    return {
        "items": [score_out(s, show_cost=show_cost) for s in ordered[(page - 1) * size : page * size]],
        "count": len(ordered),
        "page": page,
        "page_size": size,
    }


@router.get(
    "/suppliers/{supplier_id}/score",
    response={200: SupplierScoreOut, **ERRORS},
    exclude_unset=True,
    summary="One supplier's score",
)
def suppliers_score(request: HttpRequest, supplier_id: int, days: int = DEFAULT_DAYS) -> dict[str, Any]:
    """The score with the price index per product (prices only with view_cost)."""
    user = require(request, VIEW)
    supplier = Partner.objects.filter(pk=supplier_id, is_supplier=True).first()
    if supplier is None:
        raise NotFound()
    score = supplier_score(supplier=supplier, days=max(days, 1))
    return score_out(score, show_cost=can_view_cost(user), with_lines=True)
