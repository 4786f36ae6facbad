"""Pages of finance: 期初建账 — upload the opening-balances workbook, see the preview (rows, problems by row, totals),
confirm the import; the template workbook to fill in."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.excel import XLSX_MIME
from jxc.core.forms import apply_error
from jxc.core.models import ImportBatch
from jxc.finance.forms_opening import OpeningConfirmForm, OpeningUploadForm
from jxc.finance.services.opening import opening_balances_check, opening_balances_import
from jxc.finance.services.opening_file import IMPORT_KIND, SHEETS, OpeningPreview, opening_template_bytes

PERMISSION = "accounts.manage_settings"


def _context(**extra: Any) -> dict[str, Any]:
    return {"sheets": SHEETS, **extra}


@permission_required(PERMISSION, raise_exception=True)
def opening_view(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: check the file (a dry run) and show the preview; a clean file is kept for the
    confirmation."""
    if request.method != "POST":
        return render(request, "finance/opening.html", _context(form=OpeningUploadForm()))
    form = OpeningUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "finance/opening.html", _context(form=form), status=422)
    upload = form.cleaned_data["file"]
    content = upload.read()
    day = form.cleaned_data["date"]
    try:
        preview = opening_balances_check(actor=request.user, content=content, day=day)  # type: ignore[arg-type]
    except DomainError as error:
        if error.field:
            apply_error(error, form)
        else:
            form.add_error("date", error.text)
        return render(request, "finance/opening.html", _context(form=form), status=422)
    batch = None
    if preview.ok:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                kind=IMPORT_KIND,
                filename=upload.name[:255],
                content=content,
                row_count=preview.row_count,
                created_by=request.user,  # type: ignore[misc]
            )
    return _preview_page(request, preview, batch=batch, form=form)


def _preview_page(
    request: HttpRequest,
    preview: OpeningPreview,
    *,
    batch: ImportBatch | None,
    form: OpeningUploadForm | None = None,
    refusal: str = "",
) -> HttpResponse:
    confirm = OpeningConfirmForm(initial={"batch": batch.pk, "date": preview.day}) if batch is not None else None
    context = _context(
        preview=preview,
        batch=batch,
        confirm=confirm,
        form=form or OpeningUploadForm(initial={"date": preview.day}),
        refusal=refusal,
    )
    status = 200 if preview.ok and not refusal else 422
    return render(request, "finance/opening_preview.html", context, status=status)


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def opening_import_view(request: HttpRequest) -> HttpResponse:
    """Import the checked file, all or nothing; on a refusal the preview shows again with the reason."""
    form = OpeningConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Upload the file again."))
        return redirect("finance:opening")
    batch = get_object_or_404(
        ImportBatch,
        pk=form.cleaned_data["batch"],
        created_by=request.user,
        kind=IMPORT_KIND,
        status=ImportBatch.Status.PREVIEWED,
    )
    day = form.cleaned_data["date"]
    content = bytes(batch.content)
    try:
        result = opening_balances_import(actor=request.user, content=content, day=day)  # type: ignore[arg-type]
    except DomainError as error:
        try:
            preview = opening_balances_check(actor=request.user, content=content, day=day)  # type: ignore[arg-type]
        except DomainError:
            preview = OpeningPreview(day=day)
        text = error.text
        if isinstance(error, ValidationFailed) and error.errors:
            text = " ".join(m for ms in error.errors.values() for m in ms)
        return _preview_page(request, preview, batch=None, refusal=text)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.COMMITTED, committed_at=timezone.now(), content=b""
    )
    stock, partners, cash = result.sheet("stock"), result.sheet("partners"), result.sheet("cash")
    messages.success(
        request,
        _(
            "Opening balances imported on %(date)s: stock %(value)s (%(documents)s), receivables %(receivable)s, "
            "payables %(payable)s, cash %(cash)s."
        )
        % {
            "date": day.isoformat(),
            "value": f"{stock.totals.get('value', 0):,.2f}",
            "documents": "、".join(result.documents) or "—",
            "receivable": f"{partners.totals.get('receivable', 0):,.2f}",
            "payable": f"{partners.totals.get('payable', 0):,.2f}",
            "cash": f"{cash.totals.get('balance', 0):,.2f}",
        },
    )
    return redirect("finance:opening")


@permission_required(PERMISSION, raise_exception=True)
def opening_template_view(request: HttpRequest) -> HttpResponse:
    """The workbook to fill in: one sheet per part, its header row and its 合计 row, and a sheet of notes."""
    response = HttpResponse(opening_template_bytes(), content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('opening-balances-template.xlsx')}"
    return response


urlpatterns: list[URLPattern] = [
    path("opening/", opening_view, name="opening"),
    path("opening/import/", opening_import_view, name="opening_import"),
    path("opening/template/", opening_template_view, name="opening_template"),
]
