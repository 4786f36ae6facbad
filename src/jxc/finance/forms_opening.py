"""Forms of 期初建账: upload the workbook with the opening date, then confirm the checked file."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.forms import date_input


class OpeningUploadForm(forms.Form):
    """The workbook and the date its balances are opened on."""

    date = forms.DateField(
        label=_("Opening date"),
        widget=date_input(),
        help_text=_("Stock, balances and cash are posted on this date; it must not be in a closed month."),
    )
    file = forms.FileField(
        label=_("File (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())


class OpeningConfirmForm(forms.Form):
    """The checked file (kept between the preview and the import) and the date it was checked for."""

    batch = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.HiddenInput)
