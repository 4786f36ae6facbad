"""期初建账: opening balances from one Excel workbook — stock (库存), receivables and payables (应收应付), cash (资金).

Each sheet ends with a 合计 (Total) row stating its totals, typed from the old books; the rows must add up to them.
A dry run (`opening_balances_check`) reads and checks everything and returns a preview with every problem by sheet,
row and column; the import (`opening_balances_import`) runs the same check and then, in one transaction, posts
opening stock through other receipts (reason 期初, one per warehouse), the partners' balances through the partner
ledger and the cash accounts' balances through the cash journal, and proves the result equals the file's totals.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record
from jxc.catalog.models import Product
from jxc.core.db import retrying_atomic
from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.imports import ImportRefused
from jxc.core.numbers import ZERO, format_quantity, is_exact, round_money
from jxc.finance.choices import OPENING_SOURCE
from jxc.finance.errors import OpeningTotalsMismatch
from jxc.finance.models import CashAccount, CashEntry
from jxc.finance.services.cash import cash_entry_post
from jxc.finance.services.opening_file import (
    MAX_AMOUNT,
    OPENING_NUMBER,
    OpeningError,
    OpeningPreview,
    OpeningRow,
    SheetPreview,
    row_duplicates,
    row_error,
    workbook_read,
)
from jxc.inventory.choices import DocumentKind, ReceiptReason
from jxc.inventory.errors import ClosedPeriod
from jxc.inventory.models import CostState, Lot, Warehouse
from jxc.inventory.selectors import warehouses_of
from jxc.inventory.services.documents import DocumentData, LineData, stock_document_create, stock_document_post
from jxc.inventory.services.posting import check_open, closed_period_for
from jxc.partners.models import Account, Partner, PartnerEntry
from jxc.partners.services.ledger import EntrySource, balance_lock, partner_entry_post


def _check_stock(sheet: SheetPreview, actor: User) -> None:
    skus = {str(r.values.get("sku") or "").strip() for r in sheet.rows} - {""}
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus).select_related("base_unit")}
    visible = {w.pk for w in warehouses_of(user=actor)}
    warehouses = list(Warehouse.objects.filter(is_transit=False))
    by_code = {w.code: w for w in warehouses}
    by_name = {w.name: w for w in warehouses}
    lots = {
        (lot.product_id, lot.batch_no): lot
        for lot in Lot.objects.filter(
            product__in=products.values(),
            batch_no__in={str(r.values.get("batch_no") or "").strip() for r in sheet.rows} - {""},
        )
    }
    seen: dict[Any, int] = {}
    quantity_total, value_total = ZERO, ZERO
    for row in sheet.rows:
        sku = str(row.values.get("sku") or "").strip()
        quantity, unit_cost, amount = row.values.get("quantity"), row.values.get("unit_cost"), row.values.get("amount")
        if quantity is not None:
            quantity_total += quantity
        if quantity is not None and unit_cost is not None:
            row.amount = round_money(quantity * unit_cost)
        elif amount is not None:
            row.amount = round_money(amount)
        if row.amount is not None:
            value_total += row.amount
        if row.errors:
            continue
        product = products.get(sku)
        if not sku:
            row_error(sheet, row, "sku", _("Enter the SKU."))
        elif product is None:
            row_error(sheet, row, "sku", _("Unknown SKU “%(sku)s”.") % {"sku": sku})
        elif not product.active:
            row_error(sheet, row, "sku", _("%(name)s is deactivated.") % {"name": product.name})
        elif product.track_serials:
            row_error(
                sheet,
                row,
                "sku",
                _("%(name)s is tracked by serial number: enter its stock with an other receipt.")
                % {"name": product.name},
            )
        else:
            row.product, row.name = product, product.name
        code = str(row.values.get("warehouse") or "").strip()
        warehouse = by_code.get(code) or by_name.get(code)
        if not code:
            row_error(sheet, row, "warehouse", _("Enter the warehouse."))
        elif warehouse is None or warehouse.pk not in visible:
            row_error(sheet, row, "warehouse", _("Unknown warehouse “%(code)s”.") % {"code": code})
        elif not warehouse.active:
            row_error(sheet, row, "warehouse", _("%(name)s is deactivated.") % {"name": warehouse.name})
        else:
            row.warehouse = warehouse
        if quantity is None:
            row_error(sheet, row, "quantity", _("Enter the quantity."))
        elif quantity < 0:
            row_error(sheet, row, "quantity", _("The quantity cannot be negative."))
        elif quantity == 0:
            row_error(sheet, row, "quantity", _("The quantity must be greater than zero."))
        elif row.product is not None and not is_exact(quantity, row.product.base_unit.decimals):
            step = Decimal(1).scaleb(-row.product.base_unit.decimals)
            row_error(
                sheet,
                row,
                "quantity",
                _("%(unit)s is counted in steps of %(step)s.") % {"unit": row.product.base_unit.name, "step": step},
            )
        if unit_cost is None and amount is None:
            row_error(sheet, row, "unit_cost", _("Enter the unit cost (or the amount)."))
        elif (unit_cost is not None and unit_cost < 0) or (amount is not None and amount < 0):
            row_error(sheet, row, "unit_cost", _("A cost cannot be negative."))
        elif row.amount is not None and row.amount > MAX_AMOUNT:
            row_error(sheet, row, "amount", _("The amount is too large."))
        elif amount is not None and unit_cost is not None and round_money(amount) != row.amount:
            row_error(
                sheet,
                row,
                "amount",
                _("The amount should be quantity × unit cost = %(amount)s.") % {"amount": f"{row.amount:,}"},
            )
        batch = str(row.values.get("batch_no") or "").strip()
        expiry = row.values.get("expiry_date")
        if row.product is not None and row.product.track_lots:
            lot = lots.get((row.product.pk, batch))
            if not batch:
                row_error(
                    sheet,
                    row,
                    "batch_no",
                    _("%(product)s is tracked by lot: give the lot number.") % {"product": row.product.name},
                )
            elif lot is not None and expiry is not None and lot.expiry_date not in (None, expiry):
                row_error(
                    sheet,
                    row,
                    "expiry_date",
                    _("Lot %(batch)s of %(product)s expires on %(date)s.")
                    % {"batch": batch, "product": row.product.name, "date": lot.expiry_date},
                )
        elif row.product is not None and (batch or expiry):
            row_error(
                sheet,
                row,
                "batch_no" if batch else "expiry_date",
                _("%(product)s is not tracked by lot: leave the lot number and expiry date empty.")
                % {"product": row.product.name},
            )
        if row.product is not None and row.warehouse is not None:
            row_duplicates(sheet, row, (row.product.pk, row.warehouse.pk, batch), seen, "sku")
    sheet.totals = {"quantity": quantity_total, "value": value_total}


def _check_partners(sheet: SheetPreview) -> None:
    codes = {str(r.values.get("code") or "").strip() for r in sheet.rows} - {""}
    found = list(Partner.objects.filter(Q(code__in=codes) | Q(name__in=codes)))
    by_code = {p.code: p for p in found}
    by_name: dict[str, list[Partner]] = defaultdict(list)
    for p in found:
        by_name[p.name].append(p)
    opened = dict(
        PartnerEntry.objects.filter(source_type=OPENING_SOURCE, source_id__in=[p.pk for p in found], phase="post")
        .values("source_id")
        .annotate(n=Sum("amount"))
        .order_by()
        .values_list("source_id", "n")
    )
    seen: dict[Any, int] = {}
    receivable_total, payable_total = ZERO, ZERO
    for row in sheet.rows:
        receivable, payable = row.values.get("receivable"), row.values.get("payable")
        receivable_total += receivable or ZERO
        payable_total += payable or ZERO
        if row.errors:
            continue
        code = str(row.values.get("code") or "").strip()
        named = by_name.get(code, [])
        partner = by_code.get(code) or (named[0] if len(named) == 1 else None)
        if not code:
            row_error(sheet, row, "code", _("Enter the customer's or supplier's code."))
            continue
        if partner is None:
            message = (
                _("Several partners are named “%(code)s”: use the code.")
                if len(named) > 1
                else _("Unknown customer or supplier “%(code)s”.")
            )
            row_error(sheet, row, "code", message % {"code": code})
            continue
        row.partner, row.name = partner, partner.name
        if not partner.active:
            row_error(sheet, row, "code", _("%(name)s is inactive.") % {"name": partner.name})
        if partner.pk in opened:
            row_error(sheet, row, "code", _("%(name)s already has an opening balance.") % {"name": partner.name})
        if receivable and not partner.is_customer:
            row_error(sheet, row, "receivable", _("%(name)s is not a customer.") % {"name": partner.name})
        if payable and not partner.is_supplier:
            row_error(sheet, row, "payable", _("%(name)s is not a supplier.") % {"name": partner.name})
        for key in ("receivable", "payable"):
            if abs(row.values.get(key) or ZERO) > MAX_AMOUNT:
                row_error(sheet, row, key, _("The amount is too large."))
        row_duplicates(sheet, row, partner.pk, seen, "code")
    sheet.totals = {"receivable": receivable_total, "payable": payable_total}


def _check_cash(sheet: SheetPreview) -> None:
    names = {str(r.values.get("account") or "").strip() for r in sheet.rows} - {""}
    found = list(CashAccount.objects.filter(Q(code__in=names) | Q(name__in=names)))
    by_code = {a.code: a for a in found}
    by_name: dict[str, list[CashAccount]] = defaultdict(list)
    for a in found:
        by_name[a.name].append(a)
    opened = set(
        CashEntry.objects.filter(
            source_type=OPENING_SOURCE, source_id__in=[a.pk for a in found], phase="post"
        ).values_list("source_id", flat=True)
    )
    seen: dict[Any, int] = {}
    total = ZERO
    for row in sheet.rows:
        balance = row.values.get("balance")
        total += balance or ZERO
        if row.errors:
            continue
        name = str(row.values.get("account") or "").strip()
        named = by_name.get(name, [])
        account = by_code.get(name) or (named[0] if len(named) == 1 else None)
        if not name:
            row_error(sheet, row, "account", _("Enter the cash account's code or name."))
            continue
        if account is None:
            message = (
                _("Several cash accounts are named “%(name)s”: use the code.")
                if len(named) > 1
                else _("Unknown cash account “%(name)s”.")
            )
            row_error(sheet, row, "account", message % {"name": name})
            continue
        row.account, row.name = account, account.name
        if not account.active:
            row_error(sheet, row, "account", _("%(name)s is inactive.") % {"name": account.name})
        if account.pk in opened:
            row_error(sheet, row, "account", _("%(name)s already has an opening balance.") % {"name": account.name})
        if balance is None:
            row_error(sheet, row, "balance", _("Enter the balance."))
        elif abs(balance) > MAX_AMOUNT:
            row_error(sheet, row, "balance", _("The amount is too large."))
        row_duplicates(sheet, row, account.pk, seen, "account")
    sheet.totals = {"balance": total}


def _check_totals(sheet: SheetPreview) -> None:
    if sheet.totals_row is None:
        return
    for total, key in sheet.spec.totals:
        if total not in sheet.stated:
            continue  # the stated cell could not be read: already reported
        stated, rows = sheet.stated[total], sheet.totals.get(total, ZERO)
        if stated != rows:
            column = sheet.spec.column(key)
            what = column.heading() if total != "value" else _("value")
            shown = (
                (format_quantity(stated), format_quantity(rows))
                if total == "quantity"
                else (
                    f"{stated:,.2f}",
                    f"{rows:,.2f}",
                )
            )
            error = OpeningTotalsMismatch(what=what, stated=shown[0], rows=shown[1])
            sheet.error(sheet.totals_row, column.heading(), error.text, stated, code=error.code)


def opening_balances_check(*, actor: User, content: bytes, day: date) -> OpeningPreview:
    """Read the workbook and check every row and total; nothing is written (a dry run). Raises ClosedPeriod."""
    period = closed_period_for(day)
    if period is not None:
        raise ClosedPeriod(date=day.isoformat(), period=str(period))
    preview = OpeningPreview(day=day)
    try:
        workbook_read(content, preview)
    except ImportRefused as error:
        preview.fatal = error.text
        return preview
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, TypeError) as error:
        preview.fatal = _("The workbook could not be read: %(error)s") % {"error": error}
        return preview
    _check_stock(preview.sheet("stock"), actor)
    _check_partners(preview.sheet("partners"))
    _check_cash(preview.sheet("cash"))
    for sheet in preview.sheets:
        _check_totals(sheet)
        sheet.errors.sort(key=lambda e: e.row)
    if preview.ok and not preview.row_count:
        preview.fatal = _("The file has no rows to import.")
    return preview


def _refusal(preview: OpeningPreview) -> DomainError:
    """The error a refused import raises: the rows' problems, or the totals mismatch when the rows are fine."""
    rows = [e.as_dict() for e in preview.errors]
    if preview.fatal:
        return ImportRefused(preview.fatal)
    mismatches = [e for e in preview.errors if e.code == OpeningTotalsMismatch.code]
    if mismatches and len(mismatches) == len(preview.errors):  # the rows are fine, they just do not add up
        first = mismatches[0]
        return OpeningTotalsMismatch(first.message, sheet=first.sheet, row=first.row, errors=rows)
    message = _("Nothing was imported: %(n)s rows have errors.") % {
        "n": len({(e.sheet, e.row) for e in preview.errors})
    }
    return ValidationFailed({"file": [message]}, message=message, rows=rows)


