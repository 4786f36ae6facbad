"""Reads of delivery tracking: the public status page behind a signed link, and late or troubled deliveries.

A status link carries the order (or an order-less shipment) signed with the site's secret: it cannot be guessed
or altered, and the page it opens shows the order's progress and the parcels' events, nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jxc.inventory.choices import PostingStatus
from jxc.inventory.selectors import warehouses_of
from jxc.sales.choices import Channel, DeliveryStatus, OrderStatus
from jxc.sales.errors import BadStatusLink
from jxc.sales.models import SalesOrder, SalesShipment, TrackingEvent

SALT = "jxc.sales.status-link"
ON_THE_WAY = (DeliveryStatus.SHIPPED, DeliveryStatus.IN_TRANSIT, DeliveryStatus.OUT_FOR_DELIVERY)
CUSTOMER_STATUS = {
    OrderStatus.DRAFT: _("received, being confirmed"),
    OrderStatus.SUBMITTED: _("received, being confirmed"),
    OrderStatus.APPROVED: _("confirmed, being prepared"),
    OrderStatus.PARTIAL: _("partly shipped"),
    OrderStatus.DONE: _("shipped"),
    OrderStatus.CLOSED: _("closed"),
    OrderStatus.VOID: _("cancelled"),
}


def status_token(*, order: SalesOrder | None = None, shipment: SalesShipment | None = None) -> str:
    """The signed token of the public status page of an order, or of a shipment made without one."""
    if order is not None:
        return signing.Signer(salt=SALT).sign(f"o{order.pk}")
    assert shipment is not None
    return signing.Signer(salt=SALT).sign(f"s{shipment.pk}")


@dataclass
class PublicShipment:
    """A parcel as the customer sees it."""

    number: str
    shipped_on: dt.date
    carrier: str
    tracking_no: str
    status: str
    status_label: str
    expected_delivery: dt.date | None
    delivered_at: dt.datetime | None
    late: bool
    events: list[TrackingEvent] = field(default_factory=list)


@dataclass
class PublicStatus:
    """What the public status page shows: the document's number and date, its progress and its parcels."""

    number: str
    date: dt.date
    progress: str
    delivered: bool
    shipments: list[PublicShipment]


def _public(shipment: SalesShipment, today: dt.date) -> PublicShipment:
    return PublicShipment(
        number=shipment.number,
        shipped_on=shipment.date,
        carrier=shipment.carrier,
        tracking_no=shipment.tracking_no,
        status=shipment.delivery_status,
        status_label=shipment.get_delivery_status_display(),
        expected_delivery=shipment.expected_delivery,
        delivered_at=shipment.delivered_at,
        late=shipment_is_late(shipment, today),
        events=sorted(shipment.events.all(), key=lambda e: (e.occurred_at, e.pk), reverse=True),
    )


def shipment_is_late(shipment: SalesShipment, today: dt.date) -> bool:
    """On the way after its expected delivery date."""
    expected = shipment.expected_delivery
    return shipment.delivery_status in ON_THE_WAY and expected is not None and expected < today


def public_status(*, token: str, today: dt.date) -> PublicStatus:
    """The status behind a link; a link that was altered or names nothing raises BadStatusLink."""
    try:
        key = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        raise BadStatusLink() from None
    kind, pk = key[:1], key[1:]
    shipments = SalesShipment.objects.filter(status=PostingStatus.POSTED, reversal_of__isnull=True).prefetch_related(
        "events"
    )
    if kind == "o" and pk.isdigit():
        order = SalesOrder.objects.filter(pk=int(pk)).first()
        if order is None:
            raise BadStatusLink()
        parcels = [
            _public(s, today)
            for s in shipments.filter(lines__order_line__order=order).distinct().order_by("date", "pk")
        ]
        progress = str(CUSTOMER_STATUS.get(OrderStatus(order.status), order.get_status_display()))
        number, date = order.number, order.date
    elif kind == "s" and pk.isdigit():
        shipment = shipments.filter(pk=int(pk)).first()
        if shipment is None:
            raise BadStatusLink()
        parcels = [_public(shipment, today)]
        progress, number, date = str(_("shipped")), shipment.number, shipment.date
    else:
        raise BadStatusLink()
    delivered = bool(parcels) and all(p.status == DeliveryStatus.DELIVERED for p in parcels)
    if delivered and progress == str(CUSTOMER_STATUS[OrderStatus.DONE]):
        progress = str(_("delivered"))
    return PublicStatus(number=number, date=date, progress=progress, delivered=delivered, shipments=parcels)


def delivery_problems(*, user: Any, today: dt.date) -> QuerySet[SalesShipment]:
    """Shipments on the way past their expected date, or with an exception, in the user's warehouses."""
    return (
        SalesShipment.objects.filter(
            status=PostingStatus.POSTED,
            reversal_of__isnull=True,
            warehouse__in=warehouses_of(user=user),
        )
        .exclude(channel=Channel.COUNTER)
        .filter(
            Q(delivery_status=DeliveryStatus.EXCEPTION) | Q(delivery_status__in=ON_THE_WAY, expected_delivery__lt=today)
        )
        .select_related("customer")
        .order_by("expected_delivery", "pk")
    )
