"""期初建账 from a real .xlsx: the dry run's preview, the import (stock value, partner and cash balances equal the
file's totals), and every refusal with nothing written: totals that do not add up, unknown codes by row, bad
numbers, lots, a partner's opening twice, a closed month."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import translation
from openpyxl import Workbook

from jxc.accounts.models import AuditEntry
from jxc.core.errors import ValidationFailed
from jxc.core.imports import ImportRefused
from jxc.finance.choices import OPENING_SOURCE, CashAccountKind
from jxc.finance.errors import OpeningTotalsMismatch
from jxc.finance.models import CashAccount, CashEntry
from jxc.finance.services.cash import CashAccountData, cash_account_save
from jxc.finance.services.opening import opening_balances_check, opening_balances_import
from jxc.finance.services.opening_file import opening_template_bytes
from jxc.inventory.choices import ReceiptReason
from jxc.inventory.errors import ClosedPeriod
from jxc.inventory.models import CostState, Lot, StockDocument, StockMove
from jxc.inventory.services.periods import stock_period_close
from jxc.partners.models import Account, OpenItem, PartnerBalance, PartnerEntry

DAY = date(2026, 11, 1)
STOCK_HEADER = ["商品编码", "商品名称", "仓库编码", "批号", "有效期至", "数量", "单位成本", "金额"]
PARTNER_HEADER = ["往来单位编码", "名称", "应收", "应付", "到期日"]
CASH_HEADER = ["资金账户", "余额"]


@pytest.fixture(autouse=True)
def _in_chinese() -> Any:
    """Row errors name the columns in the shop's language (whatever an earlier test left active)."""
    with translation.override("zh-hans"):
        yield


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook with these sheets, each a list of rows (header first)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def stock_rows() -> list[list[Any]]:
    return [
        STOCK_HEADER,
        ["NOODLE", "方便面", "MAIN", None, None, 100, 2.355, None],  # 235.50
        ["NOODLE", "方便面", "SHOP", None, None, 3, "3.335", None],  # 10.005 → 10.01 (half up)
        ["WATER", "矿泉水", "MAIN", None, None, 40, None, 52],  # the amount given: 52.00
        ["MILK", "牛奶", "MAIN", "L001", date(2027, 3, 1), 12, 4.5, 54],  # lot-tracked
        ["合计", None, None, None, None, 155, None, "351.51"],
    ]


def partner_rows() -> list[list[Any]]:
    return [
        PARTNER_HEADER,
        ["C001", "城东惠民超市", "1200.50", 0, date(2026, 12, 31)],
        ["S001", "康师傅华东经销部", None, 800, None],
        ["B001", "两头都做", 100, "50.25", None],
        ["合计", None, "1300.50", "850.25", None],
    ]


def cash_rows() -> list[list[Any]]:
    return [CASH_HEADER, ["XJ", 1000], ["工商银行", "25000.50"], ["合计", "26000.50"]]


def full_book(**changes: list[list[Any]]) -> bytes:
    sheets = {"库存": stock_rows(), "应收应付": partner_rows(), "资金": cash_rows()}
    sheets.update({{"stock": "库存", "partners": "应收应付", "cash": "资金"}[k]: v for k, v in changes.items()})
    return workbook(sheets)


@pytest.fixture
def setup(
    owner: Any, make_product: Callable[..., Any], make_partner: Callable[..., Any], make_warehouse: Callable[..., Any]
) -> Any:
    class Setup:
        pass

    s = Setup()
    s.owner = owner  # type: ignore[attr-defined]
    s.main = make_warehouse("MAIN", "总仓")  # type: ignore[attr-defined]
    s.shop = make_warehouse("SHOP", "门店")  # type: ignore[attr-defined]
    s.noodle = make_product("NOODLE", "方便面")  # type: ignore[attr-defined]
    s.water = make_product("WATER", "矿泉水")  # type: ignore[attr-defined]
    s.milk = make_product("MILK", "牛奶", track_lots=True)  # type: ignore[attr-defined]
    s.customer = make_partner("城东惠民超市", code="C001", payment_terms_days=30)  # type: ignore[attr-defined]
    s.supplier = make_partner("康师傅华东经销部", code="S001", is_customer=False, is_supplier=True)  # type: ignore[attr-defined]
    s.both = make_partner("两头都做", code="B001", is_supplier=True)  # type: ignore[attr-defined]
    s.till = cash_account_save(actor=None, data=CashAccountData(name="现金", code="XJ"))  # type: ignore[attr-defined]
    s.bank = cash_account_save(  # type: ignore[attr-defined]
        actor=None, data=CashAccountData(name="工商银行", code="YH", kind=CashAccountKind.BANK)
    )
    return s


