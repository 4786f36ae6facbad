"""Pages: products, units, categories and brands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Count, Model, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jxc.accounts.selectors import audit_trail
from jxc.catalog.forms import (
    BarcodeFormSet,
    BrandForm,
    CategoryForm,
    ProductFilterForm,
    ProductForm,
    ProductUnitFormSet,
    SimpleFilterForm,
    UnitForm,
    active_filter,
)
from jxc.catalog.imports import IMPORTS, category_export_columns, product_export_columns
from jxc.catalog.models import Brand, Category, Product, Unit
from jxc.catalog.selectors import (
    brand_list,
    category_paths,
    category_tree,
    product_find_by_code,
    product_get,
    product_list,
    product_list_for_export,
    product_units,
    unit_list,
)
from jxc.catalog.services.products import product_create, product_set_active, product_update
from jxc.catalog.services.taxonomy import (
    brand_save,
    brand_set_active,
    category_save,
    category_set_active,
    unit_save,
    unit_set_active,
)
from jxc.catalog.tables import BRAND_COLUMNS, CATEGORY_COLUMNS, PRODUCT_COLUMNS, UNIT_COLUMNS
from jxc.core.actions import set_active_response
from jxc.core.columns import can_view_cost, rows_of, visible_columns
from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.import_views import import_page
from jxc.core.listing import ListPage, list_response


@permission_required("catalog.view_product", raise_exception=True)
def product_list_view(request: HttpRequest) -> HttpResponse:
    form = ProductFilterForm(request.GET or None)
    filters = form.filters(request.GET.get("active"))
    if request.GET.get("export") == "xlsx":
        columns = visible_columns(product_export_columns(category_paths()), request.user)
        products = product_list_for_export(**filters).order_by("sku")
        return xlsx_response(
            filename="products",
            title=str(_("Products")),
            columns=columns,
            rows=rows_of(products.iterator(chunk_size=2000), columns),
        )
    can_add = request.user.has_perm("catalog.add_product")
    page = ListPage(
        title=gettext_lazy("Products"),
        columns=PRODUCT_COLUMNS,
        default_sort="sku",
        filter_form=form,
        create_url=reverse("catalog:product_create") if can_add else "",
        create_label=gettext_lazy("New product"),
        import_url=reverse("catalog:product_import") if can_add else "",
        export_name="products",
        empty_text=gettext_lazy("No products match."),
    )
    return list_response(request, product_list(**filters), page)


def _product_form_page(request: HttpRequest, product: Product | None) -> HttpResponse:
    show_cost = can_view_cost(request.user)
    if product is None:
        initial: dict[str, Any] = {"tax_rate": 13}
        unit_initial: list[dict[str, Any]] = []
        barcode_initial: list[dict[str, Any]] = []
    else:
        initial = ProductForm.initial_for(product)
        unit_initial = [{"unit": u.unit_id, "factor": u.factor} for u in product.units.all()]
        barcode_initial = [
            {"code": b.code, "unit": None if b.unit_id == product.base_unit_id else b.unit_id}
            for b in product.barcodes.all()
        ]
    data = request.POST if request.method == "POST" else None
    form = ProductForm(data, initial=initial, show_cost=show_cost)
    units = ProductUnitFormSet(data, initial=unit_initial, prefix="units")
    barcodes = BarcodeFormSet(data, initial=barcode_initial, prefix="barcodes")
    if data is not None and form.is_valid() and units.is_valid() and barcodes.is_valid():
        product_data, rows = form.to_data(units, barcodes)
        try:
            if product is None:
                product = product_create(actor=request.user, data=product_data)  # type: ignore[arg-type]
            else:
                product = product_update(actor=request.user, product=product, data=product_data)  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form, rows)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": product.name})
            if request.POST.get("next") == "new":
                return redirect("catalog:product_create")
            return redirect(product)
    has_errors = bool(form.errors or any(units.errors) or any(barcodes.errors) or units.non_form_errors())
    context = {"form": form, "units": units, "barcodes": barcodes, "product": product}
    return render(request, "catalog/product_form.html", context, status=422 if data is not None and has_errors else 200)


@permission_required("catalog.add_product", raise_exception=True)
def product_create_view(request: HttpRequest) -> HttpResponse:
    return _product_form_page(request, None)


@permission_required("catalog.change_product", raise_exception=True)
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _product_form_page(request, get_object_or_404(Product, pk=pk))


@permission_required("catalog.view_product", raise_exception=True)
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        product = product_get(pk=pk)
    except Product.DoesNotExist:
        raise Http404 from None
    context = {
        "product": product,
        "units": product_units(product=product),
        "trail": audit_trail(target=product)[:20],
        "category_path": category_paths().get(product.category_id or 0, ""),
    }
    return render(request, "catalog/product_detail.html", context)


@require_POST
@permission_required("catalog.change_product", raise_exception=True)
def product_set_active_view(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    return set_active_response(request, service=product_set_active, active=active, back=product, product=product)


@permission_required(["catalog.add_product", "catalog.change_product"], raise_exception=True)
def product_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, spec=IMPORTS["products"], back_url=reverse("catalog:product_list"))


@require_GET
@permission_required("catalog.view_product", raise_exception=True)
def product_lookup(request: HttpRequest) -> JsonResponse:
    """For scan fields: the product a barcode or SKU names, and the unit it scans as."""
    hit = product_find_by_code(code=request.GET.get("code", ""))
    if hit is None:
        return JsonResponse(
            {"code": "not_found", "message": _("No product has this barcode or SKU."), "data": {}}, status=404
        )
    return JsonResponse(
        {
            "id": hit.product.pk,
            "sku": hit.product.sku,
            "name": hit.product.name,
            "unit": hit.unit.name,
            "factor": str(hit.factor),
            "url": hit.product.get_absolute_url(),
        }
    )


# Units, categories and brands: a list, one form page for new and edit, activate/deactivate, import.


def _simple_form(
    request: HttpRequest,
    *,
    form_class: type,
    instance: Model | None,
    initial: dict[str, Any],
    save: Callable[..., Model],
    kind: str,
    title: str,
    list_url: str,
) -> HttpResponse:
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(actor=request.user, data=form.to_data(), **{kind: instance})
        except DomainError as error:
            apply_error(error, form)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": saved})
            return redirect(list_url)
    context = {"form": form, "instance": instance, "title": title, "list_url": list_url, "kind": kind}
    return render(request, "catalog/simple_form.html", context, status=422 if form.errors else 200)


@permission_required("catalog.view_unit", raise_exception=True)
def unit_list_view(request: HttpRequest) -> HttpResponse:
    form = SimpleFilterForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    can_add = request.user.has_perm("catalog.add_unit")
    page = ListPage(
        title=gettext_lazy("Units"),
        columns=UNIT_COLUMNS,
        default_sort="name",
        filter_form=form,
        create_url=reverse("catalog:unit_create") if can_add else "",
        create_label=gettext_lazy("New unit"),
        import_url=reverse("catalog:unit_import") if can_add else "",
        export_name="units",
    )
    return list_response(request, unit_list(q=q, active=active_filter(request.GET.get("active"))), page)


@permission_required("catalog.add_unit", raise_exception=True)
def unit_create(request: HttpRequest) -> HttpResponse:
    return _simple_form(
        request,
        form_class=UnitForm,
        instance=None,
        initial={"decimals": 0},
        save=unit_save,
        kind="unit",
        title=_("New unit"),
        list_url=reverse("catalog:unit_list"),
    )


@permission_required("catalog.change_unit", raise_exception=True)
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    return _simple_form(
        request,
        form_class=UnitForm,
        instance=unit,
        initial={"name": unit.name, "decimals": unit.decimals},
        save=unit_save,
        kind="unit",
        title=unit.name,
        list_url=reverse("catalog:unit_list"),
    )


@require_POST
@permission_required("catalog.change_unit", raise_exception=True)
def unit_set_active_view(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    return set_active_response(request, service=unit_set_active, active=active, back=unit, unit=unit)


@permission_required(["catalog.add_unit", "catalog.change_unit"], raise_exception=True)
def unit_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, spec=IMPORTS["units"], back_url=reverse("catalog:unit_list"))


@permission_required("catalog.view_category", raise_exception=True)
def category_list_view(request: HttpRequest) -> HttpResponse:
    """Categories as a tree (parents before their children), with product counts."""
    counts = dict(
        Category.objects.annotate(n=Count("products", filter=Q(products__active=True))).values_list("pk", "n")
    )
    nodes = category_tree()
    active = active_filter(request.GET.get("active"))
    rows = []
    for node in nodes:
        if active is not None and node.category.active != active:
            continue
        node.category.path = node.path  # type: ignore[attr-defined]
        node.category.depth = node.depth  # type: ignore[attr-defined]
        node.category.product_count = counts.get(node.category.pk, 0)  # type: ignore[attr-defined]
        rows.append(node.category)
    if request.GET.get("export") == "xlsx":
        columns = category_export_columns()
        return xlsx_response(
            filename="categories", title=str(_("Categories")), columns=columns, rows=rows_of(rows, columns)
        )
    can_add = request.user.has_perm("catalog.add_category")
    context = {
        "rows": rows,
        "columns": CATEGORY_COLUMNS,
        "can_add": can_add,
        "filter_form": SimpleFilterForm(request.GET or None),
    }
    return render(request, "catalog/category_list.html", context)


@permission_required("catalog.add_category", raise_exception=True)
def category_create(request: HttpRequest) -> HttpResponse:
    initial = {"parent": request.GET.get("parent") or None, "sort_order": 0}
    return _simple_form(
        request,
        form_class=CategoryForm,
        instance=None,
        initial=initial,
        save=category_save,
        kind="category",
        title=_("New category"),
        list_url=reverse("catalog:category_list"),
    )


@permission_required("catalog.change_category", raise_exception=True)
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    initial = {
        "name": category.name,
        "parent": category.parent_id,
        "code": category.code,
        "sort_order": category.sort_order,
    }
    return _simple_form(
        request,
        form_class=CategoryForm,
        instance=category,
        initial=initial,
        save=category_save,
        kind="category",
        title=category.name,
        list_url=reverse("catalog:category_list"),
    )


@require_POST
@permission_required("catalog.change_category", raise_exception=True)
def category_set_active_view(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    return set_active_response(request, service=category_set_active, active=active, back=category, category=category)


@permission_required(["catalog.add_category", "catalog.change_category"], raise_exception=True)
def category_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, spec=IMPORTS["categories"], back_url=reverse("catalog:category_list"))


@permission_required("catalog.view_brand", raise_exception=True)
def brand_list_view(request: HttpRequest) -> HttpResponse:
    form = SimpleFilterForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    can_add = request.user.has_perm("catalog.add_brand")
    page = ListPage(
        title=gettext_lazy("Brands"),
        columns=BRAND_COLUMNS,
        default_sort="name",
        filter_form=form,
        create_url=reverse("catalog:brand_create") if can_add else "",
        create_label=gettext_lazy("New brand"),
        import_url=reverse("catalog:brand_import") if can_add else "",
        export_name="brands",
    )
    return list_response(request, brand_list(q=q, active=active_filter(request.GET.get("active"))), page)


@permission_required("catalog.add_brand", raise_exception=True)
def brand_create(request: HttpRequest) -> HttpResponse:
    return _simple_form(
        request,
        form_class=BrandForm,
        instance=None,
        initial={},
        save=brand_save,
        kind="brand",
        title=_("New brand"),
        list_url=reverse("catalog:brand_list"),
    )


@permission_required("catalog.change_brand", raise_exception=True)
def brand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    brand = get_object_or_404(Brand, pk=pk)
    return _simple_form(
        request,
        form_class=BrandForm,
        instance=brand,
        initial={"name": brand.name},
        save=brand_save,
        kind="brand",
        title=brand.name,
        list_url=reverse("catalog:brand_list"),
    )


@require_POST
@permission_required("catalog.change_brand", raise_exception=True)
def brand_set_active_view(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    brand = get_object_or_404(Brand, pk=pk)
    return set_active_response(request, service=brand_set_active, active=active, back=brand, brand=brand)


@permission_required(["catalog.add_brand", "catalog.change_brand"], raise_exception=True)
def brand_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, spec=IMPORTS["brands"], back_url=reverse("catalog:brand_list"))
