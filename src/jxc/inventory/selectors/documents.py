"""Reads of stock documents (其他入库, 其他出库, 调拨) within the user's warehouses, shared by the pages and the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from jxc.core.fields import MoneyField
from jxc.inventory.models import StockDocument, StockDocumentLine, StockMove
from jxc.inventory.selectors.warehouses import warehouses_of
from jxc.inventory.services.documents import SOURCE_TYPE


def _visible(user: Any) -> Q:
    if getattr(user, "all_warehouses", True):
        return Q()
    ids = warehouses_of(user=user).values("pk")
    return Q(warehouse_id__in=ids) | Q(to_warehouse_id__in=ids)


def with_totals(documents: QuerySet[StockDocument]) -> QuerySet[StockDocument]:
    """Add the line count, the receipt amount and the value issued, each one subquery (no row multiplication)."""
    lines = StockDocumentLine.objects.filter(document=OuterRef("pk")).order_by().values("document")
    moved = (
        StockMove.objects.filter(posting__source_type=SOURCE_TYPE, posting__source_id=OuterRef("pk"))
        .filter(Q(posting__phase="post", quantity__lt=0) | Q(posting__phase="reverse-post", quantity__gt=0))
        .order_by()
        .values("posting__source_id")
    )
    return documents.annotate(
        line_count=Coalesce(Subquery(lines.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0),
        line_amount=Subquery(lines.annotate(s=Sum("amount")).values("s"), output_field=MoneyField()),
        out_value=Subquery(moved.annotate(v=Sum("value")).values("v"), output_field=MoneyField()),
    )


def stock_document_search(
    *,
    user: Any,
    kind: str = "",
    status: str = "",
    warehouse_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
) -> QuerySet[StockDocument]:
    """Documents in the user's warehouses (source or target), filtered; with line count and amounts."""
    documents = StockDocument.objects.filter(_visible(user)).select_related("warehouse", "to_warehouse")
    if kind:
        documents = documents.filter(kind=kind)
    if status:
        documents = documents.filter(status=status)
    if warehouse_id:
        documents = documents.filter(Q(warehouse_id=warehouse_id) | Q(to_warehouse_id=warehouse_id))
    if date_from:
        documents = documents.filter(date__gte=date_from)
    if date_to:
        documents = documents.filter(date__lte=date_to)
    q = q.strip()
    if q:
        products = StockDocumentLine.objects.filter(
            Q(product__sku__icontains=q)
            | Q(product__name__icontains=q)
            | Q(product__mnemonic__icontains=q.upper())
            | Q(product__barcodes__code=q)
        ).values("document_id")
        documents = documents.filter(Q(number__icontains=q) | Q(pk__in=products))
    return with_totals(documents)


def stock_document_get_for(*, user: Any, pk: int) -> StockDocument:
    """One document, if it touches a warehouse the user may see (else StockDocument.DoesNotExist)."""
    return with_totals(
        StockDocument.objects.filter(_visible(user)).select_related(
            "warehouse", "to_warehouse", "reversal_of", "created_by", "posted_by", "received_by"
        )
    ).get(pk=pk)


def document_lines(document: StockDocument) -> list[StockDocumentLine]:
    """The document's lines in their order, with what their pages show."""
    return list(
        document.lines.select_related("product__base_unit", "unit", "location", "to_location", "lot").order_by(
            "position", "pk"
        )
    )


def document_moves(document: StockDocument) -> list[StockMove]:
    """The ledger moves the document's postings made, in posting order."""
    return list(
        StockMove.objects.filter(posting__source_type=SOURCE_TYPE, posting__source_id=document.pk)
        .select_related("posting", "product__base_unit", "unit", "warehouse", "location", "lot")
        .order_by("pk")
    )


def reversed_by(document: StockDocument) -> StockDocument | None:
    """The red-letter document that reversed this one, if any."""
    return StockDocument.objects.filter(reversal_of=document).first()


def may_use(user: Any, document: StockDocument) -> bool:
    """Whether the user may change, post or reverse it: every warehouse of it is one of theirs."""
    if getattr(user, "all_warehouses", True):
        return True
    ids = set(warehouses_of(user=user).values_list("pk", flat=True))
    return document.warehouse_id in ids and (document.to_warehouse_id or document.warehouse_id) in ids


def may_receive(user: Any, document: StockDocument) -> bool:
    """Whether the user may receive a transfer: the receiving warehouse is one of theirs."""
    if getattr(user, "all_warehouses", True):
        return True
    target = document.to_warehouse_id or document.warehouse_id
    return warehouses_of(user=user).filter(pk=target).exists()
