"""Cost and gross profit (成本与毛利) over a date range, grouped by document, product, customer, salesperson or period.

Revenue is what the shipment lines sold without tax less what sales returns credited without tax (freight and other
charges are not revenue of goods). The cost of goods sold is read from the stock ledger: the value that left stock
with the shipments' postings less the value that came back with the returns' postings, each with its 红冲 (a
reversal is a document of its own, dated when it was made, so a shipment reversed inside the range nets to zero).
Only the moves that carry the lines' cost count — the shipment and sales-return legs and their reversals — so the
figures equal the lines' `cost` fields: cost-variance moves (negative stock corrected by a later receipt) and the
scrap issue of returned goods that failed inspection (报损, a stock loss, not a cost of sales) are left out.

Everything is summed in SQL: two queries over the document lines (revenue) and two over the moves (cost), each
grouped by the chosen key, then one query for the labels of the keys; nothing is read row by row. By day or month
with no filter but the warehouses, the days of closed periods (月结) are read from their `ProfitSnapshot` rows
(written when the period closed, from these same queries), so a year costs a few hundred rows plus the open days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from jxc.catalog.models import Product
from jxc.core.numbers import ZERO, round_money
from jxc.inventory.choices import MoveKind, PostingStatus
from jxc.inventory.models import StockMove, StockPosting
from jxc.inventory.selectors.stock import product_filter
from jxc.partners.models import Partner
from jxc.reports.models import ProfitSnapshot
from jxc.sales.choices import RETURN_SOURCE, SHIPMENT_SOURCE
from jxc.sales.models import SalesReturn, SalesReturnLine, SalesShipment, SalesShipmentLine

GROUPS = ("document", "product", "customer", "salesperson", "day", "month")
CHRONOLOGICAL = frozenset({"document", "day", "month"})
COUNTED = (PostingStatus.POSTED, PostingStatus.REVERSED)  # a reversed document counts, and so does its reversal
COST_PHASES = ("post", "reverse-post")  # not a return's "scrap" step
COST_KINDS = (MoveKind.SHIPMENT, MoveKind.SALES_RETURN, MoveKind.REVERSAL)
NONE_KEY = "none"


@dataclass(frozen=True)
class ProfitFilters:
    """What to count: documents dated from `start` to `end` (both included), narrowed by the other fields.

    `warehouse_ids` None means every warehouse; `q` searches the product (SKU, name, pinyin initials, barcode)."""

    start: date
    end: date
    customer_id: int | None = None
    product_id: int | None = None
    salesperson_id: int | None = None
    warehouse_ids: list[int] | None = None
    q: str = ""


def margin_of(profit: Decimal, revenue: Decimal) -> Decimal | None:
    """Gross margin in percent, rounded half up to 0.01; None without revenue."""
    return None if revenue == 0 else round_money(profit * 100 / revenue)


@dataclass
class ProfitRow:
    """One group: its revenue, cost of goods sold and gross profit; details depend on the grouping."""

    key: str
    label: str
    revenue: Decimal = ZERO
    cogs: Decimal = ZERO
    quantity: Decimal = ZERO
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.cogs

    @property
    def margin(self) -> Decimal | None:
        return margin_of(self.profit, self.revenue)

    def __getattr__(self, name: str) -> Any:  # columns read details like attributes: row.number, row.sku
        details = self.__dict__.get("details", {})
        if name in details:
            return details[name]
        raise AttributeError(name)


@dataclass(frozen=True)
class GrossProfit:
    """The groups of a report and their totals."""

    group: str
    filters: ProfitFilters
    rows: list[ProfitRow]
    revenue: Decimal
    cogs: Decimal
    quantity: Decimal

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.cogs

    @property
    def margin(self) -> Decimal | None:
        return margin_of(self.profit, self.revenue)


# Keys: one SQL expression per grouping, for each of the four sources.


def _salesperson(line_path: str, customer_path: str) -> Coalesce:
    """The order's salesperson, else the customer's (NULL when neither has one)."""
    return Coalesce(F(f"{line_path}order_line__order__salesperson_id"), F(f"{customer_path}__salesperson_id"))


SHIPMENT_SALESPERSON = _salesperson("", "shipment__customer")
RETURN_SALESPERSON = _salesperson("shipment_line__", "sales_return__customer")


def _line_keys(doc: str, salesperson: Combinable) -> dict[str, Combinable]:
    return {
        "warehouse": F(f"{doc}__warehouse_id"),
        "document": F(f"{doc}_id"),
        "product": F("product_id"),
        "customer": F(f"{doc}__customer_id"),
        "salesperson": salesperson,
        "day": F(f"{doc}__date"),
        "month": F(f"{doc}__date"),
    }


def _move_keys(document_model: Any, line_model: Any, salesperson: Combinable) -> dict[str, Combinable]:
    """A move knows its product, date and posting (whose source is the document, or its reversal); the customer
    and the salesperson are read from the document and from the line the move was made for (a reversal's moves
    name the original line, which has the same order and customer)."""
    customer = document_model.objects.filter(pk=OuterRef("posting__source_id")).values("customer_id")[:1]
    person = line_model.objects.filter(pk=OuterRef("line_id")).annotate(person=salesperson).values("person")[:1]
    return {
        "warehouse": F("warehouse_id"),
        "document": F("posting__source_id"),
        "product": F("product_id"),
        "customer": Subquery(customer),
        "salesperson": Subquery(person),
        "day": F("date"),
        "month": F("date"),
    }


def _lines(model: Any, doc: str, salesperson: Combinable, f: ProfitFilters) -> QuerySet[Any]:
    rows: QuerySet[Any] = model.objects.filter(
        **{f"{doc}__status__in": COUNTED, f"{doc}__date__gte": f.start, f"{doc}__date__lte": f.end}
    )
    if f.warehouse_ids is not None:
        rows = rows.filter(**{f"{doc}__warehouse_id__in": f.warehouse_ids})
    if f.customer_id:
        rows = rows.filter(**{f"{doc}__customer_id": f.customer_id})
    if f.product_id:
        rows = rows.filter(product_id=f.product_id)
    if f.q:
        rows = rows.filter(product_filter(f.q, None))
    if f.salesperson_id:
        rows = rows.annotate(person=salesperson).filter(person=f.salesperson_id)
    return rows.order_by()


def _moves(
    source: str, document_model: Any, line_model: Any, salesperson: Combinable, f: ProfitFilters
) -> QuerySet[StockMove]:
    # A move is dated as its posting (`jxc check`), so the source's postings of the range are found by their index
    # and their moves by theirs: neither the other sources' moves of the range nor the whole ledger are read.
    postings = StockPosting.objects.filter(
        source_type=source, phase__in=COST_PHASES, date__gte=f.start, date__lte=f.end
    ).values("pk")
    moves = StockMove.objects.filter(posting_id__in=postings, kind__in=COST_KINDS, date__gte=f.start, date__lte=f.end)
    if f.warehouse_ids is not None:
        moves = moves.filter(warehouse_id__in=f.warehouse_ids)
    if f.customer_id:
        moves = moves.filter(
            posting__source_id__in=document_model.objects.filter(customer_id=f.customer_id).values("pk")
        )
    if f.product_id:
        moves = moves.filter(product_id=f.product_id)
    if f.q:
        moves = moves.filter(product_filter(f.q, None))
    if f.salesperson_id:
        people = line_model.objects.annotate(person=salesperson).filter(person=f.salesperson_id)
        moves = moves.filter(line_id__in=people.values("pk"))
    return moves.order_by()


def _fold(group: str, source: str, key: Any) -> str:
    """The key of a group as text: documents carry their source, months fold their days."""
    if group == "document":
        return f"{source}:{key}"
    if key is None:
        return NONE_KEY
    if group == "month":
        return f"{key:%Y-%m}"
    if group == "day":
        return key.isoformat()  # type: ignore[no-any-return]
    return str(key)


def _revenue_rows(
    group: str, f: ProfitFilters, *, by: str | None = None
) -> Iterable[tuple[str, Any, Decimal, Decimal, Any]]:
    """(source, key, amount, base quantity, `by` key) per group (and per `by`, a second grouping): shipment lines
    count +, return lines −."""
    sources = (
        (SHIPMENT_SOURCE, 1, _lines(SalesShipmentLine, "shipment", SHIPMENT_SALESPERSON, f), "shipment"),
        (RETURN_SOURCE, -1, _lines(SalesReturnLine, "sales_return", RETURN_SALESPERSON, f), "sales_return"),
    )
    for source, sign, lines, doc in sources:
        salesperson = SHIPMENT_SALESPERSON if source == SHIPMENT_SOURCE else RETURN_SALESPERSON
        keys = _line_keys(doc, salesperson)
        grouped = lines.values(key=keys[group], by=keys[by]) if by else lines.values(key=keys[group])
        for r in grouped.annotate(amount=Sum("amount"), quantity=Sum("quantity")):
            yield source, r["key"], sign * (r["amount"] or ZERO), sign * (r["quantity"] or ZERO), r.get("by")


def _cost_rows(group: str, f: ProfitFilters, *, by: str | None = None) -> Iterable[tuple[str, Any, Decimal, Any]]:
    """(source, key, cost of goods sold, `by` key) per group: what left stock (negative values) less what came
    back."""
    sources = (
        (SHIPMENT_SOURCE, SalesShipment, SalesShipmentLine, SHIPMENT_SALESPERSON),
        (RETURN_SOURCE, SalesReturn, SalesReturnLine, RETURN_SALESPERSON),
    )
    for source, document_model, line_model, salesperson in sources:
        keys = _move_keys(document_model, line_model, salesperson)
        moves = _moves(source, document_model, line_model, salesperson, f)
        grouped = moves.values(key=keys[group], by=keys[by]) if by else moves.values(key=keys[group])
        for r in grouped.annotate(value=Sum("value")):
            yield source, r["key"], -(r["value"] or ZERO), r.get("by")


@dataclass
class DaySales:
    """A day's revenue, base quantity and cost of goods sold (in one warehouse, or in all when None)."""

    day: date
    warehouse_id: int | None
    revenue: Decimal = ZERO
    quantity: Decimal = ZERO
    cogs: Decimal = ZERO


