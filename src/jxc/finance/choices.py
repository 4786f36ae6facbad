"""The fixed vocabularies of finance: payment directions and methods, cash account kinds, prefixes, sources."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Direction(models.TextChoices):
    """Money in from a customer (收款) or out to a supplier (付款)."""

    IN = "in", _("receipt of payment")
    OUT = "out", _("payment")


class PaymentMethod(models.TextChoices):
    """How money moved (recorded, not processed)."""

    CASH = "cash", _("cash")
    BANK = "bank", _("bank transfer")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    CARD = "card", _("bank card")
    OTHER = "other", _("other")


class CashAccountKind(models.TextChoices):
    """What a cash account (资金账户) is."""

    CASH = "cash", _("cash")
    BANK = "bank", _("bank account")
    WECHAT = "wechat", _("WeChat")
    ALIPAY = "alipay", _("Alipay")
    OTHER = "other", _("other")


# The kind of account a payment method lands in by default.
METHOD_KIND = {
    PaymentMethod.CASH: CashAccountKind.CASH,
    PaymentMethod.BANK: CashAccountKind.BANK,
    PaymentMethod.CARD: CashAccountKind.BANK,
    PaymentMethod.WECHAT: CashAccountKind.WECHAT,
    PaymentMethod.ALIPAY: CashAccountKind.ALIPAY,
    PaymentMethod.OTHER: CashAccountKind.OTHER,
}


class PaymentStatus(models.TextChoices):
    """A payment is posted when saved; 红冲 marks it reversed and posts its opposite."""

    POSTED = "posted", _("posted")
    REVERSED = "reversed", _("reversed")


class WriteOffKind(models.TextChoices):
    """Why an amount is taken off a partner's account."""

    WRITE_OFF = "write_off", _("bad debt written off")
    DISCOUNT = "discount", _("discount allowed")


class WriteOffStatus(models.TextChoices):
    """A write-off waits for approval, then posts; a rejected one can be edited and submitted again."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    POSTED = "posted", _("posted")
    REJECTED = "rejected", _("rejected")


class InvoiceDirection(models.TextChoices):
    """A tax invoice we issued to a customer (销项) or received from a supplier (进项)."""

    ISSUED = "issued", pgettext_lazy("invoice", "issued")
    RECEIVED = "received", pgettext_lazy("invoice", "received")


class ReplyStatus(models.TextChoices):
    """The partner's answer to a shared statement."""

    PENDING = "pending", _("waiting for the answer")
    CONFIRMED = "confirmed", _("confirmed")
    DISPUTED = "disputed", _("disputed")


RECEIPT_PREFIX = "SK"
PAYMENT_PREFIX = "FK"
WRITE_OFF_PREFIX = "HX"
PAYMENT_SOURCE = "finance.payment"
WRITE_OFF_SOURCE = "finance.writeoff"
OPENING_SOURCE = "finance.opening"
APPLY_SOURCE = "finance.apply"
