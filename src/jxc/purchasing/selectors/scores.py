"""The supplier score (供应商评分), computed from our own receipts over a window of days, beside the manual rating.

- on-time rate: receipt lines against order lines received on or before the promised date (the order line's
  expected date, else the order's) / such lines; lines with no promised date are not counted;
- quality pass rate: Σ accepted / Σ received (accepted + rejected at inspection), in base units;
- price index: per product the supplier delivered, its average price without tax per base unit over the lowest
  average any supplier delivered it at, × 100, averaged weighted by the supplier's value (100 = the cheapest).

Receipts count when posted and neither reversed (红冲) nor a reversal. Every figure is aggregated in the database,
grouped by supplier (or supplier × product): the number of queries does not grow with the number of suppliers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from jxc.catalog.models import Product
from jxc.core.numbers import ZERO, round_price
from jxc.partners.models import Partner, PartnerBalance
from jxc.purchasing.choices import OPEN_ORDER_STATUSES, PostingStatus
from jxc.purchasing.models import PurchaseOrder, PurchaseReceipt, PurchaseReceiptLine

DEFAULT_DAYS = 365
HUNDRED = Decimal(100)
PCT = Decimal("0.01")
INDEX = Decimal("0.1")


def score_window(*, days: int = DEFAULT_DAYS, today: date | None = None) -> tuple[date, date]:
    """The window of `days` calendar days ending today (both ends included)."""
    end = today or timezone.localdate()
    return end - timedelta(days=max(days, 1) - 1), end


@dataclass(frozen=True)
class Ratio:
    """A part of the score with what it was computed from."""

    numerator: Decimal
    denominator: Decimal

    @property
    def pct(self) -> Decimal | None:
        """numerator / denominator × 100, to 0.01; None when nothing was counted."""
        if not self.denominator:
            return None
        return (self.numerator / self.denominator * HUNDRED).quantize(PCT, rounding=ROUND_HALF_UP)

    @property
    def text(self) -> str:
        return f"{_plain(self.numerator)}/{_plain(self.denominator)}"


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class PriceLine:
    """One product in the price index: this supplier's average price, the lowest average, the index."""

    product: Product
    quantity: Decimal
    value: Decimal
    average: Decimal
    lowest: Decimal
    index: Decimal
    suppliers: int


@dataclass
class SupplierScore:
    """A supplier's score over the window with the parts it is made of, and their own rating and flags."""

    supplier: Partner
    start: date
    end: date
    on_time: Ratio
    quality: Ratio
    price_index: Decimal | None
    price_value: Decimal
    receipts: int
    open_orders: int
    payable: Decimal
    price_lines: list[PriceLine] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.supplier.pk

    @property
    def name(self) -> str:
        return self.supplier.name

    @property
    def active(self) -> bool:
        return self.supplier.active

    @property
    def on_time_pct(self) -> Decimal | None:
        return self.on_time.pct

    @property
    def quality_pct(self) -> Decimal | None:
        return self.quality.pct

    def get_absolute_url(self) -> str:
        return reverse("purchasing:supplier_detail", args=[self.supplier.pk])


def counted_receipt_lines(*, start: date, end: date) -> QuerySet[PurchaseReceiptLine]:
    """Lines of posted receipts dated in the window; reversed receipts and reversals left out."""
    return PurchaseReceiptLine.objects.filter(
        receipt__status=PostingStatus.POSTED,
        receipt__reversal_of__isnull=True,
        receipt__date__gte=start,
        receipt__date__lte=end,
    )


def _on_time(lines: QuerySet[PurchaseReceiptLine]) -> dict[int, Ratio]:
    promised = Coalesce(F("order_line__expected_date"), F("order_line__order__expected_date"))
    rows = (
        lines.filter(order_line__isnull=False)
        .annotate(promised=promised)
        .filter(promised__isnull=False)
        .values("receipt__supplier_id")
        .annotate(lines=Count("pk"), on_time=Count("pk", filter=Q(receipt__date__lte=F("promised"))))
        .order_by()
    )
    return {r["receipt__supplier_id"]: Ratio(Decimal(r["on_time"]), Decimal(r["lines"])) for r in rows}


