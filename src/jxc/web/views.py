"""Home page, global search and health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from jxc.accounts.selectors import audit_list
from jxc.accounts.views_approvals import approvals_waiting_context
from jxc.inventory.views.stock import alerts_context
from jxc.purchasing.views.orders import overdue_context
from jxc.sales.views.tracking import delivery_context
from jxc.web.selectors import dashboard_figures, global_search


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """首页: figures from the data that exists and the latest changes."""
    figures = dashboard_figures(user=request.user)
    recent = list(audit_list()[:8]) if request.user.has_perm("accounts.view_auditentry") else []
    context = {"figures": figures, "recent": recent, **alerts_context(request.user)}
    context.update(approvals_waiting_context(request.user))  # waiting_approvals: the "Waiting for your approval" card
    context.update(overdue_context(request.user))  # overdue_orders: the "Overdue purchase orders" card
    context.update(delivery_context(request.user))  # delivery_problems: the "Late and exception deliveries" card
    return render(request, "web/home.html", context)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Full search results; a scanned barcode or exact SKU opens the product directly."""
    q = request.GET.get("q", "").strip()
    results = global_search(user=request.user, q=q, limit=50)
    if results.exact_product is not None and request.GET.get("all") != "1":
        return redirect("catalog:product_detail", pk=results.exact_product.pk)
    return render(request, "web/search.html", {"results": results, "search_query": q})


@require_GET
def search_suggest(request: HttpRequest) -> HttpResponse:
    """The drop-down under the search box while typing."""
    q = request.GET.get("q", "").strip()
    results = global_search(user=request.user, q=q, limit=6)
    return render(request, "web/search_suggest.html", {"results": results})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and scripts: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
