"""Bulk loading for `jxc seed-large` (the one place bulk inserts are allowed): rows built as tuples, written with
multi-row INSERTs on SQLite and `COPY … FROM STDIN` on PostgreSQL by a writer process while the next batch is built.

Table and column names come from the models' `_meta`; every NOT NULL column must be given (no silent defaults).
Values are built once in the form the database stores: `Formats` turns integer cents, micro-units and whole
quantities into scaled integers (SQLite, see `jxc.core.fields`) or decimal text (PostgreSQL). Ids are reserved by
the caller from `first_free_id` (the loader must be the only writer), so children reference their parents without
round trips; `sequences_reset` moves PostgreSQL's identity sequences past them afterwards.

Speed, on a long load: `indexes_dropped` takes the tables' plain (non-unique) indexes away during the load and
builds them again afterwards from their own definitions (a sorted build is several times cheaper than keeping them
up row by row); unique indexes and constraints stay. On PostgreSQL, when the role may (a superuser), the load runs
with `session_replication_role = replica`, which skips the row-by-row foreign-key triggers at commit: the rows are
made referentially whole by construction, and the tests check them with the triggers on.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import pickle
import sqlite3
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any, Protocol

from django.db import DatabaseError, connection
from django.db.models import Max, Model

Row = tuple[Any, ...]


class Expansion(Protocol):
    """Rows of several tables made in the writer from compact records (`large_rows.LineRows`)."""

    def expand(self) -> dict[str, list[Row]]: ...


# A batch: tables with their rows, or tables by key with an expansion that makes their rows; parents first.
Batch = list[tuple["Table", list[Row]] | tuple[dict[str, "Table"], Expansion]]


def _tables_and_rows(batch: Batch) -> Iterator[tuple[Table, list[Row]]]:
    for target, rows in batch:
        if isinstance(target, Table):
            yield target, rows  # type: ignore[misc]
        else:
            made = rows.expand()  # type: ignore[union-attr]
            for key, table in target.items():
                yield table, made[key]


SQLITE_VARIABLES = 32_766  # per statement, SQLite's default limit since 3.32
SQLITE_ROWS = 1_000  # rows per multi-row INSERT (one step of SQLite's, run without Python's lock)


def _same(value: int) -> int:
    return value


def _money_text(cents: int) -> str:
    return f"{cents / 100:.2f}"  # exact: a double holds every cent below 10**13 yuan


def _micro_text(micro: int) -> str:
    return f"{micro / 1_000_000:.6f}"


def _scaled_quantity(units: int) -> int:
    return units * 1_000_000


def _scaled_rate(percent: int) -> int:
    return percent * 100


@dataclass(frozen=True)
class Formats:
    """How the database stores each kind of value, as functions of exact integers.

    money: cents; price: millionths (6 places); quantity: whole base units; rate: whole percent."""

    vendor: str
    money: Callable[[int], Any]
    price: Callable[[int], Any]
    quantity: Callable[[int], Any]
    rate: Callable[[int], Any]

    @classmethod
    def for_vendor(cls, vendor: str) -> Formats:
        if vendor == "postgresql":
            return cls(vendor, _money_text, _micro_text, _same, _same)
        return cls(vendor, _same, _same, _scaled_quantity, _scaled_rate)

    def stamp(self, moment: datetime) -> str:
        """An aware datetime as the database stores it (UTC)."""
        text = moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        return f"{text}+00:00" if self.vendor == "postgresql" else text


class Table:
    """A model's table and the columns a loader fills, in row order."""

    def __init__(self, model: type[Model], names: Sequence[str]) -> None:
        meta = model._meta
        columns: list[str] = [meta.get_field(name).column for name in names]  # type: ignore[union-attr,misc]
        missing = [f.column for f in meta.concrete_fields if not f.null and f.column not in columns]
        if missing:
            raise ValueError(f"{meta.db_table}: NOT NULL columns without a value: {', '.join(missing)}")
        self.model = model
        self.name = meta.db_table
        self.columns = columns
        quote = connection.ops.quote_name
        self._head = f"INSERT INTO {quote(self.name)} ({', '.join(quote(c) for c in columns)}) VALUES "
        self.copy_sql = f"COPY {quote(self.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        self.per_statement = max(1, min(SQLITE_ROWS, SQLITE_VARIABLES // len(columns)))
        self._statements: dict[int, str] = {}

    def insert_sql(self, rows: int) -> str:
        """One INSERT of `rows` rows (qmark style, SQLite)."""
        if rows not in self._statements:
            one = "(" + ", ".join("?" * len(self.columns)) + ")"
            self._statements[rows] = self._head + ", ".join([one] * rows)
        return self._statements[rows]

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "model"}  # the writer process has no Django models

    def __repr__(self) -> str:
        return f"Table({self.name})"


