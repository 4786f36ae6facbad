"""Template tags of delivery tracking for other sales pages: on an order, the link to ship what is left of it and
the signed public status link to send the customer."""

from __future__ import annotations

from typing import Any

from django import template

from jxc.sales.choices import OPEN_ORDER_STATUSES, OrderStatus
from jxc.sales.models import SalesOrder
from jxc.sales.selectors.tracking import status_token
from jxc.sales.views.tracking import status_url

register = template.Library()


@register.inclusion_tag("sales/order_status_link.html", takes_context=True)
def order_shipping(context: dict[str, Any], order: SalesOrder) -> dict[str, Any]:
    """On an approved order: a button to ship it; and its public status page link (not for drafts or void)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = request is not None and order.status not in {OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.VOID}
    return {
        "order": order,
        "url": status_url(request, status_token(order=order)) if shown else "",
        "can_ship": bool(user and user.has_perm("sales.add_salesshipment")) and order.status in OPEN_ORDER_STATUSES,
    }
