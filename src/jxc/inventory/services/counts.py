"""Stock counts (盘点): take the book, count (typed or scanned), review variances, approve, post gains and losses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record
from jxc.catalog.models import Product
from jxc.catalog.selectors import category_descendant_ids
from jxc.core.db import retrying_atomic
from jxc.core.errors import Forbidden, ValidationFailed
from jxc.core.numbers import is_exact
from jxc.core.sequences import document_number_next
from jxc.inventory.choices import CountStatus, MoveKind
from jxc.inventory.errors import AlreadyReversed, CountNotReady, InvalidQuantity
from jxc.inventory.models import Location, Lot, StockCount, StockCountLine, StockMove, StockPosting, StockQuant
from jxc.inventory.selectors import warehouses_of
from jxc.inventory.services.posting import Leg, Source, check_open, stock_post
from jxc.inventory.services.reversal import posting_reverse

SOURCE_TYPE = "inventory.stockcount"


@dataclass
class CountEntry:
    """What a counter reports: a product at a location (and lot), either the total counted or one more scan."""

    product_id: int
    location_id: int
    quantity: Decimal
    lot_id: int | None = None
    add: bool = False


def _status_error(count: StockCount) -> CountNotReady:
    return CountNotReady(number=count.number, status=count.get_status_display())


@transaction.atomic
def stock_count_create(
    *,
    actor: User,
    warehouse_id: int,
    day: date,
    location_ids: list[int] | None = None,
    category_ids: list[int] | None = None,
    blind: bool = False,
    notes: str = "",
) -> StockCount:
    """Open a count sheet: one line per product, location and lot with stock, its book quantity taken now."""
    warehouse = warehouses_of(user=actor).filter(pk=warehouse_id, active=True).first()
    if warehouse is None:
        raise ValidationFailed.one("warehouse_id", _("Choose a warehouse you may use."))
    check_open(day)
    locations = list(Location.objects.filter(warehouse=warehouse, pk__in=location_ids or []))
    if location_ids and len(locations) != len(set(location_ids)):
        raise ValidationFailed.one(
            "location_ids", _("Choose locations of %(warehouse)s.") % {"warehouse": warehouse.name}
        )
    count = StockCount.objects.create(
        number=document_number_next(prefix="PD", on=timezone.localdate()),
        date=day,
        warehouse=warehouse,
        blind=blind,
        notes=notes.strip(),
        created_by=actor,
        snapshot_move_id=StockMove.objects.aggregate(last=Max("pk"))["last"] or 0,
    )
    count.locations.set(locations)
    count.categories.set(category_ids or [])
    quants = StockQuant.objects.filter(warehouse=warehouse).exclude(on_hand=0)
    if locations:
        quants = quants.filter(location__in=locations)
    if category_ids:
        wanted: set[int] = set()
        for category_id in category_ids:
            wanted |= category_descendant_ids(category_id)
        quants = quants.filter(product__category_id__in=wanted)
    StockCountLine.objects.bulk_create(
        [
            StockCountLine(
                count=count,
                product_id=q.product_id,
                location_id=q.location_id,
                lot_id=q.lot_id,
                book_quantity=q.on_hand,
            )
            for q in quants.order_by("location__code", "product__sku")
        ]
    )
    audit_record(
        actor=actor,
        action="stock_count.created",
        target=count,
        after={"warehouse": warehouse.pk, "lines": count.lines.count(), "blind": blind},
    )
    return count


def _in_scope(count: StockCount, product: Product, location: Location) -> bool:
    if location.warehouse_id != count.warehouse_id:
        return False
    locations = set(count.locations.values_list("pk", flat=True))
    if locations and location.pk not in locations:
        return False
    categories = list(count.categories.values_list("pk", flat=True))
    if categories:
        wanted: set[int] = set()
        for category_id in categories:
            wanted |= category_descendant_ids(category_id)
        return product.category_id in wanted
    return True


@transaction.atomic
def stock_count_record(*, actor: User, count: StockCount, entries: list[CountEntry]) -> list[StockCountLine]:
    """Record counted quantities (set, or add one scan); a product found where the book had none gets a line."""
    count = StockCount.objects.select_for_update(of=("self",)).get(pk=count.pk)
    if count.status != CountStatus.COUNTING:
        raise _status_error(count)
    changed = []
    now = timezone.now()
    for i, entry in enumerate(entries):
        product = Product.objects.select_related("base_unit").filter(pk=entry.product_id).first()
        location = Location.objects.filter(pk=entry.location_id).first()
        if product is None or location is None or not _in_scope(count, product, location):
            raise ValidationFailed.one(
                f"entries.{i}.product_id", _("This product or location is not part of the count.")
            )
        if entry.quantity < 0 or (entry.add and entry.quantity == 0):
            raise InvalidQuantity(field=f"entries.{i}.quantity", product=product.name)
        if not is_exact(entry.quantity, product.base_unit.decimals):
            raise ValidationFailed.one(
                f"entries.{i}.quantity", _("%(unit)s is counted in whole steps.") % {"unit": product.base_unit.name}
            )
        if product.track_lots and entry.lot_id is None:
            raise ValidationFailed.one(
                f"entries.{i}.lot_id", _("%(product)s is tracked by lot: choose the batch.") % {"product": product.name}
            )
        if entry.lot_id is not None and not Lot.objects.filter(pk=entry.lot_id, product=product).exists():
            raise ValidationFailed.one(f"entries.{i}.lot_id", _("Unknown batch."))
        lot_filter = Q(lot_id=entry.lot_id) if entry.lot_id else Q(lot__isnull=True)
        line = count.lines.filter(lot_filter, product=product, location=location).first()
        if line is None:
            line = StockCountLine(count=count, product=product, location=location, lot_id=entry.lot_id, book_quantity=0)
        line.counted_quantity = (line.counted_quantity or 0) + entry.quantity if entry.add else entry.quantity
        line.counted_by, line.counted_at = actor, now
        line.save()
        changed.append(line)
    return changed


def _flag_moved(count: StockCount) -> None:
    """Flag lines whose product moved at that place after the book was taken (only moves since the count began)."""
    moved = set(
        StockMove.objects.filter(pk__gt=count.snapshot_move_id, warehouse_id=count.warehouse_id).values_list(
            "product_id", "location_id", "lot_id"
        )
    )
    for line in count.lines.all():
        flag = (line.product_id, line.location_id, line.lot_id) in moved
        if flag != line.moved_during_count:
            line.moved_during_count = flag
            line.save(update_fields=["moved_during_count"])


@transaction.atomic
def stock_count_submit(*, actor: User, count: StockCount, uncounted_as_zero: bool = False) -> StockCount:
    """Finish counting. Lines nobody counted are refused unless the counter says they were not there (zero)."""
    count = StockCount.objects.select_for_update(of=("self",)).get(pk=count.pk)
    if count.status != CountStatus.COUNTING:
        raise _status_error(count)
    uncounted = count.lines.filter(counted_quantity__isnull=True)
    if uncounted.exists() and not uncounted_as_zero:
        raise ValidationFailed.one("lines", _("%(n)s lines are not counted yet.") % {"n": uncounted.count()})
    uncounted.update(counted_quantity=0)
    _flag_moved(count)
    count.status = CountStatus.SUBMITTED
    count.save(update_fields=["status"])
    audit_record(actor=actor, action="stock_count.submitted", target=count, after={"status": count.status})
    return count


@transaction.atomic
def stock_count_approve(*, actor: User, count: StockCount) -> StockCount:
    """Approve the variances of a submitted count (needs the approve permission)."""
    if not actor.has_perm("inventory.approve_stockcount"):
        raise Forbidden()
    count = StockCount.objects.select_for_update(of=("self",)).get(pk=count.pk)
    if count.status != CountStatus.SUBMITTED:
        raise _status_error(count)
    _flag_moved(count)
    count.status = CountStatus.APPROVED
    count.approved_by, count.approved_at = actor, timezone.now()
    count.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(actor=actor, action="stock_count.approved", target=count, after={"status": count.status})
    return count


@retrying_atomic
def stock_count_post(*, actor: User, count: StockCount) -> StockCount:
    """Post the gains (盘盈) and losses (盘亏) of an approved count at the current moving-average cost."""
    if not actor.has_perm("inventory.approve_stockcount"):
        raise Forbidden()
    count = StockCount.objects.select_for_update(of=("self",)).get(pk=count.pk)
    if count.status == CountStatus.POSTED:
        return count
    if count.status != CountStatus.APPROVED:
        raise _status_error(count)
    lines = [ln for ln in count.lines.select_related("product") if ln.difference]
    legs = []
    for line in lines:
        difference = line.difference
        legs.append(
            Leg(
                product_id=line.product_id,
                warehouse_id=count.warehouse_id,
                location_id=line.location_id,
                quantity=difference,
                kind=MoveKind.COUNT_GAIN if difference > 0 else MoveKind.COUNT_LOSS,
                lot_id=line.lot_id,
                line_id=line.pk,
                allow_expired=True,
            )
        )
    if legs:
        posting = stock_post(source=Source(SOURCE_TYPE, count.pk, count.number), day=count.date, legs=legs, actor=actor)
        values = {m.line_id: m.value for m in posting.moves.exclude(kind=MoveKind.COST_VARIANCE)}
        for line in lines:
            line.value = values[line.pk]
            line.save(update_fields=["value"])
    count.status = CountStatus.POSTED
    count.posted_by, count.posted_at = actor, timezone.now()
    count.save(update_fields=["status", "posted_by", "posted_at"])
    audit_record(
        actor=actor,
        action="stock_count.posted",
        target=count,
        after={
            "status": count.status,
            "gains": sum(1 for leg in legs if leg.quantity > 0),
            "losses": sum(1 for leg in legs if leg.quantity < 0),
        },
    )
    return count


@transaction.atomic
def stock_count_cancel(*, actor: User, count: StockCount) -> StockCount:
    """Abandon a count that was not posted."""
    count = StockCount.objects.select_for_update(of=("self",)).get(pk=count.pk)
    if count.status not in {CountStatus.COUNTING, CountStatus.SUBMITTED, CountStatus.APPROVED}:
        raise _status_error(count)
    count.status = CountStatus.CANCELLED
    count.save(update_fields=["status"])
    audit_record(actor=actor, action="stock_count.cancelled", target=count, after={"status": count.status})
    return count


@retrying_atomic
def stock_count_reverse(*, actor: User, count: StockCount, day: date | None = None) -> StockCount:
    """红冲 a posted count: its gains and losses are taken back exactly."""
    if not actor.has_perm("inventory.approve_stockcount"):
        raise Forbidden()
    count = StockCount.objects.select_for_update(of=("self",)).get(pk=count.pk)
    if count.status == CountStatus.REVERSED:
        raise AlreadyReversed(number=count.number, reversal=count.number)
    if count.status != CountStatus.POSTED:
        raise _status_error(count)
    day = day or max(timezone.localdate(), count.date)
    posting = StockPosting.objects.filter(source_type=SOURCE_TYPE, source_id=count.pk, phase="post").first()
    if posting is not None:
        posting_reverse(
            posting=posting, source=Source(SOURCE_TYPE, count.pk, count.number, "reverse"), day=day, actor=actor
        )
    count.status = CountStatus.REVERSED
    count.save(update_fields=["status"])
    audit_record(actor=actor, action="stock_count.reversed", target=count, after={"status": count.status})
    return count