def first_free_id(model: type[Model]) -> int:
    """The id after the highest one in the table (the loader hands out ids from here)."""
    highest = model._default_manager.aggregate(m=Max("pk"))["m"]
    return int(highest or 0) + 1


def sequences_reset(models: Iterable[type[Model]]) -> None:
    """PostgreSQL: move each table's id sequence to its highest id, so the next real insert gets a free one.
    (SQLite's AUTOINCREMENT follows explicitly inserted ids by itself.)"""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            meta = model._meta
            table, column = meta.db_table, meta.pk.column
            if meta.pk.get_internal_type() not in {"AutoField", "BigAutoField", "SmallAutoField"}:
                continue
            quote = connection.ops.quote_name
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), m) FROM (SELECT MAX({quote(column)}) AS m "
                f"FROM {quote(table)}) AS t WHERE m IS NOT NULL",
                [table, column],
            )


def _plain_indexes(tables: Iterable[str]) -> list[tuple[str, str]]:
    """(name, definition) of the tables' indexes that back no constraint: not unique, not the primary key."""
    found: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s"
                    " ORDER BY indexname",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL"
                    " ORDER BY name",
                    [table],
                )
            found += [(name, sql) for name, sql in cursor.fetchall() if not sql.upper().startswith("CREATE UNIQUE")]
    return found


@contextlib.contextmanager
def indexes_dropped(tables: Iterable[str]) -> Iterator[list[str]]:
    """Drop the tables' plain indexes for the duration, then build them again (also after an error)."""
    indexes = _plain_indexes(tables)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    try:
        yield [name for name, _sql in indexes]
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and connection.in_atomic_block:
                # The deferred foreign-key checks of the rows just written run now (an index cannot be built on a
                # table with pending trigger events).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            elif connection.vendor == "postgresql":
                with contextlib.suppress(DatabaseError):
                    cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, sql in indexes:
                cursor.execute(sql)