# Importing


@retrying_atomic
def opening_balances_import(*, actor: User, content: bytes, day: date) -> OpeningPreview:
    """Import the opening balances, all or nothing: stock (other receipts, reason 期初, one per warehouse), partner
    receivables and payables, cash balances; the result is proven equal to the file's totals. Audited."""
    check_open(day)
    preview = opening_balances_check(actor=actor, content=content, day=day)
    if not preview.ok:
        raise _refusal(preview)
    stock, partners, cash = preview.sheet("stock"), preview.sheet("partners"), preview.sheet("cash")
    _lock_and_recheck(preview)
    products = {r.product.pk for r in stock.rows if r.product is not None}
    before = _stock_totals(products)
    preview.documents = _post_stock(stock, actor=actor, day=day)
    for row in sorted(partners.rows, key=lambda r: r.partner.pk if r.partner else 0):
        assert row.partner is not None
        source = EntrySource(OPENING_SOURCE, row.partner.pk, OPENING_NUMBER, "post")
        for account, key in ((Account.RECEIVABLE, "receivable"), (Account.PAYABLE, "payable")):
            amount = row.values.get(key) or ZERO
            if amount:
                partner_entry_post(
                    partner=row.partner, account=account, amount=amount, day=day, source=source, actor=actor,
                    due_date=row.values.get("due_date"), memo=_("Opening balance"),
                )  # fmt: skip
    for row in sorted(cash.rows, key=lambda r: r.account.pk if r.account else 0):
        assert row.account is not None
        if row.values.get("balance"):
            cash_entry_post(
                account=row.account, amount=row.values["balance"], day=day, actor=actor, memo=_("Opening balance"),
                source=EntrySource(OPENING_SOURCE, row.account.pk, OPENING_NUMBER, "post"),
            )  # fmt: skip
    _prove(preview, products, before)
    preview.committed = True
    audit_record(
        actor=actor,
        action="opening_balances.imported",
        target_type="finance.opening",
        target_id=day.isoformat(),
        target_repr=f"{OPENING_NUMBER} {day.isoformat()}",
        after={
            "date": day.isoformat(),
            "documents": preview.documents,
            "stock": {"rows": len(stock.rows), **{k: str(v) for k, v in stock.totals.items()}},
            "partners": {"rows": len(partners.rows), **{k: str(v) for k, v in partners.totals.items()}},
            "cash": {"rows": len(cash.rows), **{k: str(v) for k, v in cash.totals.items()}},
        },
    )
    return preview


