"""Pages: cash accounts (资金账户) — the list with balances and Excel export, the form, and one account's journal
(日记账) between two dates with its opening and closing balance, exportable."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.listing import ListPage, list_response
from jxc.finance.forms_payments import CashAccountFilterForm, CashAccountForm, JournalFilterForm
from jxc.finance.models import CashAccount
from jxc.finance.selectors.cash import cash_account_get, cash_account_list, cash_journal
from jxc.finance.services.cash import cash_account_save
from jxc.finance.tables_payments import CASH_ACCOUNT_COLUMNS, JOURNAL_COLUMNS

VIEW = "finance.view_cashaccount"
ADD = "finance.add_cashaccount"
CHANGE = "finance.change_cashaccount"

TITLE = gettext_lazy("Cash accounts")
NEW_TITLE = gettext_lazy("New cash account")


def _account(pk: int) -> CashAccount:
    try:
        return cash_account_get(pk=pk)
    except CashAccount.DoesNotExist:
        raise Http404 from None


@permission_required(VIEW, raise_exception=True)
def cash_account_list_view(request: HttpRequest) -> HttpResponse:
    """Cash and bank accounts with their balances; ?export=xlsx exports the filtered list."""
    form = CashAccountFilterForm(request.GET or None)
    page = ListPage(
        title=TITLE,
        columns=CASH_ACCOUNT_COLUMNS,
        default_sort="code",
        filter_form=form,
        create_url=reverse("finance:cash_account_create") if request.user.has_perm(ADD) else "",
        create_label=NEW_TITLE,
        export_name="cash-accounts",
        empty_text=gettext_lazy("No cash accounts yet."),
    )
    return list_response(request, cash_account_list(**form.filters()), page)


def _form_page(request: HttpRequest, account: CashAccount | None) -> HttpResponse:
    initial = CashAccountForm.initial_for(account) if account is not None else {"active": True}
    form = CashAccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = cash_account_save(actor=request.user, data=form.to_data(), account=account)  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            return redirect(saved)
    context = {"form": form, "account": account, "title": account.name if account else NEW_TITLE, "list_title": TITLE}
    return render(request, "finance/cash_account_form.html", context, status=422 if form.errors else 200)


@permission_required(ADD, raise_exception=True)
def cash_account_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@permission_required(CHANGE, raise_exception=True)
def cash_account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, _account(pk))


@permission_required(VIEW, raise_exception=True)
def cash_account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The account and its journal between two dates (this month by default); ?export=xlsx exports the journal."""
    account = _account(pk)
    query = request.GET.copy()
    query.pop("export", None)
    if not query:
        today = timezone.localdate()
        query.update({"date_from": today.replace(day=1).isoformat(), "date_to": today.isoformat()})
    form = JournalFilterForm(query)
    journal = cash_journal(account=account, **form.filters())
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            filename=f"cash-journal-{account.code}",
            title=account.name,
            columns=JOURNAL_COLUMNS,
            rows=_journal_rows(journal),
        )
    context: dict[str, Any] = {
        "account": account,
        "journal": journal,
        "filter_form": form,
        "list_title": TITLE,
        "export_query": query.urlencode(),
        "can_change": request.user.has_perm(CHANGE),
    }
    return render(request, "finance/cash_account_detail.html", context)


def _journal_rows(journal: Any) -> list[list[Any]]:
    rows: list[list[Any]] = [[journal.date_from, "", _("Opening balance"), None, None, journal.opening]]
    rows += [[ln.date, ln.number, ln.memo, ln.money_in, ln.money_out, ln.balance] for ln in journal.lines]
    rows.append([journal.date_to, "", _("Closing balance"), journal.total_in, journal.total_out, journal.closing])
    return rows


urlpatterns: list[URLPattern] = [
    path("cash-accounts/", cash_account_list_view, name="cash_account_list"),
    path("cash-accounts/new/", cash_account_create, name="cash_account_create"),
    path("cash-accounts/<int:pk>/", cash_account_detail, name="cash_account_detail"),
    path("cash-accounts/<int:pk>/edit/", cash_account_edit, name="cash_account_edit"),
]
