"""Pages of statements (对账单): a partner's account over a period with the running balance, its Excel export and
A4 print view, sharing it by signed link; the public page behind the link where the partner confirms it or
disputes it (no login, nothing but that one statement); the panel of shared statements on the partner's page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jxc.accounts.selectors import company_get
from jxc.core.errors import DomainError
from jxc.core.excel import XLSX_MIME
from jxc.core.forms import apply_error
from jxc.finance.choices import ReplyStatus
from jxc.finance.errors import StatementLinkInvalid
from jxc.finance.forms_statements import AnswerForm, ShareForm, StatementForm
from jxc.finance.models import StatementShare
from jxc.finance.selectors.statements import (
    Statement,
    statement,
    statement_share_from_token,
    statement_share_list,
    statement_share_token,
)
from jxc.finance.services.statements import DEFAULT_VALID_DAYS, statement_share_answer, statement_share_create
from jxc.finance.tables_statements import LINE_COLUMNS, STATUS_BADGES, document_url, statement_xlsx
from jxc.partners.models import Partner

VIEW = "finance.view_statementshare"
ADD = "finance.add_statementshare"
PANEL_SIZE = 20


def statement_query(*, partner_id: int, account: str, start: Any, end: Any) -> str:
    """The query string of a statement page."""
    return urlencode({"partner": partner_id, "account": account, "start": str(start), "end": str(end)})


def share_url(request: HttpRequest, share: StatementShare) -> str:
    """The absolute public link of a shared statement."""
    return request.build_absolute_uri(reverse("finance:statement_public", args=[statement_share_token(share)]))


def _lines(figures: Statement, *, links: bool) -> list[tuple[Any, str]]:
    cache: dict[str, type[Model] | None] = {}
    return [(line, document_url(line.source_type, line.source_id, cache) if links else "") for line in figures.lines]


def _chosen(form: StatementForm) -> tuple[Partner, str, Any, Any] | None:
    if not form.is_bound or not form.is_valid() or form.chosen is None:
        return None
    data = form.cleaned_data
    return form.chosen, data["account"], data["start"], data["end"]


@require_safe
@permission_required(VIEW, raise_exception=True)
def statement_view(request: HttpRequest) -> HttpResponse:
    """对账单: the chosen partner's account over the period; ?export=xlsx downloads it; ?shared=<id> shows the link
    of a statement just shared."""
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("shared", None)
    form = StatementForm(query or None)
    context: dict[str, Any] = {"form": form, "can_share": request.user.has_perm(ADD)}
    chosen = _chosen(form)
    if chosen is None:
        return render(request, "finance/statement.html", context, status=422 if form.is_bound else 200)
    partner, account, start, end = chosen
    figures = statement(partner=partner, account=account, start=start, end=end)
    if request.GET.get("export") == "xlsx":
        content = statement_xlsx(statement=figures, company=company_get().name)
        response = HttpResponse(content, content_type=XLSX_MIME)
        name = f"statement-{partner.code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
    shared = request.GET.get("shared", "")
    share = None
    if shared.isdigit():
        share = StatementShare.objects.filter(pk=int(shared), partner=partner).first()
    query_string = statement_query(partner_id=partner.pk, account=account, start=start, end=end)
    context.update(
        {
            "statement": figures,
            "lines": _lines(figures, links=True),
            "columns": LINE_COLUMNS,
            "query": query_string,
            "share": share,
            "share_url": share_url(request, share) if share is not None else "",
            "share_form": ShareForm(initial={"valid_days": DEFAULT_VALID_DAYS}),
        }
    )
    return render(request, "finance/statement.html", context)


@require_safe
@permission_required(VIEW, raise_exception=True)
def statement_print(request: HttpRequest) -> HttpResponse:
    """The statement on A4, with the company's header and a signature line for each party."""
    form = StatementForm(request.GET or None)
    chosen = _chosen(form)
    if chosen is None:
        return redirect("finance:statement")
    partner, account, start, end = chosen
    figures = statement(partner=partner, account=account, start=start, end=end)
    query = statement_query(partner_id=partner.pk, account=account, start=start, end=end)
    context = {
        "statement": figures,
        "lines": _lines(figures, links=False),
        "printed_at": timezone.localtime(),
        "back_url": f"{reverse('finance:statement')}?{query}",
    }
    return render(request, "finance/statement_print.html", context)


