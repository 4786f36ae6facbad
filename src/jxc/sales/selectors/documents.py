"""Reads of sales orders within the user's warehouses, shared by pages and API: the search, one order, its lines with
what was shipped, the stock figures shown while a line is entered, and gross profit at the current moving-average
cost (毛利 = amount without tax − quantity × unit cost)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, FloatField, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Least, NullIf

from jxc.accounts.selectors import company_get
from jxc.core.fields import QuantityField
from jxc.core.numbers import ZERO, round_money, round_price, round_quantity
from jxc.inventory.models import CostState, StockBalance
from jxc.inventory.selectors import warehouses_of
from jxc.inventory.selectors.incoming import incoming_quantities
from jxc.sales.choices import OrderStatus
from jxc.sales.models import SalesOrder, SalesOrderLine

PRICE_PERMISSIONS = ("accounts.view_cost", "sales.view_customerprice")
ENDED = {OrderStatus.CLOSED, OrderStatus.VOID, OrderStatus.DONE}
HUNDRED = Decimal(100)


def can_view_prices(user: Any) -> bool:
    """Whether the user may see what customers pay (sales prices and amounts): with the view_cost permission or
    the right to see agreed prices. A warehouse keeper who only picks the goods sees quantities."""
    if user is None or not user.is_authenticated:
        return False
    return any(user.has_perm(p) for p in PRICE_PERMISSIONS)


def _visible(orders: QuerySet[SalesOrder], user: Any) -> QuerySet[SalesOrder]:
    if getattr(user, "all_warehouses", True):
        return orders
    return orders.filter(warehouse__in=warehouses_of(user=user).values("pk"))


def may_use(user: Any, order: SalesOrder) -> bool:
    """Whether the user may change the order or move it on: its warehouse is one of theirs."""
    if getattr(user, "all_warehouses", True):
        return True
    return warehouses_of(user=user).filter(pk=order.warehouse_id).exists()


def sales_order_search(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    customer_id: int | None = None,
    warehouse_id: int | None = None,
    salesperson_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[SalesOrder]:
    """Orders in the user's warehouses by number, customer, customer's reference or product, with filters; each with
    its line count and the share shipped (the mean over its lines of shipped ÷ ordered, capped at 1)."""
    orders = _visible(SalesOrder.objects.select_related("customer", "warehouse", "salesperson", "created_by"), user)
    if status:
        orders = orders.filter(status=status)
    if customer_id:
        orders = orders.filter(customer_id=customer_id)
    if warehouse_id:
        orders = orders.filter(warehouse_id=warehouse_id)
    if salesperson_id:
        orders = orders.filter(salesperson_id=salesperson_id)
    if date_from:
        orders = orders.filter(date__gte=date_from)
    if date_to:
        orders = orders.filter(date__lte=date_to)
    q = q.strip()
    if q:
        products = SalesOrderLine.objects.filter(
            Q(product__sku__icontains=q)
            | Q(product__name__icontains=q)
            | Q(product__mnemonic__icontains=q.upper())
            | Q(product__barcodes__code=q)
        ).values("order_id")
        orders = orders.filter(
            Q(number__icontains=q)
            | Q(customer__name__icontains=q)
            | Q(customer__mnemonic__icontains=q.upper())
            | Q(customer_reference__icontains=q)
            | Q(pk__in=products)
        )
    lines = SalesOrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order_id")
    zero = Value(ZERO, output_field=QuantityField())
    share = Cast(Least(F("shipped_quantity"), F("quantity")), FloatField()) / Cast(
        NullIf(F("quantity"), zero), FloatField()
    )
    return orders.annotate(
        line_count=Coalesce(Subquery(lines.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0),
        shipped_share=Subquery(
            lines.annotate(share=Avg(share, output_field=FloatField())).values("share"), output_field=FloatField()
        ),
    )


def sales_order_get_for(*, user: Any, pk: int) -> SalesOrder:
    """One order in the user's warehouses (else SalesOrder.DoesNotExist)."""
    return _visible(
        SalesOrder.objects.select_related("customer", "warehouse", "salesperson", "created_by", "approved_by"), user
    ).get(pk=pk)


def order_lines(order: SalesOrder) -> list[SalesOrderLine]:
    """The order's lines, in order, with their products, units and the order (for what was shipped)."""
    return list(order.lines.select_related("order", "product__base_unit", "unit").order_by("position", "pk"))


def line_progress(line: SalesOrderLine) -> dict[str, Decimal]:
    """A line in its own unit: ordered, shipped and still to ship (nothing once the order is closed, void or done)."""
    remaining = ZERO if line.order.status in ENDED else max(line.quantity - line.shipped_quantity, ZERO)
    return {
        "ordered": line.unit_quantity,
        "shipped": round_quantity(line.shipped_quantity / line.factor),
        "remaining": round_quantity(remaining / line.factor),
    }


