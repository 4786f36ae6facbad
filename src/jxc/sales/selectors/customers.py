"""Customers: their class (客户分类) from recency, frequency and value (RFM), and what each one bought.

What counts is what was really sold: posted shipments that are not reversals (a reversed shipment has the status
"reversed", so it and its reversal both drop out), less posted returns that are not reversals. Each call reads the
figures of every customer with one grouped query over shipments (GROUP BY customer, on the index
salesshipment_customer) and one over returns, so listing a thousand customers costs what one costs.

The rules (thresholds in `ClassRules`, documented in docs/sales.md), in this order:
  new      no purchase yet, or the first purchase less than `new_days` (90) days ago;
  dormant  no purchase in the last `dormant_days` (180) days;
  key      among the customers who bought in the last `window_days` (365) days, the value is in the top
           `key_top_pct` (20 %) and there are at least `key_min_frequency` (6) purchases in that window;
  regular  everyone else.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, ExpressionWrapper, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jxc.catalog.models import Product
from jxc.core.display import money
from jxc.core.fields import MoneyField
from jxc.core.numbers import ZERO
from jxc.inventory.choices import PostingStatus
from jxc.partners.models import CustomerClass, Partner
from jxc.sales.choices import WALK_IN_CODE
from jxc.sales.models import SalesReturn, SalesReturnLine, SalesShipment, SalesShipmentLine


@dataclass(frozen=True)
class ClassRules:
    """The thresholds of the customer classes. A purchase "in the last N days" is one dated from `on − (N − 1)` to
    `on`: 0 days ago is today."""

    new_days: int = 90
    dormant_days: int = 180
    window_days: int = 365
    key_top_pct: Decimal = Decimal(20)
    key_min_frequency: int = 6

    def __post_init__(self) -> None:
        if not 0 < self.dormant_days <= self.window_days or self.new_days < 0:
            raise ValueError("need 0 ≤ new_days and 0 < dormant_days ≤ window_days")
        if not 0 < self.key_top_pct <= 100 or self.key_min_frequency < 0:
            raise ValueError("need 0 < key_top_pct ≤ 100 and key_min_frequency ≥ 0")

    def window_start(self, on: date) -> date:
        """The first day of the window that frequency and value are counted over."""
        return on - timedelta(days=self.window_days - 1)


RULES = ClassRules()


@dataclass(frozen=True)
class CustomerRfm:
    """A customer's figures on a day and the class they give; `rank` is by value among the `ranked` customers who
    bought in the window (1 = the most; equal values share a rank), None when this one did not."""

    customer: Partner
    on: date
    first_date: date | None
    last_date: date | None
    frequency: int
    value: Decimal
    rank: int | None
    ranked: int
    customer_class: str
    rules: ClassRules = RULES

    @property
    def recency(self) -> int | None:
        """Days since the last purchase (0: today), None without any."""
        return (self.on - self.last_date).days if self.last_date is not None else None

    @property
    def first_days(self) -> int | None:
        return (self.on - self.first_date).days if self.first_date is not None else None

    @property
    def class_label(self) -> str:
        return str(CustomerClass(self.customer_class).label)

    @property
    def recorded_label(self) -> str:
        return self.customer.get_customer_class_display()

    @property
    def changed(self) -> bool:
        """Whether the class recorded on the customer differs from this one."""
        return self.customer.customer_class != self.customer_class

    @property
    def reason(self) -> str:
        """Why the customer is in the class, with the figures, in the active language."""
        rules = self.rules
        if self.last_date is None:
            return _("No purchase yet.")
        if self.customer_class == CustomerClass.NEW:
            return ngettext(
                "First purchase %(first)s days ago (new for %(days)s days); %(frequency)s purchase, ¥%(value)s.",
                "First purchase %(first)s days ago (new for %(days)s days); %(frequency)s purchases, ¥%(value)s.",
                self.frequency,
            ) % {
                "first": self.first_days,
                "days": rules.new_days,
                "frequency": self.frequency,
                "value": money(self.value),
            }
        if self.customer_class == CustomerClass.DORMANT:
            return _("No purchase for %(recency)s days (dormant from %(days)s days); the last on %(last)s.") % {
                "recency": self.recency,
                "days": rules.dormant_days,
                "last": self.last_date.isoformat(),
            }
        figures = ngettext(
            "Last purchase %(recency)s days ago; %(frequency)s purchase and ¥%(value)s in the last %(window)s days; "
            "rank %(rank)s of %(ranked)s.",
            "Last purchase %(recency)s days ago; %(frequency)s purchases and ¥%(value)s in the last %(window)s days; "
            "rank %(rank)s of %(ranked)s.",
            self.frequency,
        ) % {
            "recency": self.recency,
            "frequency": self.frequency,
            "value": money(self.value),
            "window": rules.window_days,
            "rank": self.rank,
            "ranked": self.ranked,
        }
        numbers = {"top": format(rules.key_top_pct.normalize(), "f"), "min": rules.key_min_frequency}
        if self.customer_class == CustomerClass.KEY:
            rule = _("Top %(top)s %% by value with at least %(min)s purchases.") % numbers
        else:
            rule = _("Key customers: top %(top)s %% by value and at least %(min)s purchases.") % numbers
        return f"{figures} {rule}"

    def get_absolute_url(self) -> str:
        return reverse("sales:customer_history", args=[self.customer.pk])


def _counted_shipments() -> QuerySet[SalesShipment]:
    """Posted shipments that are not reversals, the walk-in customer's left out (they are many people)."""
    counted = SalesShipment.objects.filter(status=PostingStatus.POSTED, reversal_of__isnull=True)
    return counted.exclude(customer__code=WALK_IN_CODE)


def _counted_returns() -> QuerySet[SalesReturn]:
    counted = SalesReturn.objects.filter(status=PostingStatus.POSTED, reversal_of__isnull=True)
    return counted.exclude(customer__code=WALK_IN_CODE)


def _classify(
    *, first: date | None, last: date | None, frequency: int, value: Decimal, in_top: bool, on: date, rules: ClassRules
) -> str:
    if first is None or last is None or (on - first).days < rules.new_days:
        return CustomerClass.NEW
    if (on - last).days >= rules.dormant_days:
        return CustomerClass.DORMANT
    if in_top and value > 0 and frequency >= rules.key_min_frequency:
        return CustomerClass.KEY
    return CustomerClass.REGULAR


def customer_classes(
    *, on: date, customers: Iterable[Partner] | None = None, rules: ClassRules = RULES
) -> list[CustomerRfm]:
    """Every customer's RFM figures and class on `on` (or those of `customers`, in their order; the ranking is
    always among all customers)."""
    start = rules.window_start(on)
    in_window = Q(date__gte=start)
    rows = (
        _counted_shipments()
        .filter(date__lte=on)
        .values("customer_id")
        .annotate(
            first=Min("date"),
            last=Max("date"),
            frequency=Count("pk", filter=in_window),
            value=Sum("amount", filter=in_window),
        )
        .order_by()
    )
    figures = {r["customer_id"]: r for r in rows}
    returned = dict(
        _counted_returns()
        .filter(date__gte=start, date__lte=on)
        .values("customer_id")
        .annotate(value=Sum("amount"))
        .order_by()
        .values_list("customer_id", "value")
    )
    values: dict[int, Decimal] = {}
    for customer_id, row in figures.items():
        if row["frequency"]:
            values[customer_id] = (row["value"] or ZERO) - (returned.get(customer_id) or ZERO)
    ascending = sorted(values.values())
    ranked = len(ascending)
    cutoff = math.ceil(ranked * rules.key_top_pct / 100)
    if customers is None:
        customers = Partner.objects.filter(is_customer=True).exclude(code=WALK_IN_CODE).order_by("code")
    result = []
    for customer in customers:
        row = figures.get(customer.pk) or {}
        frequency = row.get("frequency", 0)
        value = values.get(customer.pk, ZERO - (returned.get(customer.pk) or ZERO))
        rank = ranked - bisect.bisect_right(ascending, value) + 1 if customer.pk in values else None
        first, last = row.get("first"), row.get("last")
        klass = _classify(
            first=first,
            last=last,
            frequency=frequency,
            value=value,
            in_top=rank is not None and rank <= cutoff,
            on=on,
            rules=rules,
        )
        result.append(CustomerRfm(customer, on, first, last, frequency, value, rank, ranked, klass, rules))
    return result


def customer_rfm(*, customer: Partner, on: date, rules: ClassRules = RULES) -> CustomerRfm:
    """One customer's figures and class on `on`."""
    return customer_classes(on=on, customers=[customer], rules=rules)[0]


CLASS_SORTS = {
    "code": lambda r: r.customer.code,
    "name": lambda r: r.customer.name,
    "class": lambda r: r.customer_class,
    "last": lambda r: r.last_date or date.min,
    "recency": lambda r: r.recency if r.recency is not None else 10**9,
    "frequency": lambda r: r.frequency,
    "value": lambda r: r.value,
}


def customer_classes_sorted(results: list[CustomerRfm], sort: str) -> tuple[list[CustomerRfm], str]:
    """The results sorted by one of CLASS_SORTS (`-` first for descending), the code breaking ties."""
    key = sort.lstrip("-")
    if key not in CLASS_SORTS:
        sort, key = "code", "code"
    by_code = sorted(results, key=lambda r: r.customer.code)
    return sorted(by_code, key=CLASS_SORTS[key], reverse=sort.startswith("-")), sort


def customer_classes_filtered(
    results: list[CustomerRfm], *, customer_class: str = "", q: str = "", active: bool | None = True
) -> list[CustomerRfm]:
    """The results of one class, whose name, code, phone or pinyin initials contain `q`, active or not."""
    q = q.strip()
    upper = q.upper()
    return [
        r
        for r in results
        if (not customer_class or r.customer_class == customer_class)
        and (active is None or r.customer.active == active)
        and (
            not q
            or q in r.customer.name
            or upper in r.customer.code.upper()
            or q in r.customer.phone
            or upper in r.customer.mnemonic.upper()
        )
    ]


# Purchase history


PROFIT = ExpressionWrapper(F("amount") - F("cost"), output_field=MoneyField())


def _product_filter(q: str, prefix: str) -> Q:
    q = q.strip()
    if not q:
        return Q()
    return (
        Q(**{f"{prefix}name__icontains": q})
        | Q(**{f"{prefix}sku__icontains": q})
        | Q(**{f"{prefix}mnemonic__icontains": q.upper()})
    )


def _history_lines(
    customer: Partner, date_from: date | None, date_to: date | None, q: str
) -> QuerySet[SalesShipmentLine]:
    lines = SalesShipmentLine.objects.filter(
        shipment__customer=customer,
        shipment__status=PostingStatus.POSTED,
        shipment__reversal_of__isnull=True,
    ).filter(_product_filter(q, "product__"))
    if date_from is not None:
        lines = lines.filter(shipment__date__gte=date_from)
    if date_to is not None:
        lines = lines.filter(shipment__date__lte=date_to)
    return lines


def customer_history(
    *, customer: Partner, date_from: date | None = None, date_to: date | None = None, q: str = ""
) -> QuerySet[SalesShipmentLine]:
    """What the customer bought: the lines of their shipments (posted, reversed ones and reversals left out),
    newest first, each with its gross profit (`profit` = amount without tax − cost of goods sold)."""
    return (
        _history_lines(customer, date_from, date_to, q)
        .select_related("shipment", "product", "unit")
        .annotate(profit=PROFIT)
        .order_by("-shipment__date", "-shipment_id", "position", "pk")
    )


@dataclass(frozen=True)
class ProductSummary:
    """What the customer bought of one product (base units): shipped, returned, net amount and profit without tax,
    and the last sale (its date, its price in the unit it was sold in)."""

    product: Product
    quantity: Decimal
    returned: Decimal
    amount: Decimal
    profit: Decimal
    last_date: date
    last_price: Decimal
    last_unit: str

    @property
    def net_quantity(self) -> Decimal:
        return self.quantity - self.returned

    @property
    def base_unit(self) -> str:
        return self.product.base_unit.name


def customer_history_summary(
    *, customer: Partner, date_from: date | None = None, date_to: date | None = None, q: str = ""
) -> list[ProductSummary]:
    """Per product, over the same lines as `customer_history` less the posted returns (by their date) in the same
    range; the most bought (net amount) first. Three queries, whatever the number of products."""
    lines = _history_lines(customer, date_from, date_to, q)
    latest = lines.filter(product=OuterRef("product")).order_by("-shipment__date", "-shipment_id", "-position", "-pk")
    rows = (
        lines.values("product")
        .annotate(
            quantity=Sum("quantity"),
            amount=Sum("amount"),
            cost=Sum("cost"),
            last_date=Max("shipment__date"),
            last_price=Subquery(latest.values("price")[:1]),
            last_unit=Subquery(latest.values("unit__name")[:1]),
        )
        .order_by()
    )
    returns = SalesReturnLine.objects.filter(
        sales_return__customer=customer,
        sales_return__status=PostingStatus.POSTED,
        sales_return__reversal_of__isnull=True,
    ).filter(_product_filter(q, "product__"))
    if date_from is not None:
        returns = returns.filter(sales_return__date__gte=date_from)
    if date_to is not None:
        returns = returns.filter(sales_return__date__lte=date_to)
    back = {
        r["product"]: r
        for r in returns.values("product").annotate(quantity=Sum("quantity"), amount=Sum("amount"), cost=Sum("cost"))
    }
    found = list(rows)
    products = Product.objects.select_related("base_unit").in_bulk([r["product"] for r in found])
    result = []
    for row in found:
        returned = back.get(row["product"], {})
        returned_amount = returned.get("amount") or ZERO
        amount = row["amount"] - returned_amount
        profit = row["amount"] - row["cost"] - (returned_amount - (returned.get("cost") or ZERO))
        result.append(
            ProductSummary(
                product=products[row["product"]],
                quantity=row["quantity"],
                returned=returned.get("quantity") or ZERO,
                amount=amount,
                profit=profit,
                last_date=row["last_date"],
                last_price=row["last_price"],
                last_unit=row["last_unit"],
            )
        )
    result.sort(key=lambda s: (-s.amount, s.product.sku))
    return result
