"""Transactions that a write service runs in: durable, and retried when PostgreSQL reports a conflict."""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar, cast

from django.db import OperationalError, connection, transaction
from django.db.models import Field, Model

P = ParamSpec("P")
R = TypeVar("R")
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
ATTEMPTS = 5


def _retryable(error: OperationalError) -> bool:
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(error)  # SQLite, after its busy timeout


def retrying_atomic(func: Callable[P, R]) -> Callable[P, R]:
    """Run the service in its own transaction; on a serialization failure or deadlock run it again.

    Called inside another service's transaction (a counter sale posting a shipment, the demo loading
    documents), it joins that transaction as a savepoint and the outermost service owns the retries.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.in_atomic_block:
            with transaction.atomic():
                return func(*args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with transaction.atomic(durable=True):
                    return func(*args, **kwargs)
            except OperationalError as error:
                if attempt == ATTEMPTS or not _retryable(error):
                    raise
                time.sleep(random.uniform(0.005, 0.02) * 2**attempt)
        raise AssertionError("unreachable")

    return wrapper


LEDGER_LOCK_KEY = 0x4A5843_4C4544  # "JXC" "LED"


def ledger_lock(*, exclusive: bool) -> None:
    """A transaction-long lock on the ledger as a whole: postings take it shared (they never wait on each
    other), closing a period takes it exclusive (it waits for postings in flight; new ones wait for it).
    PostgreSQL advisory lock; SQLite needs none, it runs one write transaction at a time."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [LEDGER_LOCK_KEY])


def rows_update(model: type[Model], rows: Sequence[Model], fields: Sequence[str]) -> None:
    """Write these fields of these rows back by primary key: one prepared UPDATE run for every row.

    For the hot path of posting, where the rows are already locked and loaded: the same effect as
    `bulk_update`, without building a CASE expression per field and row. Values go through each field's
    own conversion (exact scaled integers on SQLite, numeric on PostgreSQL)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [cast(Field, meta.get_field(name)) for name in fields]  # type: ignore[type-arg]
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    params = [
        [column.get_db_prep_save(getattr(row, column.attname), connection) for column in columns] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


M = TypeVar("M", bound=Model)


def row_copy(row: M, *, negate: Sequence[str] = (), **changes: Any) -> M:
    """An unsaved copy of a row (no primary key) with some fields negated (None stays None) and some changed.

    The red-letter line of a reversal (红冲) is the original line with its quantities and amounts negated."""
    meta = row._meta
    copy = type(row)(**{f.attname: getattr(row, f.attname) for f in meta.concrete_fields if f is not meta.pk})
    for name in negate:
        value = getattr(row, name)
        setattr(copy, name, -value if value is not None else None)
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy
