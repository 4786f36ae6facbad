"""The form of the approval rule page: conditions offered by document type, the threshold with its unit."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jxc.accounts.approvals import AMOUNT, CONDITION_BY_CODE, CONDITIONS, DOCUMENT_TYPES, FLAG
from jxc.accounts.models import ApprovalRule
from jxc.accounts.roles import ROLE_CHOICES
from jxc.accounts.services.approvals import RuleData
from jxc.core.forms import FastSelect, decimal_field

# The region of the form that follows the document type and the condition (refreshed by htmx).
CONDITION_REGION = "rule-condition"


class ApprovalRuleForm(forms.Form):
    """A rule: which documents (type + condition), from what threshold, and which role approves them."""

    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("Shown to the approver, e.g. “Big orders”."))
    document_type = forms.ChoiceField(label=_("Document type"), choices=list(DOCUMENT_TYPES.items()), widget=FastSelect)
    condition = forms.ChoiceField(
        label=_("Condition"),
        widget=FastSelect,
        error_messages={"invalid_choice": _("Choose one of the conditions offered for this document type.")},
    )
    threshold = decimal_field(label=_("Threshold"), places=2, required=True, min_value=Decimal(0))
    role = forms.ChoiceField(label=_("Approving role"), choices=ROLE_CHOICES, widget=FastSelect)
    position = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        initial=0,
        help_text=_("Rules are listed and their steps shown in this order, smallest first."),
    )

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, initial: dict[str, Any] | None = None, refresh_url: str = ""
    ) -> None:
        super().__init__(data, initial=initial)
        document_type = self._value("document_type")
        fitting = [c for c in CONDITIONS if document_type not in DOCUMENT_TYPES or document_type in c.document_types]
        self.fields["condition"].choices = [(c.code, c.label) for c in fitting]
        chosen = CONDITION_BY_CODE.get(self._value("condition"))
        if chosen is None or chosen not in fitting:
            chosen = fitting[0]
            if not self.is_bound:
                self.initial["condition"] = chosen.code
        self.condition_kind = chosen.kind
        if chosen.kind == FLAG:
            del self.fields["threshold"]  # a flag has no threshold: the rule fires whenever the flag is set
        elif chosen.kind == AMOUNT:
            self.fields["threshold"].label = _("Threshold (¥)")
            self.fields["threshold"].help_text = _("The rule fires when the amount is above this, in yuan.")
        else:
            self.fields["threshold"].label = _("Threshold (%)")
            self.fields["threshold"].help_text = _("The rule fires when the percentage is above this.")
        if refresh_url:
            refresh = {
                "hx-get": refresh_url,
                "hx-target": f"#{CONDITION_REGION}",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
            }
            self.fields["document_type"].widget.attrs.update(refresh)
            self.fields["condition"].widget.attrs.update(refresh)

    def _value(self, name: str) -> str:
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        return str(value or "")

    @property
    def shows_threshold(self) -> bool:
        return "threshold" in self.fields

    @classmethod
    def initial_for(cls, rule: ApprovalRule) -> dict[str, Any]:
        return {
            "name": rule.name,
            "document_type": rule.document_type,
            "condition": rule.condition,
            "threshold": rule.threshold,
            "role": rule.role,
            "position": rule.position,
        }

    def to_data(self, *, active: bool = True) -> RuleData:
        d = self.cleaned_data
        return RuleData(
            name=d["name"],
            document_type=d["document_type"],
            condition=d["condition"],
            role=d["role"],
            threshold=d.get("threshold") or Decimal(0),
            position=d["position"],
            active=active,
        )