def _may_skip_triggers() -> bool:
    """Whether this role may run with session_replication_role = replica (PostgreSQL superusers)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def _connection_params() -> dict[str, Any]:
    """What a second connection to the configured database needs (plain values only)."""
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        return {k: v for k, v in params.items() if isinstance(v, str | int) and not isinstance(v, bool)}
    return {"database": connection.settings_dict["NAME"]}


def _open(vendor: str, params: dict[str, Any]) -> Any:
    if vendor == "postgresql":
        import psycopg

        server = psycopg.connect(**params, autocommit=True)
        server.execute("SET synchronous_commit = off")
        return server
    local = sqlite3.connect(params["database"], uri=True, isolation_level=None, timeout=60)
    for pragma in ("busy_timeout = 60000", "synchronous = NORMAL", "foreign_keys = ON", "cache_size = -262144"):
        local.execute(f"PRAGMA {pragma}")
    return local


def _write(raw: Any, vendor: str, batch: Batch, *, own: bool, skip_triggers: bool,
           seconds: dict[str, float]) -> None:  # fmt: skip
    """Write one batch in one transaction (`own`: begin and commit it here; else the caller's transaction)."""

    def took(name: str, started: float) -> None:
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started

    if vendor == "postgresql":
        scope = raw.transaction() if own else contextlib.nullcontext()
        with scope, raw.cursor() as cursor:
            if skip_triggers:
                cursor.execute("SET LOCAL session_replication_role = replica")
            for table, rows in _tables_and_rows(batch):
                if rows:
                    started = time.perf_counter()
                    with cursor.copy(table.copy_sql) as copy:
                        write = copy.write_row
                        for row in rows:
                            write(row)
                    took(table.name, started)
        return
    cursor = raw.cursor()
    try:
        if own:
            cursor.execute("BEGIN IMMEDIATE")
        for table, rows in _tables_and_rows(batch):
            started = time.perf_counter()
            per, width = table.per_statement, len(table.columns)
            for start in range(0, len(rows), per):
                chunk = rows[start : start + per]
                params = list(itertools.chain.from_iterable(chunk))
                if len(params) != len(chunk) * width:
                    raise ValueError(f"{table.name}: a row does not have {width} values")
                cursor.execute(table.insert_sql(len(chunk)), params)
            took(table.name, started)
        if own:
            cursor.execute("COMMIT")
    except BaseException:
        if own and raw.in_transaction:
            raw.rollback()
        raise
    finally:
        cursor.close()


def _writer_process(pipe: Connection, vendor: str, params: dict[str, Any], skip_triggers: bool) -> None:
    """The writer process: batches come in pickled; each is written in a transaction of its own."""
    seconds: dict[str, float] = {}
    try:
        raw = _open(vendor, params)
        while data := pipe.recv_bytes():
            _write(raw, vendor, pickle.loads(data), own=True, skip_triggers=skip_triggers, seconds=seconds)
            pipe.send(("ok", None))
        raw.close()
        pipe.send(("done", seconds))
    except BaseException:  # reported to the parent, which raises
        pipe.send(("error", traceback.format_exc()))


class Writer:
    """Writes batches of rows, table by table in the order given, one transaction per batch.

    Outside a transaction the writing runs in a process of its own with its own connection (Python runs one thread
    at a time, so a thread would not write while the next batch is built): the batch goes over a pipe, pickled,
    and the caller may not write to the tables until `close`. Inside a transaction (tests) it writes at once, on
    the caller's connection and in its transaction, with every check on."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.seconds: dict[str, float] = {}  # writing time per table (in the writer)
        self._waiting = 0
        if connection.in_atomic_block:
            self._pipe: Connection | None = None
            self._raw: Any = connection.connection
            return
        skip = self.vendor == "postgresql" and _may_skip_triggers()
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(
            target=_writer_process, args=(child, self.vendor, _connection_params(), skip), name="seed-large-writer"
        )
        self._process.start()
        child.close()

    def submit(self, batch: Batch) -> None:
        """Write a batch (inside a transaction), or hand it to the writer (waiting while it writes the last one)."""
        if self._pipe is None:
            _write(self._raw, self.vendor, batch, own=False, skip_triggers=False, seconds=self.seconds)
            return
        data = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
        if self._waiting:
            self._answer()
        try:
            self._pipe.send_bytes(data)
        except (BrokenPipeError, EOFError):
            self._answer()
            raise
        self._waiting = 1

    def close(self) -> None:
        """Wait until everything is written; raises what the writer ran into."""
        if self._pipe is None:
            return
        try:
            if self._waiting:
                self._answer()
            self._pipe.send_bytes(b"")
            self.seconds = self._answer()
        finally:
            self._pipe.close()
            self._pipe = None
            self._process.join(timeout=60)

    def _answer(self) -> Any:
        self._waiting = 0
        try:
            status, value = self._pipe.recv() if self._pipe is not None else ("error", "closed")
        except EOFError:
            status, value = "error", "the writer process ended without a word"
        if status == "error":
            raise RuntimeError(f"the bulk writer failed:\n{value}")
        return value