def daily_sales(*, start: date, end: date) -> list[DaySales]:
    """Every day from `start` to `end` (all warehouses, zero when nothing sold) and each warehouse's days with
    sales or returns, as the gross-profit report counts them; what a closed period keeps in `ProfitSnapshot`."""
    filters = ProfitFilters(start=start, end=end)
    days = {start + timedelta(days=n): DaySales(start + timedelta(days=n), None) for n in range((end - start).days + 1)}
    places: dict[tuple[date, int], DaySales] = {}
    for _source, day, amount, quantity, warehouse in _revenue_rows("day", filters, by="warehouse"):
        for found in (days[day], places.setdefault((day, warehouse), DaySales(day, warehouse))):
            found.revenue += amount
            found.quantity += quantity
    for _source, day, cost, warehouse in _cost_rows("day", filters, by="warehouse"):
        for found in (days[day], places.setdefault((day, warehouse), DaySales(day, warehouse))):
            found.cogs += cost
    return [*days.values(), *(places[k] for k in sorted(places))]


def _closed_days(f: ProfitFilters) -> tuple[list[tuple[date, Decimal, Decimal, Decimal]], list[tuple[date, date]]]:
    """The snapshot figures (day, revenue, quantity, cogs) of the range's days in closed periods, and the stretches
    of the range left to sum from the documents (open periods, and closed ones that have no snapshot)."""
    per_warehouse = f.warehouse_ids is not None
    rows = ProfitSnapshot.objects.filter(Q(warehouse=None) | Q(warehouse_id__in=f.warehouse_ids or []))
    found = rows.filter(date__gte=f.start, date__lte=f.end).order_by("date")
    found_rows = list(found.values_list("date", "warehouse_id", "revenue", "quantity", "cogs"))
    covered = [day for day, warehouse, *_figures in found_rows if warehouse is None]  # the day's row marks it summed
    figures = [(day, r, q, c) for day, w, r, q, c in found_rows if (w is not None) == per_warehouse]
    gaps, cursor = [], f.start
    for day in covered:
        if day > cursor:
            gaps.append((cursor, day - timedelta(days=1)))
        cursor = day + timedelta(days=1)
    if cursor <= f.end:
        gaps.append((cursor, f.end))
    return figures, gaps


