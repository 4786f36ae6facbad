"""Reads of purchase orders, receipts and returns within the user's warehouses, shared by pages and API."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Count, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from jxc.core.numbers import round_quantity
from jxc.inventory.models import StockMove
from jxc.inventory.selectors import warehouses_of
from jxc.purchasing.choices import OPEN_ORDER_STATUSES, RECEIPT_SOURCE, RETURN_SOURCE, PostingStatus
from jxc.purchasing.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseReceipt,
    PurchaseReceiptLine,
    PurchaseReturn,
    PurchaseReturnLine,
)
from jxc.purchasing.selectors.replenishment import on_order_by_place

M = TypeVar("M", bound=Model)


def _visible(documents: QuerySet[M], user: Any) -> QuerySet[M]:
    if getattr(user, "all_warehouses", True):
        return documents
    return documents.filter(warehouse__in=warehouses_of(user=user).values("pk"))


def may_use(user: Any, document: PurchaseOrder | PurchaseReceipt | PurchaseReturn) -> bool:
    """Whether the user may change or post it: its warehouse is one of theirs."""
    if getattr(user, "all_warehouses", True):
        return True
    return warehouses_of(user=user).filter(pk=document.warehouse_id).exists()


def _product_match(line_model: type[Model], parent: str, q: str) -> Any:
    return line_model._default_manager.filter(
        Q(product__sku__icontains=q)
        | Q(product__name__icontains=q)
        | Q(product__mnemonic__icontains=q.upper())
        | Q(product__barcodes__code=q)
    ).values(parent)


def _filtered(
    documents: QuerySet[M],
    *,
    line_model: type[Model],
    parent: str,
    status: str,
    supplier_id: int | None,
    warehouse_id: int | None,
    date_from: date | None,
    date_to: date | None,
    q: str,
) -> QuerySet[M]:
    if status:
        documents = documents.filter(status=status)
    if supplier_id:
        documents = documents.filter(supplier_id=supplier_id)
    if warehouse_id:
        documents = documents.filter(warehouse_id=warehouse_id)
    if date_from:
        documents = documents.filter(date__gte=date_from)
    if date_to:
        documents = documents.filter(date__lte=date_to)
    q = q.strip()
    if q:
        documents = documents.filter(
            Q(number__icontains=q)
            | Q(supplier__name__icontains=q)
            | Q(supplier__mnemonic__icontains=q.upper())
            | Q(pk__in=_product_match(line_model, parent, q))
        )
    line_count = (
        line_model._default_manager.filter(**{parent: OuterRef("pk")})
        .order_by()
        .values(parent)
        .annotate(n=Count("pk"))
        .values("n")
    )
    annotated: QuerySet[M] = documents.annotate(
        line_count=Coalesce(Subquery(line_count, output_field=IntegerField()), 0)
    )
    return annotated


def purchase_order_search(
    *,
    user: Any,
    status: str = "",
    supplier_id: int | None = None,
    warehouse_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    overdue_on: date | None = None,
    q: str = "",
) -> QuerySet[PurchaseOrder]:
    """Orders in the user's warehouses by number, supplier or product, with filters; `overdue_on` keeps those late."""
    orders = _visible(PurchaseOrder.objects.select_related("supplier", "warehouse", "created_by"), user)
    if overdue_on is not None:
        orders = orders.filter(pk__in=_overdue_order_ids(overdue_on))
    return _filtered(
        orders,
        line_model=PurchaseOrderLine,
        parent="order_id",
        status=status,
        supplier_id=supplier_id,
        warehouse_id=warehouse_id,
        date_from=date_from,
        date_to=date_to,
        q=q,
    )


def _overdue_order_ids(on: date) -> Any:
    """Open orders with a line still to arrive whose expected date (the line's, else the order's) has passed."""
    late = Q(expected_date__lt=on) | Q(expected_date__isnull=True, order__expected_date__lt=on)
    return (
        PurchaseOrderLine.objects.filter(late, order__status__in=OPEN_ORDER_STATUSES)
        .filter(received_quantity__lt=F("quantity"))
        .values("order_id")
    )


def overdue_orders(*, user: Any, on: date) -> QuerySet[PurchaseOrder]:
    """Approved orders not fully received after their expected date, the latest first (the home page list)."""
    return purchase_order_search(user=user, overdue_on=on).order_by("expected_date", "pk")


def purchase_order_get_for(*, user: Any, pk: int) -> PurchaseOrder:
    """One order in the user's warehouses (else PurchaseOrder.DoesNotExist)."""
    return _visible(
        PurchaseOrder.objects.select_related("supplier", "warehouse", "created_by", "approved_by"), user
    ).get(pk=pk)


def order_lines(order: PurchaseOrder) -> list[PurchaseOrderLine]:
    """The order's lines with what their pages show: ordered, received, rejected, still to come."""
    return list(order.lines.select_related("order", "product__base_unit", "unit").order_by("position", "pk"))


def incoming_on_purchase_orders(product_ids: Collection[int], warehouse_id: int) -> dict[int, Decimal]:
    """Base units still to arrive in the warehouse on approved purchase orders, per product (one query).

    Registered with inventory's `incoming_register` when the app starts, so that sales can show what is on order
    without reading purchase orders itself."""
    on_order = on_order_by_place(product_ids=list(product_ids), warehouse_ids=[warehouse_id])
    return {product_id: quantity for (product_id, _warehouse), quantity in on_order.items()}


