"""Cash accounts (资金账户): saved with checks and an audit row, the default account per payment method, and the
journal (日记账) between two dates with its opening balance and running balance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from jxc.accounts.models import AuditEntry
from jxc.core.errors import ValidationFailed
from jxc.finance.choices import Direction, PaymentMethod
from jxc.finance.models import CashAccount, CashEntry
from jxc.finance.selectors.cash import cash_account_choices, cash_account_list, cash_journal
from jxc.finance.services.cash import CashAccountData, cash_account_for_method, cash_account_save, cash_entry_post
from jxc.partners.services.ledger import EntrySource


def test_cash_account_save_creates_numbers_and_audits(owner):
    account = cash_account_save(
        actor=owner, data=CashAccountData(name="  工商银行  基本户 ", kind="bank", account_no="6222 0000")
    )
    assert (account.name, account.code, account.balance) == ("工商银行 基本户", "ZH001", D(0))
    assert AuditEntry.objects.filter(action="cash_account.created", target_id=str(account.pk)).count() == 1
    changed = cash_account_save(
        actor=owner, data=CashAccountData(name="工行基本户", kind="bank", code="BANK1"), account=account
    )
    assert (changed.pk, changed.code, changed.name, changed.account_no) == (account.pk, "BANK1", "工行基本户", "")
    entry = AuditEntry.objects.get(action="cash_account.changed")
    assert entry.before["name"] == "工商银行 基本户" and entry.after["code"] == "BANK1"
    cash_account_save(actor=owner, data=CashAccountData(name="工行基本户", kind="bank", code="BANK1"), account=account)
    assert AuditEntry.objects.filter(action="cash_account.changed").count() == 1  # nothing changed: no row


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"name": "  "}, "name"), ({"name": "现金", "kind": "gold"}, "kind"), ({"name": "现金", "code": "TAKEN"}, "code")],
)
def test_cash_account_save_refusals_write_nothing(owner, fields, field):
    cash_account_save(actor=owner, data=CashAccountData(name="已有", code="TAKEN"))
    before = (CashAccount.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationFailed) as caught:
        cash_account_save(actor=owner, data=CashAccountData(**fields))
    assert field in caught.value.errors
    assert (CashAccount.objects.count(), AuditEntry.objects.count()) == before


def test_cash_account_for_method_makes_the_default_once(db):
    first = cash_account_for_method(method=PaymentMethod.ALIPAY)
    assert (first.kind, first.name) == ("alipay", "支付宝")
    assert cash_account_for_method(method=PaymentMethod.ALIPAY).pk == first.pk
    assert cash_account_for_method(method=PaymentMethod.CARD).kind == "bank"


def test_cash_entry_post_is_once_per_step(owner):
    account = cash_account_save(actor=owner, data=CashAccountData(name="现金"))
    source = EntrySource("finance.opening", 1, "QC1")
    cash_entry_post(account=account, amount=D("12.345"), day=date(2026, 11, 1), source=source, actor=owner)
    again = cash_entry_post(account=account, amount=D("12.35"), day=date(2026, 11, 1), source=source, actor=owner)
    account.refresh_from_db()
    assert account.balance == D("12.35") == again.balance_after and CashEntry.objects.count() == 1


def test_cash_account_list_and_choices(owner):
    bank = cash_account_save(actor=owner, data=CashAccountData(name="工行", kind="bank", bank_name="工商银行"))
    old = cash_account_save(actor=owner, data=CashAccountData(name="旧现金", active=False))
    assert list(cash_account_list(q="工商")) == [bank]
    assert list(cash_account_list(active=False)) == [old]
    assert [pk for pk, _name in cash_account_choices()] == [bank.pk]
    assert {pk for pk, _name in cash_account_choices(current=old.pk)} == {bank.pk, old.pk}


def test_cash_journal_between_dates_with_opening_and_running_balance(books: Any):
    books.stock()
    books.ship(100, "3.50", day=date(2026, 10, 20))
    books.receive(10, "2.00", day=date(2026, 10, 20))
    pay = books.pay
    pay("100.00", shares=[], day=date(2026, 10, 25))
    pay("30.00", shares=[], day=date(2026, 11, 3))
    pay("20.00", shares=[], day=date(2026, 11, 1), direction=Direction.OUT)  # posted later, dated earlier
    late = pay("5.00", shares=[], day=date(2026, 11, 30))
    account = late.cash_account
    journal = cash_journal(account=account, date_from=date(2026, 11, 1), date_to=date(2026, 11, 29))
    assert journal.opening == D("100.00")
    assert [(ln.date, ln.money_in, ln.money_out, ln.balance) for ln in journal.lines] == [
        (date(2026, 11, 1), None, D("20.00"), D("80.00")),
        (date(2026, 11, 3), D("30.00"), None, D("110.00")),
    ]
    assert (journal.total_in, journal.total_out, journal.closing) == (D("30.00"), D("20.00"), D("110.00"))
    whole = cash_journal(account=account)
    assert whole.opening == D(0) and whole.closing == account.balance == D("115.00")
    assert [ln.balance for ln in whole.lines] == [D("100.00"), D("80.00"), D("110.00"), D("115.00")]
