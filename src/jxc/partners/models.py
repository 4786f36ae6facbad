from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField


class PriceLevel(models.TextChoices):
    """Which price list a customer buys at."""

    RETAIL = "retail", _("retail price")
    WHOLESALE = "wholesale", _("wholesale price")
    VIP = "vip", _("VIP price")


class CustomerClass(models.TextChoices):
    """How valuable and how active a customer is."""

    NEW = "new", _("new")
    REGULAR = "regular", _("regular")
    KEY = "key", _("key")
    DORMANT = "dormant", _("dormant")


class SupplierClass(models.TextChoices):
    """How important a supplier is to us (ABC)."""

    A = "A", _("A: key supplier")
    B = "B", _("B: regular supplier")
    C = "C", _("C: occasional supplier")


class Partner(models.Model):
    """A business partner: a customer, a supplier, or both."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    mnemonic = models.CharField(_("mnemonic"), max_length=120, blank=True, db_index=True)
    is_customer = models.BooleanField(_("customer"), default=False)
    is_supplier = models.BooleanField(_("supplier"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    tax_id = models.CharField(_("tax ID"), max_length=40, blank=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=60, blank=True)
    payment_terms_days = models.PositiveIntegerField(_("payment terms (days)"), default=0)
    credit_limit = MoneyField(_("credit limit"), null=True, blank=True)
    price_level = models.CharField(
        _("price level"), max_length=20, choices=PriceLevel.choices, default=PriceLevel.RETAIL
    )
    customer_class = models.CharField(
        _("customer class"), max_length=20, choices=CustomerClass.choices, default=CustomerClass.NEW
    )
    customer_class_reason = models.CharField(_("why this class"), max_length=200, blank=True)
    customer_class_at = models.DateField(_("class since"), null=True, blank=True)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), default=0)
    supplier_approved = models.BooleanField(_("approved supplier"), default=True)
    supplier_class = models.CharField(_("supplier class"), max_length=1, choices=SupplierClass.choices, blank=True)
    supplier_rating = models.PositiveSmallIntegerField(
        _("rating (1–5)"), null=True, blank=True, help_text=_("Your own rating, beside the score computed from data.")
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        indexes = [models.Index(fields=["name"], name="partner_name")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_customer=True) | models.Q(is_supplier=True), name="partner_has_a_role"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:partner_detail", args=[self.pk])

    @property
    def roles_display(self) -> str:
        if self.is_customer and self.is_supplier:
            return str(_("customer and supplier"))
        return str(_("customer")) if self.is_customer else str(_("supplier"))


class Contact(models.Model):
    """A person at a partner, with their phone and role."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=60)
    position = models.CharField(_("position"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class Account(models.TextChoices):
    """The two sides of a partner's account: what they owe us, what we owe them."""

    RECEIVABLE = "receivable", _("receivable")
    PAYABLE = "payable", _("payable")


class PartnerEntry(models.Model):
    """One entry of the partner ledger (往来账): append-only; `amount` raises (+) or lowers (−) the account."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+")
    account = models.CharField(_("account"), max_length=10, choices=Account.choices)
    date = models.DateField(_("date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    amount = MoneyField(_("amount"))
    balance_after = MoneyField(_("balance"))
    source_type = models.CharField(max_length=60)
    source_id = models.PositiveBigIntegerField()
    source_number = models.CharField(_("document"), max_length=40)
    phase = models.CharField(max_length=20, default="post")
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner ledger entry")
        verbose_name_plural = _("partner ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "phase", "account"], name="partnerentry_once_per_step"
            )
        ]
        indexes = [models.Index(fields=["partner", "account", "date"], name="partnerentry_partner_date")]

    def __str__(self) -> str:
        return f"{self.source_number} {self.account} {self.amount}"


class PartnerBalance(models.Model):
    """What a partner owes us and what we owe them: a cache equal to the sum of the partner's entries."""

    partner = models.OneToOneField(Partner, on_delete=models.PROTECT, related_name="balance", primary_key=True)
    receivable = MoneyField(_("receivable"), default=0)
    payable = MoneyField(_("payable"), default=0)

    class Meta:
        verbose_name = _("partner balance")
        verbose_name_plural = _("partner balances")

    def __str__(self) -> str:
        return f"{self.partner_id}: +{self.receivable} / -{self.payable}"


class OpenItem(models.Model):
    """What is still open of one partner-ledger entry (未核销): a document's debt, or a credit not yet applied.

    A positive entry (a shipment's receivable, a receipt's payable) is a debt; a negative one (a payment, a
    return, a write-off) is a credit. Allocations match a credit with debts; `open` keeps the entry's sign and
    shrinks towards zero as they are made, so the open amounts of a partner's account add up to its balance.
    """

    entry = models.OneToOneField(
        PartnerEntry, on_delete=models.PROTECT, primary_key=True, related_name="item", verbose_name=_("entry")
    )
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+")
    account = models.CharField(_("account"), max_length=10, choices=Account.choices)
    date = models.DateField(_("date"))
    due_date = models.DateField(_("due date"))
    amount = MoneyField(_("amount"))
    open = MoneyField(_("open"))
    reversed = models.BooleanField(_("reversed"), default=False)

    class Meta:
        verbose_name = _("open item")
        verbose_name_plural = _("open items")
        indexes = [
            # ends in `open` so the ageing of every partner reads the index alone
            models.Index(
                fields=["partner", "account", "due_date", "open"],
                name="openitem_open_cover",
                condition=~models.Q(open=0),
            ),
            models.Index(fields=["account", "due_date"], name="openitem_open_due", condition=~models.Q(open=0)),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.open}/{self.amount}"

    @property
    def is_debt(self) -> bool:
        return self.amount > 0


class Allocation(models.Model):
    """A credit applied to a debt (核销): a payment, a return, a write-off or a reversal settling a document."""

    debit = models.ForeignKey(OpenItem, verbose_name=_("document"), on_delete=models.PROTECT, related_name="+")
    credit = models.ForeignKey(OpenItem, verbose_name=_("settled by"), on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(_("amount"))
    date = models.DateField(_("date"))
    source_type = models.CharField(max_length=60)
    source_id = models.PositiveBigIntegerField()
    source_number = models.CharField(_("by"), max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    released_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_positive")]
        indexes = [
            models.Index(fields=["debit"], name="allocation_debit"),
            models.Index(fields=["credit"], name="allocation_credit"),
            models.Index(fields=["source_type", "source_id"], name="allocation_source"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_id} → {self.debit_id}: {self.amount}"
