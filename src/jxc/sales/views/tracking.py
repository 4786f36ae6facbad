"""Pages: delivery tracking (物流跟踪) of shipped shipments.

The tracking section of a shipment (its events, a form to add one, the carrier and tracking number, the public
status link to send the customer), the list of deliveries in trouble (late or with an exception) with Excel export,
and the home page card of them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.core.errors import DomainError
from jxc.core.forms import apply_error
from jxc.core.listing import ListPage, list_response
from jxc.inventory.choices import PostingStatus
from jxc.sales.choices import Channel, DeliveryStatus
from jxc.sales.forms_shipments import DeliveryFilterForm, DeliveryForm, TrackingEventForm
from jxc.sales.models import SalesOrder, SalesShipment
from jxc.sales.selectors.shipments import may_use, sales_shipment_get_for
from jxc.sales.selectors.tracking import delivery_problems, shipment_is_late, status_token
from jxc.sales.services.tracking import shipment_delivery_set, tracking_event_add
from jxc.sales.tables_shipments import DELIVERY_COLUMNS, DELIVERY_EXPORT_COLUMNS, days_late

VIEW = "sales.view_salesshipment"
CHANGE = "sales.change_salesshipment"
HOME_CARD_ROWS = 8


def status_url(request: HttpRequest, token: str) -> str:
    """The public status page of a token as a full link (empty while that page does not exist)."""
    try:
        return request.build_absolute_uri(reverse("sales:public_status", args=[token]))
    except NoReverseMatch:
        return ""


def status_links(request: HttpRequest, *, shipment: SalesShipment, orders: list[SalesOrder]) -> list[dict[str, str]]:
    """The signed links to send the customer for a shipped shipment: one per order it ships, or the shipment's own."""
    if shipment.status != PostingStatus.POSTED or shipment.reversal_of_id or shipment.channel == Channel.COUNTER:
        return []
    tokens = [(o.number, status_token(order=o)) for o in orders] or [(shipment.number, status_token(shipment=shipment))]
    links = [{"label": label, "url": status_url(request, token)} for label, token in tokens]
    return [link for link in links if link["url"]]


def is_tracked(shipment: SalesShipment) -> bool:
    """Whether the shipment's delivery is followed: shipped (not a reversal, not handed over at the counter)."""
    return (
        shipment.status == PostingStatus.POSTED and not shipment.reversal_of_id and shipment.channel != Channel.COUNTER
    )


def tracking_panel(
    request: HttpRequest,
    shipment: SalesShipment,
    *,
    event_form: TrackingEventForm | None = None,
    delivery_form: DeliveryForm | None = None,
) -> dict[str, Any]:
    """The context of the tracking section (`tracking` is None for a shipment whose delivery is not followed)."""
    if not is_tracked(shipment):
        return {"tracking": None}
    user: Any = request.user
    events = sorted(shipment.events.select_related("created_by"), key=lambda e: (e.occurred_at, e.pk), reverse=True)
    initial: dict[str, Any] = {
        "carrier": shipment.carrier,
        "tracking_no": shipment.tracking_no,
        "expected_delivery": shipment.expected_delivery,
    }
    return {
        "tracking": {
            "shipment": shipment,
            "events": events,
            "late": shipment_is_late(shipment, timezone.localdate()),
            "can_track": user.has_perm(CHANGE) and may_use(user, shipment),
            "event_form": event_form or TrackingEventForm(),
            "delivery_form": delivery_form or DeliveryForm(initial=initial),
        }
    }


def _shipment(request: HttpRequest, pk: int) -> SalesShipment:
    try:
        shipment = sales_shipment_get_for(user=request.user, pk=pk)
    except SalesShipment.DoesNotExist:
        raise Http404 from None
    if not may_use(request.user, shipment):
        raise PermissionDenied
    return shipment


