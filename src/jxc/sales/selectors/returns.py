"""Reads of sales returns (销售退货) within the user's warehouses, shared by pages and API: the search, one return,
its lines and ledger moves, the shipments a customer can return goods of and what is left to return of them, and
the location a warehouse keeps for quarantine."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from jxc.core.numbers import round_quantity
from jxc.inventory.choices import PostingStatus
from jxc.inventory.models import Location, StockMove
from jxc.inventory.selectors import warehouses_of
from jxc.sales.choices import RETURN_SOURCE
from jxc.sales.models import SalesReturn, SalesReturnLine, SalesShipment, SalesShipmentLine

QUARANTINE_HINTS = ("QUAR", "待检", "隔离")


def _visible(returns: QuerySet[SalesReturn], user: Any) -> QuerySet[SalesReturn]:
    if getattr(user, "all_warehouses", True):
        return returns
    return returns.filter(warehouse__in=warehouses_of(user=user).values("pk"))


def may_use(user: Any, sales_return: SalesReturn) -> bool:
    """Whether the user may change, post or reverse it: its warehouse is one of theirs."""
    if getattr(user, "all_warehouses", True):
        return True
    return warehouses_of(user=user).filter(pk=sales_return.warehouse_id).exists()


def sales_return_search(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    customer_id: int | None = None,
    warehouse_id: int | None = None,
    shipment_id: int | None = None,
    disposition: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[SalesReturn]:
    """Returns in the user's warehouses by number, customer, shipment number, reason or product, with filters
    (a disposition finds the returns with a line of it); each with its line count."""
    returns = _visible(SalesReturn.objects.select_related("customer", "warehouse", "shipment", "created_by"), user)
    if status:
        returns = returns.filter(status=status)
    if customer_id:
        returns = returns.filter(customer_id=customer_id)
    if warehouse_id:
        returns = returns.filter(warehouse_id=warehouse_id)
    if shipment_id:
        returns = returns.filter(shipment_id=shipment_id)
    if disposition:
        returns = returns.filter(
            Exists(SalesReturnLine.objects.filter(sales_return=OuterRef("pk"), disposition=disposition))
        )
    if date_from:
        returns = returns.filter(date__gte=date_from)
    if date_to:
        returns = returns.filter(date__lte=date_to)
    q = q.strip()
    if q:
        products = SalesReturnLine.objects.filter(
            Q(product__sku__icontains=q)
            | Q(product__name__icontains=q)
            | Q(product__mnemonic__icontains=q.upper())
            | Q(product__barcodes__code=q)
            | Q(serials__icontains=q)
        ).values("sales_return_id")
        returns = returns.filter(
            Q(number__icontains=q)
            | Q(customer__name__icontains=q)
            | Q(customer__mnemonic__icontains=q.upper())
            | Q(shipment__number__icontains=q)
            | Q(reason__icontains=q)
            | Q(pk__in=products)
        )
    line_count = (
        SalesReturnLine.objects.filter(sales_return=OuterRef("pk"))
        .order_by()
        .values("sales_return_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return returns.annotate(line_count=Coalesce(Subquery(line_count, output_field=IntegerField()), 0))


def sales_return_get_for(*, user: Any, pk: int) -> SalesReturn:
    """One return in the user's warehouses (else SalesReturn.DoesNotExist)."""
    return _visible(
        SalesReturn.objects.select_related(
            "customer", "warehouse", "shipment", "created_by", "posted_by", "reversal_of"
        ),
        user,
    ).get(pk=pk)


def return_lines(sales_return: SalesReturn) -> list[SalesReturnLine]:
    """The return's lines in order, with their shipment lines, products, units, places and lots."""
    return list(
        sales_return.lines.select_related(
            "shipment_line__shipment", "product__base_unit", "unit", "location", "lot"
        ).order_by("position", "pk")
    )


