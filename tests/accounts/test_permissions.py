"""Who may do what: the permission matrix of the master-data API per role, API tokens, and the role checks of pages.

The expected outcome of every cell is written out in MATRIX below (not derived from has_perm), so this file is
the documentation of the matrix: change a role in accounts/roles.py and this table must change with it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from jxc.accounts.models import ApiToken, AuditEntry, User
from jxc.accounts.services.tokens import api_token_revoke
from jxc.accounts.services.users import user_set_active
from jxc.catalog.models import Barcode, Brand, Category, Product, ProductUnit, Unit
from jxc.catalog.services.taxonomy import BrandData, CategoryData, brand_save, category_save
from jxc.core.models import ImportBatch
from jxc.inventory.models import Location, Warehouse
from jxc.inventory.services.warehouses import LocationData, location_save
from jxc.partners.models import Contact, Partner
from tests.conftest import Api

ROLES = ("owner", "admin", "purchaser", "sales", "warehouse", "accountant", "cashier")

# Y: allowed (200, or 201 for a create); -: refused with 403 "permission_denied" and nothing written.
MATRIX = """
                          owner admin purchaser sales warehouse accountant cashier
products    list            Y     Y      Y        Y      Y         Y         Y
products    get             Y     Y      Y        Y      Y         Y         Y
products    create          Y     Y      Y        -      -         -         -
products    update          Y     Y      Y        -      -         -         -
products    deactivate      Y     Y      Y        -      -         -         -
products    export          Y     Y      Y        Y      Y         Y         Y
products    import          Y     Y      Y        -      -         -         -
units       list            Y     Y      Y        Y      Y         Y         Y
units       get             Y     Y      Y        Y      Y         Y         Y
units       create          Y     Y      Y        -      -         -         -
units       update          Y     Y      Y        -      -         -         -
units       deactivate      Y     Y      Y        -      -         -         -
categories  list            Y     Y      Y        Y      Y         Y         Y
categories  get             Y     Y      Y        Y      Y         Y         Y
categories  create          Y     Y      Y        -      -         -         -
categories  update          Y     Y      Y        -      -         -         -
categories  deactivate      Y     Y      Y        -      -         -         -
categories  export          Y     Y      Y        Y      Y         Y         Y
brands      list            Y     Y      Y        Y      Y         Y         Y
brands      get             Y     Y      Y        Y      Y         Y         Y
brands      create          Y     Y      Y        -      -         -         -
brands      update          Y     Y      Y        -      -         -         -
brands      deactivate      Y     Y      Y        -      -         -         -
partners    list            Y     Y      Y        Y      Y         Y         Y
partners    get             Y     Y      Y        Y      Y         Y         Y
partners    create          Y     Y      Y        Y      -         -         -
partners    update          Y     Y      Y        Y      -         Y         -
partners    deactivate      Y     Y      Y        Y      -         Y         -
partners    export          Y     Y      Y        Y      Y         Y         Y
partners    import          Y     Y      Y        Y      -         -         -
warehouses  list            Y     Y      Y        Y      Y         Y         Y
warehouses  get             Y     Y      Y        Y      Y         Y         Y
warehouses  create          Y     Y      -        -      Y         -         -
warehouses  update          Y     Y      -        -      Y         -         -
warehouses  deactivate      Y     Y      -        -      Y         -         -
warehouses  export          Y     Y      Y        Y      Y         Y         Y
warehouses  import          Y     Y      -        -      Y         -         -
locations   list            Y     Y      Y        Y      Y         Y         -
locations   get             Y     Y      Y        Y      Y         Y         -
locations   create          Y     Y      -        -      Y         -         -
locations   update          Y     Y      -        -      Y         -         -
locations   deactivate      Y     Y      -        -      Y         -         -
locations   export          Y     Y      Y        Y      Y         Y         -
locations   import          Y     Y      -        -      Y         -         -
"""


def _cells() -> list[Any]:
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert tuple(header) == ROLES
    cells = []
    for resource, action, *marks in rows:
        assert len(marks) == len(ROLES) and set(marks) <= {"Y", "-"}, (resource, action)
        for role, mark in zip(ROLES, marks, strict=True):
            cells.append(pytest.param(resource, action, role, mark == "Y", id=f"{resource}-{action}-{role}"))
    return cells


# How each (resource, action) is called: method, path (ids filled from the targets), body.
ENDPOINTS: dict[tuple[str, str], tuple[str, str, Any]] = {
    ("products", "list"): ("get", "/products", None),
    ("products", "get"): ("get", "/products/{product}", None),
    ("products", "create"): ("post", "/products", {"sku": "NEW-1", "name": "新商品", "base_unit_id": "{unit}"}),
    ("products", "update"): ("patch", "/products/{product}", {"name": "改名商品"}),
    ("products", "deactivate"): ("post", "/products/{product}/deactivate", None),
    ("products", "export"): ("get", "/products/export", None),
    ("products", "import"): ("import", "/products/import", (["SKU", "Name", "Base unit"], ["IMP-1", "导入商品", "包"])),
    ("units", "list"): ("get", "/units", None),
    ("units", "get"): ("get", "/units/{unit}", None),
    ("units", "create"): ("post", "/units", {"name": "件", "decimals": 0}),
    ("units", "update"): ("put", "/units/{unit}", {"name": "瓶装", "decimals": 0}),
    ("units", "deactivate"): ("post", "/units/{unit}/deactivate", None),
    ("categories", "list"): ("get", "/categories", None),
    ("categories", "get"): ("get", "/categories/{category}", None),
    ("categories", "create"): ("post", "/categories", {"name": "新分类"}),
    ("categories", "update"): ("put", "/categories/{category}", {"name": "改名分类"}),
    ("categories", "deactivate"): ("post", "/categories/{category}/deactivate", None),
    ("categories", "export"): ("get", "/categories/export", None),
    ("brands", "list"): ("get", "/brands", None),
    ("brands", "get"): ("get", "/brands/{brand}", None),
    ("brands", "create"): ("post", "/brands", {"name": "新品牌"}),
    ("brands", "update"): ("put", "/brands/{brand}", {"name": "改名品牌"}),
    ("brands", "deactivate"): ("post", "/brands/{brand}/deactivate", None),
    ("partners", "list"): ("get", "/partners", None),
    ("partners", "get"): ("get", "/partners/{partner}", None),
    ("partners", "create"): ("post", "/partners", {"name": "新客户", "is_customer": True}),
    ("partners", "update"): ("patch", "/partners/{partner}", {"phone": "13900000000"}),
    ("partners", "deactivate"): ("post", "/partners/{partner}/deactivate", None),
    ("partners", "export"): ("get", "/partners/export", None),
    ("partners", "import"): ("import", "/partners/import", (["Name", "Customer"], ["导入客户", "是"])),
    ("warehouses", "list"): ("get", "/warehouses", None),
    ("warehouses", "get"): ("get", "/warehouses/{warehouse}", None),
    ("warehouses", "create"): ("post", "/warehouses", {"code": "NEW", "name": "新仓"}),
    ("warehouses", "update"): ("put", "/warehouses/{warehouse}", {"code": "MAIN", "name": "改名仓"}),
    ("warehouses", "deactivate"): ("post", "/warehouses/{warehouse}/deactivate", None),
    ("warehouses", "export"): ("get", "/warehouses/export", None),
    ("warehouses", "import"): ("import", "/warehouses/import", (["Code", "Name"], ["IMPW", "导入仓"])),
    ("locations", "list"): ("get", "/locations", None),
    ("locations", "get"): ("get", "/locations/{location}", None),
    ("locations", "create"): ("post", "/warehouses/{warehouse}/locations", {"code": "B-01", "name": "新货位"}),
    ("locations", "update"): ("put", "/locations/{location}", {"code": "A-01", "name": "改名货位"}),
    ("locations", "deactivate"): ("post", "/locations/{location}/deactivate", None),
    ("locations", "export"): ("get", "/locations/export", None),
    ("locations", "import"): ("import", "/locations/import", (["Warehouse", "Code"], ["MAIN", "IMP-01"])),
}

WATCHED = (Product, ProductUnit, Barcode, Unit, Category, Brand, Partner, Contact, Warehouse, Location, ImportBatch)


def fingerprint() -> dict[str, Any]:
    """Every row of the master data and the audit log: equal before and after means nothing was written."""
    state: dict[str, Any] = {m._meta.label: list(m.objects.order_by("pk").values()) for m in WATCHED}
    state["audit"] = AuditEntry.objects.count()
    return state


def xlsx(*rows: list[Any]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


NEEDS = {
    "products": ("unit", "product"),
    "units": ("unit",),
    "categories": ("category",),
    "brands": ("brand",),
    "partners": ("partner",),
    "warehouses": ("warehouse",),
    "locations": ("warehouse", "location"),
}


@pytest.fixture
def make_targets(request: pytest.FixtureRequest) -> Callable[..., dict[str, int]]:
    """Records for the endpoints to act on: only the kinds asked for (the whole set when none is named)."""

    def make(*kinds: str) -> dict[str, int]:
        kinds = kinds or ("unit", "product", "category", "brand", "partner", "warehouse", "location")
        ids: dict[str, int] = {}
        if "unit" in kinds:
            ids["unit"] = request.getfixturevalue("units")["瓶"].pk
        if "product" in kinds:
            ids["product"] = request.getfixturevalue("make_product")().pk
        if "category" in kinds:
            ids["category"] = category_save(actor=None, data=CategoryData(name="方便面")).pk
        if "brand" in kinds:
            ids["brand"] = brand_save(actor=None, data=BrandData(name="康师傅")).pk
        if "partner" in kinds:
            ids["partner"] = request.getfixturevalue("make_partner")().pk
        if "warehouse" in kinds:
            warehouse = request.getfixturevalue("make_warehouse")("MAIN", "总仓")
            ids["warehouse"] = warehouse.pk
            if "location" in kinds:
                ids["location"] = location_save(actor=None, warehouse=warehouse, data=LocationData(code="A-01")).pk
        return ids

    return make


@pytest.fixture
def targets(make_targets: Callable[..., dict[str, int]]) -> dict[str, int]:
    return make_targets()


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


def call(api: Api, resource: str, action: str, ids: dict[str, int]) -> Any:
    method, path, body = ENDPOINTS[(resource, action)]
    url = path.format(**ids)
    if method == "import":
        upload = SimpleUploadedFile("import.xlsx", xlsx(*body))
        return api.client.post(f"/api/v1{url}", {"file": upload})  # a dry run, the default
    return getattr(api, method)(url, _fill(body, ids))


def test_the_matrix_covers_every_endpoint_and_role():
    cells = _cells()
    assert {(c.values[0], c.values[1]) for c in cells} == set(ENDPOINTS)
    assert len(cells) == len(ENDPOINTS) * len(ROLES)


@pytest.mark.parametrize(("resource", "action", "role", "allowed"), _cells())
def test_master_data_api_permissions_per_role(make_user, api_for, make_targets, resource, action, role, allowed):
    # given a user with only this role, and the records the endpoint acts on
    api = api_for(make_user(f"u-{role}", role))
    targets = make_targets(*NEEDS[resource])
    before = None if allowed else fingerprint()

    # when the user calls the endpoint
    response = call(api, resource, action, targets)

    # then the role's permissions decide: success, or 403 and nothing written
    if allowed:
        expected = 201 if action == "create" else 200
        assert response.status_code == expected, response.content[:500]
    else:
        assert response.status_code == 403, response.content[:500]
        body = response.json()
        assert body["code"] == "permission_denied"
        assert set(body) == {"code", "message", "data"}
        assert fingerprint() == before


def test_every_role_exists_with_its_group(make_user):
    for role in ROLES:
        assert make_user(f"x-{role}", role).role_codes == [role]


# API tokens


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/products", {"sku": "RO-1", "name": "只读", "base_unit_id": "{unit}"}),
        ("patch", "/products/{product}", {"name": "只读改名"}),
        ("post", "/products/{product}/deactivate", None),
        ("post", "/partners", {"name": "只读客户", "is_customer": True}),
        ("put", "/warehouses/{warehouse}", {"code": "MAIN", "name": "只读仓"}),
        ("post", "/tokens", {"name": "another"}),
    ],
)
def test_read_only_token_reads_but_every_write_is_refused(owner, api_for, targets, method, path, body):
    # given an owner (who may do everything) with a read-only token
    api = api_for(owner, scope="read")
    assert api.get("/products").status_code == 200
    assert api.get(f"/partners/{targets['partner']}").status_code == 200
    before = fingerprint()
    tokens_before = ApiToken.objects.count()

    # when the token is used for a write
    response = getattr(api, method)(path.format(**targets), _fill(body, targets))

    # then it is refused and nothing was written
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert fingerprint() == before
    assert ApiToken.objects.count() == tokens_before


def test_read_only_token_cannot_import_even_a_dry_run(owner, api_for, targets):
    api = api_for(owner, scope="read")
    before = fingerprint()
    response = call(api, "products", "import", targets)
    assert response.status_code == 403 and response.json()["code"] == "token_read_only"
    assert fingerprint() == before


def test_a_revoked_token_gets_401(make_user, api_for):
    # given a purchaser whose token works
    user = make_user("li", "purchaser")
    api = api_for(user)
    assert api.get("/products").status_code == 200

    # when the token is revoked
    token = ApiToken.objects.get(user=user)
    api_token_revoke(actor=user, token=token)

    # then every request with it is refused as unauthenticated
    for response in (api.get("/products"), api.post("/brands", {"name": "被拒"})):
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
    assert not Brand.objects.exists()


def test_a_deactivated_users_token_gets_401(owner, make_user, api_for):
    # given a sales user with a working token
    user = make_user("wang", "sales")
    api = api_for(user)
    assert api.get("/partners").status_code == 200

    # when the user is deactivated
    user_set_active(actor=owner, user=user, active=False)

    # then the token no longer authenticates
    for response in (api.get("/partners"), api.post("/partners", {"name": "被拒", "is_customer": True})):
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
    assert not Partner.objects.exists()

    # and works again once the user is reactivated
    user_set_active(actor=owner, user=user, active=True)
    assert api.get("/partners").status_code == 200


def test_an_unknown_token_gets_401(db):
    response = Client(HTTP_AUTHORIZATION="Bearer jxc_deadbeef_not-a-real-token").get("/api/v1/products")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


# Pages


def _browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("sales", "/catalog/products/new/", 403),
        ("purchaser", "/catalog/products/new/", 200),
        ("sales", "/settings/users/", 403),
        ("admin", "/settings/users/", 200),
        ("owner", "/settings/users/", 200),
        ("purchaser", "/settings/users/", 403),
        ("cashier", "/inventory/warehouses/new/", 403),
        ("warehouse", "/inventory/warehouses/new/", 200),
        ("sales", "/inventory/warehouses/new/", 403),
        ("cashier", "/catalog/products/", 200),
        ("cashier", "/partners/new/", 403),
        ("sales", "/partners/new/", 200),
        ("accountant", "/partners/new/", 403),
        ("warehouse", "/catalog/products/import/", 403),
        ("cashier", "/inventory/warehouses/", 200),
    ],
)
def test_pages_check_the_role(make_user, role, path, status):
    response = _browser(make_user(f"p-{role}", role)).get(path)
    assert response.status_code == status


def test_a_sales_user_cannot_create_a_product_by_posting_the_form(make_user, units):
    client = _browser(make_user("wang", "sales"))
    before = fingerprint()
    response = client.post(
        "/catalog/products/new/",
        {
            "sku": "HACK-1",
            "name": "不该有",
            "base_unit": units["包"].pk,
            "tax_rate": "13",
            "units-TOTAL_FORMS": "0",
            "units-INITIAL_FORMS": "0",
            "barcodes-TOTAL_FORMS": "0",
            "barcodes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 403
    assert fingerprint() == before


def test_a_cashier_cannot_create_a_warehouse_by_posting_the_form(make_user):
    client = _browser(make_user("zhao", "cashier"))
    before = fingerprint()
    response = client.post("/inventory/warehouses/new/", {"code": "HACK", "name": "不该有"})
    assert response.status_code == 403
    assert fingerprint() == before
