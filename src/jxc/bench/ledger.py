"""`jxc bench ledger`: posting throughput through the real document services, on an empty ledger and after
millions of existing moves. Posting reads only the rows it locks, so the figures should not depend on the
ledger's size.

Existing history is generated in bulk (the one place bulk inserts are used): moves spread over two years,
with the balances, quants and cost states set to exactly what the moves sum to, so `jxc check` passes.
"""

from __future__ import annotations

import contextlib
import random
import resource
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from jxc.accounts.models import User
from jxc.bench.steps import check_figures, owner_ready
from jxc.catalog.models import Product, Unit
from jxc.catalog.services.products import ProductData, product_create
from jxc.catalog.services.taxonomy import UnitData, unit_save
from jxc.core.numbers import round_money
from jxc.inventory.choices import DocumentKind, IssueReason, MoveKind, ReceiptReason
from jxc.inventory.models import CostState, Location, StockBalance, StockMove, StockPosting, StockQuant, Warehouse
from jxc.inventory.services.documents import DocumentData, LineData, stock_document_create, stock_document_post
from jxc.inventory.services.warehouses import LocationData, WarehouseData, location_save, warehouse_create

LINES_PER_DOCUMENT = 5
SEED_BATCH = 5000


@dataclass
class Fixture:
    """The master data the bench posts against."""

    owner: User
    warehouse: Warehouse
    locations: list[Location]
    products: list[Product]
    stock: dict[tuple[int, int], Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def prepare(*, products: int, seed: int) -> Fixture:
    """A company, one warehouse with three locations and `products` products, made through the services (or those
    of an earlier run in the same database)."""
    owner = owner_ready()
    unit = Unit.objects.filter(name="件").first() or unit_save(actor=owner, data=UnitData(name="件"))
    warehouse = Warehouse.objects.filter(code="BENCH").first()
    if warehouse is None:
        warehouse = warehouse_create(actor=owner, data=WarehouseData(code="BENCH", name="基准仓"))
        for code in ("A", "B", "C"):
            location_save(actor=owner, warehouse=warehouse, data=LocationData(code=code))
    rng = random.Random(seed)
    known = {p.sku: p for p in Product.objects.filter(sku__startswith="B", name__startswith="基准商品")}
    made = []
    for i in range(products):
        price = Decimal(rng.randint(100, 20000)) / 100
        sku = f"B{i:05d}"
        made.append(
            known.get(sku)
            or product_create(
                actor=owner,
                data=ProductData(sku=sku, name=f"基准商品{i:05d}", base_unit_id=unit.pk, purchase_price=price),
            )
        )
    fixture = Fixture(owner, warehouse, list(warehouse.locations.order_by("code")), made)
    for product_id, location_id, on_hand in StockQuant.objects.filter(
        warehouse=warehouse, location__in=fixture.locations, on_hand__gt=0
    ).values_list("product_id", "location_id", "on_hand"):
        fixture.stock[(product_id, location_id)] = on_hand
    return fixture


def post_documents(fixture: Fixture, *, documents: int, seed: int) -> dict[str, Any]:
    """Post `documents` documents of five lines, receipts and issues taking turns; time them end to end."""
    rng = random.Random(seed)
    moves_before = StockMove.objects.count()
    started = time.perf_counter()
    for n in range(documents):
        receipt = n % 2 == 0
        lines = []
        for product in rng.sample(fixture.products, LINES_PER_DOCUMENT):
            location = rng.choice(fixture.locations)
            key = (product.pk, location.pk)
            if receipt:
                quantity = Decimal(rng.randint(10, 60))
                fixture.stock[key] += quantity
                lines.append(
                    LineData(
                        product_id=product.pk,
                        quantity=quantity,
                        location_id=location.pk,
                        unit_cost=product.purchase_price,
                    )
                )
            elif fixture.stock[key] > 0:
                quantity = Decimal(rng.randint(1, int(min(fixture.stock[key], 10))))
                fixture.stock[key] -= quantity
                lines.append(LineData(product_id=product.pk, quantity=quantity, location_id=location.pk))
        if not lines:
            continue
        data = DocumentData(
            kind=DocumentKind.RECEIPT if receipt else DocumentKind.ISSUE,
            date=timezone.localdate(),
            warehouse_id=fixture.warehouse.pk,
            reason=ReceiptReason.OTHER if receipt else IssueReason.INTERNAL_USE,
            lines=lines,
        )
        document = stock_document_create(actor=fixture.owner, data=data)
        stock_document_post(actor=fixture.owner, document=document)
    seconds = time.perf_counter() - started
    moves = StockMove.objects.count() - moves_before
    return {
        "documents": documents,
        "moves": moves,
        "seconds": round(seconds, 3),
        "documents_per_second": round(documents / seconds, 1),
        "moves_per_second": round(moves / seconds, 1),
        "ms_per_document": round(seconds * 1000 / documents, 2),
    }


def seed_history(fixture: Fixture, *, moves: int, seed: int) -> float:
    """Add `moves` historical moves in bulk, dated over the last two years, keeping every cache exact."""
    if moves <= 0:
        return 0.0
    rng = random.Random(seed)
    started = time.perf_counter()
    today = timezone.localdate()
    first_day = today - timedelta(days=730)
    scope: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    quants: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    base_unit = fixture.products[0].base_unit_id
    next_source = (StockPosting.objects.aggregate(m=Max("source_id"))["m"] or 0) + 1
    made = 0
    with transaction.atomic():
        while made < moves:
            batch = min(SEED_BATCH, moves - made)
            postings = StockPosting.objects.bulk_create(
                [
                    StockPosting(
                        source_type="bench.history",
                        source_id=next_source + i,
                        source_number=f"H{next_source + i}",
                        phase="post",
                        date=first_day + timedelta(days=(made + i * 10) * 730 // moves),
                    )
                    for i in range((batch + 9) // 10)
                ]
            )
            next_source += len(postings)
            rows = []
            for i in range(batch):
                posting = postings[i // 10]
                product = rng.choice(fixture.products)
                location = rng.choice(fixture.locations)
                state = scope[product.pk]
                on_hand = quants[(product.pk, location.pk)]
                if on_hand >= 5 and rng.random() < 0.45:
                    quantity = -Decimal(rng.randint(1, int(min(on_hand, 20))))
                    value = -(state[1] if -quantity == state[0] else round_money(state[1] * -quantity / state[0]))
                    kind = MoveKind.ISSUE
                else:
                    quantity = Decimal(rng.randint(5, 40))
                    value = round_money(quantity * product.purchase_price * Decimal(rng.randint(90, 110)) / 100)
                    kind = MoveKind.RECEIPT
                state[0] += quantity
                state[1] += value
                quants[(product.pk, location.pk)] += quantity
                rows.append(
                    StockMove(
                        posting=posting,
                        date=posting.date,
                        kind=kind,
                        product_id=product.pk,
                        warehouse_id=fixture.warehouse.pk,
                        location_id=location.pk,
                        quantity=quantity,
                        value=value,
                        unit_id=base_unit,
                        unit_quantity=quantity,
                        factor=1,
                        scope_quantity=state[0],
                        scope_value=state[1],
                    )
                )
            StockMove.objects.bulk_create(rows, batch_size=SEED_BATCH)
            made += batch
        _add_to_caches(fixture, scope, quants)
    _settle()
    return time.perf_counter() - started


def _settle() -> None:
    """Bring the database to the steady state a live system is in (statistics fresh, no vacuum pending after the
    bulk load), so the measurement that follows is of posting and not of the aftermath of seeding."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("inventory_stockmove", "inventory_stockposting", "inventory_stockquant"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            with contextlib.suppress(DatabaseError):  # needs superuser or pg_checkpoint; only noisier without
                cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")


def _add_to_caches(fixture: Fixture, scope: dict[int, list[Decimal]], quants: dict[tuple[int, int], Decimal]) -> None:
    for product_id, (quantity, value) in scope.items():
        state, _ = CostState.objects.get_or_create(product_id=product_id, warehouse=None)
        state.quantity += quantity
        state.value += value
        state.save(update_fields=["quantity", "value"])
        balance, _ = StockBalance.objects.get_or_create(product_id=product_id, warehouse=fixture.warehouse)
        balance.on_hand += quantity
        balance.save(update_fields=["on_hand"])
    for (product_id, location_id), quantity in quants.items():
        quant = StockQuant.objects.filter(product_id=product_id, location_id=location_id, lot__isnull=True).first()
        if quant is None:
            quant = StockQuant(product_id=product_id, warehouse=fixture.warehouse, location_id=location_id)
        quant.on_hand += quantity
        quant.save()
        fixture.stock[(product_id, location_id)] += quantity


def run(*, existing: list[int], documents: int, products: int, seed: int, check: bool) -> dict[str, Any]:
    """Measure posting throughput at each ledger size in `existing` (ascending), in one fresh database."""
    fixture = prepare(products=products, seed=seed)
    phases = []
    seeded = 0
    for target in sorted(existing):
        seed_seconds = seed_history(fixture, moves=target - seeded, seed=seed + target)
        seeded = target
        phase = post_documents(fixture, documents=documents, seed=seed + target + 1)
        phases.append(
            {
                "existing_moves": StockMove.objects.count() - phase["moves"],
                "seed_seconds": round(seed_seconds, 1),
                **phase,
            }
        )
    result: dict[str, Any] = {
        "benchmark": "ledger",
        "database": connection.vendor,
        "products": products,
        "lines_per_document": LINES_PER_DOCUMENT,
        "phases": phases,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if len(phases) > 1:
        result["throughput_ratio_largest_vs_smallest"] = round(
            phases[-1]["documents_per_second"] / phases[0]["documents_per_second"], 3
        )
    if check:
        result["check"] = check_figures()
    return result


def run_in_place(*, documents: int, products: int, seed: int, check: bool) -> dict[str, Any]:
    """Measure posting throughput on the configured database as it is (say after `jxc seed-large --moves 10m`):
    `documents` documents are posted into it, in a warehouse of their own."""
    fixture = prepare(products=products, seed=seed)  # migrates a new database first
    existing = StockMove.objects.count()
    phase = post_documents(fixture, documents=documents, seed=seed + 1)
    result: dict[str, Any] = {
        "benchmark": "ledger",
        "database": connection.vendor,
        "in_place": True,
        "products": products,
        "lines_per_document": LINES_PER_DOCUMENT,
        "phases": [{"existing_moves": existing, **phase}],
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if check:
        result["check"] = check_figures()
    return result
