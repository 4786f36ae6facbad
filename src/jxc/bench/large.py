"""`jxc seed-large --moves 1m`: a large, realistic history in the configured database, to measure reports at scale.

1. Migrate and set up the company if needed; refuse a database that already has stock moves or closed periods.
2. Master data through the real services: categories and products, suppliers and customers with payment terms,
   salespeople, warehouses with locations, a bank and a cash account with an opening balance.
3. The history in bulk (`large_history`: purchase receipts, sales shipments and payments with their postings, moves,
   partner-ledger entries, open items, allocations and cash entries), written by `large_bulk`.
4. The caches set to exactly what the history sums to (balances, quants, cost states, partner balances, cash
   balances, supplier prices, document number series), PostgreSQL's id sequences moved past the loaded ids.
5. Planner statistics gathered, every month before the current one closed through `stock_period_close` (stock,
   cost, partner, cash and sales snapshots), then ANALYZE (SQLite) / VACUUM ANALYZE (PostgreSQL).

Same options and seed, same data. Returns a JSON-able summary. A company set up here gets the owner `owner` with the
password `bench-Pass-2026` (as `jxc bench ledger`): a benchmark database, not one to serve to anybody.
"""

from __future__ import annotations

import contextlib
import resource
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from jxc.accounts.models import User
from jxc.accounts.services.company import company_setup
from jxc.bench.large_bulk import Formats, Writer, indexes_dropped, sequences_reset
from jxc.bench.large_history import Catalogue, History, Totals, history_tables
from jxc.bench.large_master import FIRST_SKU, OWNER_PASSWORD, MasterData, master_data_create
from jxc.catalog.models import Product
from jxc.core.models import Sequence
from jxc.finance.models import CashAccount
from jxc.inventory.choices import PeriodStatus
from jxc.inventory.models import CostState, StockBalance, StockMove, StockPeriod, StockQuant
from jxc.inventory.services.periods import month_bounds, stock_period_close
from jxc.partners.models import PartnerBalance
from jxc.purchasing.models import SupplierProduct

DEFAULT_SEED = 20261123
REBUILD_FROM = 100_000  # moves: below, keeping the indexes up row by row costs less than building them again


class SeedRefused(Exception):
    """The database is not one to seed (it already has a history)."""


