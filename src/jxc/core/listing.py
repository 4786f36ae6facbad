"""List pages: search, filters, sort and pagination from the query string, shared by every list view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict

from jxc.core.columns import Column, rows_of, visible_columns
from jxc.core.display import NUMERIC_KINDS, cell_html
from jxc.core.excel import xlsx_response
from jxc.core.htmx import render_page

PAGE_SIZES = (20, 50, 100, 200)


@dataclass(frozen=True)
class ListCell:
    """A formatted cell: its content, whether it is a number, whether it links to the record."""

    content: Any
    numeric: bool
    link: bool
    is_name: bool


@dataclass(frozen=True)
class ListRow:
    obj: Any
    url: str
    inactive: bool
    cells: list[ListCell]


@dataclass
class Listing:
    """A list as shown: the page of objects, the columns, and the sort in effect."""

    page: Page[Any]
    columns: list[Column]
    sort: str
    query: QueryDict

    @cached_property
    def rows(self) -> list[ListRow]:
        """The page's rows with their cells formatted once, in Python (cheaper than per-cell template tags)."""
        link_columns = {i for i, c in enumerate(self.columns) if i == 0 or c.key == "name"}
        rows = []
        for obj in self.page.object_list:
            url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
            cells = [
                ListCell(cell_html(c, obj), c.kind in NUMERIC_KINDS, bool(url) and i in link_columns, c.key == "name")
                for i, c in enumerate(self.columns)
            ]
            rows.append(ListRow(obj, url, getattr(obj, "active", None) is False, cells))
        return rows

    def querystring(self, **changes: Any) -> str:
        """The current query string with some parameters changed (None removes one)."""
        query = self.query.copy()
        for key, value in changes.items():
            if value is None:
                query.pop(key, None)
            else:
                query[key] = str(value)
        return "?" + query.urlencode() if query else "?"

    def sort_link(self, column: Column) -> str | None:
        if not column.sort:
            return None
        new = f"-{column.sort}" if self.sort == column.sort else column.sort
        return self.querystring(sort=new, page=None)

    def sorted_by(self, column: Column) -> str:
        if not column.sort:
            return ""
        if self.sort == column.sort:
            return "asc"
        if self.sort == f"-{column.sort}":
            return "desc"
        return ""


def listing(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    columns: Sequence[Column],
    default_sort: str,
    per_page: int = 50,
) -> Listing:
    """Sort by an allowed column (?sort=name or -name) and cut out the requested page."""
    allowed = {c.sort for c in columns if c.sort}
    sort = request.GET.get("sort", default_sort)
    if sort.lstrip("-") not in allowed:
        sort = default_sort
    tie = "-pk" if sort.startswith("-") else "pk"
    queryset = queryset.order_by(sort, tie)
    try:
        size = int(request.GET.get("per_page", per_page))
    except ValueError:
        size = per_page
    if size not in PAGE_SIZES:
        size = per_page
    paginator = Paginator(queryset, size)
    page = paginator.get_page(request.GET.get("page"))
    return Listing(page=page, columns=list(columns), sort=sort, query=request.GET)


@dataclass
class ListPage:
    """Everything the shared list template needs for one kind of record."""

    title: Any
    columns: Sequence[Column]
    default_sort: str
    filter_form: Any = None
    create_url: str = ""
    create_label: Any = ""
    import_url: str = ""
    export_name: str = ""
    empty_text: Any = ""
    extra: dict[str, Any] | None = None


def list_response(request: HttpRequest, queryset: QuerySet[Any], page: ListPage) -> HttpResponse:
    """The list page, or with ?export=xlsx the whole filtered list as an Excel file (same columns)."""
    columns = visible_columns(page.columns, request.user)
    if request.GET.get("export") == "xlsx":
        rows = rows_of(queryset.order_by(page.default_sort, "pk").iterator(chunk_size=2000), columns)
        return xlsx_response(filename=page.export_name or "export", title=str(page.title), columns=columns, rows=rows)
    result = listing(request, queryset, columns=columns, default_sort=page.default_sort)
    context = {"page": page, "listing": result, "filter_form": page.filter_form, **(page.extra or {})}
    return render_page(request, "web/list.html", context, partial="list-results")