def gross_profit(*, group: str, filters: ProfitFilters) -> GrossProfit:
    """Revenue, cost of goods sold, gross profit and margin per group, with the totals."""
    if group not in GROUPS:
        raise ValueError(f"unknown grouping {group!r}")
    rows: dict[str, ProfitRow] = {}
    raw: dict[str, Any] = {}

    def row(source: str, key: Any) -> ProfitRow:
        text = _fold(group, source, key)
        if text not in rows:
            rows[text] = ProfitRow(key=text, label=text)
            raw[text] = (source, key)
        return rows[text]

    stretches = [filters]
    if group in {"day", "month"} and _only_dates_and_warehouses(filters):
        figures, gaps = _closed_days(filters)
        for day, revenue, quantity, cogs in figures:
            if not (revenue or quantity or cogs):
                continue  # a day without sales has no row, as when it is summed from the documents
            found = row(SHIPMENT_SOURCE, day)
            found.revenue += revenue
            found.quantity += quantity
            found.cogs += cogs
        stretches = [replace(filters, start=start, end=end) for start, end in gaps]
    for stretch in stretches:
        for source, key, amount, quantity, _by in _revenue_rows(group, stretch):
            found = row(source, key)
            found.revenue += amount
            found.quantity += quantity
        for source, key, cost, _by in _cost_rows(group, stretch):
            row(source, key).cogs += cost
    _label(group, rows, raw)
    ordered = sorted(rows.values(), key=_sort_key(group))
    return GrossProfit(
        group=group,
        filters=filters,
        rows=ordered,
        revenue=sum((r.revenue for r in ordered), ZERO),
        cogs=sum((r.cogs for r in ordered), ZERO),
        quantity=sum((r.quantity for r in ordered), ZERO),
    )


