"""Forms of statements (对账单): which partner, account and period; sharing it; the partner's answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.forms import FastSelect, date_input
from jxc.finance.choices import ReplyStatus
from jxc.finance.selectors.statements import MAX_VALID_DAYS, default_account, default_period
from jxc.finance.services.statements import COMMENT_MAX, DEFAULT_VALID_DAYS, NAME_MAX
from jxc.partners.models import Account, Partner
from jxc.partners.selectors import partner_list


def partner_choices() -> list[tuple[Any, str]]:
    """Every customer and supplier, by name (a deactivated one still has a statement)."""
    return list(partner_list(active=None).order_by("name", "pk").values_list("pk", "name"))


class StatementForm(forms.Form):
    """Which partner's statement, of which account and period (default: this month; receivable for a customer,
    payable for a supplier)."""

    partner = forms.TypedChoiceField(label=_("Partner"), coerce=int, empty_value=None, widget=FastSelect)
    account = forms.ChoiceField(label=_("Account"), required=False, choices=[("", "—"), *Account.choices])
    start = forms.DateField(label=_("From"), required=False, widget=date_input(style="width:auto"))
    end = forms.DateField(label=_("To"), required=False, widget=date_input(style="width:auto"))

    def __init__(self, *args: Any, choices: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choices:
            choices_of = [("", _("Choose a customer or supplier")), *partner_choices()]
            self.fields["partner"].choices = choices_of  # type: ignore[attr-defined]
        else:  # the share and export endpoints only need the chosen id checked
            self.fields["partner"] = forms.IntegerField(label=_("Partner"))
        self.chosen: Partner | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        pk = data.get("partner")
        self.chosen = Partner.objects.filter(pk=pk).first() if pk else None
        if pk and self.chosen is None:
            self.add_error("partner", _("Choose a customer or supplier."))
        default_start, default_end = default_period(timezone.localdate())
        data["start"] = data.get("start") or default_start
        data["end"] = data.get("end") or default_end
        if data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        if not data.get("account") and self.chosen is not None:
            data["account"] = default_account(self.chosen)
        return data


class ShareForm(StatementForm):
    """Share the statement with the partner: a link valid for some days."""

    valid_days = forms.IntegerField(
        label=_("Link valid for (days)"),
        required=False,
        min_value=1,
        max_value=MAX_VALID_DAYS - 1,
        initial=DEFAULT_VALID_DAYS,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, choices=False, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["valid_days"] = data.get("valid_days") or DEFAULT_VALID_DAYS
        return data


class AnswerForm(forms.Form):
    """The partner's answer: confirm the statement, or dispute it saying why; with the name of who answers."""

    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[(ReplyStatus.CONFIRMED, _("Confirm")), (ReplyStatus.DISPUTED, _("Dispute"))],
        widget=forms.HiddenInput,
    )
    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX, widget=forms.TextInput(attrs={"size": 20}))
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you dispute the statement: say what does not match."),
    )
