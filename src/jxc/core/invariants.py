"""The invariant checker behind `jxc check`: each app registers the checks of its own ledgers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

Check = Callable[[], Iterable[str]]
_CHECKS: dict[str, Check] = {}


def invariant(name: str) -> Callable[[Check], Check]:
    """Register a check: a function that yields one message per violation found."""

    def register(check: Check) -> Check:
        _CHECKS[name] = check
        return check

    return register


@dataclass(frozen=True)
class Violation:
    """One broken invariant."""

    check: str
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.message}"


def invariants_check(*, only: Iterable[str] = ()) -> tuple[list[str], list[Violation]]:
    """Run every registered check (or the named ones); returns the checks run and the violations found."""
    wanted = set(only)
    ran, violations = [], []
    for name, check in sorted(_CHECKS.items()):
        if wanted and name not in wanted:
            continue
        ran.append(name)
        violations.extend(Violation(name, message) for message in check())
    return ran, violations
