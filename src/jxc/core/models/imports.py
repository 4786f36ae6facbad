from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """An uploaded Excel file waiting between its dry-run preview and its commit."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        COMMITTED = "committed", _("committed")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField()
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"