def _lock_and_recheck(preview: OpeningPreview) -> None:
    """Lock the partners' balances and the cash accounts (in key order), then make sure no other import gave them
    an opening balance meanwhile."""
    partners = sorted({r.partner.pk for r in preview.sheet("partners").rows if r.partner is not None})
    for partner_id in partners:
        balance_lock(partner_id=partner_id)
    accounts = sorted({r.account.pk for r in preview.sheet("cash").rows if r.account is not None})
    list(CashAccount.objects.select_for_update(of=("self",)).filter(pk__in=accounts).order_by("pk"))
    taken = PartnerEntry.objects.filter(source_type=OPENING_SOURCE, source_id__in=partners).exists()
    taken = taken or CashEntry.objects.filter(source_type=OPENING_SOURCE, source_id__in=accounts).exists()
    if taken:
        raise ValidationFailed.one("file", _("Another import gave some of these an opening balance meanwhile."))


def _post_stock(sheet: SheetPreview, *, actor: User, day: date) -> list[str]:
    """One posted other receipt (reason 期初) per warehouse; returns their numbers."""
    by_warehouse: dict[int, list[OpeningRow]] = defaultdict(list)
    warehouses: dict[int, Warehouse] = {}
    for row in sheet.rows:
        assert row.warehouse is not None and row.product is not None
        by_warehouse[row.warehouse.pk].append(row)
        warehouses[row.warehouse.pk] = row.warehouse
    numbers = []
    for pk in sorted(by_warehouse, key=lambda k: warehouses[k].code):
        rows = by_warehouse[pk]
        lines = [
            LineData(
                product_id=r.product.pk,  # type: ignore[union-attr]
                quantity=r.values["quantity"],
                unit_cost=r.values.get("unit_cost")
                if r.values.get("unit_cost") is not None
                else (r.values["amount"] / r.values["quantity"]).quantize(Decimal("0.000001")),
                amount=r.amount,
                batch_no=str(r.values.get("batch_no") or "").strip(),
                expiry_date=r.values.get("expiry_date"),
                notes=_("Opening balance"),
            )
            for r in rows
        ]
        data = DocumentData(
            kind=DocumentKind.RECEIPT,
            date=day,
            warehouse_id=pk,
            reason=ReceiptReason.OPENING,
            notes=_("Opening balances (期初建账)"),
            lines=lines,
        )
        try:
            document = stock_document_create(actor=actor, data=data)
            stock_document_post(actor=actor, document=document)
        except DomainError as error:
            raise _stock_refusal(sheet, rows, error) from error
        numbers.append(document.number)
    return numbers


