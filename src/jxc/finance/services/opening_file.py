"""The opening-balance workbook (期初建账): its sheets and columns, reading it into a preview with every
problem by sheet, row and column, and the blank template to fill in."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from jxc.catalog.models import Product
from jxc.core.imports import ImportField, ImportRefused, convert
from jxc.core.numbers import ZERO, format_quantity
from jxc.finance.models import CashAccount
from jxc.inventory.models import Warehouse
from jxc.partners.models import Partner

Kind = Literal["text", "decimal", "date"]
SheetKey = Literal["stock", "partners", "cash"]
TOTAL_WORDS = frozenset({"合计", "总计", "total", "totals"})
OPENING_NUMBER = "期初"
IMPORT_KIND = "opening_balances"
MAX_AMOUNT = Decimal("9999999999.99")
MONEY_KEYS = frozenset({"amount", "receivable", "payable", "balance"})


@dataclass(frozen=True)
class OpeningColumn:
    """A column of an opening sheet: its key, label (English msgid), Chinese heading and other accepted headings."""

    key: str
    label: str | Promise
    zh: str
    aliases: tuple[str, ...] = ()
    kind: Kind = "text"
    places: int = 6
    required: bool = False  # the header must have this column
    info: bool = False  # read for the user's eyes only (a name beside a code)
    help: str | Promise = ""

    def heading(self) -> str:
        """The heading written in the template, in the active language."""
        return self.zh if _chinese() else str(self.label)

    def names(self) -> set[str]:
        names = {_fold(self.key), _fold(self.zh), *(_fold(a) for a in self.aliases)}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(_fold(str(self.label)))
        return names


@dataclass(frozen=True)
class OpeningSheet:
    """One sheet of the workbook and the totals its 合计 row states (total key → column key)."""

    key: SheetKey
    title: str | Promise
    zh: str
    aliases: tuple[str, ...]
    columns: tuple[OpeningColumn, ...]
    totals: tuple[tuple[str, str], ...]

    def heading(self) -> str:
        return self.zh if _chinese() else str(self.title)

    def names(self) -> set[str]:
        names = {_fold(self.key), _fold(self.zh), *(_fold(a) for a in self.aliases)}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(_fold(str(self.title)))
        return names

    def column(self, key: str) -> OpeningColumn:
        return next(c for c in self.columns if c.key == key)


STOCK = OpeningSheet(
    key="stock",
    title=gettext_lazy("Stock"),
    zh="库存",
    aliases=("期初库存", "inventory", "opening stock"),
    columns=(
        OpeningColumn(
            "sku", gettext_lazy("SKU"), "商品编码", ("商品编号", "货号", "编码", "product code"), required=True
        ),
        OpeningColumn(
            "name",
            gettext_lazy("Product name"),
            "商品名称",
            ("名称", "品名", "name", "product"),
            info=True,
            help=gettext_lazy("Optional, for your eyes only"),
        ),
        OpeningColumn(
            "warehouse",
            gettext_lazy("Warehouse code"),
            "仓库编码",
            ("仓库", "仓库代码", "warehouse"),
            required=True,
            help=gettext_lazy("The warehouse's code (or name)"),
        ),
        OpeningColumn(
            "batch_no",
            gettext_lazy("Lot number"),
            "批号",
            ("批次", "批次号", "lot", "batch", "batch no.", "lot no."),
            help=gettext_lazy("Required for products tracked by lot; empty for the others"),
        ),
        OpeningColumn(
            "expiry_date",
            gettext_lazy("Expiry date"),
            "有效期至",
            ("到期日期", "失效日期", "有效期", "expiry"),
            kind="date",
            help=gettext_lazy("Optional, YYYY-MM-DD"),
        ),
        OpeningColumn(
            "quantity",
            gettext_lazy("Quantity"),
            "数量",
            ("期初数量", "qty"),
            kind="decimal",
            required=True,
            help=gettext_lazy("In the product's base unit"),
        ),
        OpeningColumn(
            "unit_cost",
            gettext_lazy("Unit cost"),
            "单位成本",
            ("成本单价", "成本价", "单价", "cost"),
            kind="decimal",
            required=True,
            help=gettext_lazy("Without tax, per base unit; may be empty when the amount is given"),
        ),
        OpeningColumn(
            "amount",
            gettext_lazy("Amount"),
            "金额",
            ("成本金额", "期初金额", "value"),
            kind="decimal",
            required=True,
            help=gettext_lazy("Quantity × unit cost, rounded to the cent; may be empty on rows"),
        ),
    ),
    totals=(("quantity", "quantity"), ("value", "amount")),
)
PARTNERS = OpeningSheet(
    key="partners",
    title=gettext_lazy("Receivables and payables"),
    zh="应收应付",
    aliases=("往来", "往来余额", "应收应付款", "partners", "ar ap", "ar-ap"),
    columns=(
        OpeningColumn(
            "code",
            gettext_lazy("Partner code"),
            "往来单位编码",
            ("编码", "客户编码", "供应商编码", "客户/供应商编码", "code", "partner"),
            required=True,
            help=gettext_lazy("The customer's or supplier's code (or name)"),
        ),
        OpeningColumn(
            "name",
            gettext_lazy("Name"),
            "名称",
            ("往来单位", "往来单位名称", "客户名称", "供应商名称", "partner name"),
            info=True,
            help=gettext_lazy("Optional, for your eyes only"),
        ),
        OpeningColumn(
            "receivable",
            gettext_lazy("Receivable"),
            "应收",
            ("应收余额", "应收金额", "期初应收"),
            kind="decimal",
            places=2,
            required=True,
            help=gettext_lazy("What the customer owes us; negative for a prepayment received (预收)"),
        ),
        OpeningColumn(
            "payable",
            gettext_lazy("Payable"),
            "应付",
            ("应付余额", "应付金额", "期初应付"),
            kind="decimal",
            places=2,
            required=True,
            help=gettext_lazy("What we owe the supplier; negative for a prepayment made (预付)"),
        ),
        OpeningColumn(
            "due_date",
            gettext_lazy("Due date"),
            "到期日",
            ("到期日期", "due"),
            kind="date",
            help=gettext_lazy("Optional: the opening date plus the partner's payment terms"),
        ),
    ),
    totals=(("receivable", "receivable"), ("payable", "payable")),
)
CASH = OpeningSheet(
    key="cash",
    title=gettext_lazy("Cash"),
    zh="资金",
    aliases=("资金账户", "账户余额", "cash accounts"),
    columns=(
        OpeningColumn(
            "account",
            gettext_lazy("Cash account"),
            "资金账户",
            ("账户", "账户编码", "账户名称", "account", "account code"),
            required=True,
            help=gettext_lazy("The account's code or name"),
        ),
        OpeningColumn(
            "balance",
            gettext_lazy("Balance"),
            "余额",
            ("期初余额", "金额"),
            kind="decimal",
            places=2,
            required=True,
        ),
    ),
    totals=(("balance", "balance"),),
)
SHEETS: tuple[OpeningSheet, ...] = (STOCK, PARTNERS, CASH)


def _chinese() -> bool:
    return (translation.get_language() or "zh-hans").lower().startswith("zh")


def _fold(text: str) -> str:
    return " ".join(str(text).replace("（", "(").replace("）", ")").split()).strip().lower()


# The preview


@dataclass
class OpeningError:
    """A problem of the file: sheet, row number (as Excel shows it), column heading, message and the cell's value."""

    sheet: str
    row: int
    column: str
    message: str
    value: str = ""
    code: str = "invalid"

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "value": self.value,
            "code": self.code,
        }


