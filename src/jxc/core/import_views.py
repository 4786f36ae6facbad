"""The import pages and endpoint shared by every kind of record: upload, dry-run preview, commit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.core.columns import Column, can_view_cost
from jxc.core.excel import xlsx_response
from jxc.core.imports import ImportReport, ImportSpec, import_run
from jxc.core.models import ImportBatch


def import_template_response(spec: ImportSpec, *, user: Any) -> HttpResponse:
    """An empty workbook with the header row the import expects."""
    with_cost = can_view_cost(user)
    columns = [Column(f.key, f.label, width=18) for f in spec.fields if (with_cost or not f.cost) and not f.readonly]
    return xlsx_response(filename=f"{spec.kind}-template", title=str(spec.title), columns=columns, rows=[])


def import_page(request: HttpRequest, *, spec: ImportSpec, back_url: str) -> HttpResponse:
    """GET: the upload form. POST file: dry run and preview. POST batch: commit it, all or nothing."""
    user = request.user
    with_cost = can_view_cost(user)
    if request.GET.get("template") == "1":
        return import_template_response(spec, user=user)
    report: ImportReport | None = None
    batch: ImportBatch | None = None
    status = 200
    if request.method == "POST" and request.POST.get("batch"):
        batch = get_object_or_404(
            ImportBatch, pk=request.POST["batch"], created_by=user, kind=spec.kind, status=ImportBatch.Status.PREVIEWED
        )
        report = import_run(spec=spec, content=bytes(batch.content), actor=user, commit=True, with_cost=with_cost)
        if report.committed:
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.COMMITTED, committed_at=timezone.now(), content=b""
            )
            messages.success(
                request,
                _("Imported: %(created)s created, %(updated)s updated.")
                % {"created": report.created, "updated": report.updated},
            )
            return redirect(back_url)
        status = 422
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            report = ImportReport(kind=spec.kind, fatal=_("Choose an .xlsx file to upload."))
            status = 422
        else:
            content = upload.read()
            report = import_run(spec=spec, content=content, actor=user, commit=False, with_cost=with_cost)
            if report.ok:
                with transaction.atomic():
                    batch = ImportBatch.objects.create(
                        kind=spec.kind,
                        filename=upload.name[:255],
                        content=content,
                        row_count=report.total,
                        error_count=len(report.errors),
                        created_by=user,
                    )
            else:
                status = 422
    context = {
        "spec": spec,
        "fields": [f for f in spec.fields if (with_cost or not f.cost) and not f.readonly],
        "report": report,
        "batch": batch,
        "back_url": back_url,
    }
    return render(request, "web/import.html", context, status=status)