def return_moves(sales_return: SalesReturn) -> list[StockMove]:
    """The ledger moves of the return's postings (goods in, scrapped goods out) and of its reversal."""
    own = Q(posting__source_type=RETURN_SOURCE, posting__source_id=sales_return.pk)
    reversals = Q(posting__reversal_of__source_type=RETURN_SOURCE, posting__reversal_of__source_id=sales_return.pk)
    return list(
        StockMove.objects.filter(own | reversals)
        .select_related("posting", "product__base_unit", "unit", "warehouse", "location", "lot")
        .order_by("pk")
    )


def reversed_return(sales_return: SalesReturn) -> SalesReturn | None:
    """The reversal (红冲) of a return, if it was reversed."""
    return SalesReturn.objects.filter(reversal_of=sales_return).first()


def _returnable() -> QuerySet[SalesShipmentLine]:
    """Lines of posted shipments (not reversals) with goods not returned yet."""
    return SalesShipmentLine.objects.filter(
        Q(quantity__gt=F("returned_quantity")),
        quantity__gt=0,
        shipment__status=PostingStatus.POSTED,
        shipment__reversal_of__isnull=True,
    )


def returnable_shipments(*, user: Any, customer_id: int, limit: int = 30) -> list[SalesShipment]:
    """The customer's posted shipments (in the user's warehouses) with goods not returned yet, newest first; each
    with how many of its lines can still be returned."""
    shipments = SalesShipment.objects.filter(
        customer_id=customer_id, status=PostingStatus.POSTED, reversal_of__isnull=True
    ).select_related("warehouse")
    if not getattr(user, "all_warehouses", True):
        shipments = shipments.filter(warehouse__in=warehouses_of(user=user).values("pk"))
    open_count = _returnable().filter(shipment=OuterRef("pk")).order_by().values("shipment_id").annotate(n=Count("pk"))
    shipments = shipments.annotate(
        open_lines=Coalesce(Subquery(open_count.values("n"), output_field=IntegerField()), 0)
    ).filter(open_lines__gt=0)
    return list(shipments.order_by("-date", "-pk")[:limit])


@dataclass(frozen=True)
class ReturnableLine:
    """A shipment line with goods left to return, in the line's unit."""

    line: SalesShipmentLine
    shipped: Decimal
    returned: Decimal
    left: Decimal


def returnable_lines(shipment: SalesShipment) -> list[ReturnableLine]:
    """The shipment's lines with something left to return, in order."""
    lines = (
        _returnable()
        .filter(shipment=shipment)
        .select_related("shipment", "product__base_unit", "unit", "location", "lot")
        .order_by("position", "pk")
    )
    return [
        ReturnableLine(
            line=ln,
            shipped=ln.unit_quantity,
            returned=round_quantity(ln.returned_quantity / ln.factor),
            left=round_quantity(ln.returnable / ln.factor),
        )
        for ln in lines
    ]


def quarantine_locations(warehouse_ids: list[int] | None = None) -> dict[int, Location]:
    """Per warehouse, the active location that looks like a quarantine area (its code or name has QUAR, 待检 or
    隔离), to suggest when inspection quarantines goods."""
    hint = Q()
    for word in QUARANTINE_HINTS:
        hint |= Q(code__icontains=word) | Q(name__icontains=word)
    locations = Location.objects.filter(hint, active=True)
    if warehouse_ids is not None:
        locations = locations.filter(warehouse_id__in=warehouse_ids)
    found: dict[int, Location] = {}
    for location in locations.order_by("warehouse_id", "code"):
        found.setdefault(location.warehouse_id, location)
    return found


def returned_serials(shipment_line_ids: set[int]) -> dict[int, set[str]]:
    """Per shipment line, the serial numbers that posted returns (not reversed) brought back."""
    found: dict[int, set[str]] = defaultdict(set)
    if not shipment_line_ids:
        return found
    lines = SalesReturnLine.objects.filter(
        shipment_line_id__in=shipment_line_ids,
        sales_return__status=PostingStatus.POSTED,
        sales_return__reversal_of__isnull=True,
    ).exclude(serials="")
    for shipment_line_id, serials in lines.values_list("shipment_line_id", "serials"):
        found[shipment_line_id].update(serials.split())
    return found
