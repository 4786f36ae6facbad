"""Gap-free numbers: document numbers (CG202611220001) and code series, safe under concurrency.

One upsert statement increments the counter and returns the new value. It runs inside the caller's
transaction, so a number is only used if the document that took it commits; a rollback returns it,
which keeps the series gap-free. The row stays locked until commit, so concurrent callers queue
(PostgreSQL row lock; SQLite has one writer at a time).
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from jxc.core.models import Sequence

_UPSERT = (
    'INSERT INTO {table} ("key", "last") VALUES (%s, 1) '
    'ON CONFLICT ("key") DO UPDATE SET "last" = {table}."last" + 1 RETURNING "last"'
)


def sequence_next(*, key: str) -> int:
    """Take the next number of the series `key` (1, 2, 3 …) within the current transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("sequence_next must run inside the transaction that uses the number")
    table = connection.ops.quote_name(Sequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=table), [key])
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def document_number_next(*, prefix: str, on: date) -> str:
    """Take the next document number for a prefix and day: CG + 20261122 + 0001."""
    day = on.strftime("%Y%m%d")
    seq = sequence_next(key=f"{prefix}{day}")
    return f"{prefix}{day}{seq:04d}"


def code_next(*, series: str, width: int = 4) -> str:
    """Take the next code of a master-data series, e.g. C0051 for series "C"."""
    seq = sequence_next(key=f"code:{series}")
    return f"{series}{seq:0{width}d}"


__all__ = ["code_next", "document_number_next", "sequence_next"]