def _stock_refusal(sheet: SheetPreview, rows: list[OpeningRow], error: DomainError) -> DomainError:
    """A refusal of the stock service, told by the file's row numbers (`lines.3.batch_no` → the 4th row)."""
    items = list(error.errors.items()) if isinstance(error, ValidationFailed) and error.errors else []
    items = items or [(error.field or "", [error.text])]
    found = []
    for key, messages in items:
        parts = key.split(".")
        index = int(parts[1]) if len(parts) > 1 and parts[0] == "lines" and parts[1].isdigit() else -1
        number = rows[index].number if 0 <= index < len(rows) else 0
        for message in messages:
            found.append(OpeningError(sheet.name, number, "", str(message)).as_dict())
    text = _("Nothing was imported: %(n)s rows have errors.") % {"n": len({e["row"] for e in found})}
    return ValidationFailed({"file": [str(m) for _k, ms in items for m in ms]}, message=text, rows=found)


def _stock_totals(products: set[int]) -> tuple[Decimal, Decimal]:
    totals = CostState.objects.filter(product_id__in=products).aggregate(q=Sum("quantity"), v=Sum("value"))
    return totals["q"] or ZERO, totals["v"] or ZERO


def _prove(preview: OpeningPreview, products: set[int], before: tuple[Decimal, Decimal]) -> None:
    """The books moved by exactly the file's totals, else everything is rolled back."""
    stock, partners, cash = preview.sheet("stock"), preview.sheet("partners"), preview.sheet("cash")
    after = _stock_totals(products)
    moved = {"quantity": after[0] - before[0], "value": after[1] - before[1]}
    partner_ids = [r.partner.pk for r in partners.rows if r.partner is not None]
    entries = dict(
        PartnerEntry.objects.filter(source_type=OPENING_SOURCE, source_id__in=partner_ids, phase="post")
        .values("account")
        .annotate(t=Sum("amount"))
        .order_by()
        .values_list("account", "t")
    )
    account_ids = [r.account.pk for r in cash.rows if r.account is not None]
    balance = CashEntry.objects.filter(source_type=OPENING_SOURCE, source_id__in=account_ids, phase="post").aggregate(
        t=Sum("amount")
    )["t"]
    checks = [
        (stock, "quantity", moved["quantity"]),
        (stock, "value", moved["value"]),
        (partners, "receivable", entries.get(Account.RECEIVABLE) or ZERO),
        (partners, "payable", entries.get(Account.PAYABLE) or ZERO),
        (cash, "balance", balance or ZERO),
    ]
    for sheet, total, posted in checks:
        stated = sheet.stated.get(total, ZERO)
        if posted != stated:
            raise OpeningTotalsMismatch(what=f"{sheet.spec.heading()} {total}", stated=stated, rows=posted)