@require_POST
@permission_required(ADD, raise_exception=True)
def statement_share(request: HttpRequest) -> HttpResponse:
    """Share the statement with the partner: store it with its balances as of now and show the signed link."""
    form = ShareForm(request.POST)
    chosen = _chosen(form)
    back = reverse("finance:statement")
    if chosen is not None:
        partner, account, start, end = chosen
        try:
            share = statement_share_create(
                actor=request.user,  # type: ignore[arg-type]
                partner=partner,
                account=account,
                start=start,
                end=end,
                valid_days=form.cleaned_data["valid_days"],
            )
        except DomainError as error:
            apply_error(error, form)
        else:
            messages.success(
                request, _("The statement is shared: send the link below to %(name)s.") % {"name": partner}
            )
            query = statement_query(partner_id=partner.pk, account=account, start=start, end=end)
            return redirect(f"{back}?{query}&shared={share.pk}")
    problems = [str(e) for errors in form.errors.values() for e in errors]
    messages.error(request, _("The statement could not be shared: %(error)s") % {"error": " ".join(problems)})
    query = urlencode({k: request.POST.get(k, "") for k in ("partner", "account", "start", "end")})
    return redirect(f"{back}?{query}")


def _public_response(request: HttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    response = render(request, "finance/statement_public.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The link must not leak to other sites; same-origin (not no-referrer) so that the answer's POST carries an
    # Origin that Django's CSRF check accepts.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def statement_public(request: HttpRequest, token: str) -> HttpResponse:
    """The statement a signed link names, for the partner: confirm it (确认无误) or dispute it (有异议). A link that
    was altered or has expired gets a 404 page that says so."""
    context: dict[str, Any] = {"company": company_get()}
    try:
        share = statement_share_from_token(token=token)
    except StatementLinkInvalid as error:
        context["error"] = error.text
        return _public_response(request, context, error.status)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                statement_share_answer(
                    share=share,
                    status=data["status"],
                    comment=data["comment"],
                    name=data["name"],
                    ip=request.META.get("REMOTE_ADDR"),
                )
            except DomainError as error:
                apply_error(error, form)
                status = error.status
            else:
                return redirect(request.path)
        share.refresh_from_db()
    figures = statement(partner=share.partner, account=share.account, start=share.start, end=share.end)
    context.update(
        {
            "share": share,
            "statement": figures,
            "lines": _lines(figures, links=False),
            "changed": figures.opening != share.opening or figures.closing != share.closing,
            "form": form,
            "pending": share.status == ReplyStatus.PENDING,
            "badge": STATUS_BADGES.get(ReplyStatus(share.status), ""),
        }
    )
    return _public_response(request, context, status)


@require_safe
def partner_statements_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The shared statements of a partner and their answers, for the partner's page (empty without the
    permission to see statements)."""
    if not request.user.has_perm(VIEW):
        return HttpResponse("")
    partner = get_object_or_404(Partner, pk=pk)
    shares = list(statement_share_list(partner=partner)[:PANEL_SIZE])
    base = reverse("finance:statement")
    rows = [
        (
            share,
            STATUS_BADGES.get(ReplyStatus(share.status), ""),
            f"{base}?{statement_query(partner_id=partner.pk, account=share.account, start=share.start, end=share.end)}",
        )
        for share in shares
    ]
    context = {
        "partner": partner,
        "rows": rows,
        "statement_url": f"{base}?{urlencode({'partner': partner.pk})}",
    }
    return render(request, "finance/statement_panel.html", context)


urlpatterns: list[URLPattern] = [
    path("statements/", statement_view, name="statement"),
    path("statements/print/", statement_print, name="statement_print"),
    path("statements/share/", statement_share, name="statement_share"),
    path("s/<str:token>/", statement_public, name="statement_public"),
    path("partners/<int:pk>/statements-panel/", partner_statements_panel, name="partner_statements_panel"),
]
