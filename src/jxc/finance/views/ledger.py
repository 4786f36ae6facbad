"""Pages: a partner's account (往来账), the ageing of receivables and payables (账龄), the overdue lists.

The partner's page shows what they owe us and we owe them, the open documents and credits, and the ledger entries
with filters and Excel export; the ageing page buckets every partner's open documents by days past due as of a
date; the overdue page lists receivables past due and payables falling due. All need finance.view_payment.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.columns import rows_of
from jxc.core.excel import xlsx_response
from jxc.core.forms import FastSelect, date_input
from jxc.core.htmx import render_page
from jxc.core.listing import ListPage, list_response, listing
from jxc.finance.selectors.ageing import ageing, due_items
from jxc.finance.selectors.ledger import (
    SOURCES,
    account_totals,
    open_items,
    partner_account,
    partner_entries,
    source_url,
)
from jxc.finance.tables_ledger import AGEING_COLUMNS, ENTRY_COLUMNS, ENTRY_EXPORT_COLUMNS, due_columns
from jxc.partners.models import Account, Partner

VIEW = "finance.view_payment"
MAX_WITHIN = 3650


def _date_filter(label: Any) -> forms.DateField:
    return forms.DateField(
        required=False, label=label, widget=date_input(title=label, **{"aria-label": label, "style": "width:auto"})
    )


class EntryFilterForm(forms.Form):
    """The filters of a partner's ledger entries."""

    q = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Document number or memo")})
    )
    account = forms.ChoiceField(required=False, widget=FastSelect)
    kind = forms.ChoiceField(required=False, widget=FastSelect)
    date_from = _date_filter(_("From"))
    date_to = _date_filter(_("To"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", _("Both accounts")), *Account.choices]
        self.fields["kind"].choices = [("", _("Any document")), *((k, label) for k, (label, _u) in SOURCES.items())]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {
            "q": d.get("q", ""),
            "account": d.get("account", ""),
            "kind": d.get("kind", ""),
            "date_from": d.get("date_from"),
            "date_to": d.get("date_to"),
        }


class AgeingForm(forms.Form):
    """Which account, and as of which date."""

    account = forms.ChoiceField(label=_("Account"), required=False, choices=Account.choices, widget=FastSelect)
    as_of = forms.DateField(label=_("As of"), required=False, widget=date_input())

    def chosen(self) -> tuple[str, date]:
        d = self.cleaned_data if self.is_valid() else {}
        return d.get("account") or Account.RECEIVABLE, d.get("as_of") or timezone.localdate()


class DueFilterForm(AgeingForm):
    """The overdue list: receivables past due or payables; `within` adds those falling due in so many days."""

    within = forms.IntegerField(
        label=_("Falling due within (days)"),
        required=False,
        min_value=0,
        max_value=MAX_WITHIN,
        widget=forms.NumberInput(attrs={"placeholder": _("Due within days"), "style": "width:9rem"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [
            (Account.RECEIVABLE, _("Receivables past due")),
            (Account.PAYABLE, _("Payables to pay")),
        ]

    def within_days(self) -> int:
        d = self.cleaned_data if self.is_valid() else {}
        return d.get("within") or 0


def payment_link(partner: Partner, direction: str) -> str:
    """The page to record a receipt of payment (in) or a payment (out) for the partner."""
    try:
        base = reverse("finance:payment_create")
    except NoReverseMatch:
        base = "/finance/payments/new/"
    return f"{base}?direction={direction}&partner={partner.pk}"


@permission_required(VIEW, raise_exception=True)
def partner_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner's account: balances, open documents and credits, entries with filters; ?export=xlsx exports
    the filtered entries."""
    partner = get_object_or_404(Partner, pk=pk)
    form = EntryFilterForm(request.GET or None)
    filters = form.filters()
    entries = partner_entries(partner_id=partner.pk, **filters)
    if request.GET.get("export") == "xlsx":
        columns = list(ENTRY_EXPORT_COLUMNS)
        rows = rows_of(entries.order_by("date", "pk").iterator(chunk_size=2000), columns)
        return xlsx_response(filename=f"ledger-{partner.code}", title=partner.name, columns=columns, rows=rows)
    today = timezone.localdate()
    accounts = [filters["account"]] if filters["account"] else _accounts_of(partner)
    totals = [
        (
            Account(a).label,
            account_totals(
                partner_id=partner.pk, account=a, date_from=filters["date_from"], date_to=filters["date_to"]
            ),
        )
        for a in accounts
    ]
    items = list(open_items(partner_id=partner.pk))
    for item in items:
        item.days = (today - item.due_date).days  # type: ignore[attr-defined]
        item.url = source_url(item.entry.source_type, item.entry.source_id)  # type: ignore[attr-defined]
    context = {
        "partner": partner,
        "account": partner_account(partner=partner, on=today),
        "open_receivable": [i for i in items if i.account == Account.RECEIVABLE],
        "open_payable": [i for i in items if i.account == Account.PAYABLE],
        "filter_form": form,
        "listing": listing(request, entries, columns=ENTRY_COLUMNS, default_sort="-date"),
        "totals": totals,
        "today": today,
        "receive_url": payment_link(partner, "in") if partner.is_customer else "",
        "pay_url": payment_link(partner, "out") if partner.is_supplier else "",
        "writeoff_url": reverse("finance:writeoff_create") + f"?partner={partner.pk}"
        if request.user.has_perm("finance.add_writeoff")
        else "",
    }
    return render_page(request, "finance/ledger_partner.html", context, partial="entries")


def _accounts_of(partner: Partner) -> list[str]:
    accounts = []
    if partner.is_customer:
        accounts.append(Account.RECEIVABLE)
    if partner.is_supplier:
        accounts.append(Account.PAYABLE)
    return accounts


@permission_required(VIEW, raise_exception=True)
def ageing_page(request: HttpRequest) -> HttpResponse:
    """Every partner's open documents by days past due as of a date (default today); ?export=xlsx exports it."""
    form = AgeingForm(request.GET or None, initial={"as_of": timezone.localdate()})
    account, as_of = form.chosen()
    result = ageing(account=account, as_of=as_of)
    title = _("Ageing of receivables") if account == Account.RECEIVABLE else _("Ageing of payables")
    if request.GET.get("export") == "xlsx":
        totals = result.totals
        totals.partner = str(_("Total"))
        rows = rows_of([*result.rows, totals], AGEING_COLUMNS)
        return xlsx_response(
            filename=f"ageing-{account}-{as_of:%Y%m%d}", title=str(title), columns=AGEING_COLUMNS, rows=rows
        )
    context = {
        "form": form,
        "result": result,
        "title": title,
        "account": account,
        "as_of": as_of,
        "columns": AGEING_COLUMNS,
        "export_query": f"?account={account}&as_of={as_of.isoformat()}&export=xlsx",
    }
    return render_page(request, "finance/ageing.html", context)


@permission_required(VIEW, raise_exception=True)
def overdue_page(request: HttpRequest) -> HttpResponse:
    """Receivables past due (or payables past due and, with `within`, falling due soon); ?export=xlsx exports."""
    form = DueFilterForm(request.GET or None, initial={"as_of": timezone.localdate()})
    account, as_of = form.chosen()
    within = form.within_days()
    export = request.GET.get("export") == "xlsx"
    title = _("Overdue receivables") if account == Account.RECEIVABLE else _("Payables due")
    page = ListPage(
        title=title,
        columns=due_columns(as_of, html=not export),
        default_sort="due_date",
        filter_form=form,
        export_name=f"overdue-{account}",
        empty_text=_("Nothing is overdue."),
    )
    return list_response(request, due_items(account=account, as_of=as_of, within=within), page)


urlpatterns: list[URLPattern] = [
    path("partners/<int:pk>/", partner_ledger, name="partner_ledger"),
    path("ageing/", ageing_page, name="ageing"),
    path("overdue/", overdue_page, name="overdue"),
]