@dataclass
class OpeningRow:
    """A data row as read: its cells converted, what its codes name, and what it posts."""

    number: int
    values: dict[str, Any]
    name: str = ""
    errors: list[str] = field(default_factory=list)
    product: Product | None = None
    warehouse: Warehouse | None = None
    partner: Partner | None = None
    account: CashAccount | None = None
    amount: Decimal | None = None  # stock: the row's value

    def display(self, key: str) -> str:
        value = self.values.get(key)
        if value is None:
            return ""
        if isinstance(value, Decimal):
            if key in MONEY_KEYS:
                return f"{value:,.2f}"
            return format_quantity(value)
        return str(value)


@dataclass
class SheetPreview:
    """One sheet of the preview: its rows, its totals as stated and as the rows add up, and its problems."""

    spec: OpeningSheet
    name: str = ""  # the sheet's name in the file; empty when the file has no such sheet
    columns: list[OpeningColumn] = field(default_factory=list)
    rows: list[OpeningRow] = field(default_factory=list)
    totals_row: int | None = None
    stated: dict[str, Decimal] = field(default_factory=dict)
    totals: dict[str, Decimal] = field(default_factory=dict)
    errors: list[OpeningError] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def title(self) -> str:
        return str(self.spec.title)

    @property
    def found(self) -> bool:
        return bool(self.name)

    def error(self, row: int, column: str, message: str, value: Any = None, code: str = "invalid") -> None:
        self.errors.append(OpeningError(self.name or self.spec.heading(), row, column, message, _text(value), code))

    def table(self) -> list[tuple[OpeningRow, list[tuple[str, bool]]]]:
        """The rows with their cells as shown (and whether they are numbers), in the order of the sheet's columns."""
        return [(r, [(r.display(c.key), c.kind == "decimal") for c in self.columns]) for r in self.rows]

    def totals_compared(self) -> list[dict[str, Any]]:
        """Each total: its label, the figure stated on the 合计 row and what the rows add up to."""
        out = []
        for total, column in self.spec.totals:
            label = self.spec.column(column).heading()
            stated, rows = self.stated.get(total, ZERO), self.totals.get(total, ZERO)
            out.append({"key": total, "label": label, "stated": stated, "rows": rows, "ok": stated == rows})
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.name,
            "found": self.found,
            "rows": [
                {"row": r.number, "name": r.name, "errors": r.errors, **{k: _json(v) for k, v in r.values.items()}}
                for r in self.rows
            ],
            "totals": {k: str(v) for k, v in self.totals.items()},
            "stated": {k: str(v) for k, v in self.stated.items()},
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass
class OpeningPreview:
    """What the import reads from the file and would post (a dry run), or what it posted."""

    day: date
    sheets: list[SheetPreview] = field(default_factory=list)
    fatal: str = ""
    committed: bool = False
    documents: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[OpeningError]:
        return [e for s in self.sheets for e in s.errors]

    @property
    def row_count(self) -> int:
        return sum(len(s.rows) for s in self.sheets)

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.errors

    def sheet(self, key: str) -> SheetPreview:
        return next(s for s in self.sheets if s.key == key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "ok": self.ok,
            "committed": self.committed,
            "fatal": self.fatal,
            "documents": self.documents,
            "sheets": {s.key: s.as_dict() for s in self.sheets},
            "errors": [e.as_dict() for e in self.errors],
        }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def _json(value: Any) -> Any:
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# Reading the workbook


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