def parse_count(text: str) -> int:
    """A count as people write it: 3000, 10k, 1m, 2.5M, 10_000."""
    cleaned = text.strip().lower().replace("_", "").replace(",", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(cleaned[-1:], 1)
    number = cleaned[:-1] if factor > 1 else cleaned
    try:
        value = int(Decimal(number) * factor)
    except ArithmeticError as error:
        raise ValueError(f"not a count: {text!r}") from error
    if value <= 0:
        raise ValueError(f"not a positive count: {text!r}")
    return value


def seed(
    *,
    moves: int,
    products: int = 2000,
    customers: int = 500,
    suppliers: int = 50,
    warehouses: int = 3,
    years: int = 3,
    seed: int = DEFAULT_SEED,
    rebuild_indexes: bool | None = None,
) -> dict[str, Any]:
    """Fill the configured database with `moves` stock moves of history over `years` years ending yesterday.

    `rebuild_indexes`: load without the plain indexes and build them afterwards (default: from REBUILD_FROM moves).
    """
    for name, value in (("moves", moves), ("products", products), ("customers", customers), ("suppliers", suppliers)):
        if value < 1:
            raise ValueError(f"{name} must be at least 1")
    if not 1 <= warehouses <= 99 or not 1 <= years <= 30:
        raise ValueError("warehouses must be 1–99 and years 1–30")
    phases: dict[str, float] = {}
    started = time.perf_counter()
    with _phase(phases, "setup"):
        owner = _prepare()
    last = timezone.localdate() - timedelta(days=1)
    first = last - timedelta(days=round(365.25 * years) - 1)
    with _phase(phases, "master_data"), transaction.atomic():
        master = master_data_create(
            owner=owner,
            products=products,
            customers=customers,
            suppliers=suppliers,
            warehouses=warehouses,
            first=first,
            seed=seed,
        )
    rebuild = moves >= REBUILD_FROM if rebuild_indexes is None else rebuild_indexes
    with _phase(phases, "history"):
        history, totals = _load(master, moves=moves, first=first, last=last, seed=seed, rebuild=rebuild, phases=phases)
    with _phase(phases, "caches"), transaction.atomic():
        stock_value = _caches(history, master)
        sequences_reset(history.tables[name].model for name in history.tables)
    with _phase(phases, "periods"):
        _analyze()  # the month closes sum the history: plan them on its real size, not an empty table's
        closed = _close_periods(owner, first)
    with _phase(phases, "analyze"):
        _settle()
    seconds = time.perf_counter() - started
    return _summary(master, totals, first, last, closed, stock_value, phases, seconds)


def _load(
    master: MasterData, *, moves: int, first: date, last: date, seed: int, rebuild: bool, phases: dict[str, float]
) -> tuple[History, Totals]:
    """Simulate and write the history (without the plain indexes when `rebuild`, built again at the end)."""
    tables = [table.name for table in history_tables().values()]
    with _bulk_settings(), indexes_dropped(tables) if rebuild else contextlib.nullcontext():
        writer = Writer()
        try:
            fmt = Formats.for_vendor(connection.vendor)
            history = History(master.catalogue, moves=moves, first=first, last=last, seed=seed, writer=writer, fmt=fmt)
            totals = history.run()
        finally:
            writer.close()
        phases["writer_busy"] = round(sum(writer.seconds.values()), 2)
        indexing = time.perf_counter()
    phases["indexing"] = round(time.perf_counter() - indexing, 2)
    return history, totals


@contextlib.contextmanager
def _phase(phases: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    phases[name] = round(time.perf_counter() - started, 2)


def _prepare() -> User:
    """Migrate when needed, set the company up, refuse a database with a history; the owner."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)
    if StockMove.objects.exists():
        raise SeedRefused("The database already holds stock moves: seed-large only fills an empty ledger.")
    if StockPeriod.objects.filter(status=PeriodStatus.CLOSED).exists():
        raise SeedRefused("The database has closed periods: seed-large only fills an empty ledger.")
    if Product.objects.filter(sku=FIRST_SKU).exists():
        raise SeedRefused("An earlier seed-large stopped before its history: start again on a fresh database.")
    first = company_setup(owner_password=OWNER_PASSWORD)
    owner = first.owner or User.objects.filter(groups__name="owner", is_active=True).order_by("pk").first()
    if owner is None:
        raise SeedRefused("The company has no active owner to record the history as.")
    return owner


@contextlib.contextmanager
def _bulk_settings() -> Iterator[None]:
    """A larger page cache for SQLite (the indexes of a long ledger stay in memory while it loads), no waiting
    for the disk at each batch's commit on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size")
            before = cursor.fetchone()[0]
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
        elif not connection.in_atomic_block:
            cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"PRAGMA cache_size = {int(before)}")
            elif not connection.in_atomic_block:
                cursor.execute("RESET synchronous_commit")


def _caches(history: History, master: MasterData) -> Decimal:
    """Balances, quants, cost states, partner and cash balances, supplier prices and number series: exactly what
    the history adds up to (added to the rows that exist). Returns the stock value."""
    cat = history.cat
    n_w = len(cat.warehouses)
    touched = [k for k, n in enumerate(history.counts) if n]
    balances = {(b.product_id, b.warehouse_id): b for b in StockBalance.objects.filter(product_id__in=cat.product_ids)}
    quants = {
        (q.product_id, q.location_id): q
        for q in StockQuant.objects.filter(product_id__in=cat.product_ids, lot__isnull=True)
    }
    new_balances: list[StockBalance] = []
    new_quants: list[StockQuant] = []
    for k in touched:
        p, w = divmod(k, n_w)
        product, warehouse = cat.product_ids[p], cat.warehouses[w]
        location = cat.locations[w][p % len(cat.locations[w])]
        on_hand = Decimal(history.stock[k])
        balance = balances.get((product, warehouse))
        if balance is None:
            new_balances.append(
                StockBalance(product_id=product, warehouse_id=warehouse, on_hand=on_hand, version=history.counts[k])
            )
        else:
            balance.on_hand += on_hand
            balance.version += history.counts[k]
            balance.save(update_fields=["on_hand", "version", "updated_at"])
        quant = quants.get((product, location))
        if quant is None:
            new_quants.append(
                StockQuant(product_id=product, warehouse_id=warehouse, location_id=location, on_hand=on_hand)
            )
        else:
            quant.on_hand += on_hand
            quant.save(update_fields=["on_hand"])
    StockBalance.objects.bulk_create(new_balances, batch_size=2000)
    StockQuant.objects.bulk_create(new_quants, batch_size=2000)
    value = Decimal(0)
    states = {s.product_id: s for s in CostState.objects.filter(product_id__in=cat.product_ids, warehouse=None)}
    new_states: list[CostState] = []
    for p, product in enumerate(cat.product_ids):
        if not history.totals.product_moves[p]:
            continue
        state = states.get(product) or CostState(product_id=product)
        state.quantity += Decimal(history.cost_q[p])
        state.value += Decimal(history.cost_v[p]).scaleb(-2)
        value += Decimal(history.cost_v[p]).scaleb(-2)
        if p in history.last_cost:
            q, v = history.last_cost[p]
            state.last_unit_cost = (Decimal(v) / 100 / q).quantize(Decimal("0.000001"))
        if state.pk is None:
            new_states.append(state)
        else:
            state.save(update_fields=["quantity", "value", "last_unit_cost"])
    CostState.objects.bulk_create(new_states, batch_size=2000)
    _partner_and_cash(history)
    _supplier_prices(history)
    Sequence.objects.bulk_create(
        [Sequence(key=key, last=last) for key, last in history.sequences.items()],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["last"],
    )
    return value


def _partner_and_cash(history: History) -> None:
    existing = set(
        PartnerBalance.objects.filter(pk__in=list(history.ledger.partner_balance)).values_list("pk", flat=True)
    )
    for partner_id, (receivable, payable) in history.ledger.partner_balance.items():
        values = {"receivable": Decimal(receivable).scaleb(-2), "payable": Decimal(payable).scaleb(-2)}
        if partner_id in existing:
            PartnerBalance.objects.filter(pk=partner_id).update(**values)
        else:
            PartnerBalance.objects.create(partner_id=partner_id, **values)
    for account_id, balance in history.ledger.cash.items():
        CashAccount.objects.filter(pk=account_id).update(balance=Decimal(balance).scaleb(-2))


def _supplier_prices(history: History) -> None:
    """Each supplier's last price per product (as `supplier_price_remember` keeps it); the main one preferred."""
    cat = history.cat
    known = set(SupplierProduct.objects.filter(product_id__in=cat.product_ids).values_list("supplier_id", "product_id"))
    preferred = set(SupplierProduct.objects.filter(product_id__in=cat.product_ids, preferred=True).values_list(
        "product_id", flat=True
    ))  # fmt: skip
    rows = []
    for (s, p), (price, day) in sorted(history.supplier_prices.items()):
        supplier, product = cat.suppliers[s].id, cat.product_ids[p]
        if (supplier, product) in known:
            continue
        main = cat.suppliers_of[p][0] == s and product not in preferred
        rows.append(
            SupplierProduct(
                supplier_id=supplier,
                product_id=product,
                last_price=Decimal(price).scaleb(-6),
                last_price_date=day,
                preferred=main,
            )
        )
    SupplierProduct.objects.bulk_create(rows, batch_size=2000)


def _close_periods(owner: User, first: date) -> int:
    """Close every month from the first one of the history to the last one before the current month."""
    this_month = timezone.localdate().replace(day=1)
    month, closed = first.replace(day=1), 0
    while month < this_month:
        stock_period_close(actor=owner, month=month)
        closed += 1
        month = month_bounds(month)[1] + timedelta(days=1)
    return closed


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _settle() -> None:
    """Fresh planner statistics (and on PostgreSQL a vacuumed visibility map), like a live system has."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            return
        if connection.in_atomic_block:  # tests: VACUUM cannot run in a transaction
            cursor.execute("ANALYZE")
            return
        cursor.execute("VACUUM (ANALYZE)")
        with contextlib.suppress(DatabaseError):  # needs superuser or pg_checkpoint; only noisier without
            cursor.execute("CHECKPOINT")


def _summary(
    master: MasterData,
    totals: Totals,
    first: date,
    last: date,
    closed: int,
    stock_value: Decimal,
    phases: dict[str, float],
    seconds: float,
) -> dict[str, Any]:
    cat: Catalogue = master.catalogue
    busiest = max(range(len(cat.product_ids)), key=lambda p: (totals.product_moves[p], -p))

    def yuan(cents: int) -> str:
        return f"{Decimal(cents).scaleb(-2):.2f}"

    return {
        "benchmark": "seed-large",
        "database": connection.vendor,
        "moves": totals.moves,
        "documents": {
            "purchase_receipts": totals.receipts,
            "purchase_receipt_lines": totals.receipt_lines,
            "sales_shipments": totals.shipments,
            "sales_shipment_lines": totals.shipment_lines,
            "tracking_events": totals.events,
        },
        "payments": {
            "receipts_of_payment": totals.payments_in,
            "payments": totals.payments_out,
            "documents_part_paid": totals.part_paid,
            "documents_unpaid": totals.unpaid,
        },
        "master_data": {
            "products": len(cat.product_ids),
            "customers": len(cat.customers),
            "suppliers": len(cat.suppliers),
            "warehouses": len(cat.warehouses),
            "locations": sum(len(x) for x in cat.locations),
        },
        "busiest_product": {
            "id": cat.product_ids[busiest],
            "sku": master.skus[busiest],
            "moves": totals.product_moves[busiest],
        },
        "date_range": {"from": first.isoformat(), "to": last.isoformat(), "periods_closed": closed},
        "money": {
            "revenue": yuan(totals.revenue),
            "cost_of_goods_sold": yuan(totals.cogs),
            "purchases": yuan(totals.purchases),
            "received": yuan(totals.received),
            "paid": yuan(totals.paid),
            "stock_value": f"{stock_value:.2f}",
        },
        "seconds": round(seconds, 1),
        "phases": phases,
        "moves_per_second": round(totals.moves / seconds, 1),
        "history_moves_per_second": round(totals.moves / max(phases["history"], 1e-9), 1),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
