"""Form helpers: show a domain error next to the field it belongs to, keeping what the user typed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError, ValidationFailed


class FormRenderer(TemplatesSetting):
    """Renders forms and fields with the product's own templates."""

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"


def _field_name(form: forms.BaseForm, key: str) -> str | None:
    if key in form.fields:
        return key
    if key.endswith("_id") and key[:-3] in form.fields:
        return key[:-3]
    if key.endswith("_ids") and key[:-4] + "s" in form.fields:
        return key[:-4] + "s"
    return None


def apply_error(
    error: DomainError,
    form: forms.BaseForm,
    rows: Mapping[str, Sequence[forms.BaseForm]] | None = None,
) -> None:
    """Attach a domain error to the form: `units.1.factor` goes to row 1 of the units rows, `sku` to its field.

    `rows` maps a list name of the service's data to the forms that row list was built from, in order.
    """
    rows = rows or {}
    if isinstance(error, ValidationFailed) and error.errors:
        items = list(error.errors.items())
    else:
        items = [(error.field or "", [error.text])]
    for key, messages in items:
        target, name = form, _field_name(form, key) if key else None
        parts = key.split(".")
        if len(parts) >= 2 and parts[0] in rows:
            row_forms = rows[parts[0]]
            index = int(parts[1]) if parts[1].isdigit() else -1
            if 0 <= index < len(row_forms):
                target = row_forms[index]
                name = _field_name(target, parts[2]) if len(parts) > 2 else None
        for message in messages:
            if name is None and target is not form:
                target.add_error(None, message)
            elif name is None:
                form.add_error(None, message)
            else:
                target.add_error(name, message)


FormT = TypeVar("FormT", bound=forms.BaseForm)


def date_input(**attrs: Any) -> forms.DateInput:
    """A browser date picker that reads and writes ISO dates."""
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def removable(row: FormT) -> FormT:
    """A row built outside its formset (a scanned line) gets the formset's "remove" flag, as `can_delete` rows
    have; without it a row the user removed on the page would still be saved."""
    row.fields[DELETION_FIELD_NAME] = forms.BooleanField(label=_("Delete"), required=False)
    return row


def filled_rows(formset: forms.BaseFormSet) -> list[forms.BaseForm]:
    """The rows of a valid formset that hold data and are not marked for removal."""
    rows = []
    for row in formset.forms:
        if not row.has_changed() and not getattr(row, "initial", None):
            continue
        if formset.can_delete and row.cleaned_data.get("DELETE"):
            continue
        if not row.cleaned_data:
            continue
        rows.append(row)
    return rows


class DecimalInput(forms.TextInput):
    """A text input for decimals: no spinner, numeric keyboard on phones, no float rounding in the browser."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal):
            text = f"{value:f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return text
        return super().format_value(value)


def decimal_field(
    *, label: Any, places: int, required: bool = False, min_value: Decimal | None = None, **kwargs: Any
) -> forms.DecimalField:
    """A DecimalField with the product's decimal input and a fixed number of places."""
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=18,
        decimal_places=places,
        min_value=min_value,
        widget=DecimalInput(),
        **kwargs,
    )


class FastSelect(forms.Select):
    """A <select> built in Python: Django renders every <option> through a template, which costs ~0.3 ms each
    and adds up on pages with long lists (brands, categories) or many rows (units of a product)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None}
        if self.allow_multiple_selected:
            final["multiple"] = True
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, mark_safe(" selected") if str(option_value) in selected else "", label)
                for option_value, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)
