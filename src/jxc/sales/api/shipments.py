"""API: shipments (销售出库) — drafts, picking by scan, packing, shipping, reverse (红冲) — and delivery tracking."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from pydantic import ValidationError as PydanticValidationError

from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.columns import can_view_cost, rows_of
from jxc.core.errors import Forbidden, NotFound, ValidationFailed
from jxc.core.excel import xlsx_response
from jxc.sales.models import SalesOrderLine, SalesShipment, TrackingEvent
from jxc.sales.schemas_shipments import (
    DeliveryOut,
    DeliveryPatch,
    DeliveryProblemOut,
    PackagesIn,
    PickResultOut,
    ScanIn,
    ShipIn,
    ShipmentFilters,
    ShipmentIn,
    ShipmentOut,
    ShipmentSummaryOut,
    TrackingEventIn,
    TrackingEventOut,
)
from jxc.sales.selectors.documents import can_view_prices
from jxc.sales.selectors.shipments import (
    may_use,
    pick_list,
    pick_progress,
    reversed_shipment,
    sales_shipment_get_for,
    sales_shipment_search,
    shipment_lines,
    shipment_orders,
)
from jxc.sales.selectors.tracking import delivery_problems, shipment_is_late
from jxc.sales.services.picking import PackageData, shipment_pack, shipment_pick_reset, shipment_pick_scan
from jxc.sales.services.shipments import (
    ShipmentData,
    ShipmentLineData,
    sales_shipment_create,
    sales_shipment_delete,
    sales_shipment_post,
    sales_shipment_reverse,
    sales_shipment_update,
)
from jxc.sales.services.tracking import shipment_delivery_set, tracking_event_add
from jxc.sales.tables_shipments import SHIPMENT_EXPORT_COLUMNS, columns_for, days_late
from jxc.sales.views.tracking import status_links

router = Router(tags=["shipments"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "sales.view_salesshipment"
ADD = "sales.add_salesshipment"
CHANGE = "sales.change_salesshipment"
POST = "sales.post_salesshipment"
MONEY = ("freight", "other_charges", "amount", "tax", "total")
LINE_MONEY = ("price", "tax_rate", "discount_pct", "amount", "tax", "total")


def _summary(shipment: SalesShipment, *, show_prices: bool, show_cost: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": shipment.pk,
        "number": shipment.number,
        "status": shipment.status,
        "date": shipment.date,
        "customer_id": shipment.customer_id,
        "customer": shipment.customer.name,
        "warehouse_id": shipment.warehouse_id,
        "warehouse": shipment.warehouse.name,
        "channel": shipment.channel,
        "delivery_status": shipment.delivery_status,
        "carrier": shipment.carrier,
        "tracking_no": shipment.tracking_no,
        "expected_delivery": shipment.expected_delivery,
        "delivered_at": shipment.delivered_at,
        "line_count": getattr(shipment, "line_count", 0),
        "prices_include_tax": shipment.prices_include_tax,
        "ship_to": shipment.ship_to,
        "contact": shipment.contact,
        "notes": shipment.notes,
        "reversal_of_id": shipment.reversal_of_id,
        "created_at": shipment.created_at,
        "posted_at": shipment.posted_at,
    }
    if show_prices:
        out.update({name: getattr(shipment, name) for name in MONEY})
    if show_cost:
        out["cost"] = shipment.cost
    return out


def shipment_out(request: HttpRequest, shipment: SalesShipment, user: Any) -> dict[str, Any]:
    """A shipment with its lines, picking and packages; prices only for users who may see them, the cost of goods
    sold only with view_cost."""
    show_prices, show_cost = can_view_prices(user), can_view_cost(user)
    out = _summary(shipment, show_prices=show_prices, show_cost=show_cost)
    lines = shipment_lines(shipment)
    out["line_count"] = len(lines)
    items = []
    for line in lines:
        item: dict[str, Any] = {
            "id": line.pk,
            "position": line.position,
            "order_line_id": line.order_line_id,
            "order_number": line.order_line.order.number if line.order_line else None,
            "product_id": line.product_id,
            "sku": line.product.sku,
            "product": line.product.name,
            "unit_id": line.unit_id,
            "unit": line.unit.name,
            "factor": line.factor,
            "quantity": line.unit_quantity,
            "base_quantity": line.quantity,
            "picked_quantity": line.picked_quantity,
            "picked_serials": line.picked_serials.split(),
            "location_id": line.location_id,
            "location": line.location.code,
            "lot_id": line.lot_id,
            "batch_no": line.lot.batch_no if line.lot else "",
            "expiry_date": line.lot.expiry_date if line.lot else None,
            "serials": line.serial_list,
            "package_number": line.package.number if line.package else None,
            "returned": line.returned_quantity,
            "notes": line.notes,
        }
        if show_prices:
            item.update({name: getattr(line, name) for name in LINE_MONEY})
        if show_cost:
            item["cost"] = line.cost
        items.append(item)
    packages = [
        {
            "id": p.pk,
            "number": p.number,
            "weight_kg": p.weight_kg,
            "notes": p.notes,
            "line_ids": [ln.pk for ln in lines if ln.package_id == p.pk],
        }
        for p in shipment.packages.all()
    ]
    reversal = reversed_shipment(shipment)
    picked, total = pick_progress(pick_list(shipment)) if shipment.status == "draft" else (Decimal(0), Decimal(0))
    out.update(
        {
            "reversed_by_id": reversal.pk if reversal else None,
            "created_by": str(shipment.created_by),
            "posted_by": str(shipment.posted_by) if shipment.posted_by else None,
            "pick_complete": bool(lines) and picked >= total,
            "packages": packages,
            "status_links": status_links(request, shipment=shipment, orders=shipment_orders(lines)),
            "lines": items,
        }
    )
    return out


def _get(user: Any, shipment_id: int) -> SalesShipment:
    try:
        return sales_shipment_get_for(user=user, pk=shipment_id)
    except SalesShipment.DoesNotExist:
        raise NotFound() from None


def _usable(user: Any, shipment_id: int) -> SalesShipment:
    shipment = _get(user, shipment_id)
    if not may_use(user, shipment):
        raise Forbidden(reason="warehouse")
    return shipment


def _out(request: HttpRequest, user: Any, shipment_id: int) -> dict[str, Any]:
    return shipment_out(request, _get(user, shipment_id), user)


def _data(payload: ShipmentIn, *, show_prices: bool, keep: SalesShipment | None = None) -> ShipmentData:
    """The service input; prices only from users who may see them (others keep a draft's, or get the defaults)."""
    kept: dict[tuple[int | None, int], tuple[Decimal, Decimal, Decimal]] = {}
    if keep is not None and not show_prices:
        kept = {(ln.order_line_id, ln.product_id): (ln.price, ln.tax_rate, ln.discount_pct) for ln in keep.lines.all()}
    wanted = {e.order_line_id for e in payload.lines if e.order_line_id and not e.unit_id}
    order_units = dict(SalesOrderLine.objects.filter(pk__in=wanted).values_list("pk", "unit_id")) if wanted else {}
    lines = []
    for entry in payload.lines:
        price, tax_rate, discount = entry.price, entry.tax_rate, entry.discount_pct
        if not show_prices:
            price, tax_rate, discount = kept.get((entry.order_line_id, entry.product_id), (None, None, None))
        lines.append(
            ShipmentLineData(
                product_id=entry.product_id,
                quantity=entry.quantity,
                unit_id=entry.unit_id or order_units.get(entry.order_line_id or 0),
                order_line_id=entry.order_line_id,
                price=price,
                tax_rate=tax_rate,
                discount_pct=discount,
                location_id=entry.location_id,
                lot_id=entry.lot_id,
                serials=[s.strip() for s in entry.serials if s.strip()],
                notes=entry.notes,
            )
        )
    include_tax, freight, other = payload.prices_include_tax, payload.freight, payload.other_charges
    if not show_prices:  # money: kept from the draft, none on a new shipment
        include_tax = keep.prices_include_tax if keep is not None else None
        freight, other = (keep.freight, keep.other_charges) if keep is not None else (Decimal(0), Decimal(0))
    return ShipmentData(
        customer_id=payload.customer_id,
        warehouse_id=payload.warehouse_id,
        date=payload.date or timezone.localdate(),
        prices_include_tax=include_tax,
        freight=freight,
        other_charges=other,
        ship_to=payload.ship_to,
        contact=payload.contact,
        carrier=payload.carrier,
        tracking_no=payload.tracking_no,
        expected_delivery=payload.expected_delivery,
        notes=payload.notes,
        lines=lines,
    )


# Shipments


@router.get("/shipments", response=Page[ShipmentSummaryOut], exclude_unset=True, summary="List shipments")
def shipments(request: HttpRequest, params: Query[PageParams], filters: Query[ShipmentFilters]) -> dict[str, Any]:
    """Newest first. `q` searches the number, the customer, the tracking number, order numbers and products."""
    user = require(request, VIEW)
    show_prices, show_cost = can_view_prices(user), can_view_cost(user)
    found = sales_shipment_search(user=user, **filters.dict()).order_by("-date", "-pk")
    return paged(found, params, lambda s: _summary(s, show_prices=show_prices, show_cost=show_cost))


@router.get("/shipments/export", summary="Export shipments to Excel", response={200: None})
def shipments_export(request: HttpRequest, filters: Query[ShipmentFilters]) -> HttpResponse:
    """The list's columns with the same filters; totals only for users who may see prices, cost with view_cost."""
    user = require(request, VIEW)
    found = sales_shipment_search(user=user, **filters.dict()).order_by("-date", "-pk")
    columns = columns_for(SHIPMENT_EXPORT_COLUMNS, user)
    return xlsx_response(
        filename="shipments", title="shipments", columns=columns, rows=rows_of(found.iterator(chunk_size=2000), columns)
    )


@router.post("/shipments", response={201: ShipmentOut, **ERRORS}, exclude_unset=True, summary="Create a draft")
def shipments_create(request: HttpRequest, payload: ShipmentIn) -> Status[dict[str, Any]]:
    """Saved as a draft with its number (CK + date + sequence) and where each line is picked (suggested first
    expiry first, split across places when needed); ship it with `/post`. Lines against order lines take their
    price; shipping more than is left on an order line is refused (409 `over_shipment`)."""
    user = require(request, ADD)
    shipment = sales_shipment_create(actor=user, data=_data(payload, show_prices=can_view_prices(user)))
    return Status(201, _out(request, user, shipment.pk))


@router.get(
    "/shipments/{shipment_id}", response={200: ShipmentOut, **ERRORS}, exclude_unset=True, summary="Get a shipment"
)
def shipments_get(request: HttpRequest, shipment_id: int) -> dict[str, Any]:
    user = require(request, VIEW)
    return _out(request, user, shipment_id)


@router.put(
    "/shipments/{shipment_id}", response={200: ShipmentOut, **ERRORS}, exclude_unset=True, summary="Replace a draft"
)
def shipments_put(request: HttpRequest, shipment_id: int, payload: ShipmentIn) -> dict[str, Any]:
    """Only drafts change (409 `document_not_draft` otherwise); picking and packing start again."""
    user = require(request, CHANGE)
    shipment = _usable(user, shipment_id)
    sales_shipment_update(
        actor=user, shipment=shipment, data=_data(payload, show_prices=can_view_prices(user), keep=shipment)
    )
    return _out(request, user, shipment_id)


@router.delete("/shipments/{shipment_id}", response={204: None, **ERRORS}, summary="Delete a draft")
def shipments_delete(request: HttpRequest, shipment_id: int) -> Status[None]:
    user = require(request, CHANGE)
    sales_shipment_delete(actor=user, shipment=_usable(user, shipment_id))
    return Status(204, None)


@router.post(
    "/shipments/{shipment_id}/scan", response={200: PickResultOut, **ERRORS}, summary="Pick by scanning one code"
)
def shipments_scan(request: HttpRequest, shipment_id: int, payload: ScanIn) -> dict[str, Any]:
    """A barcode or SKU picks one of its unit (a case barcode a whole case) on the first line of that product still
    short; a serial number picks that unit. Refused, with nothing recorded: a code not on the shipment (409
    `scan_not_on_document`), unknown (404 `scan_unknown`), one too many (409 `over_pick`), a serial-tracked
    product's barcode (409 `serial_scan_required`), a serial that is elsewhere (409 `serial_not_in_stock`)."""
    user = require(request, CHANGE)
    result = shipment_pick_scan(actor=user, shipment=_usable(user, shipment_id), code=payload.code)
    line = result.line
    return {
        "line_id": line.pk,
        "product_id": line.product_id,
        "product": line.product.name,
        "location": line.location.code,
        "quantity": result.quantity,
        "serial": result.serial,
        "line_picked": line.picked_quantity,
        "line_quantity": line.quantity,
        "complete": result.complete,
    }


@router.post(
    "/shipments/{shipment_id}/pick-reset",
    response={200: ShipmentOut, **ERRORS},
    exclude_unset=True,
    summary="Start picking again",
)
def shipments_pick_reset(request: HttpRequest, shipment_id: int) -> dict[str, Any]:
    user = require(request, CHANGE)
    shipment_pick_reset(actor=user, shipment=_usable(user, shipment_id))
    return _out(request, user, shipment_id)


@router.put(
    "/shipments/{shipment_id}/packages",
    response={200: ShipmentOut, **ERRORS},
    exclude_unset=True,
    summary="Pack a draft into packages",
)
def shipments_pack(request: HttpRequest, shipment_id: int, payload: PackagesIn) -> dict[str, Any]:
    """Replaces the earlier packing: packages numbered 1, 2, … with their weights, each line in one at most."""
    user = require(request, CHANGE)
    packages = [
        PackageData(number=p.number, weight_kg=p.weight_kg, notes=p.notes, line_ids=list(p.line_ids))
        for p in payload.packages
    ]
    shipment_pack(actor=user, shipment=_usable(user, shipment_id), packages=packages)
    return _out(request, user, shipment_id)


def _ship_in(request: HttpRequest) -> ShipIn:
    """The optional body of a post: carrier, tracking number, expected delivery (no body: as entered)."""
    if request.content_type != "application/json" or not request.body.strip():
        return ShipIn()
    try:
        return ShipIn.model_validate_json(request.body)
    except PydanticValidationError as error:
        errors: dict[str, list[Any]] = {}
        for item in error.errors():
            errors.setdefault(".".join(str(part) for part in item["loc"]), []).append(item["msg"])
        raise ValidationFailed(errors) from None


@router.post(
    "/shipments/{shipment_id}/post",
    response={200: ShipmentOut, **ERRORS},
    exclude_unset=True,
    summary="Ship (post) a draft",
    openapi_extra={
        "requestBody": {"required": False, "content": {"application/json": {"schema": ShipIn.model_json_schema()}}}
    },
)
def shipments_post(request: HttpRequest, shipment_id: int) -> dict[str, Any]:
    """Stock out at moving-average cost (kept on each line), the orders' reservations consumed, the receivable up,
    the orders partly shipped or done, the delivery started. Posting again is harmless. The body (optional) gives
    the carrier, tracking number and expected delivery."""
    user = require(request, POST)
    shipment = _usable(user, shipment_id)
    ship = _ship_in(request)
    if ship.expected_delivery is not None and ship.expected_delivery < shipment.date:
        raise ValidationFailed.one("expected_delivery", _("The expected delivery cannot be before the shipment date."))
    sales_shipment_post(
        actor=user,
        shipment=shipment,
        carrier=ship.carrier,
        tracking_no=ship.tracking_no,
        expected_delivery=ship.expected_delivery,
    )
    return _out(request, user, shipment_id)


@router.post(
    "/shipments/{shipment_id}/reverse",
    response={201: ShipmentOut, **ERRORS},
    exclude_unset=True,
    summary="Reverse (红冲) a shipped shipment",
)
def shipments_reverse(request: HttpRequest, shipment_id: int, date: date | None = None) -> Status[dict[str, Any]]:
    """Posts the exact opposite (goods back at their cost, receivable down, orders back with their stock reserved
    again) as a new linked shipment, and returns it. `?date=` dates it (default today; not before the shipment)."""
    user = require(request, POST)
    shipment = _usable(user, shipment_id)
    if date is not None and date < shipment.date:
        raise ValidationFailed.one(
            "date", _("The date cannot be before the document's own date (%(date)s).") % {"date": shipment.date}
        )
    reversal = sales_shipment_reverse(actor=user, shipment=shipment, day=date)
    return Status(201, _out(request, user, reversal.pk))


# Delivery tracking


def _event_out(event: TrackingEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "status": event.status,
        "occurred_at": event.occurred_at,
        "place": event.place,
        "description": event.description,
        "source": event.source,
        "created_by": str(event.created_by) if event.created_by else None,
        "created_at": event.created_at,
    }


@router.get(
    "/shipments/{shipment_id}/tracking-events",
    response={200: list[TrackingEventOut], **ERRORS},
    summary="The delivery events of a shipment",
)
def shipments_events(request: HttpRequest, shipment_id: int) -> list[dict[str, Any]]:
    """Oldest first; the shipment's delivery status is that of the latest by time."""
    user = require(request, VIEW)
    shipment = _get(user, shipment_id)
    return [_event_out(e) for e in shipment.events.select_related("created_by").order_by("occurred_at", "pk")]


@router.post(
    "/shipments/{shipment_id}/tracking-events",
    response={201: TrackingEventOut, **ERRORS},
    summary="Record a delivery event",
)
def shipments_event_add(request: HttpRequest, shipment_id: int, payload: TrackingEventIn) -> Status[dict[str, Any]]:
    """From a carrier's feed or a script: events may arrive in any order. Only shipped shipments (409
    `not_shipped`); an exception needs a description; a time in the future is refused."""
    user = require(request, CHANGE)
    event = tracking_event_add(
        actor=user,
        shipment=_usable(user, shipment_id),
        status=payload.status,
        occurred_at=payload.occurred_at,
        place=payload.place,
        description=payload.description,
        expected_delivery=payload.expected_delivery,
        source="api",
    )
    return Status(201, _event_out(event))


@router.patch(
    "/shipments/{shipment_id}/delivery",
    response={200: DeliveryOut, **ERRORS},
    summary="Change the carrier, tracking number or expected delivery",
)
def shipments_delivery(request: HttpRequest, shipment_id: int, payload: DeliveryPatch) -> dict[str, Any]:
    user = require(request, CHANGE)
    shipment = _usable(user, shipment_id)
    given = payload.dict(exclude_unset=True)
    shipment = shipment_delivery_set(
        actor=user,
        shipment=shipment,
        carrier=given.get("carrier") or ("" if "carrier" in given else shipment.carrier),
        tracking_no=given.get("tracking_no") or ("" if "tracking_no" in given else shipment.tracking_no),
        expected_delivery=given.get("expected_delivery", shipment.expected_delivery),
    )
    shipment.refresh_from_db()
    return {
        "id": shipment.pk,
        "number": shipment.number,
        "delivery_status": shipment.delivery_status,
        "carrier": shipment.carrier,
        "tracking_no": shipment.tracking_no,
        "expected_delivery": shipment.expected_delivery,
        "delivered_at": shipment.delivered_at,
        "late": shipment_is_late(shipment, timezone.localdate()),
    }


@router.get(
    "/deliveries/problems",
    response=Page[DeliveryProblemOut],
    summary="Late and exception deliveries",
)
def deliveries_problems(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """Shipments on the way past their expected delivery, or with an exception, in the user's warehouses; the
    longest overdue first."""
    user = require(request, VIEW)
    found = delivery_problems(user=user, today=timezone.localdate())

    def row(s: SalesShipment) -> dict[str, Any]:
        return {
            "id": s.pk,
            "number": s.number,
            "date": s.date,
            "customer_id": s.customer_id,
            "customer": s.customer.name,
            "carrier": s.carrier,
            "tracking_no": s.tracking_no,
            "delivery_status": s.delivery_status,
            "expected_delivery": s.expected_delivery,
            "days_late": days_late(s),
        }

    return paged(found, params, row)
