"""Transactions that a write service runs in: durable, and retried when PostgreSQL reports a conflict."""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection, transaction

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