def _quality(lines: QuerySet[PurchaseReceiptLine]) -> dict[int, tuple[Ratio, int]]:
    rows = (
        lines.values("receipt__supplier_id")
        .annotate(accepted=Sum("quantity"), rejected=Sum("rejected_base"), receipts=Count("receipt", distinct=True))
        .order_by()
    )
    out = {}
    for r in rows:
        accepted, rejected = r["accepted"] or ZERO, r["rejected"] or ZERO
        out[r["receipt__supplier_id"]] = (Ratio(accepted, accepted + rejected), r["receipts"])
    return out


def _prices(
    lines: QuerySet[PurchaseReceiptLine], supplier_ids: Any
) -> dict[int, list[tuple[int, Decimal, Decimal, Decimal, Decimal, int]]]:
    """Per supplier: (product, quantity, value, average, lowest average, suppliers of it) for every product it
    delivered; the lowest is taken over every supplier that delivered the product in the window."""
    delivered = lines.filter(quantity__gt=0)
    products = delivered.filter(receipt__supplier_id__in=supplier_ids).values("product_id")
    rows = (
        delivered.filter(product_id__in=products)
        .values("receipt__supplier_id", "product_id")
        .annotate(quantity=Sum("quantity"), value=Sum("amount"))
        .order_by()
    )
    averages: dict[int, dict[int, tuple[Decimal, Decimal, Decimal]]] = defaultdict(dict)
    for r in rows:
        if r["quantity"]:
            averages[r["product_id"]][r["receipt__supplier_id"]] = (
                r["quantity"],
                r["value"],
                r["value"] / r["quantity"],
            )
    out: dict[int, list[tuple[int, Decimal, Decimal, Decimal, Decimal, int]]] = defaultdict(list)
    for product_id, by_supplier in averages.items():
        lowest = min(avg for _q, _v, avg in by_supplier.values())
        for supplier_id, (quantity, value, average) in by_supplier.items():
            out[supplier_id].append((product_id, quantity, value, average, lowest, len(by_supplier)))
    return out


def _index(items: Iterable[tuple[int, Decimal, Decimal, Decimal, Decimal, int]]) -> tuple[Decimal | None, Decimal]:
    """The value-weighted average of average / lowest × 100 (None when nothing was delivered at a price)."""
    weighted, total = ZERO, ZERO
    for _product, _quantity, value, average, lowest, _n in items:
        if value <= 0 or lowest <= 0:
            continue
        weighted += value * average / lowest * HUNDRED
        total += value
    if not total:
        return None, ZERO
    return (weighted / total).quantize(INDEX, rounding=ROUND_HALF_UP), total


def supplier_queryset(
    *, q: str = "", supplier_class: str = "", approved: bool | None = None, active: bool | None = True
) -> QuerySet[Partner]:
    """Suppliers by name, code or pinyin initials, class, approved flag and active flag."""
    suppliers = Partner.objects.filter(is_supplier=True)
    q = q.strip()
    if q:
        suppliers = suppliers.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(mnemonic__icontains=q.upper()) | Q(phone__icontains=q)
        )
    if supplier_class:
        suppliers = suppliers.filter(supplier_class=supplier_class)
    if approved is not None:
        suppliers = suppliers.filter(supplier_approved=approved)
    if active is not None:
        suppliers = suppliers.filter(active=active)
    return suppliers


