"""API: customers and suppliers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Status, UploadedFile

from jxc.core.api import ErrorOut, ImportReportOut, Page, PageParams, import_response, paged, require
from jxc.core.columns import rows_of
from jxc.core.excel import xlsx_response
from jxc.core.imports import import_run
from jxc.partners.imports import PARTNER_IMPORT, partner_export_columns
from jxc.partners.models import Partner
from jxc.partners.schemas import PartnerIn, PartnerOut, PartnerPatch
from jxc.partners.selectors import partner_get, partner_list
from jxc.partners.services.partners import (
    ContactLine,
    PartnerData,
    partner_create,
    partner_data_of,
    partner_set_active,
    partner_update,
)

router = Router(tags=["partners"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _data(payload: PartnerIn | PartnerPatch, base: PartnerData) -> PartnerData:
    for key, value in payload.dict(exclude_unset=True).items():
        if key == "contacts":
            base.contacts = [ContactLine(**c) for c in value or []]
        elif value is not None or key in {"credit_limit", "salesperson_id"}:
            setattr(base, key, value)
    return base


@router.get("/partners", response=Page[PartnerOut], summary="List customers and suppliers")
def partners(
    request: HttpRequest,
    params: Query[PageParams],
    q: str = "",
    role: str = "",
    active: bool | None = True,
    price_level: str = "",
    customer_class: str = "",
) -> dict[str, Any]:
    """Search by name, code, phone (also contacts' phones) or pinyin initials; `role=customer|supplier`."""
    require(request, "partners.view_partner")
    found = partner_list(q=q, role=role, active=active, price_level=price_level, customer_class=customer_class)
    return paged(found.prefetch_related("contacts").order_by("code"), params)


@router.get("/partners/export", summary="Export partners to Excel", response={200: None})
def partners_export(request: HttpRequest, q: str = "", role: str = "", active: bool | None = True) -> HttpResponse:
    require(request, "partners.view_partner")
    columns = partner_export_columns()
    found = partner_list(q=q, role=role, active=active).prefetch_related("contacts").order_by("code")
    return xlsx_response(
        filename="partners", title="partners", columns=columns, rows=rows_of(found.iterator(chunk_size=2000), columns)
    )


@router.post("/partners/import", response={200: ImportReportOut, 422: ErrorOut}, summary="Import partners from Excel")
def partners_import(request: HttpRequest, file: File[UploadedFile], dry_run: bool = True) -> Status[dict[str, Any]]:
    user = require(request, "partners.add_partner", "partners.change_partner")
    report = import_run(spec=PARTNER_IMPORT, content=file.read(), actor=user, commit=not dry_run)
    return import_response(report, dry_run=dry_run)


@router.post("/partners", response={201: PartnerOut, **ERRORS}, summary="Create a customer or supplier")
def partners_create(request: HttpRequest, payload: PartnerIn) -> Status[Partner]:
    user = require(request, "partners.add_partner")
    partner = partner_create(actor=user, data=_data(payload, PartnerData(name="")))
    return Status(201, partner_get(pk=partner.pk))


@router.get("/partners/{partner_id}", response={200: PartnerOut, **ERRORS}, summary="Get a partner")
def partners_get(request: HttpRequest, partner_id: int) -> Partner:
    require(request, "partners.view_partner")
    return partner_get(pk=partner_id)


@router.put("/partners/{partner_id}", response={200: PartnerOut, **ERRORS}, summary="Replace a partner")
def partners_put(request: HttpRequest, partner_id: int, payload: PartnerIn) -> Partner:
    user = require(request, "partners.change_partner")
    partner = get_object_or_404(Partner, pk=partner_id)
    partner_update(actor=user, partner=partner, data=_data(payload, PartnerData(name="")))
    return partner_get(pk=partner_id)


@router.patch("/partners/{partner_id}", response={200: PartnerOut, **ERRORS}, summary="Change some fields of a partner")
def partners_patch(request: HttpRequest, partner_id: int, payload: PartnerPatch) -> Partner:
    user = require(request, "partners.change_partner")
    partner = get_object_or_404(Partner, pk=partner_id)
    partner_update(actor=user, partner=partner, data=_data(payload, partner_data_of(partner)))
    return partner_get(pk=partner_id)


@router.post("/partners/{partner_id}/deactivate", response={200: PartnerOut, **ERRORS}, summary="Deactivate a partner")
def partners_deactivate(request: HttpRequest, partner_id: int) -> Partner:
    user = require(request, "partners.change_partner")
    partner_set_active(actor=user, partner=get_object_or_404(Partner, pk=partner_id), active=False)
    return partner_get(pk=partner_id)


@router.post("/partners/{partner_id}/activate", response={200: PartnerOut, **ERRORS}, summary="Activate a partner")
def partners_activate(request: HttpRequest, partner_id: int) -> Partner:
    user = require(request, "partners.change_partner")
    partner_set_active(actor=user, partner=get_object_or_404(Partner, pk=partner_id), active=True)
    return partner_get(pk=partner_id)
