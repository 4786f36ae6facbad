"""Shared fixtures: users per role, API clients with real tokens, master data built through the services."""

from __future__ import annotations

import os
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from jxc.accounts.models import AuditEntry, User
from jxc.accounts.services.tokens import api_token_create
from jxc.accounts.services.users import UserData, user_create
from jxc.catalog.models import Unit
from jxc.catalog.services.products import BarcodeLine, ProductData, UnitLine, product_create
from jxc.catalog.services.taxonomy import UnitData, unit_save
from jxc.core.invariants import invariants_check
from jxc.inventory.services.warehouses import WarehouseData, warehouse_create
from jxc.partners.services.partners import PartnerData, partner_create

IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "Correct-Horse-9"


def raw_sql(sql: str, params: list[object]) -> None:
    """Change a table behind the application's back (on PostgreSQL past the append-only triggers)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests skip (with the reason) on SQLite; they run in the PostgreSQL pass."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if on_postgres:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass of `make test`")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _invariants_hold(request: pytest.FixtureRequest) -> Any:
    """After every database test, `jxc check` finds nothing (tests that tamper on purpose opt out)."""
    names = request.fixturenames
    check = "db" in names and "transactional_db" not in names and not request.node.get_closest_marker("tampers")
    if check:
        request.getfixturevalue("db")  # set up inside this fixture, so the check runs before the rollback
    yield
    if check:
        _ran, violations = invariants_check()
        assert not violations, [str(v) for v in violations]


@pytest.fixture
def english() -> Any:
    """Messages in English for the duration of the test (the product's default is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """A user with the given roles (password PASSWORD)."""

    def make(
        username: str = "user", *roles: str, all_warehouses: bool = True, warehouse_ids: list[int] | None = None
    ) -> User:
        user, _ = user_create(
            actor=None,
            data=UserData(
                username=username, roles=list(roles), all_warehouses=all_warehouses, warehouse_ids=warehouse_ids or []
            ),
            password=PASSWORD,
        )
        return user

    return make


@pytest.fixture
def owner(make_user: Callable[..., User]) -> User:
    return make_user("boss", "owner")


class Api:
    """A client for the REST API that authenticates with a real token of the user."""

    def __init__(self, user: User, *, scope: str = "write") -> None:
        _token, raw = api_token_create(actor=user, user=user, name="tests", scope=scope)
        self.token = raw
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def _call(self, method: str, path: str, data: Any = None, **extra: Any) -> Any:
        url = f"/api/v1{path}"
        call = getattr(self.client, method)
        if method in {"post", "put", "patch"} and not isinstance(data, dict | list | type(None)):
            return call(url, data, **extra)
        if method in {"post", "put", "patch"} and "format" not in extra:
            return call(url, data if data is not None else {}, content_type="application/json", **extra)
        return call(url, data, **extra)

    def get(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("get", path, data, **extra)

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("post", path, data, **extra)

    def put(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("put", path, data, **extra)

    def patch(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("patch", path, data, **extra)


@pytest.fixture
def api(owner: User) -> Api:
    return Api(owner)


@pytest.fixture
def api_for(db: Any) -> Callable[..., Api]:
    return lambda user, scope="write": Api(user, scope=scope)


@pytest.fixture
def web(owner: User) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def units(db: Any) -> dict[str, Unit]:
    return {
        name: unit_save(actor=None, data=UnitData(name=name, decimals=decimals))
        for name, decimals in (("包", 0), ("箱", 0), ("瓶", 0), ("kg", 3))
    }


@pytest.fixture
def make_product(units: dict[str, Unit]) -> Callable[..., Any]:
    """A product with a 箱 of 24 包 and one barcode per unit, unless told otherwise."""
    counter = {"n": 0}

    def make(sku: str | None = None, name: str = "康师傅红烧牛肉面", **fields: Any) -> Any:
        counter["n"] += 1
        n = counter["n"]
        data = ProductData(
            sku=sku or f"P{n:04d}",
            name=name,
            base_unit_id=units["包"].pk,
            purchase_price=Decimal("2.35"),
            retail_price=Decimal("3.50"),
            units=[UnitLine(units["箱"].pk, Decimal(24))],
            barcodes=[BarcodeLine(f"69{n:011d}"), BarcodeLine(f"169{n:011d}", units["箱"].pk)],
        )
        for key, value in fields.items():
            setattr(data, key, value)
        return product_create(actor=None, data=data)

    return make


@pytest.fixture
def make_partner(db: Any) -> Callable[..., Any]:
    def make(name: str = "城东惠民超市", **fields: Any) -> Any:
        data = PartnerData(name=name, is_customer=True)
        for key, value in fields.items():
            setattr(data, key, value)
        return partner_create(actor=None, data=data)

    return make


@pytest.fixture
def make_warehouse(db: Any) -> Callable[..., Any]:
    def make(code: str = "MAIN", name: str = "总仓", **fields: Any) -> Any:
        return warehouse_create(actor=None, data=WarehouseData(code=code, name=name, **fields))

    return make


def audit_count() -> int:
    return AuditEntry.objects.count()


def on_postgres() -> bool:
    return connection.vendor == "postgresql"
