"""Excel import: read a sheet, convert cells, run every row through the real service, then keep or roll back.

A dry run and a commit run the very same code inside one transaction: the dry run always rolls back, the
commit rolls back too unless every row succeeded (all or nothing). So the preview shows exactly what the
commit would do, including rows that clash with each other or with data already in the database.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from jxc.core.errors import DomainError, ValidationFailed

FieldKind = Literal["text", "decimal", "int", "bool", "date"]
TRUE_WORDS = {"1", "true", "yes", "y", "是", "对", "√", "✓", "启用"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "不", "×", "停用", ""}


@dataclass(frozen=True)
class ImportField:
    """One column of an import file: its key, header label and how a cell is read."""

    key: str
    label: str | Promise
    kind: FieldKind = "text"
    required: bool = False
    places: int = 6
    cost: bool = False
    readonly: bool = False
    help: str | Promise = ""


class ImportSpec(Protocol):
    """What an import of one kind of record needs: its columns and how one row is applied."""

    kind: str
    title: str | Promise
    key_field: str
    fields: Sequence[ImportField]

    def apply(self, values: dict[str, Any], *, actor: Any) -> Literal["created", "updated"]: ...


@dataclass
class RowError:
    row: int
    column: str
    message: str
    value: str = ""


@dataclass
class ImportReport:
    """What an import did or would do."""

    kind: str
    total: int = 0
    created: int = 0
    updated: int = 0
    committed: bool = False
    fatal: str = ""
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "committed": self.committed,
            "fatal": self.fatal,
            "errors": [e.__dict__ for e in self.errors],
        }


class ImportRefused(DomainError):
    """The file cannot be imported as a whole (format, columns, size)."""

    code = "import_refused"
    status = 422
    message = gettext_lazy("The file cannot be imported.")


def _labels(f: ImportField) -> set[str]:
    names = {f.key.lower()}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(f.label).strip().lower())
    return names


def header_labels(spec: ImportSpec, *, with_cost: bool) -> list[str]:
    """The header row of the template for the active language."""
    return [str(f.label) for f in spec.fields if with_cost or not f.cost]


def _read_rows(content: bytes) -> Iterator[tuple[int, tuple[Any, ...]]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        limit = settings.JXC_IMPORT_MAX_ROWS
        if sheet.max_row is not None and sheet.max_row > limit + 1:  # sized as Excel writes it: refuse unread
            raise ImportRefused(_too_many(sheet.max_row - 1, limit))
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def _too_many(count: int, limit: int) -> str:
    return _(
        "The file has %(count)s data rows; at most %(limit)s rows can be imported at once. Split it into several files."
    ) % {"count": f"{count:,}", "limit": f"{limit:,}"}


def _check_file(content: bytes) -> None:
    if len(content) > settings.JXC_IMPORT_MAX_BYTES:
        raise ImportRefused(
            _("The file is %(size)s MB; at most %(limit)s MB can be imported at once.")
            % {"size": round(len(content) / 1048576, 1), "limit": settings.JXC_IMPORT_MAX_BYTES // 1048576}
        )
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRefused(_("This is an old .xls workbook. Open it in Excel and save it as .xlsx, then try again."))
    if content[:4] != b"PK\x03\x04" or not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportRefused(_("This is not an Excel .xlsx file."))


def _is_blank(row: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def convert(f: ImportField, raw: Any) -> Any:
    """Convert one cell to the field's type, or raise ValueError with a message for the user."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        if f.required:
            raise ValueError(_("This column is required."))
        return None
    if f.kind == "text":
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, datetime | date):
            raw = raw.isoformat()
        return str(raw)
    if f.kind in {"decimal", "int"}:
        if isinstance(raw, bool):
            raise ValueError(_("A number is expected."))
        try:
            number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(str(raw).replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": raw}) from None
        if not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": raw})
        if f.kind == "int":
            if number != number.to_integral_value():
                raise ValueError(_("A whole number is expected."))
            return int(number)
        if number != number.quantize(Decimal(1).scaleb(-f.places)):
            raise ValueError(_("At most %(places)s decimal places are allowed.") % {"places": f.places})
        return number
    if f.kind == "bool":
        word = str(raw).strip().lower()
        if isinstance(raw, bool):
            return raw
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("Use 是/否 (yes/no)."))
    if f.kind == "date":
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw).replace("/", "-"))
        except ValueError:
            raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw}) from None
    raise ValueError(f"unknown kind {f.kind}")


def import_run(*, spec: ImportSpec, content: bytes, actor: Any, commit: bool, with_cost: bool = True) -> ImportReport:
    """Check the file, run every row through the spec, and commit only if asked and every row succeeded."""
    report = ImportReport(kind=spec.kind)
    try:
        _check_file(content)
        rows = _read_rows(content)
        header = _header(spec, rows, with_cost=with_cost)
        records = _collect(spec, rows, header, report)
    except ImportRefused as error:
        report.fatal = error.text
        return report
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, TypeError) as error:
        report.fatal = _("The workbook could not be read: %(error)s") % {"error": error}
        return report
    report.total = len(records)
    if not records and not report.errors:
        report.fatal = _("The sheet has no data rows.")
        return report
    _apply(spec, records, actor, report, commit=commit)
    return report


