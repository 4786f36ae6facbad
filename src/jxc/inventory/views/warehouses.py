"""Pages: warehouses and their locations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jxc.accounts.selectors import audit_trail
from jxc.core.actions import set_active_response
from jxc.core.columns import rows_of
from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.import_views import import_page
from jxc.core.listing import ListPage, list_response
from jxc.inventory.forms import LocationForm, WarehouseFilterForm, WarehouseForm, active_filter
from jxc.inventory.imports import LOCATION_IMPORT, WAREHOUSE_IMPORT
from jxc.inventory.models import Location, Warehouse
from jxc.inventory.selectors import location_list, warehouse_get_for, warehouse_list_for
from jxc.inventory.services.warehouses import (
    location_save,
    location_set_active,
    warehouse_create,
    warehouse_set_active,
    warehouse_update,
)
from jxc.inventory.tables import LOCATION_COLUMNS, WAREHOUSE_COLUMNS


def _visible_warehouse(request: HttpRequest, pk: int) -> Warehouse:
    try:
        return warehouse_get_for(user=request.user, pk=pk)
    except Warehouse.DoesNotExist:
        raise Http404 from None


@permission_required("inventory.view_warehouse", raise_exception=True)
def warehouse_list_view(request: HttpRequest) -> HttpResponse:
    form = WarehouseFilterForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    can_add = request.user.has_perm("inventory.add_warehouse")
    page = ListPage(
        title=gettext_lazy("Warehouses"),
        columns=WAREHOUSE_COLUMNS,
        default_sort="code",
        filter_form=form,
        create_url=reverse("inventory:warehouse_create") if can_add else "",
        create_label=gettext_lazy("New warehouse"),
        import_url=reverse("inventory:warehouse_import") if can_add else "",
        export_name="warehouses",
    )
    warehouses = warehouse_list_for(user=request.user, q=q, active=active_filter(request.GET.get("active")))
    return list_response(request, warehouses, page)


def _warehouse_form_page(request: HttpRequest, warehouse: Warehouse | None) -> HttpResponse:
    initial = WarehouseForm.initial_for(warehouse) if warehouse else {}
    form = WarehouseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if warehouse is None:
                warehouse = warehouse_create(actor=request.user, data=form.to_data())  # type: ignore[arg-type]
            else:
                warehouse = warehouse_update(actor=request.user, warehouse=warehouse, data=form.to_data())  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": warehouse.name})
            return redirect(warehouse)
    return render(
        request,
        "inventory/warehouse_form.html",
        {"form": form, "warehouse": warehouse},
        status=422 if form.errors else 200,
    )


@permission_required("inventory.add_warehouse", raise_exception=True)
def warehouse_create_view(request: HttpRequest) -> HttpResponse:
    return _warehouse_form_page(request, None)


@permission_required("inventory.change_warehouse", raise_exception=True)
def warehouse_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _warehouse_form_page(request, _visible_warehouse(request, pk))


@permission_required("inventory.view_warehouse", raise_exception=True)
def warehouse_detail(request: HttpRequest, pk: int) -> HttpResponse:
    warehouse = _visible_warehouse(request, pk)
    show = active_filter(request.GET.get("active"))
    if request.GET.get("export") == "xlsx":
        locations = location_list(warehouse=warehouse, active=show).select_related("warehouse")
        title = str(_("Locations"))
        return xlsx_response(
            filename=f"locations-{warehouse.code}",
            title=title,
            columns=LOCATION_COLUMNS,
            rows=rows_of(locations, LOCATION_COLUMNS),
        )
    location_form = LocationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("inventory.add_location"):
            raise PermissionDenied
        if location_form.is_valid():
            try:
                location_save(actor=request.user, warehouse=warehouse, data=location_form.to_data())  # type: ignore[arg-type]
            except DomainError as error:
                apply_error(error, location_form)
            else:
                messages.success(request, _("Location added."))
                return redirect(warehouse)
        status = 422
    context = {
        "warehouse": warehouse,
        "locations": location_list(warehouse=warehouse, active=show),
        "location_form": location_form,
        "trail": audit_trail(target=warehouse)[:20],
    }
    return render(request, "inventory/warehouse_detail.html", context, status=status)


@require_POST
@permission_required("inventory.change_warehouse", raise_exception=True)
def warehouse_set_active_view(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    warehouse = _visible_warehouse(request, pk)
    return set_active_response(
        request, service=warehouse_set_active, active=active, back=warehouse, warehouse=warehouse
    )


@permission_required("inventory.change_location", raise_exception=True)
def location_edit(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_object_or_404(Location.objects.select_related("warehouse"), pk=pk)
    warehouse = _visible_warehouse(request, location.warehouse_id)
    form = LocationForm(request.POST or None, initial={"code": location.code, "name": location.name})
    if request.method == "POST" and form.is_valid():
        try:
            location_save(actor=request.user, warehouse=warehouse, data=form.to_data(), location=location)  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form)
        else:
            messages.success(request, _("Saved."))
            return redirect(warehouse)
    return render(
        request,
        "inventory/location_form.html",
        {"form": form, "location": location, "warehouse": warehouse},
        status=422 if form.errors else 200,
    )


@require_POST
@permission_required("inventory.change_location", raise_exception=True)
def location_set_active_view(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    location = get_object_or_404(Location, pk=pk)
    warehouse = _visible_warehouse(request, location.warehouse_id)
    return set_active_response(request, service=location_set_active, active=active, back=warehouse, location=location)


@permission_required(["inventory.add_warehouse", "inventory.change_warehouse"], raise_exception=True)
def warehouse_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, spec=WAREHOUSE_IMPORT, back_url=reverse("inventory:warehouse_list"))


@permission_required(["inventory.add_location", "inventory.change_location"], raise_exception=True)
def location_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, spec=LOCATION_IMPORT, back_url=reverse("inventory:warehouse_list"))


urlpatterns = [
    path("warehouses/", warehouse_list_view, name="warehouse_list"),
    path("warehouses/new/", warehouse_create_view, name="warehouse_create"),
    path("warehouses/import/", warehouse_import, name="warehouse_import"),
    path("warehouses/<int:pk>/", warehouse_detail, name="warehouse_detail"),
    path("warehouses/<int:pk>/edit/", warehouse_edit, name="warehouse_edit"),
    path(
        "warehouses/<int:pk>/deactivate/",
        warehouse_set_active_view,
        {"active": False},
        name="warehouse_deactivate",
    ),
    path("warehouses/<int:pk>/activate/", warehouse_set_active_view, {"active": True}, name="warehouse_activate"),
    path("locations/import/", location_import, name="location_import"),
    path("locations/<int:pk>/", location_edit, name="location_edit"),
    path("locations/<int:pk>/deactivate/", location_set_active_view, {"active": False}, name="location_deactivate"),
    path("locations/<int:pk>/activate/", location_set_active_view, {"active": True}, name="location_activate"),
]
