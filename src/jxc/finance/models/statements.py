from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField
from jxc.finance.choices import ReplyStatus
from jxc.partners.models import Account


class StatementShare(models.Model):
    """A statement (对账单) sent to a partner by signed link, and the partner's answer: confirmed or disputed."""

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    account = models.CharField(_("account"), max_length=10, choices=Account.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    opening = MoneyField(_("opening balance"))
    closing = MoneyField(_("closing balance"))
    expires_at = models.DateTimeField(_("link expires"))
    status = models.CharField(_("answer"), max_length=10, choices=ReplyStatus.choices, default=ReplyStatus.PENDING)
    comment = models.TextField(_("comment"), blank=True)
    answered_by = models.CharField(_("answered by"), max_length=60, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("shared statement")
        verbose_name_plural = _("shared statements")
        indexes = [models.Index(fields=["partner", "created_at"], name="statementshare_partner")]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.start}–{self.end}"