def _header(
    spec: ImportSpec, rows: Iterator[tuple[int, tuple[Any, ...]]], *, with_cost: bool
) -> list[ImportField | None]:
    allowed = [f for f in spec.fields if with_cost or not f.cost]
    by_label: dict[str, ImportField] = {}
    for f in allowed:
        for name in _labels(f):
            by_label[name] = f
    for _number, row in rows:
        if _is_blank(row):
            continue
        header: list[ImportField | None] = []
        unknown = []
        for cell in row:
            name = "" if cell is None else str(cell).strip()
            if not name:
                header.append(None)
                continue
            found = by_label.get(name.lower())
            if found is None:
                unknown.append(name)
            header.append(found)
        problems = []
        if unknown:
            problems.append(_("unknown columns: %(names)s") % {"names": "、".join(unknown)})
        present = {f.key for f in header if f is not None}
        duplicated = [str(f.label) for f in allowed if sum(1 for h in header if h is f) > 1]
        if duplicated:
            problems.append(_("columns given twice: %(names)s") % {"names": "、".join(duplicated)})
        missing = [str(f.label) for f in allowed if f.required and f.key not in present and not f.readonly]
        if missing:
            problems.append(_("missing columns: %(names)s") % {"names": "、".join(missing)})
        if problems:
            expected = "、".join(str(f.label) for f in allowed)
            raise ImportRefused(
                _("The header row does not match: %(problems)s. Expected columns: %(expected)s.")
                % {"problems": "; ".join(problems), "expected": expected}
            )
        return header
    raise ImportRefused(_("The sheet is empty."))


def _collect(
    spec: ImportSpec,
    rows: Iterator[tuple[int, tuple[Any, ...]]],
    header: list[ImportField | None],
    report: ImportReport,
) -> list[tuple[int, dict[str, Any]]]:
    limit = settings.JXC_IMPORT_MAX_ROWS
    records: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    count = 0
    for number, row in rows:
        if _is_blank(row):
            continue
        count += 1
        if count > limit:
            extra = 1 + sum(1 for _n, r in rows if not _is_blank(r))
            raise ImportRefused(_too_many(limit + extra, limit))
        values: dict[str, Any] = {}
        failed = False
        for f, raw in zip(header, row, strict=False):
            if f is None or f.readonly:
                continue
            try:
                values[f.key] = convert(f, raw)
            except ValueError as error:
                report.errors.append(RowError(number, str(f.label), str(error), "" if raw is None else str(raw)))
                failed = True
        for f in header:
            if f is not None and not f.readonly and f.key not in values and not failed:
                try:
                    values[f.key] = convert(f, None)
                except ValueError as error:
                    report.errors.append(RowError(number, str(f.label), str(error)))
                    failed = True
        key = values.get(spec.key_field)
        if key:
            folded = str(key).strip().lower()
            if folded in seen:
                label = next(str(f.label) for f in spec.fields if f.key == spec.key_field)
                report.errors.append(
                    RowError(
                        number,
                        label,
                        _("Also on row %(row)s: each row must have its own value.") % {"row": seen[folded]},
                        str(key),
                    )
                )
                failed = True
            else:
                seen[folded] = number
        if not failed:
            records.append((number, values))
    return records


def _field_label(spec: ImportSpec, key: str | None) -> str:
    """The column a service error belongs to: units.0.factor → units, base_unit_id → base_unit."""
    if not key:
        return ""
    head = key.split(".")[0]
    for candidate in (key, head, head.removesuffix("_id")):
        for f in spec.fields:
            if f.key == candidate:
                return str(f.label)
    return key


def _apply(
    spec: ImportSpec,
    records: list[tuple[int, dict[str, Any]]],
    actor: Any,
    report: ImportReport,
    *,
    commit: bool,
) -> None:
    with transaction.atomic():
        for number, values in records:
            try:
                with transaction.atomic():
                    outcome = spec.apply(values, actor=actor)
            except ValidationFailed as error:
                for key, messages in error.errors.items():
                    for message in messages:
                        column = _field_label(spec, key)
                        report.errors.append(RowError(number, column, message, _raw(values, key)))
                continue
            except DomainError as error:
                report.errors.append(
                    RowError(number, _field_label(spec, error.field), error.text, _raw(values, error.field))
                )
                continue
            if outcome == "created":
                report.created += 1
            else:
                report.updated += 1
        report.errors.sort(key=lambda e: e.row)
        if commit and not report.errors:
            report.committed = True
        else:
            transaction.set_rollback(True)


def _raw(values: dict[str, Any], key: str | None) -> str:
    """The cell value the error is about, for the preview table."""
    if not key:
        return ""
    head = key.split(".")[0]
    for candidate in (key, head, head.removesuffix("_id")):
        if values.get(candidate) is not None:
            return str(values[candidate])
    return ""
