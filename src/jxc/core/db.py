"""Transactions that a write service runs in: durable, and retried when PostgreSQL reports a conflict."""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, transaction

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
    """Run the service in its own (durable) transaction; on a serialization failure or deadlock run it again."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
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