def _only_dates_and_warehouses(f: ProfitFilters) -> bool:
    return not (f.customer_id or f.product_id or f.salesperson_id or f.q)


def _sort_key(group: str) -> Any:
    if group == "document":
        return lambda r: (r.details.get("date") or date.min, r.details.get("number", ""), r.key)
    if group in CHRONOLOGICAL:
        return lambda r: r.key
    return lambda r: (-r.profit, -r.revenue, r.label, r.key)


def _label(group: str, rows: dict[str, ProfitRow], raw: dict[str, Any]) -> None:
    """Names for the keys, one query per kind of key."""
    keys = [k for _s, k in raw.values() if k is not None]
    if group == "document":
        _label_documents(rows, raw)
    elif group == "product":
        products = Product.objects.select_related("base_unit").in_bulk(keys)
        for text, (_source, key) in raw.items():
            product = products.get(key)
            if product is not None:
                rows[text].label = product.name
                rows[text].details = {
                    "product_id": key,
                    "sku": product.sku,
                    "name": product.name,
                    "spec": product.spec,
                    "unit": product.base_unit.name,
                }
    elif group == "customer":
        partners = Partner.objects.in_bulk(keys)
        for text, (_source, key) in raw.items():
            partner = partners.get(key)
            if partner is not None:
                rows[text].label = partner.name
                rows[text].details = {"customer_id": key, "code": partner.code, "name": partner.name}
    elif group == "salesperson":
        people = get_user_model().objects.in_bulk(keys)
        for text, (_source, key) in raw.items():
            person = people.get(key)
            rows[text].label = str(person) if person is not None else _("(none)")
            rows[text].details = {"salesperson_id": key}


def _label_documents(rows: dict[str, ProfitRow], raw: dict[str, Any]) -> None:
    for source, model, kind in (
        (SHIPMENT_SOURCE, SalesShipment, _("Shipment")),
        (RETURN_SOURCE, SalesReturn, _("Sales return")),
    ):
        ids = [k for s, k in raw.values() if s == source]
        if not ids:
            continue
        documents = model.objects.select_related("customer").in_bulk(ids)
        for text, (s, key) in raw.items():
            document = documents.get(key) if s == source else None
            if document is None:
                continue
            reversal = document.reversal_of_id is not None
            rows[text].label = document.number
            rows[text].details = {
                "document_type": source,
                "document_id": key,
                "number": document.number,
                "date": document.date,
                "kind": f"{kind} ({_('reversal')})" if reversal else kind,
                "reversal": reversal,
                "customer": document.customer.name,
                "url": document.get_absolute_url(),
            }
