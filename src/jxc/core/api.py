"""Helpers shared by every app's API router: pages, permission checks, import endpoints."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema, Status

from jxc.core.errors import Forbidden

T = TypeVar("T")
MAX_PAGE_SIZE = 500


class Page(Schema, Generic[T]):
    """One page of a list: the items, how many there are in all, and which page this is."""

    items: list[T]
    count: int
    page: int
    page_size: int


class PageParams(Schema):
    page: int = 1
    page_size: int = 50


def paged(queryset: QuerySet[Any], params: PageParams, serialize: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """Slice a queryset into a page; `serialize` turns each object into the output dict."""
    page = max(params.page, 1)
    size = min(max(params.page_size, 1), MAX_PAGE_SIZE)
    count = queryset.count()
    items: Iterable[Any] = queryset[(page - 1) * size : page * size]
    return {
        "items": [serialize(o) for o in items] if serialize else list(items),
        "count": count,
        "page": page,
        "page_size": size,
    }


def require(request: HttpRequest, *perms: str) -> Any:
    """The request's user if it has every permission, else a 403 naming what is missing."""
    user = getattr(request, "auth", None) or request.user
    missing = [p for p in perms if not user.has_perm(p)]
    if missing:
        raise Forbidden(missing=missing)
    return user


class ImportReportOut(Schema):
    """What an import did (or, in a dry run, would do)."""

    kind: str
    total: int
    created: int
    updated: int
    committed: bool
    fatal: str
    errors: list[dict[str, Any]]


def import_response(report: Any, *, dry_run: bool) -> Status[dict[str, Any]]:
    """200 with the report for a dry run or a commit; 422 when a commit was refused (nothing written)."""
    if not dry_run and not report.committed:
        message = report.fatal or str(
            _("Nothing was imported: %(n)s rows have errors.") % {"n": len({e.row for e in report.errors})}
        )
        return Status(422, {"code": "import_failed", "message": message, "data": report.as_dict()})
    if report.fatal:
        return Status(422, {"code": "import_failed", "message": report.fatal, "data": report.as_dict()})
    return Status(200, report.as_dict())


class ErrorOut(Schema):
    """The error body of every failed request."""

    code: str
    message: str
    data: dict[str, Any]
