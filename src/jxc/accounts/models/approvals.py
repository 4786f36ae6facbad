from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.accounts.approvals import CONDITION_BY_CODE, condition_text
from jxc.core.fields import PriceField


class ApprovalStatus(models.TextChoices):
    """Where one approval step stands."""

    PENDING = "pending", _("waiting")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


class ApprovalRule(models.Model):
    """A rule of the approval engine: documents of a type that meet a condition need a role's approval."""

    name = models.CharField(_("name"), max_length=120)
    document_type = models.CharField(_("document type"), max_length=40)
    condition = models.CharField(_("condition"), max_length=40)
    threshold = PriceField(_("threshold"), default=Decimal(0))
    role = models.CharField(_("approving role"), max_length=30)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        ordering = ["document_type", "position", "pk"]
        indexes = [models.Index(fields=["document_type", "active"], name="approvalrule_type")]

    def __str__(self) -> str:
        return self.name


class ApprovalStep(models.Model):
    """One approval a submitted document needs: the rule that fired, why, the role, and the decision."""

    document_type = models.CharField(max_length=40)
    document_id = models.PositiveBigIntegerField()
    document_number = models.CharField(max_length=40)
    round = models.PositiveIntegerField(default=1)
    rule = models.ForeignKey(ApprovalRule, on_delete=models.PROTECT, null=True, blank=True, related_name="steps")
    rule_name = models.CharField(_("rule"), max_length=120)
    condition = models.CharField(_("condition"), max_length=40)
    threshold = PriceField(_("threshold"), null=True, blank=True)
    detail = models.CharField(_("what the document showed"), max_length=300, blank=True)
    role = models.CharField(_("approving role"), max_length=30)
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["document_type", "document_id"], name="approvalstep_document"),
            models.Index(fields=["status", "role"], name="approvalstep_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} {self.rule_name}"

    @property
    def reason(self) -> str:
        """Why the step is needed, in the language of whoever reads it: the rule's condition and the detail."""
        condition = CONDITION_BY_CODE.get(self.condition)
        if condition is None:
            return str(_("No rule applies."))
        text = condition_text(condition, self.threshold if self.threshold is not None else Decimal(0))
        return f"{text}: {self.detail}" if self.detail else text
