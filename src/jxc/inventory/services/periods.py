"""Stock periods (月结 for the stock ledger): close a month with snapshots, reopen the latest one."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.accounts.models import Company, User
from jxc.accounts.services.audit import audit_record
from jxc.core.db import ledger_lock
from jxc.core.errors import Forbidden
from jxc.core.numbers import ZERO
from jxc.inventory.choices import PeriodStatus
from jxc.inventory.errors import PeriodOrder
from jxc.inventory.models import CostSnapshot, StockMove, StockPeriod, StockSnapshot


@dataclass(frozen=True)
class PeriodHook:
    """What an app above inventory does when a period closes or reopens (finance: partner and cash snapshots).

    `close(period, previous)` runs inside the close transaction after the stock snapshots, with the previous closed
    period (or None); `reopen(period)` runs inside the reopen transaction and drops what `close` wrote.
    """

    close: Callable[[StockPeriod, StockPeriod | None], None]
    reopen: Callable[[StockPeriod], None]


_hooks: list[PeriodHook] = []


def period_hook_register(hook: PeriodHook) -> PeriodHook:
    """Add a hook (apps register theirs in `AppConfig.ready`; registering an equal hook twice keeps one)."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def month_bounds(day: date) -> tuple[date, date]:
    """The first and last day of the month of `day`."""
    start = day.replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _previous_closed(before: date) -> StockPeriod | None:
    return StockPeriod.objects.filter(status=PeriodStatus.CLOSED, end__lt=before).order_by("-end").first()


@transaction.atomic
def stock_period_close(*, actor: User, month: date) -> StockPeriod:
    """Close the month containing `month`: write on-hand and cost snapshots; earlier months must be closed."""
    if not actor.has_perm("inventory.close_stockperiod"):
        raise Forbidden()
    start, end = month_bounds(month)
    ledger_lock(exclusive=True)  # postings in flight commit first; new ones wait and then see the period closed
    if end >= timezone.localdate():
        raise PeriodOrder(reason=_("%(month)s has not ended yet.") % {"month": f"{start:%Y-%m}"})
    period, _created = StockPeriod.objects.select_for_update(of=("self",)).get_or_create(
        start=start, defaults={"end": end}
    )
    if period.status == PeriodStatus.CLOSED:
        return period
    previous = _previous_closed(start)
    first_move = StockMove.objects.order_by("date").values_list("date", flat=True).first()
    gap_from = previous.end + timedelta(days=1) if previous else first_move
    if gap_from is not None and gap_from < start:
        raise PeriodOrder(reason=_("Close %(month)s first.") % {"month": f"{gap_from:%Y-%m}"})
    _snapshot(period, previous)
    for hook in _hooks:
        hook.close(period, previous)
    period.status = PeriodStatus.CLOSED
    period.closed_at, period.closed_by = timezone.now(), actor
    period.save(update_fields=["status", "closed_at", "closed_by"])
    audit_record(actor=actor, action="stock_period.closed", target=period, after={"period": f"{start:%Y-%m}"})
    return period


def _snapshot(period: StockPeriod, previous: StockPeriod | None) -> None:
    """Balances at the period end: the previous snapshot plus the moves dated inside this period."""
    quants: dict[tuple[int, int, int, int | None], Decimal] = {}
    costs: dict[tuple[int, int | None], tuple[Decimal, Decimal]] = {}
    if previous is not None:
        for s in previous.stock_snapshots.all():
            quants[(s.product_id, s.warehouse_id, s.location_id, s.lot_id)] = s.quantity
        for c in previous.cost_snapshots.all():
            costs[(c.product_id, c.warehouse_id)] = (c.quantity, c.value)
    moves = StockMove.objects.filter(date__lte=period.end)
    if previous is not None:
        moves = moves.filter(date__gt=previous.end)
    for r in moves.values("product_id", "warehouse_id", "location_id", "lot_id").annotate(q=Sum("quantity")):
        quant_key = (r["product_id"], r["warehouse_id"], r["location_id"], r["lot_id"])
        quants[quant_key] = quants.get(quant_key, ZERO) + r["q"]
    per_warehouse = any(w is not None for _p, w in costs) or _per_warehouse()
    group = ("product_id", "warehouse_id") if per_warehouse else ("product_id",)
    for r in moves.values(*group).annotate(q=Sum("quantity"), v=Sum("value")):
        scope_key = (r["product_id"], r.get("warehouse_id"))
        q, v = costs.get(scope_key, (ZERO, ZERO))
        costs[scope_key] = (q + r["q"], v + r["v"])
    StockSnapshot.objects.bulk_create(
        [
            StockSnapshot(period=period, product_id=p, warehouse_id=w, location_id=loc, lot_id=lot, quantity=q)
            for (p, w, loc, lot), q in quants.items()
            if q != 0
        ],
        batch_size=2000,
    )
    CostSnapshot.objects.bulk_create(
        [
            CostSnapshot(period=period, product_id=p, warehouse_id=w, quantity=q, value=v)
            for (p, w), (q, v) in costs.items()
            if q != 0 or v != 0
        ],
        batch_size=2000,
    )


def _per_warehouse() -> bool:
    company = Company.objects.order_by("pk").first()
    return bool(company and company.cost_per_warehouse)


@transaction.atomic
def stock_period_reopen(*, actor: User, period: StockPeriod) -> StockPeriod:
    """Reopen the latest closed period (owner only): its snapshots are dropped and postings allowed again."""
    if not actor.has_perm("inventory.reopen_stockperiod"):
        raise Forbidden()
    period = StockPeriod.objects.select_for_update(of=("self",)).get(pk=period.pk)
    if period.status != PeriodStatus.CLOSED:
        return period
    if StockPeriod.objects.filter(status=PeriodStatus.CLOSED, start__gt=period.start).exists():
        raise PeriodOrder(reason=_("Reopen the later periods first."))
    period.stock_snapshots.all().delete()
    period.cost_snapshots.all().delete()
    for hook in _hooks:
        hook.reopen(period)
    period.status = PeriodStatus.OPEN
    period.closed_at, period.closed_by = None, None
    period.save(update_fields=["status", "closed_at", "closed_by"])
    audit_record(actor=actor, action="stock_period.reopened", target=period, after={"period": f"{period.start:%Y-%m}"})
    return period
