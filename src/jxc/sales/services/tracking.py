"""Delivery tracking (物流跟踪): carrier and tracking number, and the status events of a shipped parcel.

Events come from the page or the API in any order; the shipment's delivery status is always the status of its
latest event by time, and `delivered_at` the time it was delivered.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record
from jxc.catalog.lines import Errors
from jxc.core.errors import ValidationFailed
from jxc.inventory.choices import PostingStatus
from jxc.sales.choices import TRACKING_STATUSES, Channel, DeliveryStatus
from jxc.sales.errors import NotShipped
from jxc.sales.models import SalesShipment, TrackingEvent

CLOCK_SKEW = timedelta(minutes=10)


def _shipped(shipment: SalesShipment) -> SalesShipment:
    shipment = SalesShipment.objects.select_for_update(of=("self",)).get(pk=shipment.pk)
    if shipment.status != PostingStatus.POSTED or shipment.reversal_of_id or shipment.channel == Channel.COUNTER:
        raise NotShipped(number=shipment.number)
    return shipment


def _refresh_status(shipment: SalesShipment) -> None:
    latest = shipment.events.order_by("-occurred_at", "-pk").first()
    shipment.delivery_status = latest.status if latest else DeliveryStatus.SHIPPED
    delivered = shipment.events.filter(status=DeliveryStatus.DELIVERED).order_by("-occurred_at").first()
    shipment.delivered_at = (
        delivered.occurred_at if delivered and latest and latest.status == delivered.status else None
    )


@transaction.atomic
def tracking_event_add(
    *,
    actor: User | None,
    shipment: SalesShipment,
    status: str,
    occurred_at: dt.datetime | None = None,
    place: str = "",
    description: str = "",
    expected_delivery: dt.date | None = None,
    source: str = "page",
) -> TrackingEvent:
    """Record a delivery event of a shipped shipment (shipped, in transit, out for delivery, delivered, exception)."""
    shipment = _shipped(shipment)
    errors: Errors = {}
    if status not in TRACKING_STATUSES:
        errors["status"] = [_("Choose a delivery status.")]
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + CLOCK_SKEW:
        errors["occurred_at"] = [_("The time of an event cannot be in the future.")]
    if status == DeliveryStatus.EXCEPTION and not (description or "").strip():
        errors["description"] = [_("Say what went wrong.")]
    if expected_delivery is not None and expected_delivery < shipment.date:
        errors["expected_delivery"] = [_("The expected delivery cannot be before the shipment date.")]
    if errors:
        raise ValidationFailed(errors)
    event = TrackingEvent.objects.create(
        shipment=shipment,
        status=status,
        occurred_at=occurred_at,
        place=place.strip()[:120],
        description=description.strip()[:300],
        source=source,
        created_by=actor if actor is not None and actor.pk else None,
    )
    if expected_delivery is not None:
        shipment.expected_delivery = expected_delivery
    _refresh_status(shipment)
    shipment.save(update_fields=["delivery_status", "delivered_at", "expected_delivery"])
    audit_record(
        actor=actor,
        action="sales_shipment.tracking",
        target=shipment,
        after={"status": status, "at": occurred_at.isoformat(), "place": event.place, "source": source},
    )
    return event


@transaction.atomic
def shipment_delivery_set(
    *,
    actor: User,
    shipment: SalesShipment,
    carrier: str,
    tracking_no: str,
    expected_delivery: dt.date | None,
) -> SalesShipment:
    """Change the carrier, tracking number or expected delivery of a shipped shipment."""
    shipment = _shipped(shipment)
    if expected_delivery is not None and expected_delivery < shipment.date:
        raise ValidationFailed.one("expected_delivery", _("The expected delivery cannot be before the shipment date."))
    before = {"carrier": shipment.carrier, "tracking_no": shipment.tracking_no}
    shipment.carrier, shipment.tracking_no = carrier.strip()[:60], tracking_no.strip()[:60]
    shipment.expected_delivery = expected_delivery
    shipment.save(update_fields=["carrier", "tracking_no", "expected_delivery"])
    audit_record(
        actor=actor,
        action="sales_shipment.delivery_changed",
        target=shipment,
        before=before,
        after={"carrier": shipment.carrier, "tracking_no": shipment.tracking_no},
    )
    return shipment