def supplier_scores(
    *,
    days: int = DEFAULT_DAYS,
    today: date | None = None,
    q: str = "",
    supplier_class: str = "",
    approved: bool | None = None,
    active: bool | None = True,
    suppliers: QuerySet[Partner] | None = None,
    with_price_lines: bool = False,
) -> list[SupplierScore]:
    """The score of every matching supplier, in six queries whatever their number, ordered by code."""
    start, end = score_window(days=days, today=today)
    if suppliers is None:
        suppliers = supplier_queryset(q=q, supplier_class=supplier_class, approved=approved, active=active)
    ids = suppliers.values("pk")
    lines = counted_receipt_lines(start=start, end=end).filter(receipt__supplier_id__in=ids)
    on_time = _on_time(lines)
    quality = _quality(lines)
    prices = _prices(counted_receipt_lines(start=start, end=end), ids)
    open_orders = {
        r["supplier_id"]: r["n"]
        for r in PurchaseOrder.objects.filter(status__in=OPEN_ORDER_STATUSES, supplier_id__in=ids)
        .values("supplier_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    payables = dict(PartnerBalance.objects.filter(partner_id__in=ids).values_list("partner_id", "payable"))
    products: dict[int, Product] = {}
    if with_price_lines:
        wanted = {item[0] for items in prices.values() for item in items}
        products = Product.objects.select_related("base_unit").in_bulk(wanted)
    nothing = Ratio(ZERO, ZERO)
    scores = []
    for supplier in suppliers.order_by("code"):
        items = prices.get(supplier.pk, [])
        index, value = _index(items)
        quality_ratio, receipts = quality.get(supplier.pk, (nothing, 0))
        score = SupplierScore(
            supplier=supplier,
            start=start,
            end=end,
            on_time=on_time.get(supplier.pk, nothing),
            quality=quality_ratio,
            price_index=index,
            price_value=value,
            receipts=receipts,
            open_orders=open_orders.get(supplier.pk, 0),
            payable=payables.get(supplier.pk, ZERO),
        )
        if with_price_lines:
            score.price_lines = sorted(
                (
                    PriceLine(
                        product=products[p],
                        quantity=quantity,
                        value=val,
                        average=round_price(average),
                        lowest=round_price(lowest),
                        index=(average / lowest * HUNDRED).quantize(INDEX, rounding=ROUND_HALF_UP)
                        if lowest > 0
                        else HUNDRED,
                        suppliers=n,
                    )
                    for p, quantity, val, average, lowest, n in items
                ),
                key=lambda line: (-line.value, line.product.sku),
            )
        scores.append(score)
    return scores


def supplier_score(*, supplier: Partner, days: int = DEFAULT_DAYS, today: date | None = None) -> SupplierScore:
    """One supplier's score with the price index broken down per product."""
    found = supplier_scores(
        days=days,
        today=today,
        suppliers=Partner.objects.filter(pk=supplier.pk),
        with_price_lines=True,
    )
    return found[0]


SORTS: dict[str, Callable[[SupplierScore], Any]] = {
    "code": lambda s: s.supplier.code,
    "name": lambda s: s.supplier.name,
    "class": lambda s: s.supplier.supplier_class or "~",
    "rating": lambda s: s.supplier.supplier_rating,
    "on_time": lambda s: s.on_time.pct,
    "quality": lambda s: s.quality.pct,
    "price_index": lambda s: s.price_index,
    "receipts": lambda s: s.receipts,
    "open_orders": lambda s: s.open_orders,
    "payable": lambda s: s.payable,
}


def supplier_scores_sorted(scores: Sequence[SupplierScore], sort: str) -> tuple[list[SupplierScore], str]:
    """Sort by a column (`-` for descending); suppliers with nothing to compare come last either way."""
    key = sort.lstrip("-")
    if key not in SORTS:
        sort, key = "code", "code"
    getter = SORTS[key]
    present = [s for s in scores if getter(s) is not None]
    missing = [s for s in scores if getter(s) is None]
    present.sort(key=lambda s: (getter(s), s.supplier.code), reverse=sort.startswith("-"))
    return present + missing, sort


def recent_orders(*, supplier: Partner, limit: int = 10) -> list[PurchaseOrder]:
    """The supplier's latest orders."""
    return list(
        PurchaseOrder.objects.filter(supplier=supplier).select_related("warehouse").order_by("-date", "-pk")[:limit]
    )


def recent_receipts(*, supplier: Partner, limit: int = 10) -> list[PurchaseReceipt]:
    """The supplier's latest receipts (reversals included)."""
    return list(
        PurchaseReceipt.objects.filter(supplier=supplier).select_related("warehouse").order_by("-date", "-pk")[:limit]
    )
