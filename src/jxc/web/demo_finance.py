"""Demo finance: cash accounts with opening balances, receipts of payment settling shipments (in full, in part,
a prepayment), payments to suppliers, a discount, tax invoices, and a statement the customer confirmed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from jxc.accounts.models import User
from jxc.finance.choices import (
    OPENING_SOURCE,
    CashAccountKind,
    Direction,
    InvoiceDirection,
    PaymentMethod,
    ReplyStatus,
    WriteOffKind,
)
from jxc.finance.models import CashAccount, Payment
from jxc.finance.services.cash import CashAccountData, cash_account_save, cash_entry_post
from jxc.finance.services.invoices import InvoiceData, InvoiceLineData, invoice_record
from jxc.finance.services.payments import PaymentData, payment_post
from jxc.finance.services.statements import statement_share_answer, statement_share_create
from jxc.finance.services.writeoffs import WriteOffData, WriteOffLineData, writeoff_create, writeoff_submit
from jxc.partners.models import Account, OpenItem
from jxc.partners.services.allocation import Share
from jxc.partners.services.ledger import EntrySource

ACCOUNTS = (
    ("现金", CashAccountKind.CASH, "", ""),
    ("工商银行基本户", CashAccountKind.BANK, "中国工商银行杭州城东支行", "1202 0212 0900 1234 567"),
    ("微信收款", CashAccountKind.WECHAT, "", ""),
    ("支付宝收款", CashAccountKind.ALIPAY, "", ""),
)


def demo_finance(*, actor: User) -> int:
    """Cash accounts and payments; returns how many finance documents were made."""
    for name, kind, bank, number in ACCOUNTS:
        if not CashAccount.objects.filter(kind=kind).exists():
            cash_account_save(
                actor=actor, data=CashAccountData(name=name, kind=kind, bank_name=bank, account_no=number)
            )
    bank = CashAccount.objects.filter(kind=CashAccountKind.BANK).order_by("pk").first()
    assert bank is not None
    today = timezone.localdate()
    for account, opening in (
        (bank, Decimal("86000.00")),
        (CashAccount.objects.get(kind=CashAccountKind.CASH), Decimal(2000)),
    ):
        cash_entry_post(
            account=account,
            amount=opening,
            day=today - timedelta(days=20),
            source=EntrySource(OPENING_SOURCE, account.pk, "期初"),
            actor=actor,
            memo="期初余额",
        )
    made = 0
    debts = list(
        OpenItem.objects.filter(account=Account.RECEIVABLE, open__gt=0, entry__source_type="sales.salesshipment")
        .exclude(partner__code="RETAIL")
        .select_related("partner", "entry")
        .order_by("date", "pk")
    )
    by_partner: dict[int, list[OpenItem]] = {}
    for item in debts:
        by_partner.setdefault(item.partner_id, []).append(item)
    for index, items in enumerate(by_partner.values()):
        partner = items[0].partner
        owed = sum((i.open for i in items), Decimal(0))
        if index == 0:  # settles everything and pays ahead: a prepayment (预收) stays
            amount, shares = owed + Decimal(500), None
        elif index == 1:  # pays part of the oldest document, chosen by hand
            amount = (items[0].open / 2).quantize(Decimal("0.01"))
            shares = [Share(items[0].pk, amount)]
        else:
            continue
        payment_post(
            actor=actor,
            data=PaymentData(
                direction=Direction.IN,
                partner_id=partner.pk,
                amount=amount,
                cash_account_id=bank.pk,
                method=PaymentMethod.BANK,
                date=today,
                reference=f"HZ{today:%m%d}{index + 1:04d}",
                shares=shares,
            ),
        )
        made += 1
    payables = list(
        OpenItem.objects.filter(account=Account.PAYABLE, open__gt=0)
        .select_related("partner")
        .order_by("date", "pk")[:2]
    )
    for index, item in enumerate(payables):
        amount = item.open if index == 0 else (item.open * Decimal("0.3")).quantize(Decimal("0.01"))
        payment_post(
            actor=actor,
            data=PaymentData(
                direction=Direction.OUT,
                partner_id=item.partner_id,
                amount=amount,
                cash_account_id=bank.pk,
                method=PaymentMethod.BANK,
                date=today - timedelta(days=1),
                shares=[Share(item.pk, amount)],
            ),
        )
        made += 1
    made += _documents(actor=actor, today=today)
    return made


def _documents(*, actor: User, today: date) -> int:
    """A discount on a customer's open shipment, invoices issued and received, a confirmed statement."""
    made = 0
    open_shipment = (
        OpenItem.objects.filter(account=Account.RECEIVABLE, open__gt=10, entry__source_type="sales.salesshipment")
        .exclude(partner__code="RETAIL")
        .select_related("partner")
        .order_by("pk")
        .first()
    )
    if open_shipment is not None:
        discount = writeoff_create(
            actor=actor,
            data=WriteOffData(
                partner_id=open_shipment.partner_id,
                amount=Decimal("5.00"),
                reason="尾款抹零",
                kind=WriteOffKind.DISCOUNT,
                date=today,
                lines=[WriteOffLineData(open_shipment.pk, Decimal("5.00"))],
            ),
        )
        writeoff_submit(actor=actor, write_off=discount)
        made += 1
    for direction, source, account in (
        (InvoiceDirection.ISSUED, "sales.salesshipment", Account.RECEIVABLE),
        (InvoiceDirection.RECEIVED, "purchasing.purchasereceipt", Account.PAYABLE),
    ):
        item = (
            OpenItem.objects.filter(account=account, amount__gt=0, reversed=False, entry__source_type=source)
            .exclude(partner__code="RETAIL")
            .order_by("pk")
            .first()
        )
        if item is None:
            continue
        tax = (item.amount * Decimal(13) / Decimal(113)).quantize(Decimal("0.01"))
        invoice_record(
            actor=actor,
            data=InvoiceData(
                direction=direction,
                partner_id=item.partner_id,
                number=f"{33020000 + item.pk:08d}",
                date=today,
                amount=item.amount,
                tax=tax,
                lines=[InvoiceLineData(item.pk, item.amount)],
            ),
        )
        made += 1
    paid = Payment.objects.filter(direction=Direction.IN).exclude(partner__code="RETAIL").order_by("pk").first()
    if paid is not None:
        share = statement_share_create(
            actor=actor,
            partner=paid.partner,
            account=Account.RECEIVABLE,
            start=today.replace(day=1),
            end=today,
        )
        statement_share_answer(share=share, status=ReplyStatus.CONFIRMED, name="王会计")
    return made