def _blank(row: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def workbook_read(content: bytes, preview: OpeningPreview) -> None:
    """Read every sheet the file has into the preview: header, data rows, the 合计 row; cell-level problems."""
    _check_file(content)
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        by_name = {_fold(ws.title): ws for ws in workbook.worksheets}
        for spec in SHEETS:
            sheet = SheetPreview(spec=spec)
            preview.sheets.append(sheet)
            worksheet = next((by_name[n] for n in spec.names() if n in by_name), None)
            if worksheet is None:
                continue
            sheet.name = worksheet.title
            limit = settings.JXC_IMPORT_MAX_ROWS
            if worksheet.max_row is not None and worksheet.max_row > limit + 2:
                raise ImportRefused(
                    _("The sheet %(sheet)s has %(count)s rows; at most %(limit)s rows can be imported at once.")
                    % {"sheet": sheet.name, "count": f"{worksheet.max_row:,}", "limit": f"{limit:,}"}
                )
            _read_sheet(sheet, enumerate(worksheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()
    if not any(s.found for s in preview.sheets):
        names = "、".join(f"{s.zh} ({s.title})" for s in SHEETS)
        raise ImportRefused(_("The workbook has none of the sheets %(names)s.") % {"names": names})


def _read_sheet(sheet: SheetPreview, rows: Iterator[tuple[int, tuple[Any, ...]]]) -> None:
    header: list[OpeningColumn | None] | None = None
    for number, cells in rows:
        if _blank(cells):
            continue
        if header is None:
            header = _header(sheet, number, cells)
            if header is None:
                return
            continue
        first = cells[0] if cells else None
        if sheet.totals_row is not None:
            sheet.error(number, "", _("Rows after the totals row (合计) are not read: move them above it."))
            continue
        if isinstance(first, str) and _fold(first) in TOTAL_WORDS:
            _read_totals(sheet, number, header, cells)
            continue
        _read_row(sheet, number, header, cells)
    if header is not None and sheet.totals_row is None:  # (an empty sheet is a part left out)
        last = sheet.rows[-1].number + 1 if sheet.rows else 2
        sheet.error(last, "", _("The sheet has no totals row: end it with a row whose first cell is 合计 (Total)."))


def _header(sheet: SheetPreview, number: int, cells: tuple[Any, ...]) -> list[OpeningColumn | None] | None:
    by_name = {name: c for c in sheet.spec.columns for name in c.names()}
    header: list[OpeningColumn | None] = []
    unknown = []
    for cell in cells:
        name = "" if cell is None else _fold(str(cell))
        column = by_name.get(name) if name else None
        if name and column is None:
            unknown.append(str(cell).strip())
        header.append(column)
    present = [c for c in header if c is not None]
    problems = []
    if unknown:
        problems.append(_("unknown columns: %(names)s") % {"names": "、".join(unknown)})
    twice = [c.heading() for c in sheet.spec.columns if present.count(c) > 1]
    if twice:
        problems.append(_("columns given twice: %(names)s") % {"names": "、".join(twice)})
    missing = [c.heading() for c in sheet.spec.columns if c.required and c not in present]
    if missing:
        problems.append(_("missing columns: %(names)s") % {"names": "、".join(missing)})
    if problems:
        expected = "、".join(c.heading() for c in sheet.spec.columns)
        sheet.error(
            number,
            "",
            _("The header row does not match: %(problems)s. Expected columns: %(expected)s.")
            % {"problems": "; ".join(problems), "expected": expected},
        )
        return None
    sheet.columns = [c for c in sheet.spec.columns if c in present]
    return header


def _convert(sheet: SheetPreview, number: int, column: OpeningColumn, raw: Any) -> tuple[bool, Any]:
    spec = ImportField(column.key, column.label, kind=column.kind, places=column.places)
    try:
        return True, convert(spec, raw)
    except ValueError as error:
        sheet.error(number, column.heading(), str(error), raw)
        return False, None


def _read_row(sheet: SheetPreview, number: int, header: list[OpeningColumn | None], cells: tuple[Any, ...]) -> None:
    row = OpeningRow(number=number, values={})
    failed = False
    for column, raw in zip(header, cells, strict=False):
        if column is None:
            continue
        ok, value = _convert(sheet, number, column, raw)
        failed = failed or not ok
        row.values[column.key] = value
    if failed:
        row.errors.append(_("A cell could not be read."))
    sheet.rows.append(row)


def _read_totals(sheet: SheetPreview, number: int, header: list[OpeningColumn | None], cells: tuple[Any, ...]) -> None:
    sheet.totals_row = number
    raw = {c.key: v for c, v in zip(header, cells, strict=False) if c is not None}
    for total, key in sheet.spec.totals:
        column = sheet.spec.column(key)
        ok, value = _convert(sheet, number, column, raw.get(key))
        if ok:
            sheet.stated[total] = value if value is not None else ZERO


# Checking the rows against the books


def row_error(sheet: SheetPreview, row: OpeningRow, key: str, message: str, value: Any = None) -> None:
    column = sheet.spec.column(key).heading() if key else ""
    sheet.error(row.number, column, message, row.values.get(key) if value is None else value)
    row.errors.append(message)


def row_duplicates(sheet: SheetPreview, row: OpeningRow, key: Any, seen: dict[Any, int], column: str) -> bool:
    if key in seen:
        row_error(sheet, row, column, _("Also on row %(row)s: each row must have its own.") % {"row": seen[key]})
        return True
    seen[key] = row.number
    return False


# The template


def opening_template_bytes() -> bytes:
    """The workbook to fill in: a sheet per part with its header row and a 合计 (Total) row, and a sheet of notes."""
    workbook = Workbook()
    notes = workbook.active
    notes.title = "说明" if _chinese() else "Notes"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E8EEF7")
    total_word = "合计" if _chinese() else "Total"
    notes.append([_("Opening balances (期初建账)")])
    notes["A1"].font = bold
    notes.append([_("Fill the rows between the header and the 合计 (Total) row; insert rows above 合计 as needed.")])
    notes.append([_("On the 合计 row type the totals from your old books: the import checks the rows add up to them.")])
    notes.append([_("A part you do not need can be left without rows, or its sheet deleted.")])
    notes.append([])
    for spec in SHEETS:
        notes.append([spec.heading()])
        notes.cell(row=notes.max_row, column=1).font = bold
        for column in spec.columns:
            mark = " *" if column.required and not column.info else ""
            notes.append([column.heading() + mark, str(column.help)])
        notes.append([])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 70
    for spec in SHEETS:
        sheet = workbook.create_sheet(spec.heading())
        sheet.append([c.heading() for c in spec.columns])
        for index in range(1, len(spec.columns) + 1):
            cell = sheet.cell(row=1, column=index)
            cell.font, cell.fill, cell.alignment = bold, fill, Alignment(horizontal="center")
            sheet.column_dimensions[get_column_letter(index)].width = 16
        stated = {key for _total, key in spec.totals}
        sheet.append([total_word if i == 0 else (0 if c.key in stated else None) for i, c in enumerate(spec.columns)])
        for index in range(1, len(spec.columns) + 1):
            sheet.cell(row=2, column=index).font = bold
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