def written() -> dict[str, int]:
    return {
        "moves": StockMove.objects.count(),
        "documents": StockDocument.objects.count(),
        "entries": PartnerEntry.objects.count(),
        "cash": CashEntry.objects.count(),
        "lots": Lot.objects.count(),
        "audit": AuditEntry.objects.exclude(action__endswith=".created").count(),
    }


NOTHING = {"moves": 0, "documents": 0, "entries": 0, "cash": 0, "lots": 0, "audit": 0}


def stock_value() -> tuple[D, D]:
    totals = CostState.objects.aggregate(q=Sum("quantity"), v=Sum("value"))
    return totals["q"] or D(0), totals["v"] or D(0)


def balances() -> tuple[D, D]:
    totals = PartnerBalance.objects.aggregate(r=Sum("receivable"), p=Sum("payable"))
    return totals["r"] or D(0), totals["p"] or D(0)


def cash_total() -> D:
    return CashAccount.objects.aggregate(b=Sum("balance"))["b"] or D(0)


def test_dry_run_previews_rows_and_totals_and_writes_nothing(setup: Any) -> None:
    preview = opening_balances_check(actor=setup.owner, content=full_book(), day=DAY)
    assert preview.ok, [e.as_dict() for e in preview.errors]
    stock, partners, cash = preview.sheet("stock"), preview.sheet("partners"), preview.sheet("cash")
    assert [r.number for r in stock.rows] == [2, 3, 4, 5] and stock.totals_row == 6
    assert [r.amount for r in stock.rows] == [D("235.50"), D("10.01"), D("52.00"), D("54.00")]
    assert stock.totals == {"quantity": D(155), "value": D("351.51")} == stock.stated
    assert [r.name for r in stock.rows] == ["方便面", "方便面", "矿泉水", "牛奶"]
    assert partners.totals == {"receivable": D("1300.50"), "payable": D("850.25")}
    assert cash.totals == {"balance": D("26000.50")}
    assert [r.account for r in cash.rows] == [setup.till, setup.bank]  # by code and by name
    assert preview.row_count == 9
    body = preview.as_dict()
    assert body["ok"] and not body["committed"] and body["sheets"]["stock"]["totals"]["value"] == "351.51"
    assert body["sheets"]["partners"]["rows"][0] == {
        "row": 2,
        "name": "城东惠民超市",
        "errors": [],
        "code": "C001",
        "receivable": "1200.50",
        "payable": "0",
        "due_date": "2026-12-31",
    }
    assert written() == NOTHING


def test_import_posts_stock_partners_and_cash_equal_to_the_file_totals(setup: Any) -> None:
    result = opening_balances_import(actor=setup.owner, content=full_book(), day=DAY)
    assert result.committed and len(result.documents) == 2  # one other receipt per warehouse
    assert stock_value() == (D(155), D("351.51"))
    assert balances() == (D("1300.50"), D("850.25"))
    assert cash_total() == D("26000.50")
    documents = StockDocument.objects.order_by("number")
    assert {d.reason for d in documents} == {ReceiptReason.OPENING} and {d.date for d in documents} == {DAY}
    assert {d.warehouse.code: d.lines.count() for d in documents} == {"MAIN": 3, "SHOP": 1}
    lot = Lot.objects.get(product=setup.milk)
    assert (lot.batch_no, lot.expiry_date) == ("L001", date(2027, 3, 1))
    water = CostState.objects.get(product=setup.water)
    assert (water.quantity, water.value) == (D(40), D("52.00"))
    entry = PartnerEntry.objects.get(partner=setup.customer)
    assert (entry.source_type, entry.source_id, entry.source_number, entry.phase) == (
        OPENING_SOURCE,
        setup.customer.pk,
        "期初",
        "post",
    )
    assert entry.due_date == date(2026, 12, 31) and OpenItem.objects.get(pk=entry.pk).open == D("1200.50")
    both = {e.account: e.amount for e in PartnerEntry.objects.filter(partner=setup.both)}
    assert both == {Account.RECEIVABLE: D("100.00"), Account.PAYABLE: D("50.25")}
    assert PartnerEntry.objects.get(partner=setup.supplier).due_date == DAY  # no payment terms
    cash = CashEntry.objects.get(account=setup.bank)
    assert (cash.amount, cash.source_type, cash.source_id, cash.date) == (
        D("25000.50"),
        OPENING_SOURCE,
        setup.bank.pk,
        DAY,
    )
    audit = AuditEntry.objects.get(action="opening_balances.imported")
    assert audit.actor == setup.owner and audit.after["stock"]["value"] == "351.51"
    assert audit.after["documents"] == result.documents


