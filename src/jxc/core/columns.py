"""Columns of a list: one definition shared by the HTML table, the API and the Excel export."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.functional import Promise

Kind = Literal["text", "money", "price", "quantity", "rate", "int", "bool", "date", "datetime"]

VIEW_COST = "accounts.view_cost"


@dataclass(frozen=True)
class Column:
    """A column: `key` is the attribute path (a__b), `get` overrides how the value is read."""

    key: str
    label: str | Promise
    kind: Kind = "text"
    get: Callable[[Any], Any] | None = None
    cost: bool = False
    sort: str | None = None
    width: int = 14

    def value(self, obj: Any) -> Any:
        if self.get is not None:
            return self.get(obj)
        value = obj
        for part in self.key.split("__"):
            value = getattr(value, part, None) if not isinstance(value, dict) else value.get(part)
            if value is None:
                return None
        return value


def can_view_cost(user: Any) -> bool:
    """Whether purchase prices, costs and profit may be shown to this user."""
    return bool(user is not None and user.is_authenticated and user.has_perm(VIEW_COST))


def visible_columns(columns: Sequence[Column], user: Any) -> list[Column]:
    """The columns this user may see: cost columns only with the view_cost permission."""
    show_cost = can_view_cost(user)
    return [c for c in columns if show_cost or not c.cost]


def rows_of(objects: Iterable[Any], columns: Sequence[Column]) -> Iterable[list[Any]]:
    for obj in objects:
        yield [c.value(obj) for c in columns]