def _answer(
    request: HttpRequest,
    pk: int,
    *,
    ok: bool,
    message: str = "",
    event_form: TrackingEventForm | None = None,
    delivery_form: DeliveryForm | None = None,
) -> HttpResponse:
    """htmx gets the tracking section again (with the errors, or the new state); a plain form post gets the
    shipment page (with the errors) or goes back to it."""
    shipment = _shipment(request, pk)
    status = 200 if ok else 422
    if getattr(request, "htmx", None):
        forms = {} if ok else {"event_form": event_form, "delivery_form": delivery_form}
        context = tracking_panel(request, shipment, **forms)
        context["tracking_message"] = message
        return render(request, "sales/shipment_tracking.html", context, status=status)
    if ok:
        messages.success(request, message)
        return redirect(f"{shipment.get_absolute_url()}#tracking")
    from jxc.sales.views.shipments import detail_page  # the shipment page shows this section

    panel = tracking_panel(request, shipment, event_form=event_form, delivery_form=delivery_form)
    return detail_page(request, shipment, error=_("Please correct the errors below."), extra=panel)


@permission_required(CHANGE, raise_exception=True)
def tracking_event_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a delivery event by hand (shipped, in transit, out for delivery, delivered, exception)."""
    if request.method != "POST":
        return redirect("sales:shipment_detail", pk)
    shipment = _shipment(request, pk)
    form = TrackingEventForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            event = tracking_event_add(
                actor=request.user,  # type: ignore[arg-type]
                shipment=shipment,
                status=d["status"],
                occurred_at=d["occurred_at"],
                place=d["place"],
                description=d["description"],
                expected_delivery=d["expected_delivery"],
                source="page",
            )
        except DomainError as error:
            apply_error(error, form)
        else:
            message = _("Recorded: %(status)s.") % {"status": event.get_status_display()}
            return _answer(request, pk, ok=True, message=message)
    return _answer(request, pk, ok=False, event_form=form)


@permission_required(CHANGE, raise_exception=True)
def delivery_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the carrier, tracking number or expected delivery of a shipped shipment."""
    if request.method != "POST":
        return redirect("sales:shipment_detail", pk)
    shipment = _shipment(request, pk)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            shipment_delivery_set(
                actor=request.user,  # type: ignore[arg-type]
                shipment=shipment,
                carrier=d["carrier"],
                tracking_no=d["tracking_no"],
                expected_delivery=d["expected_delivery"],
            )
        except DomainError as error:
            apply_error(error, form)
        else:
            return _answer(request, pk, ok=True, message=_("Saved the delivery details."))
    return _answer(request, pk, ok=False, delivery_form=form)


def problems(user: Any, *, problem: str = "", customer_id: int | None = None) -> Any:
    """Late and exception deliveries in the user's warehouses, with their events for the last-event column."""
    found = delivery_problems(user=user, today=timezone.localdate()).prefetch_related("events")
    if problem == "late":
        found = found.exclude(delivery_status=DeliveryStatus.EXCEPTION)
    elif problem == "exception":
        found = found.filter(delivery_status=DeliveryStatus.EXCEPTION)
    if customer_id:
        found = found.filter(customer_id=customer_id)
    return found


@permission_required(VIEW, raise_exception=True)
def delivery_list(request: HttpRequest) -> HttpResponse:
    """Deliveries in trouble: on the way past their expected date, or with an exception; ?export=xlsx exports them."""
    form = DeliveryFilterForm(request.GET or None)
    export = request.GET.get("export") == "xlsx"
    page = ListPage(
        title=gettext_lazy("Late and exception deliveries"),
        columns=DELIVERY_EXPORT_COLUMNS if export else DELIVERY_COLUMNS,
        default_sort="expected_delivery",
        filter_form=form,
        export_name="deliveries",
        empty_text=gettext_lazy("No delivery is late or in trouble."),
    )
    return list_response(request, problems(request.user, **form.filters()), page)


def delivery_context(user: Any) -> dict[str, Any]:
    """What the home-page card shows: the late and exception deliveries and how many there are ({} without access
    or when there are none)."""
    if not user.has_perm(VIEW):
        return {}
    found = problems(user)
    top = list(found[:HOME_CARD_ROWS])
    if not top:
        return {}
    count = len(top) if len(top) < HOME_CARD_ROWS else found.count()
    for shipment in top:
        shipment.days_late = days_late(shipment)  # type: ignore[attr-defined]
    return {"delivery_problems": {"top": top, "count": count, "url": reverse("sales:delivery_list")}}


urlpatterns: list[URLPattern] = [
    path("deliveries/", delivery_list, name="delivery_list"),
    path("shipments/<int:pk>/events/", tracking_event_create, name="shipment_event_add"),
    path("shipments/<int:pk>/delivery/", delivery_update, name="shipment_delivery"),
]