def test_totals_that_do_not_add_up_are_refused_with_nothing_written(setup: Any) -> None:
    partners = partner_rows()
    partners[-1] = ["合计", None, "1300.00", "850.25", None]
    content = full_book(partners=partners)
    preview = opening_balances_check(actor=setup.owner, content=content, day=DAY)
    assert not preview.ok
    [error] = preview.errors
    assert (error.sheet, error.row, error.column, error.code) == ("应收应付", 5, "应收", "opening_totals_mismatch")
    assert "1,300.00" in error.message and "1,300.50" in error.message
    with pytest.raises(OpeningTotalsMismatch) as refused:
        opening_balances_import(actor=setup.owner, content=content, day=DAY)
    assert refused.value.data["errors"][0]["row"] == 5
    assert written() == NOTHING


def test_stock_value_total_is_checked_against_rounded_rows(setup: Any) -> None:
    rows = stock_rows()
    rows[-1] = ["合计", None, None, None, None, 155, None, "351.50"]  # 10.005 rounds up to 10.01
    preview = opening_balances_check(actor=setup.owner, content=full_book(stock=rows), day=DAY)
    assert [(e.row, e.column, e.code) for e in preview.errors] == [(6, "金额", "opening_totals_mismatch")]


def test_unknown_codes_and_bad_cells_are_row_errors_with_row_numbers(setup: Any) -> None:
    stock = [
        STOCK_HEADER,
        ["NOODLE", None, "MAIN", None, None, 10, 2, None],
        ["NOPE", None, "MAIN", None, None, 5, 1, None],  # row 3: unknown SKU
        ["WATER", None, "NOWHERE", None, None, 5, 1, None],  # row 4: unknown warehouse
        ["WATER", None, "MAIN", None, None, -5, 1, None],  # row 5: negative quantity
        ["WATER", None, "SHOP", None, None, "abc", 1, None],  # row 6: not a number
        ["MILK", None, "MAIN", None, None, 2, 1, None],  # row 7: lot required
        ["NOODLE", None, "MAIN", "X1", None, 1, 1, None],  # row 8: not lot-tracked
        ["NOODLE", None, "MAIN", None, None, 1, 1, 5],  # row 9: amount ≠ quantity × cost; also on row 2
        ["合计", None, None, None, None, 19, None, "29.00"],
    ]
    partners = [PARTNER_HEADER, ["C999", None, 1, 0, None], ["S001", None, 5, 0, None], ["合计", None, 6, 0, None]]
    cash = [CASH_HEADER, ["支付宝", 10], ["合计", 10]]
    preview = opening_balances_check(
        actor=setup.owner, content=full_book(stock=stock, partners=partners, cash=cash), day=DAY
    )
    found = {(e.sheet, e.row, e.column) for e in preview.errors}
    assert ("库存", 3, "商品编码") in found
    assert ("库存", 4, "仓库编码") in found
    assert ("库存", 5, "数量") in found
    assert ("库存", 6, "数量") in found
    assert ("库存", 7, "批号") in found
    assert ("库存", 8, "批号") in found
    assert ("库存", 9, "金额") in found and ("库存", 9, "商品编码") in found  # wrong amount; duplicate of row 2
    assert ("应收应付", 2, "往来单位编码") in found
    assert ("应收应付", 3, "应收") in found  # S001 is not a customer
    assert ("资金", 2, "资金账户") in found
    messages = {(e.sheet, e.row): e.message for e in preview.errors}
    assert "NOPE" in messages[("库存", 3)] and "C999" in messages[("应收应付", 2)]
    assert preview.sheet("stock").rows[1].errors  # the row itself is marked for the page
    with pytest.raises(ValidationFailed) as refused:
        opening_balances_import(actor=setup.owner, content=full_book(stock=stock), day=DAY)
    assert {r["row"] for r in refused.value.data["rows"]} >= {3, 4, 5, 6, 7, 8, 9}
    assert written() == NOTHING


