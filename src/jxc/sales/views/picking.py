"""Pages: picking and packing a draft shipment.

The pick list walks the warehouse (by location, first expiry first) and names the batch and the serial numbers to
take; every scan is checked on the spot — a code that is not on the shipment, one too many, or a serial number that
is somewhere else is refused with its reason next to the scan field, and nothing is recorded. Then the goods are
packed into numbered packages with their weights.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.forms import apply_error
from jxc.core.numbers import format_quantity
from jxc.inventory.choices import PostingStatus
from jxc.sales.forms_shipments import LinePackForm, PackageFormSet, ScanForm, packages_data
from jxc.sales.models import SalesShipment
from jxc.sales.selectors.shipments import may_use, pick_list, pick_progress, sales_shipment_get_for, shipment_lines
from jxc.sales.services.picking import PickResult, shipment_pack, shipment_pick_reset, shipment_pick_scan

VIEW = "sales.view_salesshipment"
CHANGE = "sales.change_salesshipment"


def _draft(request: HttpRequest, pk: int) -> SalesShipment | None:
    """The draft shipment to pick or pack (None, with a message, when it is no draft any more)."""
    try:
        shipment = sales_shipment_get_for(user=request.user, pk=pk)
    except SalesShipment.DoesNotExist:
        raise Http404 from None
    if not may_use(request.user, shipment):
        raise PermissionDenied
    if shipment.status != PostingStatus.DRAFT:
        messages.error(
            request, _("%(number)s is not a draft any more: it cannot be picked or packed.") % {"number": shipment}
        )
        return None
    return shipment


def error_text(error: DomainError) -> str:
    """The message of a refused action (a validation error's own messages rather than its title)."""
    if isinstance(error, ValidationFailed) and error.errors:
        return " ".join(m for messages_ in error.errors.values() for m in messages_)
    return error.text


def picked_text(result: PickResult) -> str:
    line = result.line
    place = line.location.code + (f" {line.lot.batch_no}" if line.lot else "")
    if result.serial:
        return _("Picked %(product)s, serial number %(serial)s, from %(place)s.") % {
            "product": line.product.name,
            "serial": result.serial,
            "place": place,
        }
    return _("Picked %(quantity)s %(unit)s of %(product)s from %(place)s (%(picked)s of %(total)s).") % {
        "quantity": format_quantity(result.quantity),
        "unit": line.product.base_unit.name,
        "product": line.product.name,
        "place": place,
        "picked": format_quantity(line.picked_quantity),
        "total": format_quantity(line.quantity),
    }


def _pick_context(request: HttpRequest, shipment: SalesShipment, **extra: Any) -> dict[str, Any]:
    rows = pick_list(shipment)
    picked, total = pick_progress(rows)
    return {
        "shipment": shipment,
        "rows": rows,
        "picked": picked,
        "total": total,
        "complete": bool(rows) and picked >= total,
        "scan_form": ScanForm(),
        "scan_error": "",
        "scan_message": "",
        "list_url": reverse("sales:shipment_list"),
        **extra,
    }


@permission_required(CHANGE, raise_exception=True)
def shipment_pick(request: HttpRequest, pk: int) -> HttpResponse:
    """The pick list with its scan field."""
    shipment = _draft(request, pk)
    if shipment is None:
        return redirect("sales:shipment_detail", pk)
    return render(request, "sales/shipment_pick.html", _pick_context(request, shipment))


@require_POST
@permission_required(CHANGE, raise_exception=True)
def shipment_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """One scan: picked (the pick list comes back with what was picked) or refused (its reason in red beside the
    scan field; nothing recorded). htmx gets the scan status, and the pick list out of band."""
    shipment = _draft(request, pk)
    if shipment is None:
        return redirect("sales:shipment_detail", pk)
    form = ScanForm(request.POST)
    error = message = ""
    if form.is_valid():
        try:
            result = shipment_pick_scan(actor=request.user, shipment=shipment, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except DomainError as refused:
            error = error_text(refused)
        else:
            message = picked_text(result)
    else:
        error = " ".join(str(e) for e in form.errors.get("code", []))
    htmx = getattr(request, "htmx", None)
    if not error and not htmx:
        messages.success(request, message)
        return redirect("sales:shipment_pick", pk)
    context = _pick_context(request, shipment, scan_error=error, scan_message=message, oob=bool(htmx))
    template = "sales/shipment_pick.html#scan-answer" if htmx else "sales/shipment_pick.html"
    return render(request, template, context, status=422 if error else 200)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def shipment_pick_restart(request: HttpRequest, pk: int) -> HttpResponse:
    """Start picking again: nothing picked on any line."""
    shipment = _draft(request, pk)
    if shipment is None:
        return redirect("sales:shipment_detail", pk)
    shipment_pick_reset(actor=request.user, shipment=shipment)  # type: ignore[arg-type]
    messages.success(request, _("Picking starts again: nothing is picked."))
    return redirect("sales:shipment_pick", pk)


@permission_required(CHANGE, raise_exception=True)
def shipment_pack_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The packages (number, weight) and which lines go into which; saving replaces the earlier packing."""
    shipment = _draft(request, pk)
    if shipment is None:
        return redirect("sales:shipment_detail", pk)
    lines = shipment_lines(shipment)
    existing = list(shipment.packages.all())
    data = request.POST if request.method == "POST" else None
    initial = [{"number": p.number, "weight_kg": p.weight_kg, "notes": p.notes} for p in existing] or [{"number": 1}]
    packages = PackageFormSet(data, initial=initial, prefix="packages")
    line_form = LinePackForm(data, lines=lines)
    if not existing:
        for line in lines:
            line_form.initial[f"line_{line.pk}"] = 1
    if data is not None and packages.is_valid() and line_form.is_valid():
        package_data, rows = packages_data(packages, line_form)
        if not line_form.errors:
            try:
                saved = shipment_pack(actor=request.user, shipment=shipment, packages=package_data)  # type: ignore[arg-type]
            except DomainError as error:
                apply_error(error, line_form, {"packages": rows})
            else:
                text = (
                    ngettext("Packed into %(n)s package.", "Packed into %(n)s packages.", len(saved))
                    if saved
                    else _("The shipment is not packed.")
                )
                messages.success(request, text % {"n": len(saved)})
                return redirect(shipment)
    failed = data is not None
    context = {
        "shipment": shipment,
        "packages": packages,
        "line_form": line_form,
        "list_url": reverse("sales:shipment_list"),
    }
    return render(request, "sales/shipment_pack.html", context, status=422 if failed else 200)


urlpatterns: list[URLPattern] = [
    path("shipments/<int:pk>/pick/", shipment_pick, name="shipment_pick"),
    path("shipments/<int:pk>/scan/", shipment_scan, name="shipment_scan"),
    path("shipments/<int:pk>/pick-reset/", shipment_pick_restart, name="shipment_pick_reset"),
    path("shipments/<int:pk>/pack/", shipment_pack_page, name="shipment_pack"),
]
