"""Invariants of the accounts app, run by `jxc check`."""

from __future__ import annotations

from collections.abc import Iterator

from jxc.accounts.selectors import audit_verify
from jxc.core.invariants import invariant


@invariant("audit_chain")
def audit_chain_intact() -> Iterator[str]:
    """Every audit entry is unchanged and linked to the one before it."""
    _count, problems = audit_verify()
    for problem in problems:
        yield str(problem)
