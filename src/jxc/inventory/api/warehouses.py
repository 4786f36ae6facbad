"""API: warehouses and locations (within the caller's warehouse scope)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Status, UploadedFile

from jxc.core.api import ErrorOut, ImportReportOut, Page, PageParams, import_response, paged, require
from jxc.core.columns import rows_of
from jxc.core.errors import NotFound
from jxc.core.excel import xlsx_response
from jxc.core.imports import import_run
from jxc.inventory.imports import LOCATION_IMPORT, WAREHOUSE_IMPORT
from jxc.inventory.models import Location, Warehouse
from jxc.inventory.schemas import LocationIn, LocationOut, WarehouseIn, WarehouseOut
from jxc.inventory.selectors import location_list_for, warehouse_list_for
from jxc.inventory.services.warehouses import (
    LocationData,
    WarehouseData,
    location_save,
    location_set_active,
    warehouse_create,
    warehouse_set_active,
    warehouse_update,
)
from jxc.inventory.tables import LOCATION_COLUMNS, WAREHOUSE_COLUMNS

router = Router(tags=["warehouses"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _warehouse(user: Any, warehouse_id: int) -> Warehouse:
    found = warehouse_list_for(user=user).prefetch_related("users").filter(pk=warehouse_id).first()
    if found is None:
        raise NotFound()
    return found


@router.get("/warehouses", response=Page[WarehouseOut], summary="List warehouses")
def warehouses(
    request: HttpRequest, params: Query[PageParams], q: str = "", active: bool | None = True
) -> dict[str, Any]:
    user = require(request, "inventory.view_warehouse")
    return paged(warehouse_list_for(user=user, q=q, active=active).prefetch_related("users").order_by("code"), params)


@router.get("/warehouses/export", summary="Export warehouses to Excel", response={200: None})
def warehouses_export(request: HttpRequest, q: str = "", active: bool | None = True) -> HttpResponse:
    user = require(request, "inventory.view_warehouse")
    found = warehouse_list_for(user=user, q=q, active=active).order_by("code")
    return xlsx_response(
        filename="warehouses", title="warehouses", columns=WAREHOUSE_COLUMNS, rows=rows_of(found, WAREHOUSE_COLUMNS)
    )


@router.post(
    "/warehouses/import", response={200: ImportReportOut, 422: ErrorOut}, summary="Import warehouses from Excel"
)
def warehouses_import(request: HttpRequest, file: File[UploadedFile], dry_run: bool = True) -> Status[dict[str, Any]]:
    user = require(request, "inventory.add_warehouse", "inventory.change_warehouse")
    return import_response(
        import_run(spec=WAREHOUSE_IMPORT, content=file.read(), actor=user, commit=not dry_run), dry_run=dry_run
    )


@router.post(
    "/warehouses", response={201: WarehouseOut, **ERRORS}, summary="Create a warehouse (with a default location)"
)
def warehouses_create(request: HttpRequest, payload: WarehouseIn) -> Status[Warehouse]:
    user = require(request, "inventory.add_warehouse")
    return Status(201, warehouse_create(actor=user, data=WarehouseData(**payload.dict())))


@router.get("/warehouses/{warehouse_id}", response={200: WarehouseOut, **ERRORS}, summary="Get a warehouse")
def warehouses_get(request: HttpRequest, warehouse_id: int) -> Warehouse:
    user = require(request, "inventory.view_warehouse")
    return _warehouse(user, warehouse_id)


@router.put("/warehouses/{warehouse_id}", response={200: WarehouseOut, **ERRORS}, summary="Change a warehouse")
def warehouses_put(request: HttpRequest, warehouse_id: int, payload: WarehouseIn) -> Warehouse:
    user = require(request, "inventory.change_warehouse")
    return warehouse_update(actor=user, warehouse=_warehouse(user, warehouse_id), data=WarehouseData(**payload.dict()))


@router.post(
    "/warehouses/{warehouse_id}/deactivate", response={200: WarehouseOut, **ERRORS}, summary="Deactivate a warehouse"
)
def warehouses_deactivate(request: HttpRequest, warehouse_id: int) -> Warehouse:
    user = require(request, "inventory.change_warehouse")
    return warehouse_set_active(actor=user, warehouse=_warehouse(user, warehouse_id), active=False)


@router.post(
    "/warehouses/{warehouse_id}/activate", response={200: WarehouseOut, **ERRORS}, summary="Activate a warehouse"
)
def warehouses_activate(request: HttpRequest, warehouse_id: int) -> Warehouse:
    user = require(request, "inventory.change_warehouse")
    return warehouse_set_active(actor=user, warehouse=_warehouse(user, warehouse_id), active=True)


@router.get("/locations", response=Page[LocationOut], summary="List locations")
def locations(
    request: HttpRequest,
    params: Query[PageParams],
    warehouse_id: int | None = None,
    q: str = "",
    active: bool | None = True,
) -> dict[str, Any]:
    user = require(request, "inventory.view_location")
    found = location_list_for(user=user, warehouse_id=warehouse_id, q=q, active=active)
    return paged(found.order_by("warehouse__code", "code"), params)


@router.get("/locations/export", summary="Export locations to Excel", response={200: None})
def locations_export(request: HttpRequest, warehouse_id: int | None = None, active: bool | None = True) -> HttpResponse:
    user = require(request, "inventory.view_location")
    found = location_list_for(user=user, warehouse_id=warehouse_id, active=active).order_by("warehouse__code", "code")
    return xlsx_response(
        filename="locations", title="locations", columns=LOCATION_COLUMNS, rows=rows_of(found, LOCATION_COLUMNS)
    )


@router.post("/locations/import", response={200: ImportReportOut, 422: ErrorOut}, summary="Import locations from Excel")
def locations_import(request: HttpRequest, file: File[UploadedFile], dry_run: bool = True) -> Status[dict[str, Any]]:
    user = require(request, "inventory.add_location", "inventory.change_location")
    return import_response(
        import_run(spec=LOCATION_IMPORT, content=file.read(), actor=user, commit=not dry_run), dry_run=dry_run
    )


@router.post("/warehouses/{warehouse_id}/locations", response={201: LocationOut, **ERRORS}, summary="Add a location")
def locations_create(request: HttpRequest, warehouse_id: int, payload: LocationIn) -> Status[Location]:
    user = require(request, "inventory.add_location")
    return Status(
        201, location_save(actor=user, warehouse=_warehouse(user, warehouse_id), data=LocationData(**payload.dict()))
    )


def _location(user: Any, location_id: int) -> Location:
    location = get_object_or_404(Location, pk=location_id)
    _warehouse(user, location.warehouse_id)
    return location


@router.get("/locations/{location_id}", response={200: LocationOut, **ERRORS}, summary="Get a location")
def locations_get(request: HttpRequest, location_id: int) -> Location:
    user = require(request, "inventory.view_location")
    return _location(user, location_id)


@router.put("/locations/{location_id}", response={200: LocationOut, **ERRORS}, summary="Change a location")
def locations_put(request: HttpRequest, location_id: int, payload: LocationIn) -> Location:
    user = require(request, "inventory.change_location")
    location = _location(user, location_id)
    return location_save(
        actor=user, warehouse=location.warehouse, data=LocationData(**payload.dict()), location=location
    )


@router.post(
    "/locations/{location_id}/deactivate", response={200: LocationOut, **ERRORS}, summary="Deactivate a location"
)
def locations_deactivate(request: HttpRequest, location_id: int) -> Location:
    user = require(request, "inventory.change_location")
    return location_set_active(actor=user, location=_location(user, location_id), active=False)


@router.post("/locations/{location_id}/activate", response={200: LocationOut, **ERRORS}, summary="Activate a location")
def locations_activate(request: HttpRequest, location_id: int) -> Location:
    user = require(request, "inventory.change_location")
    return location_set_active(actor=user, location=_location(user, location_id), active=True)
