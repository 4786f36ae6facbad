"""Exact decimal columns on both databases.

PostgreSQL stores `numeric(p, s)`. SQLite has no exact decimal type (Django reads its decimals through
floats), so there the value is stored as an integer scaled by 10**s: 9,999,999,999.99 is 999999999999.
SUM over such a column stays an exact integer. Every path from Python to SQL and back goes through
`get_db_prep_value` and `from_db_value`, which both see the connection.

In expressions, wrap Python values with `Value(x, output_field=<the same field>)`: combining a
Decimal with these fields without an output field is refused by Django, which keeps scaled and
unscaled numbers from ever being mixed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.core import checks, exceptions
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    _FieldBase = models.Field[Any, Decimal]
else:
    _FieldBase = models.Field


class ScaledDecimalField(_FieldBase):
    """An exact decimal with fixed places: numeric on PostgreSQL, a scaled integer on SQLite."""

    description = _("Exact decimal number")
    empty_strings_allowed = False
    default_error_messages = {
        "invalid": _("“%(value)s” must be a decimal number."),
        "inexact": _("“%(value)s” has more than %(places)s decimal places."),
        "too_large": _("“%(value)s” is too large."),
    }
    default_places = 2
    default_digits = 18  # an SQLite integer holds 18 digits: 10**18 < 2**63

    def __init__(self, *args: Any, decimal_places: int | None = None, max_digits: int | None = None, **kwargs: Any):
        self.decimal_places = self.default_places if decimal_places is None else decimal_places
        self.max_digits = self.default_digits if max_digits is None else max_digits
        self.quantum = Decimal(1).scaleb(-self.decimal_places)
        self.scale = 10**self.decimal_places
        super().__init__(*args, **kwargs)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if not 0 <= self.decimal_places < self.max_digits <= 18:
            errors.append(checks.Error("decimal_places/max_digits out of range", obj=self))
        return errors

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.decimal_places != self.default_places:
            kwargs["decimal_places"] = self.decimal_places
        if self.max_digits != self.default_digits:
            kwargs["max_digits"] = self.max_digits
        return name, path, args, kwargs

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        if connection.vendor == "postgresql":
            return f"numeric({self.max_digits},{self.decimal_places})"
        return "integer" if connection.vendor == "sqlite" else "bigint"

    def get_internal_type(self) -> str:
        # Neither "DecimalField" (SQLite's float-based converter would touch it) nor an integer type
        # (expressions such as Sum() would cast the result with int()): our own converters do all the work.
        return "ScaledDecimalField"

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return self._exact(value) if value is not None else None
        if isinstance(value, float):
            value = repr(value)
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except (InvalidOperation, ValueError) as error:
            raise exceptions.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from error
        return self._exact(number)

    def _exact(self, value: Decimal) -> Decimal:
        if not value.is_finite():
            raise exceptions.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})
        quantized = value.quantize(self.quantum)
        if quantized != value:
            raise exceptions.ValidationError(
                self.error_messages["inexact"], code="inexact", params={"value": value, "places": self.decimal_places}
            )
        if quantized.adjusted() >= self.max_digits - self.decimal_places:
            raise exceptions.ValidationError(
                self.error_messages["too_large"], code="too_large", params={"value": value}
            )
        return quantized

    def get_prep_value(self, value: Any) -> Decimal | None:
        value = super().get_prep_value(value)
        return self.to_python(value)

    def get_db_prep_value(self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        if value is None:
            return None
        if connection.vendor == "postgresql":
            return value
        return int(value.scaleb(self.decimal_places))

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Decimal | None:
        if value is None:
            return None
        if connection.vendor == "postgresql":
            return Decimal(value).quantize(self.quantum)
        if isinstance(value, float):  # only an aggregate such as AVG can produce one
            return Decimal(repr(value)).scaleb(-self.decimal_places).quantize(self.quantum)
        return Decimal(int(value)).scaleb(-self.decimal_places).quantize(self.quantum)

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else str(value)

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        defaults: dict[str, Any] = {
            "form_class": forms.DecimalField,
            "max_digits": self.max_digits,
            "decimal_places": self.decimal_places,
        }
        defaults.update(kwargs)
        return super().formfield(**defaults)


class MoneyField(ScaledDecimalField):
    """Money in yuan, exact to the cent (2 places)."""

    description = _("Money (2 decimal places)")
    default_places = 2


class QuantityField(ScaledDecimalField):
    """A quantity or conversion factor, exact to 6 decimal places."""

    description = _("Quantity (6 decimal places)")
    default_places = 6


class PriceField(ScaledDecimalField):
    """A unit price, exact to 6 decimal places."""

    description = _("Unit price (6 decimal places)")
    default_places = 6


class RateField(ScaledDecimalField):
    """A percentage such as a tax rate, 13.00 meaning 13 %."""

    description = _("Percentage (2 decimal places)")
    default_places = 2
    default_digits = 7