def test_unknown_sku_in_english_names(setup: Any, english: Any) -> None:
    stock = [
        ["SKU", "Warehouse code", "Quantity", "Unit cost", "Amount"],
        ["NOODLE", "MAIN", 10, 2, None],
        ["GHOST", "MAIN", 1, 1, None],
        ["Total", None, 11, None, 21],
    ]
    preview = opening_balances_check(actor=setup.owner, content=workbook({"Stock": stock}), day=DAY)
    [error] = preview.errors
    assert (error.sheet, error.row, error.column) == ("Stock", 3, "SKU")
    assert error.message == "Unknown SKU “GHOST”."


def test_a_partners_opening_balance_is_imported_once(setup: Any) -> None:
    opening_balances_import(actor=setup.owner, content=workbook({"应收应付": partner_rows()}), day=DAY)
    before = written()
    again = workbook({"应收应付": [PARTNER_HEADER, ["C001", None, 10, 0, None], ["合计", None, 10, 0, None]]})
    preview = opening_balances_check(actor=setup.owner, content=again, day=DAY)
    [error] = preview.errors
    assert (error.row, error.column) == (2, "往来单位编码") and "已有期初余额" in error.message
    with pytest.raises(ValidationFailed):
        opening_balances_import(actor=setup.owner, content=again, day=DAY)
    cash_again = workbook({"资金": [CASH_HEADER, ["XJ", 5], ["合计", 5]]})
    opening_balances_import(actor=setup.owner, content=workbook({"资金": cash_rows()}), day=DAY)
    before = written()
    with pytest.raises(ValidationFailed):
        opening_balances_import(actor=setup.owner, content=cash_again, day=DAY)
    assert written() == before
    assert balances() == (D("1300.50"), D("850.25"))


def test_a_closed_period_is_refused(setup: Any) -> None:
    stock_period_close(actor=setup.owner, month=date(2026, 10, 1))
    with pytest.raises(ClosedPeriod):
        opening_balances_check(actor=setup.owner, content=full_book(), day=date(2026, 10, 31))
    with pytest.raises(ClosedPeriod):
        opening_balances_import(actor=setup.owner, content=full_book(), day=date(2026, 10, 31))
    assert written() == {**NOTHING, "audit": 1}  # the close itself
    opening_balances_import(actor=setup.owner, content=full_book(), day=DAY)  # the day after is open
    assert stock_value() == (D(155), D("351.51"))


def test_file_level_problems(setup: Any) -> None:
    assert opening_balances_check(actor=setup.owner, content=b"not a workbook", day=DAY).fatal
    nothing = opening_balances_check(actor=setup.owner, content=workbook({"Sheet": [["a"]]}), day=DAY)
    assert "none of the sheets" in nothing.fatal or "库存" in nothing.fatal
    with pytest.raises(ImportRefused):
        opening_balances_import(actor=setup.owner, content=workbook({"Sheet": [["a"]]}), day=DAY)
    no_total = workbook({"资金": [CASH_HEADER, ["XJ", 5]]})
    [error] = opening_balances_check(actor=setup.owner, content=no_total, day=DAY).errors
    assert error.row == 3 and "合计" in error.message
    after = workbook({"资金": [CASH_HEADER, ["XJ", 5], ["合计", 5], ["YH", 1]]})
    [error] = opening_balances_check(actor=setup.owner, content=after, day=DAY).errors
    assert error.row == 4
    header = workbook({"资金": [["资金账户", "余额", "颜色"], ["XJ", 5], ["合计", 5]]})
    [error] = opening_balances_check(actor=setup.owner, content=header, day=DAY).errors
    assert error.row == 1 and "颜色" in error.message
    empty = workbook({"资金": [CASH_HEADER, ["合计", 0]]})
    assert opening_balances_check(actor=setup.owner, content=empty, day=DAY).fatal  # no rows to import
    assert written() == NOTHING


def test_the_template_is_read_back_once_filled(setup: Any) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(opening_template_bytes()))
    assert book.sheetnames == ["说明", "库存", "应收应付", "资金"]
    assert [c.value for c in book["库存"][1]] == STOCK_HEADER
    assert [c.value for c in book["资金"][2]] == ["合计", 0]
    book["资金"].insert_rows(2)
    book["资金"]["A2"], book["资金"]["B2"] = "YH", 99.5
    book["资金"]["B3"] = 99.5
    buffer = io.BytesIO()
    book.save(buffer)
    result = opening_balances_import(actor=setup.owner, content=buffer.getvalue(), day=DAY)
    assert result.committed and cash_total() == D("99.50")