def open_order_lines(*, supplier_id: int, order_ids: list[int] | None = None) -> list[PurchaseOrderLine]:
    """Lines of the supplier's approved orders with something left to receive (oldest order first)."""
    lines = PurchaseOrderLine.objects.filter(
        order__supplier_id=supplier_id, order__status__in=OPEN_ORDER_STATUSES, received_quantity__lt=F("quantity")
    )
    if order_ids is not None:
        lines = lines.filter(order_id__in=order_ids)
    return list(
        lines.select_related("order", "product__base_unit", "unit").order_by("order__date", "order_id", "position")
    )


def order_receipts(order: PurchaseOrder) -> list[PurchaseReceipt]:
    """The receipts (and their reversals) made against the order."""
    ids = PurchaseReceiptLine.objects.filter(order_line__order=order).values("receipt_id")
    return list(PurchaseReceipt.objects.filter(pk__in=ids).order_by("date", "pk"))


def purchase_receipt_search(
    *,
    user: Any,
    status: str = "",
    supplier_id: int | None = None,
    warehouse_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
) -> QuerySet[PurchaseReceipt]:
    """Receipts in the user's warehouses by number, supplier or product, with filters."""
    receipts = _visible(PurchaseReceipt.objects.select_related("supplier", "warehouse", "created_by"), user)
    return _filtered(
        receipts,
        line_model=PurchaseReceiptLine,
        parent="receipt_id",
        status=status,
        supplier_id=supplier_id,
        warehouse_id=warehouse_id,
        date_from=date_from,
        date_to=date_to,
        q=q,
    )


def purchase_receipt_get_for(*, user: Any, pk: int) -> PurchaseReceipt:
    """One receipt in the user's warehouses (else PurchaseReceipt.DoesNotExist)."""
    return _visible(
        PurchaseReceipt.objects.select_related("supplier", "warehouse", "created_by", "posted_by", "reversal_of"),
        user,
    ).get(pk=pk)


def receipt_lines(receipt: PurchaseReceipt) -> list[PurchaseReceiptLine]:
    """The receipt's lines with their order lines, places and lots."""
    return list(
        receipt.lines.select_related("order_line__order", "product__base_unit", "unit", "location", "lot").order_by(
            "position", "pk"
        )
    )


def returnable_lines(receipt: PurchaseReceipt) -> list[PurchaseReceiptLine]:
    """The lines of a posted receipt with accepted goods not returned yet or rejected goods not handed back."""
    if receipt.status != PostingStatus.POSTED or receipt.reversal_of_id:
        return []
    return [ln for ln in receipt_lines(receipt) if ln.returnable > 0 or ln.rejected_open > 0]


def receipt_moves(receipt: PurchaseReceipt) -> list[StockMove]:
    """The ledger moves of the receipt's postings."""
    return _moves(RECEIPT_SOURCE, receipt.pk)


def reversed_receipt(receipt: PurchaseReceipt) -> PurchaseReceipt | None:
    return PurchaseReceipt.objects.filter(reversal_of=receipt).first()


def purchase_return_search(
    *,
    user: Any,
    status: str = "",
    supplier_id: int | None = None,
    warehouse_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
) -> QuerySet[PurchaseReturn]:
    """Returns in the user's warehouses by number, supplier or product, with filters."""
    returns = _visible(PurchaseReturn.objects.select_related("supplier", "warehouse", "receipt", "created_by"), user)
    return _filtered(
        returns,
        line_model=PurchaseReturnLine,
        parent="purchase_return_id",
        status=status,
        supplier_id=supplier_id,
        warehouse_id=warehouse_id,
        date_from=date_from,
        date_to=date_to,
        q=q,
    )


def purchase_return_get_for(*, user: Any, pk: int) -> PurchaseReturn:
    """One return in the user's warehouses (else PurchaseReturn.DoesNotExist)."""
    return _visible(
        PurchaseReturn.objects.select_related(
            "supplier", "warehouse", "receipt", "created_by", "posted_by", "reversal_of"
        ),
        user,
    ).get(pk=pk)


def return_lines(purchase_return: PurchaseReturn) -> list[PurchaseReturnLine]:
    """The return's lines with their receipt lines, places and lots."""
    return list(
        purchase_return.lines.select_related(
            "receipt_line__receipt", "product__base_unit", "unit", "location", "lot"
        ).order_by("position", "pk")
    )


def return_moves(purchase_return: PurchaseReturn) -> list[StockMove]:
    """The ledger moves of the return's postings."""
    return _moves(RETURN_SOURCE, purchase_return.pk)


def reversed_return(purchase_return: PurchaseReturn) -> PurchaseReturn | None:
    return PurchaseReturn.objects.filter(reversal_of=purchase_return).first()


def _moves(source_type: str, source_id: int) -> list[StockMove]:
    reversals = Q(posting__reversal_of__source_type=source_type, posting__reversal_of__source_id=source_id)
    return list(
        StockMove.objects.filter(Q(posting__source_type=source_type, posting__source_id=source_id) | reversals)
        .select_related("posting", "product__base_unit", "unit", "warehouse", "location", "lot")
        .order_by("pk")
    )


def line_progress(line: PurchaseOrderLine) -> dict[str, Decimal]:
    """An order line in its own unit: ordered, received, rejected and still to come."""
    return {
        "ordered": line.unit_quantity,
        "received": round_quantity(line.received_quantity / line.factor),
        "rejected": round_quantity(line.rejected_quantity / line.factor),
        "remaining": round_quantity(line.remaining / line.factor),
    }
