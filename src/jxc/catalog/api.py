"""API: products (with units and barcodes), units, categories and brands."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Status, UploadedFile

from jxc.catalog.imports import IMPORTS, category_export_columns, product_export_columns
from jxc.catalog.models import Brand, Category, Product, Unit
from jxc.catalog.schemas import (
    BrandIn,
    BrandOut,
    CategoryIn,
    CategoryOut,
    LookupOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    UnitIn,
    UnitOut,
)
from jxc.catalog.selectors import (
    brand_list,
    category_paths,
    category_tree,
    product_find_by_code,
    product_get,
    product_list_for_export,
    unit_list,
)
from jxc.catalog.services.products import (
    BarcodeLine,
    ProductData,
    UnitLine,
    product_create,
    product_data_of,
    product_set_active,
    product_update,
)
from jxc.catalog.services.taxonomy import (
    BrandData,
    CategoryData,
    UnitData,
    brand_save,
    brand_set_active,
    category_save,
    category_set_active,
    unit_save,
    unit_set_active,
)
from jxc.catalog.tables import BRAND_COLUMNS, UNIT_COLUMNS
from jxc.core.api import ErrorOut, ImportReportOut, Page, PageParams, import_response, paged, require
from jxc.core.columns import can_view_cost, rows_of, visible_columns
from jxc.core.errors import NotFound
from jxc.core.excel import xlsx_response
from jxc.core.imports import import_run

router = Router(tags=["catalog"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def product_out(product: Product, *, show_cost: bool, paths: dict[int, str] | None = None) -> dict[str, Any]:
    """A product as the API returns it; the purchase price is left out for users without view_cost."""
    out: dict[str, Any] = {
        "id": product.pk,
        "sku": product.sku,
        "name": product.name,
        "spec": product.spec,
        "mnemonic": product.mnemonic,
        "category_id": product.category_id,
        "category": (paths or {}).get(product.category_id, product.category.name) if product.category_id else None,  # type: ignore[union-attr]
        "brand_id": product.brand_id,
        "brand": product.brand.name if product.brand_id else None,  # type: ignore[union-attr]
        "base_unit_id": product.base_unit_id,
        "base_unit": product.base_unit.name,
        "retail_price": product.retail_price,
        "wholesale_price": product.wholesale_price,
        "min_price": product.min_price,
        "tax_rate": product.tax_rate,
        "min_stock": product.min_stock,
        "max_stock": product.max_stock,
        "track_lots": product.track_lots,
        "track_serials": product.track_serials,
        "shelf_life_days": product.shelf_life_days,
        "notes": product.notes,
        "active": product.active,
        "units": [{"unit_id": u.unit_id, "unit": u.unit.name, "factor": u.factor} for u in product.units.all()],
        "barcodes": [{"code": b.code, "unit_id": b.unit_id, "unit": b.unit.name} for b in product.barcodes.all()],
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }
    if show_cost:
        out["purchase_price"] = product.purchase_price
    return out


def _product_data(payload: ProductIn | ProductPatch, base: ProductData | None, *, show_cost: bool) -> ProductData:
    given = payload.dict(exclude_unset=True)
    data = base or ProductData(sku="", name="", base_unit_id=0)
    for key, value in given.items():
        if key == "units":
            data.units = [UnitLine(**u) for u in value or []]
        elif key == "barcodes":
            data.barcodes = [BarcodeLine(**b) for b in value or []]
        elif key == "purchase_price":
            if show_cost:
                data.purchase_price = value
        elif value is not None or key in {"category_id", "brand_id", "min_stock", "max_stock", "shelf_life_days"}:
            setattr(data, key, value)
    if not show_cost and base is None:
        data.purchase_price = None
    return data


@router.get("/products", response=Page[ProductOut], exclude_unset=True, summary="List products")
def products(
    request: HttpRequest,
    params: Query[PageParams],
    q: str = "",
    category_id: int | None = None,
    brand_id: int | None = None,
    active: bool | None = True,
    tracking: str = "",
) -> dict[str, Any]:
    """Search by SKU, name, specification, barcode or pinyin initials (e.g. `KSF`)."""
    user = require(request, "catalog.view_product")
    found = product_list_for_export(q=q, category_id=category_id, brand_id=brand_id, active=active, tracking=tracking)
    show_cost = can_view_cost(user)
    paths = category_paths()
    return paged(found.order_by("sku"), params, lambda p: product_out(p, show_cost=show_cost, paths=paths))


@router.get("/products/export", summary="Export products to Excel", response={200: None})
def products_export(
    request: HttpRequest,
    q: str = "",
    category_id: int | None = None,
    brand_id: int | None = None,
    active: bool | None = True,
) -> HttpResponse:
    """The same columns as the import template; purchase prices only with view_cost."""
    user = require(request, "catalog.view_product")
    columns = visible_columns(product_export_columns(category_paths()), user)
    found = product_list_for_export(q=q, category_id=category_id, brand_id=brand_id, active=active).order_by("sku")
    return xlsx_response(
        filename="products", title="products", columns=columns, rows=rows_of(found.iterator(chunk_size=2000), columns)
    )


@router.post("/products/import", response={200: ImportReportOut, 422: ErrorOut}, summary="Import products from Excel")
def products_import(request: HttpRequest, file: File[UploadedFile], dry_run: bool = True) -> Status[dict[str, Any]]:
    """Check the file (`dry_run=true`, the default) or import it: every row or none."""
    user = require(request, "catalog.add_product", "catalog.change_product")
    report = import_run(
        spec=IMPORTS["products"], content=file.read(), actor=user, commit=not dry_run, with_cost=can_view_cost(user)
    )
    return import_response(report, dry_run=dry_run)


@router.get(
    "/products/lookup",
    response={200: LookupOut, **ERRORS},
    exclude_unset=True,
    summary="Find a product by barcode or SKU",
)
def products_lookup(request: HttpRequest, code: str) -> dict[str, Any]:
    """What a scanner read: the product and the unit that barcode stands for."""
    user = require(request, "catalog.view_product")
    hit = product_find_by_code(code=code)
    if hit is None:
        raise NotFound(code=code)
    product = product_get(pk=hit.product.pk)
    return {
        "product": product_out(product, show_cost=can_view_cost(user)),
        "unit_id": hit.unit.pk,
        "unit": hit.unit.name,
        "factor": hit.factor,
    }


@router.post("/products", response={201: ProductOut, **ERRORS}, exclude_unset=True, summary="Create a product")
def products_create(request: HttpRequest, payload: ProductIn) -> Status[dict[str, Any]]:
    user = require(request, "catalog.add_product")
    show_cost = can_view_cost(user)
    product = product_create(actor=user, data=_product_data(payload, None, show_cost=show_cost))
    return Status(201, product_out(product_get(pk=product.pk), show_cost=show_cost))


@router.get("/products/{product_id}", response={200: ProductOut, **ERRORS}, exclude_unset=True, summary="Get a product")
def products_get(request: HttpRequest, product_id: int) -> dict[str, Any]:
    user = require(request, "catalog.view_product")
    return product_out(product_get(pk=product_id), show_cost=can_view_cost(user))


@router.put(
    "/products/{product_id}", response={200: ProductOut, **ERRORS}, exclude_unset=True, summary="Replace a product"
)
def products_put(request: HttpRequest, product_id: int, payload: ProductIn) -> dict[str, Any]:
    user = require(request, "catalog.change_product")
    product = get_object_or_404(Product, pk=product_id)
    show_cost = can_view_cost(user)
    base = ProductData(sku="", name="", base_unit_id=0, purchase_price=None)
    product_update(actor=user, product=product, data=_product_data(payload, base, show_cost=show_cost))
    return product_out(product_get(pk=product_id), show_cost=show_cost)


@router.patch(
    "/products/{product_id}",
    response={200: ProductOut, **ERRORS},
    exclude_unset=True,
    summary="Change some fields of a product",
)
def products_patch(request: HttpRequest, product_id: int, payload: ProductPatch) -> dict[str, Any]:
    user = require(request, "catalog.change_product")
    product = get_object_or_404(Product, pk=product_id)
    show_cost = can_view_cost(user)
    product_update(
        actor=user, product=product, data=_product_data(payload, product_data_of(product), show_cost=show_cost)
    )
    return product_out(product_get(pk=product_id), show_cost=show_cost)


@router.post(
    "/products/{product_id}/deactivate",
    response={200: ProductOut, **ERRORS},
    exclude_unset=True,
    summary="Deactivate a product",
)
def products_deactivate(request: HttpRequest, product_id: int) -> dict[str, Any]:
    user = require(request, "catalog.change_product")
    product_set_active(actor=user, product=get_object_or_404(Product, pk=product_id), active=False)
    return product_out(product_get(pk=product_id), show_cost=can_view_cost(user))


@router.post(
    "/products/{product_id}/activate",
    response={200: ProductOut, **ERRORS},
    exclude_unset=True,
    summary="Activate a product",
)
def products_activate(request: HttpRequest, product_id: int) -> dict[str, Any]:
    user = require(request, "catalog.change_product")
    product_set_active(actor=user, product=get_object_or_404(Product, pk=product_id), active=True)
    return product_out(product_get(pk=product_id), show_cost=can_view_cost(user))


# Units


@router.get("/units", response=Page[UnitOut], summary="List units")
def units(request: HttpRequest, params: Query[PageParams], q: str = "", active: bool | None = None) -> dict[str, Any]:
    require(request, "catalog.view_unit")
    return paged(unit_list(q=q, active=active).order_by("name"), params)


@router.get("/units/export", summary="Export units to Excel", response={200: None})
def units_export(request: HttpRequest, active: bool | None = None) -> HttpResponse:
    require(request, "catalog.view_unit")
    units = unit_list(active=active).order_by("name")
    return xlsx_response(filename="units", title="units", columns=UNIT_COLUMNS, rows=rows_of(units, UNIT_COLUMNS))


@router.post("/units/import", response={200: ImportReportOut, 422: ErrorOut}, summary="Import units from Excel")
def units_import(request: HttpRequest, file: File[UploadedFile], dry_run: bool = True) -> Status[dict[str, Any]]:
    user = require(request, "catalog.add_unit", "catalog.change_unit")
    return import_response(
        import_run(spec=IMPORTS["units"], content=file.read(), actor=user, commit=not dry_run), dry_run=dry_run
    )


@router.post("/units", response={201: UnitOut, **ERRORS}, summary="Create a unit")
def units_create(request: HttpRequest, payload: UnitIn) -> Status[Unit]:
    user = require(request, "catalog.add_unit")
    return Status(201, unit_save(actor=user, data=UnitData(**payload.dict())))


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS}, summary="Get a unit")
def units_get(request: HttpRequest, unit_id: int) -> Unit:
    require(request, "catalog.view_unit")
    return get_object_or_404(Unit, pk=unit_id)


@router.put("/units/{unit_id}", response={200: UnitOut, **ERRORS}, summary="Change a unit")
def units_put(request: HttpRequest, unit_id: int, payload: UnitIn) -> Unit:
    user = require(request, "catalog.change_unit")
    return unit_save(actor=user, data=UnitData(**payload.dict()), unit=get_object_or_404(Unit, pk=unit_id))


@router.post("/units/{unit_id}/deactivate", response={200: UnitOut, **ERRORS}, summary="Deactivate a unit")
def units_deactivate(request: HttpRequest, unit_id: int) -> Unit:
    user = require(request, "catalog.change_unit")
    return unit_set_active(actor=user, unit=get_object_or_404(Unit, pk=unit_id), active=False)


@router.post("/units/{unit_id}/activate", response={200: UnitOut, **ERRORS}, summary="Activate a unit")
def units_activate(request: HttpRequest, unit_id: int) -> Unit:
    user = require(request, "catalog.change_unit")
    return unit_set_active(actor=user, unit=get_object_or_404(Unit, pk=unit_id), active=True)


# Categories


def _category_out(category: Category, paths: dict[int, str]) -> dict[str, Any]:
    return {
        "id": category.pk,
        "name": category.name,
        "parent_id": category.parent_id,
        "path": paths.get(category.pk, category.name),
        "code": category.code,
        "sort_order": category.sort_order,
        "active": category.active,
    }


@router.get("/categories", response=Page[CategoryOut], summary="List categories in tree order")
def categories(request: HttpRequest, params: Query[PageParams], active: bool | None = None) -> dict[str, Any]:
    require(request, "catalog.view_category")
    nodes = [n for n in category_tree() if active is None or n.category.active == active]
    page, size = max(params.page, 1), min(max(params.page_size, 1), 500)
    chosen = nodes[(page - 1) * size : page * size]
    return {
        "items": [{**_category_out(n.category, {}), "path": n.path} for n in chosen],
        "count": len(nodes),
        "page": page,
        "page_size": size,
    }


@router.get("/categories/export", summary="Export categories to Excel", response={200: None})
def categories_export(request: HttpRequest) -> HttpResponse:
    require(request, "catalog.view_category")
    columns = category_export_columns()
    return xlsx_response(
        filename="categories",
        title="categories",
        columns=columns,
        rows=rows_of([n.category for n in category_tree()], columns),
    )


@router.post(
    "/categories/import", response={200: ImportReportOut, 422: ErrorOut}, summary="Import categories from Excel"
)
def categories_import(request: HttpRequest, file: File[UploadedFile], dry_run: bool = True) -> Status[dict[str, Any]]:
    user = require(request, "catalog.add_category", "catalog.change_category")
    report = import_run(spec=IMPORTS["categories"], content=file.read(), actor=user, commit=not dry_run)
    return import_response(report, dry_run=dry_run)


@router.post("/categories", response={201: CategoryOut, **ERRORS}, summary="Create a category")
def categories_create(request: HttpRequest, payload: CategoryIn) -> Status[dict[str, Any]]:
    user = require(request, "catalog.add_category")
    category = category_save(actor=user, data=CategoryData(**payload.dict()))
    return Status(201, _category_out(category, category_paths()))


@router.get("/categories/{category_id}", response={200: CategoryOut, **ERRORS}, summary="Get a category")
def categories_get(request: HttpRequest, category_id: int) -> dict[str, Any]:
    require(request, "catalog.view_category")
    return _category_out(get_object_or_404(Category, pk=category_id), category_paths())


@router.put("/categories/{category_id}", response={200: CategoryOut, **ERRORS}, summary="Change a category")
def categories_put(request: HttpRequest, category_id: int, payload: CategoryIn) -> dict[str, Any]:
    user = require(request, "catalog.change_category")
    category = category_save(
        actor=user, data=CategoryData(**payload.dict()), category=get_object_or_404(Category, pk=category_id)
    )
    return _category_out(category, category_paths())


@router.post(
    "/categories/{category_id}/deactivate", response={200: CategoryOut, **ERRORS}, summary="Deactivate a category"
)
def categories_deactivate(request: HttpRequest, category_id: int) -> dict[str, Any]:
    user = require(request, "catalog.change_category")
    category = category_set_active(actor=user, category=get_object_or_404(Category, pk=category_id), active=False)
    return _category_out(category, category_paths())


@router.post("/categories/{category_id}/activate", response={200: CategoryOut, **ERRORS}, summary="Activate a category")
def categories_activate(request: HttpRequest, category_id: int) -> dict[str, Any]:
    user = require(request, "catalog.change_category")
    category = category_set_active(actor=user, category=get_object_or_404(Category, pk=category_id), active=True)
    return _category_out(category, category_paths())


# Brands


@router.get("/brands", response=Page[BrandOut], summary="List brands")
def brands(request: HttpRequest, params: Query[PageParams], q: str = "", active: bool | None = None) -> dict[str, Any]:
    require(request, "catalog.view_brand")
    return paged(brand_list(q=q, active=active).order_by("name"), params)


@router.get("/brands/export", summary="Export brands to Excel", response={200: None})
def brands_export(request: HttpRequest, q: str = "", active: bool | None = None) -> HttpResponse:
    require(request, "catalog.view_brand")
    brands = brand_list(q=q, active=active).order_by("name")
    return xlsx_response(filename="brands", title="brands", columns=BRAND_COLUMNS, rows=rows_of(brands, BRAND_COLUMNS))


@router.post("/brands/import", response={200: ImportReportOut, 422: ErrorOut}, summary="Import brands from Excel")
def brands_import(request: HttpRequest, file: File[UploadedFile], dry_run: bool = True) -> Status[dict[str, Any]]:
    user = require(request, "catalog.add_brand", "catalog.change_brand")
    return import_response(
        import_run(spec=IMPORTS["brands"], content=file.read(), actor=user, commit=not dry_run), dry_run=dry_run
    )


@router.post("/brands", response={201: BrandOut, **ERRORS}, summary="Create a brand")
def brands_create(request: HttpRequest, payload: BrandIn) -> Status[Brand]:
    user = require(request, "catalog.add_brand")
    return Status(201, brand_save(actor=user, data=BrandData(**payload.dict())))


@router.get("/brands/{brand_id}", response={200: BrandOut, **ERRORS}, summary="Get a brand")
def brands_get(request: HttpRequest, brand_id: int) -> Brand:
    require(request, "catalog.view_brand")
    return get_object_or_404(Brand, pk=brand_id)


@router.put("/brands/{brand_id}", response={200: BrandOut, **ERRORS}, summary="Change a brand")
def brands_put(request: HttpRequest, brand_id: int, payload: BrandIn) -> Brand:
    user = require(request, "catalog.change_brand")
    return brand_save(actor=user, data=BrandData(**payload.dict()), brand=get_object_or_404(Brand, pk=brand_id))


@router.post("/brands/{brand_id}/deactivate", response={200: BrandOut, **ERRORS}, summary="Deactivate a brand")
def brands_deactivate(request: HttpRequest, brand_id: int) -> Brand:
    user = require(request, "catalog.change_brand")
    return brand_set_active(actor=user, brand=get_object_or_404(Brand, pk=brand_id), active=False)


@router.post("/brands/{brand_id}/activate", response={200: BrandOut, **ERRORS}, summary="Activate a brand")
def brands_activate(request: HttpRequest, brand_id: int) -> Brand:
    user = require(request, "catalog.change_brand")
    return brand_set_active(actor=user, brand=get_object_or_404(Brand, pk=brand_id), active=True)
