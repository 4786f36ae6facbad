"""The history `jxc seed-large` writes: a day-by-day simulation of a wholesaler, streamed to the database in batches.

Every day, what fell below its reorder point is bought (purchase receipts, grouped by supplier and warehouse), then
customers are shipped to (sales shipments) until the day's share of the moves is reached, then the payments that
fall due that day are made. Products and customers are picked with Zipf-like weights, so a few items and customers
carry most of the trade. Money is kept in integer cents and quantities in whole base units, so the moving-average
cost (DESIGN §5) is computed exactly as `stock_post` would: an issue of q out of Q takes V when q = Q, else V·q/Q
rounded half up to the cent; stock never goes negative (a line never ships more than its place holds).

Each document gets what the real services write: the document and its lines (status posted), a `StockPosting`
(source type, id, number, phase "post"), one `StockMove` per line with the cost state after it, the partner-ledger
entry with its open item, and — when it is paid by the last day — a `Payment` with its cash entry, its credit entry
and open item, and the `Allocation` that settles the document. A document's open amount is decided when it is made
(its payment is planned then), so no row is ever updated. Ids are handed out here, in date order.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from jxc.bench.large_bulk import Batch, Formats, Row, Table, Writer, first_free_id
from jxc.bench.large_ledger import Ledger
from jxc.bench.large_rows import COLUMNS, LINE_TABLES, LineRecord, LineRows
from jxc.finance.models import CashEntry, Payment
from jxc.inventory.models import StockMove, StockPosting
from jxc.partners.models import Allocation, OpenItem, PartnerEntry
from jxc.purchasing.choices import RECEIPT_PREFIX as PURCHASE_RECEIPT_PREFIX
from jxc.purchasing.choices import RECEIPT_SOURCE
from jxc.purchasing.models import PurchaseReceipt, PurchaseReceiptLine
from jxc.sales.choices import SHIPMENT_PREFIX, SHIPMENT_SOURCE
from jxc.sales.models import SalesShipment, SalesShipmentLine, TrackingEvent

BATCH_MOVES = 50_000
SHIPPED_SHARE = 0.85  # of the moves, roughly; the receipts follow from what was sold
RECEIPT_LINES = 12
REORDER_DAYS, COVER_DAYS = 10, 30  # reorder below 10 days of sales, up to 30 days' worth
MEAN_PACKS = 2.6  # packs per shipped line: 1–3 nine times in ten, else 4–12


@dataclass
class Party:
    """A customer or supplier as the simulation needs it."""

    id: int
    name: str
    terms: int
    behaviour: str = "prompt"  # prompt, slow, partial, bad
    level: str = "retail"
    warehouse: int = 0  # index of the home warehouse (customers)
    ship_to: str = ""
    contact: str = ""
    weekday: int = 0  # when they settle (0 Monday … 5 Saturday)


@dataclass
class Catalogue:
    """The master data, as plain lists indexed 0…n-1 (product i, warehouse w, …)."""

    owner_id: int
    product_ids: list[int]
    units: list[int]
    taxes: list[int]  # percent
    buy: list[int]  # purchase price with tax, cents per base unit
    retail: list[int]
    wholesale: list[int]
    packs: list[int]  # the usual quantity step of a line
    suppliers_of: list[tuple[int, int]]  # (main, other) supplier index per product
    warehouses: list[int]
    locations: list[list[int]]  # per warehouse
    suppliers: list[Party]
    customers: list[Party]
    bank_id: int
    cash_id: int
    sequences: dict[str, int]  # existing document number series
    balances: dict[int, list[int]]  # partner id → [receivable, payable] in cents, as they stand
    cash: dict[int, int]  # cash account id → balance in cents
    texts: dict[str, str]  # memos in the product's language


def zipf(n: int, s: float, rng: random.Random) -> list[float]:
    """Cumulative Zipf-like weights 1/rank^s over n items, ranks shuffled so popularity is not the id order."""
    ranks = list(range(1, n + 1))
    rng.shuffle(ranks)
    total, cumulative = 0.0, []
    for rank in ranks:
        total += 1.0 / rank**s
        cumulative.append(total)
    return cumulative


def day_rates(days: list[date]) -> list[float]:
    """The relative trade of each day: quieter Sundays, a yearly swell before the Spring Festival, slow growth."""
    rates = []
    for i, day in enumerate(days):
        weekday = 0.6 if day.weekday() == 6 else 1.0
        season = 1.0 + 0.2 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 20) / 365.25)
        growth = 1.0 + 0.3 * i / max(len(days) - 1, 1)
        rates.append(weekday * season * growth)
    return rates


def _weights(cumulative: list[float]) -> list[float]:
    """Cumulative weights back to shares adding up to 1."""
    total, previous, shares = cumulative[-1], 0.0, []
    for value in cumulative:
        shares.append((value - previous) / total)
        previous = value
    return shares


@dataclass
class Totals:
    """What the history made, for the summary."""

    moves: int = 0
    receipts: int = 0
    receipt_lines: int = 0
    shipments: int = 0
    shipment_lines: int = 0
    payments_in: int = 0
    payments_out: int = 0
    part_paid: int = 0
    unpaid: int = 0
    events: int = 0
    revenue: int = 0  # cents, without tax
    cogs: int = 0
    purchases: int = 0
    received: int = 0
    paid: int = 0
    product_moves: list[int] = field(default_factory=list)


class History:
    """Simulates the days from `first` to `last` until exactly `moves` stock moves are made, writing as it goes.

    Hot paths keep their state in flat lists indexed by product (p) or product × warehouse (k = p·W + w), and
    build each row once, in the form the database stores."""

    def __init__(
        self, cat: Catalogue, *, moves: int, first: date, last: date, seed: int, writer: Writer, fmt: Formats
    ) -> None:
        self.cat, self.target, self.writer, self.fmt = cat, moves, writer, fmt
        self.rng = random.Random(seed)
        self.days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        self.last = last
        self.last_ordinal = last.toordinal()
        n_products, n_w = len(cat.product_ids), len(cat.warehouses)
        self.n_w = n_w
        self.product_weights = zipf(n_products, 0.8, self.rng)
        self.customer_weights = zipf(len(cat.customers), 1.0, self.rng)
        self.location = [cat.locations[w][p % len(cat.locations[w])] for p in range(n_products) for w in range(n_w)]
        self.stock = [0] * (n_products * n_w)
        self.counts = [0] * (n_products * n_w)  # moves per balance row (its version)
        self.cost_q = [0] * n_products
        self.cost_v = [0] * n_products
        self.last_cost: dict[int, tuple[int, int]] = {}  # product → (Q, V) after its last move with Q > 0
        # What to reorder, by the weekday it is ordered on (the main supplier's); the first stock is bought at once.
        self.order_day = [cat.suppliers_of[k // n_w][0] % 6 for k in range(n_products * n_w)]
        self.ordered: set[int] = set(range(n_products * n_w))
        self.pending: dict[int, dict[int, None]] = {first.weekday(): dict.fromkeys(range(n_products * n_w))}
        self.sequences = dict(cat.sequences)
        self.supplier_prices: dict[tuple[int, int], tuple[int, date]] = {}
        self.totals = Totals(product_moves=[0] * n_products)
        self.ledger = Ledger(self)
        self._demand_base(n_products)
        self.tables = history_tables()
        self.next = {name: first_free_id(table.model) for name, table in self.tables.items() if name != "item"}
        self.rows: dict[str, list[Row]] = {name: [] for name in self.tables if name not in LINE_TABLES}
        self.lines: list[LineRecord] = []
        self.batch_moves = 0
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.zero_money = fmt.money(0)

    def _demand_base(self, n_products: int) -> None:
        """Base units each product × warehouse is expected to ship per day at rate 1 (for reorder points)."""
        cat = self.cat
        self.rates = day_rates(self.days)
        lines_per_day = self.target * SHIPPED_SHARE / sum(self.rates)
        share = [0.0] * self.n_w
        for customer, weight in zip(cat.customers, _weights(self.customer_weights), strict=True):
            share[customer.warehouse] += weight
        self.demand = [0.0] * (n_products * self.n_w)
        self.reorder = [0.0] * (n_products * self.n_w)
        for p, weight in enumerate(_weights(self.product_weights)):
            for w in range(self.n_w):
                k = p * self.n_w + w
                self.demand[k] = lines_per_day * weight * share[w] * MEAN_PACKS * cat.packs[p]
                self.reorder[k] = self.demand[k] * REORDER_DAYS + cat.packs[p]

    # The days

    def run(self) -> Totals:
        cumulative, total_rate = 0.0, sum(self.rates)
        for index, day in enumerate(self.days):
            cumulative += self.rates[index]
            goal = self.target if index == len(self.days) - 1 else round(self.target * cumulative / total_rate)
            self._start_day(day)
            if self.totals.moves < self.target:
                self._receipts(day, self.rates[index])
            misses = 0
            while self.totals.moves < goal and misses < 50:
                misses = 0 if self._shipment(day) else misses + 1
            self.ledger.settle()
            if self.batch_moves >= BATCH_MOVES:
                self._flush()
        self._flush()
        return self.totals

    def _start_day(self, day: date) -> None:
        self.day_text = day.isoformat()
        self.today = day.toordinal()
        self.day_key = f"{day:%Y%m%d}"
        opening = datetime.combine(day, time(8, 30), tzinfo=self.zone).astimezone(UTC).replace(tzinfo=None)
        self.day_start = opening
        self.stamp_suffix = "+00:00" if self.fmt.vendor == "postgresql" else ""
        self.day_docs = 0

    def stamp(self) -> str:
        """The time a document of the day was made: from 08:30 on, spread over eleven hours (stored in UTC)."""
        self.day_docs += 1
        moment = self.day_start + timedelta(seconds=(self.day_docs * 29) % 39600)
        return moment.isoformat(" ") + self.stamp_suffix

    def number(self, prefix: str) -> str:
        key = prefix + self.day_key
        seq = self.sequences.get(key, 0) + 1
        self.sequences[key] = seq
        return f"{key}{seq:04d}"

    def ids(self, name: str, n: int = 1) -> int:
        """Take n ids of a table; returns the first."""
        first = self.next[name]
        self.next[name] = first + n
        return first

    def _flush(self) -> None:
        tables, rows = self.tables, self.rows
        lines = LineRows(self.lines, self.fmt)
        batch: Batch = [
            *((tables[name], rows[name]) for name in ("posting", "receipt", "shipment")),
            ({name: tables[name] for name in LINE_TABLES}, lines),
            *((tables[name], rows[name]) for name in ("event", "entry", "item", "payment", "cash", "allocation")),
        ]
        if self.lines or any(rows.values()):
            self.writer.submit(batch)
        self.rows = {name: [] for name in self.tables if name not in LINE_TABLES}
        self.lines = []
        self.batch_moves = 0

    # Purchase receipts

    def _receipts(self, day: date, rate: float) -> None:
        """Buy what fell below its reorder point up to the cover level, on the main supplier's weekly order day (what
        runs out before is out of stock till then); one receipt per supplier and warehouse (up to RECEIPT_LINES)."""
        cat, rng, n_w = self.cat, self.rng, self.n_w
        weekday = day.weekday()
        if weekday not in self.pending:
            return
        groups: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for k in self.pending.pop(weekday):
            self.ordered.discard(k)
            p, w = divmod(k, n_w)
            main, other = cat.suppliers_of[p]
            pack = cat.packs[p]
            level = math.ceil(self.demand[k] * rate * COVER_DAYS / pack + 2) * pack
            quantity = level - self.stock[k]
            if quantity > 0:
                supplier = other if rng.random() < 0.15 else main
                groups[(supplier, w)].append((p, quantity))
        for (supplier, w), lines in groups.items():
            for start in range(0, len(lines), RECEIPT_LINES):
                left = self.target - self.totals.moves
                if left <= 0:
                    return
                self._receipt(day, supplier, w, lines[start : start + min(RECEIPT_LINES, left)])

    def _receipt(self, day: date, s: int, w: int, lines: list[tuple[int, int]]) -> None:
        """A posted purchase receipt: lines at the supplier's price (with tax), stock in at the amount without tax."""
        cat, rows, rng, n_w, money = self.cat, self.rows, self.rng, self.n_w, self.fmt.money
        product_ids, units, buy, taxes, locations = cat.product_ids, cat.units, cat.buy, cat.taxes, self.location
        cost_qs, cost_vs, stock, counts = self.cost_q, self.cost_v, self.stock, self.counts
        moved, records, prices = self.totals.product_moves, self.lines, self.supplier_prices
        supplier = cat.suppliers[s]
        n = len(lines)
        receipt_id, posting_id = self.ids("receipt"), self.ids("posting")
        line_id, move_id = self.ids("receipt_line", n), self.ids("move", n)
        number, stamp, ds, owner = self.number(PURCHASE_RECEIPT_PREFIX), self.stamp(), self.day_text, cat.owner_id
        warehouse = cat.warehouses[w]
        amount_sum = tax_sum = 0
        for position, (p, q) in enumerate(lines, start=1):
            price = max(1, round(buy[p] * (0.94 + 0.12 * rng.random())))
            tax_rate = taxes[p]
            gross = price * q
            tax = (2 * gross * tax_rate + 100 + tax_rate) // (200 + 2 * tax_rate)  # gross·r/(100+r), half up
            amount = gross - tax
            k = p * n_w + w
            cost_q, cost_v = cost_qs[p] + q, cost_vs[p] + amount
            cost_qs[p], cost_vs[p] = cost_q, cost_v
            self.last_cost[p] = (cost_q, cost_v)
            records.append(
                ("r", line_id, receipt_id, position, product_ids[p], units[p], locations[k], q, price, tax_rate,
                 amount, tax, gross, amount, move_id, posting_id, ds, warehouse, cost_q, cost_v)
            )  # fmt: skip
            line_id += 1
            move_id += 1
            stock[k] += q
            counts[k] += 1
            moved[p] += 1
            prices[(s, p)] = ((2 * price * 1_000_000 + 100 + tax_rate) // (200 + 2 * tax_rate), day)
            amount_sum += amount
            tax_sum += tax
        total = amount_sum + tax_sum
        zero_money = self.zero_money
        rows["receipt"].append(
            (receipt_id, number, ds, supplier.id, warehouse, "posted", True, "value", zero_money, zero_money,
             money(amount_sum), money(tax_sum), money(total), "", "", owner, stamp, owner, stamp)
        )  # fmt: skip
        rows["posting"].append((posting_id, RECEIPT_SOURCE, receipt_id, number, "post", ds, owner, stamp))
        totals = self.totals
        totals.moves += n
        self.batch_moves += n
        totals.receipts += 1
        totals.receipt_lines += n
        totals.purchases += amount_sum
        self.ledger.document(supplier, "payable", total, (RECEIPT_SOURCE, receipt_id, number), stamp)

    # Sales shipments

    def _shipment(self, day: date) -> bool:
        """Ship to one customer from their warehouse; False when nothing they asked for was in stock."""
        cat, rng, rows, fmt, n_w = self.cat, self.rng, self.rows, self.fmt, self.n_w
        random_ = rng.random
        c = rng.choices(range(len(cat.customers)), cum_weights=self.customer_weights)[0]
        customer = cat.customers[c]
        w = customer.warehouse
        wanted = min(1 + min(int(rng.expovariate(0.22)), 24), self.target - self.totals.moves)
        stock, packs = self.stock, cat.packs
        lines: list[tuple[int, int]] = []
        for p in dict.fromkeys(rng.choices(range(len(cat.product_ids)), cum_weights=self.product_weights, k=wanted)):
            on_hand = stock[p * n_w + w]
            if on_hand > 0:
                packs_wanted = 1 + int(random_() * 3) if random_() < 0.9 else 4 + int(random_() * 9)
                lines.append((p, min(packs[p] * packs_wanted, on_hand)))
        if not lines:
            return False
        money, zero_money = fmt.money, self.zero_money
        product_ids, units, taxes, locations = cat.product_ids, cat.units, cat.taxes, self.location
        cost_qs, cost_vs, counts, moved = self.cost_q, self.cost_v, self.counts, self.totals.product_moves
        reorder, last_cost, pending, records = self.reorder, self.last_cost, self.pending, self.lines
        order_day, ordered = self.order_day, self.ordered
        n = len(lines)
        shipment_id, posting_id = self.ids("shipment"), self.ids("posting")
        line_id, move_id = self.ids("shipment_line", n), self.ids("move", n)
        number, stamp, ds, owner = self.number(SHIPMENT_PREFIX), self.stamp(), self.day_text, cat.owner_id
        warehouse = cat.warehouses[w]
        prices = cat.retail if customer.level == "retail" else cat.wholesale
        amount_sum = tax_sum = cost_sum = 0
        for position, (p, q) in enumerate(lines, start=1):
            price, tax_rate = prices[p], taxes[p]
            gross = price * q
            tax = (2 * gross * tax_rate + 100 + tax_rate) // (200 + 2 * tax_rate)  # gross·r/(100+r), half up
            amount = gross - tax
            cost_q, cost_v = cost_qs[p], cost_vs[p]
            out = cost_v if q == cost_q else (2 * cost_v * q + cost_q) // (2 * cost_q)  # V·q/Q, half up
            cost_q, cost_v = cost_q - q, cost_v - out
            cost_qs[p], cost_vs[p] = cost_q, cost_v
            if cost_q > 0:
                last_cost[p] = (cost_q, cost_v)
            k = p * n_w + w
            records.append(
                ("s", line_id, shipment_id, position, product_ids[p], units[p], locations[k], q, price, tax_rate,
                 amount, tax, gross, out, move_id, posting_id, ds, warehouse, cost_q, cost_v)
            )  # fmt: skip
            line_id += 1
            move_id += 1
            left = stock[k] - q
            stock[k] = left
            counts[k] += 1
            moved[p] += 1
            if left < reorder[k] and k not in ordered:
                ordered.add(k)
                pending.setdefault(order_day[k], {})[k] = None
            amount_sum += amount
            tax_sum += tax
            cost_sum += out
        total = amount_sum + tax_sum
        delivered_at = self._events(shipment_id, stamp, day)
        rows["shipment"].append(
            (shipment_id, number, ds, customer.id, warehouse, "direct", "posted", True, zero_money, zero_money,
             money(amount_sum), money(tax_sum), money(total), money(cost_sum), customer.ship_to, customer.contact,
             "", "", "delivered" if delivered_at else "shipped", delivered_at, "", zero_money, zero_money, zero_money,
             "", owner, stamp, owner, stamp)
        )  # fmt: skip
        rows["posting"].append((posting_id, SHIPMENT_SOURCE, shipment_id, number, "post", ds, owner, stamp))
        totals = self.totals
        totals.moves += n
        self.batch_moves += n
        totals.shipments += 1
        totals.shipment_lines += n
        totals.revenue += amount_sum
        totals.cogs += cost_sum
        self.ledger.document(customer, "receivable", total, (SHIPMENT_SOURCE, shipment_id, number), stamp)
        return True

    def _events(self, shipment_id: int, stamp: str, day: date) -> str | None:
        """Tracking: shipped when posted, delivered one to three days later (the latest shipments are still on
        their way); returns the delivery time (stored)."""
        owner, events = self.cat.owner_id, self.rows["event"]
        events.append((self.ids("event"), shipment_id, "shipped", stamp, "", "", "system", owner, stamp))
        after = 1 + int(self.rng.random() * 3)
        if day + timedelta(days=after) >= self.last:
            self.totals.events += 1
            return None
        moment = self.day_start + timedelta(days=after, hours=after * 2 + 1)
        at = moment.isoformat(" ") + self.stamp_suffix
        events.append((self.ids("event"), shipment_id, "delivered", at, "", "", "page", owner, at))
        self.totals.events += 2
        return at


def history_tables() -> dict[str, Table]:
    """The tables the history fills and their columns, parents before children (SQLite checks a deferred foreign
    key from the parent's side too while a child waits for its parent, and without the child's index that is a scan
    of the child table per parent row)."""
    models: dict[str, type[Any]] = {
        "posting": StockPosting,
        "receipt": PurchaseReceipt,
        "shipment": SalesShipment,
        "receipt_line": PurchaseReceiptLine,
        "shipment_line": SalesShipmentLine,
        "move": StockMove,
        "event": TrackingEvent,
        "entry": PartnerEntry,
        "item": OpenItem,
        "payment": Payment,
        "cash": CashEntry,
        "allocation": Allocation,
    }
    return {name: Table(models[name], COLUMNS[name].split()) for name in COLUMNS}