@dataclass(frozen=True)
class StockFigures:
    """A product's stock in one warehouse, in base units: on hand, reserved, available, and on order."""

    on_hand: Decimal = ZERO
    reserved: Decimal = ZERO
    on_order: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


def stock_figures(product_ids: Collection[int], warehouse_id: int | None) -> dict[int, StockFigures]:
    """Per product, its stock in the warehouse (from the balances) and what is on order for it (from the apps that
    order goods): one query for the balances and one per provider of incoming goods, however many products."""
    ids = {int(p) for p in product_ids}
    if not ids or not warehouse_id:
        return {}
    balances = {
        b.product_id: b
        for b in StockBalance.objects.filter(product_id__in=ids, warehouse_id=warehouse_id).only(
            "product_id", "on_hand", "reserved"
        )
    }
    incoming = incoming_quantities(ids, warehouse_id)
    figures = {}
    for product_id in ids:
        balance = balances.get(product_id)
        figures[product_id] = StockFigures(
            on_hand=balance.on_hand if balance else ZERO,
            reserved=balance.reserved if balance else ZERO,
            on_order=incoming.get(product_id, ZERO),
        )
    return figures


@dataclass(frozen=True)
class LineProfit:
    """A line's gross profit: its untaxed amount less its base quantity at the unit cost (None when unknown)."""

    unit_cost: Decimal | None
    cost: Decimal | None
    profit: Decimal | None
    margin: Decimal | None


@dataclass(frozen=True)
class OrderProfit:
    """An order's gross profit over the lines whose cost is known (`complete` when that is every line).

    Freight and other charges are left out: they pay for the delivery, not the goods."""

    amount: Decimal
    cost: Decimal
    profit: Decimal | None
    margin: Decimal | None
    complete: bool
    lines: dict[int, LineProfit] = field(default_factory=dict)


def margin_of(profit: Decimal, amount: Decimal) -> Decimal | None:
    """Gross margin in percent of the amount, to 0.01 (None for a zero amount)."""
    if not amount:
        return None
    return round_money(profit * HUNDRED / amount)


def unit_costs(product_ids: Iterable[int], warehouse_id: int) -> dict[int, tuple[Decimal, Decimal] | Decimal]:
    """The current cost state per product for costing a sale from the warehouse: (value, quantity) of the cost scope
    (company-wide, or the warehouse's with per-warehouse costing) while it holds stock, else its last unit cost."""
    ids = set(product_ids)
    scope = Q(warehouse_id=warehouse_id) if company_get().cost_per_warehouse else Q(warehouse__isnull=True)
    costs: dict[int, tuple[Decimal, Decimal] | Decimal] = {}
    for state in CostState.objects.filter(scope, product_id__in=ids):
        if state.quantity > 0:
            costs[state.product_id] = (state.value, state.quantity)
        elif state.last_unit_cost is not None:
            costs[state.product_id] = state.last_unit_cost
    return costs


def _cost_of(quantity: Decimal, state: tuple[Decimal, Decimal] | Decimal) -> tuple[Decimal, Decimal]:
    """(unit cost, cost of the quantity): V × q / Q rounded once (the unit cost V/Q is for display)."""
    if isinstance(state, tuple):
        value, held = state
        return round_price(value / held), round_money(value * quantity / held)
    return state, round_money(state * quantity)


def order_profit(order: SalesOrder, lines: Iterable[SalesOrderLine] | None = None) -> OrderProfit:
    """Gross profit per line and for the order at today's moving-average cost in the order's cost scope."""
    lines = list(lines) if lines is not None else order_lines(order)
    costs = unit_costs({ln.product_id for ln in lines}, order.warehouse_id)
    per_line: dict[int, LineProfit] = {}
    amount = cost = ZERO
    known = 0
    for line in lines:
        state = costs.get(line.product_id)
        if state is None:
            per_line[line.pk] = LineProfit(None, None, None, None)
            continue
        unit_cost, line_cost = _cost_of(line.quantity, state)
        profit = line.amount - line_cost
        per_line[line.pk] = LineProfit(unit_cost, line_cost, profit, margin_of(profit, line.amount))
        amount, cost, known = amount + line.amount, cost + line_cost, known + 1
    total = amount - cost if known else None
    return OrderProfit(
        amount=amount,
        cost=cost,
        profit=total,
        margin=margin_of(total, amount) if total is not None else None,
        complete=known == len(lines),
        lines=per_line,
    )
