"""The public order status page (订单状态) behind a signed link: no login, nothing but the order's progress.

It shows the shop's name, the order's number and date, its progress and each parcel's carrier, tracking number,
status, expected delivery and events. No prices, no customer, no products, no links into the app. A link that
was altered or names nothing gets a 404 page that says so.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_safe

from jxc.accounts.selectors import company_get
from jxc.sales.errors import BadStatusLink
from jxc.sales.selectors.tracking import public_status


@login_not_required
@require_safe
def public_status_view(request: HttpRequest, token: str) -> HttpResponse:
    """The status of the order (or order-less shipment) the signed token names."""
    context: dict[str, object] = {"shop": company_get().name}
    try:
        context["status"] = public_status(token=token, today=timezone.localdate())
        code = 200
    except BadStatusLink as error:
        context["error"] = error.text
        code = error.status
    response = render(request, "sales/public_status.html", context, status=code)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("status/<str:token>/", public_status_view, name="public_status"),
]
