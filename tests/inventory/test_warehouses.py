"""Warehouses and locations: the default location, unique codes and names, and per-user warehouse scope."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jxc.accounts.models import AuditEntry, User
from jxc.core.errors import Duplicate
from jxc.inventory.errors import DefaultLocationRequired
from jxc.inventory.models import Location, Warehouse
from jxc.inventory.services.warehouses import (
    LocationData,
    WarehouseData,
    location_save,
    location_set_active,
    warehouse_create,
    warehouse_set_active,
)
from jxc.web.selectors import dashboard_figures
from tests.helpers import sheet_rows, xlsx


def written() -> list[Any]:
    """Every warehouse and location row and the audit log length: unchanged means nothing was written."""
    return [
        list(Warehouse.objects.order_by("pk").values()),
        list(Location.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    ]


def _browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Warehouses and their default location


def test_warehouse_create_makes_a_default_location(owner):
    warehouse = warehouse_create(actor=owner, data=WarehouseData(code="MAIN", name="总仓", address="杭州市余杭区"))
    (location,) = warehouse.locations.all()
    assert (location.code, location.is_default, location.active) == ("DEFAULT", True, True)
    entry = AuditEntry.objects.get(action="warehouse.created")
    assert entry.actor == owner and entry.after["code"] == "MAIN"


def test_api_warehouse_create_makes_a_default_location(api):
    response = api.post("/warehouses", {"code": "MAIN", "name": "总仓", "manager": "张主管"})
    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["name"], body["manager"], body["active"]) == ("MAIN", "总仓", "张主管", True)
    locations = api.get("/locations", {"warehouse_id": body["id"]}).json()["items"]
    assert [(loc["code"], loc["is_default"], loc["active"]) for loc in locations] == [("DEFAULT", True, True)]


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"code": "main", "name": "另一个仓"}, "code"), ({"code": "EAST", "name": "总仓"}, "name")],
    ids=["code", "name"],
)
def test_api_duplicate_warehouse_is_409_and_writes_nothing(api, make_warehouse, payload, field):
    make_warehouse("MAIN", "总仓")
    before = written()
    response = api.post("/warehouses", payload)
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["data"]["field"]) == ("duplicate", field)
    assert written() == before


def test_duplicate_warehouse_name_is_refused_in_any_case(make_warehouse):
    make_warehouse("W1", "Main Store")
    before = written()
    with pytest.raises(Duplicate):
        warehouse_create(actor=None, data=WarehouseData(code="W2", name="main  store"))
    assert written() == before


def test_api_changing_a_warehouse_to_a_taken_code_or_name_is_409(api, make_warehouse):
    make_warehouse("MAIN", "总仓")
    east = make_warehouse("EAST", "城东仓")
    before = written()
    for payload in ({"code": "MAIN", "name": "城东仓"}, {"code": "EAST", "name": "总仓"}):
        response = api.put(f"/warehouses/{east.pk}", payload)
        assert response.status_code == 409 and response.json()["code"] == "duplicate"
    assert written() == before


@pytest.mark.parametrize("code", ["", "总仓", "A B", "x" * 31])
def test_api_invalid_warehouse_code_is_422(api, code):
    before = written()
    response = api.post("/warehouses", {"code": code, "name": "仓库"})
    assert response.status_code == 422 and "code" in response.json()["data"]["errors"]
    assert written() == before


# Locations


def test_api_location_create_upper_cases_the_code(api, make_warehouse):
    warehouse = make_warehouse()
    response = api.post(f"/warehouses/{warehouse.pk}/locations", {"code": " a-01-02 ", "name": "A区 1排 2层"})
    assert response.status_code == 201
    body = response.json()
    assert (body["warehouse_id"], body["code"], body["name"], body["is_default"]) == (
        warehouse.pk,
        "A-01-02",
        "A区 1排 2层",
        False,
    )
    assert AuditEntry.objects.filter(action="location.created").count() == 1


@pytest.mark.parametrize("code", ["A-01", "a-01", "DEFAULT"])
def test_api_duplicate_location_code_in_the_same_warehouse_is_409(api, make_warehouse, code):
    warehouse = make_warehouse()
    location_save(actor=None, warehouse=warehouse, data=LocationData(code="A-01"))
    before = written()
    response = api.post(f"/warehouses/{warehouse.pk}/locations", {"code": code})
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert written() == before


def test_the_same_location_code_is_allowed_in_another_warehouse(api, make_warehouse):
    main, east = make_warehouse("MAIN", "总仓"), make_warehouse("EAST", "城东仓")
    assert api.post(f"/warehouses/{main.pk}/locations", {"code": "A-01"}).status_code == 201
    assert api.post(f"/warehouses/{east.pk}/locations", {"code": "A-01"}).status_code == 201
    assert sorted(Location.objects.filter(code="A-01").values_list("warehouse__code", flat=True)) == ["EAST", "MAIN"]


def test_api_renaming_a_location_to_a_taken_code_is_409(api, make_warehouse):
    warehouse = make_warehouse()
    location_save(actor=None, warehouse=warehouse, data=LocationData(code="A-01"))
    other = location_save(actor=None, warehouse=warehouse, data=LocationData(code="A-02"))
    before = written()
    response = api.put(f"/locations/{other.pk}", {"code": "a-01"})
    assert response.status_code == 409 and response.json()["code"] == "duplicate"
    assert written() == before


def test_api_the_default_location_cannot_be_deactivated(api, make_warehouse):
    warehouse = make_warehouse()
    default = warehouse.locations.get(is_default=True)
    before = written()
    response = api.post(f"/locations/{default.pk}/deactivate")
    assert response.status_code == 409
    assert response.json()["code"] == "default_location_required"
    assert written() == before
    assert Location.objects.get(pk=default.pk).active is True


def test_the_default_location_cannot_be_deactivated_from_the_page(web, make_warehouse):
    warehouse = make_warehouse()
    default = warehouse.locations.get(is_default=True)
    before = written()
    response = web.post(f"/inventory/locations/{default.pk}/deactivate/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"The default location of a warehouse cannot be deactivated." in response.content
    assert written() == before
    with pytest.raises(DefaultLocationRequired):
        location_set_active(actor=None, location=default, active=False)


def test_api_other_locations_can_be_deactivated_and_activated(api, make_warehouse):
    warehouse = make_warehouse()
    location = location_save(actor=None, warehouse=warehouse, data=LocationData(code="A-01"))
    response = api.post(f"/locations/{location.pk}/deactivate")
    assert response.status_code == 200 and response.json()["active"] is False
    assert [loc["code"] for loc in api.get("/locations").json()["items"]] == ["DEFAULT"]
    assert [loc["code"] for loc in api.get("/locations", {"active": "false"}).json()["items"]] == ["A-01"]
    assert api.post(f"/locations/{location.pk}/activate").json()["active"] is True


# Per-warehouse scope


@pytest.fixture
def two_warehouses(make_warehouse) -> dict[str, Warehouse]:
    main, east = make_warehouse("MAIN", "总仓"), make_warehouse("EAST", "城东仓")
    location_save(actor=None, warehouse=main, data=LocationData(code="A-01"))
    location_save(actor=None, warehouse=east, data=LocationData(code="B-01"))
    return {"main": main, "east": east}


@pytest.fixture
def scoped(make_user, two_warehouses) -> User:
    """A warehouse keeper limited to the main warehouse."""
    return make_user("xiaozhang", "warehouse", all_warehouses=False, warehouse_ids=[two_warehouses["main"].pk])


def test_a_limited_user_lists_only_their_warehouse_and_its_locations(api_for, scoped, two_warehouses):
    api = api_for(scoped)
    assert [w["code"] for w in api.get("/warehouses").json()["items"]] == ["MAIN"]
    assert api.get("/warehouses").json()["count"] == 1
    locations = api.get("/locations").json()["items"]
    assert [(loc["warehouse_id"], loc["code"]) for loc in locations] == [
        (two_warehouses["main"].pk, "A-01"),
        (two_warehouses["main"].pk, "DEFAULT"),
    ]
    assert api.get("/locations", {"warehouse_id": two_warehouses["east"].pk}).json()["items"] == []
    assert api.get("/warehouses", {"q": "城东"}).json()["items"] == []


def test_a_limited_user_gets_404_for_another_warehouse_in_the_api(api_for, scoped, two_warehouses):
    # given a user limited to the main warehouse
    api = api_for(scoped)
    east = two_warehouses["east"]
    east_location = east.locations.get(code="B-01")
    before = written()

    # when they read or change the other warehouse or its locations
    responses = [
        api.get(f"/warehouses/{east.pk}"),
        api.get(f"/locations/{east_location.pk}"),
        api.put(f"/warehouses/{east.pk}", {"code": "EAST", "name": "改名"}),
        api.post(f"/warehouses/{east.pk}/deactivate"),
        api.post(f"/warehouses/{east.pk}/locations", {"code": "B-02"}),
        api.put(f"/locations/{east_location.pk}", {"code": "B-09"}),
        api.post(f"/locations/{east_location.pk}/deactivate"),
    ]

    # then it does not exist for them, and nothing was written
    for response in responses:
        assert response.status_code == 404, response.request["PATH_INFO"]
        assert response.json()["code"] == "not_found"
    assert written() == before
    # while their own warehouse works
    assert api.get(f"/warehouses/{two_warehouses['main'].pk}").status_code == 200


def test_a_limited_users_exports_hold_only_their_warehouse(api_for, scoped):
    api = api_for(scoped)
    for path, column in (("/warehouses/export", 0), ("/locations/export", 0)):
        response = api.get(path)
        assert response.status_code == 200
        rows = sheet_rows(response.content)[1:]
        assert {row[column] for row in rows} == {"MAIN"}, path
    page = _browser(scoped).get("/inventory/warehouses/?export=xlsx")
    rows = sheet_rows(page.content)[1:]
    assert [row[0] for row in rows] == ["MAIN"]


def test_a_limited_user_sees_only_their_warehouse_in_the_pages(scoped, two_warehouses):
    client = _browser(scoped)
    main, east = two_warehouses["main"], two_warehouses["east"]
    listing = client.get("/inventory/warehouses/").content.decode()
    assert "总仓" in listing and "城东仓" not in listing
    everything = client.get("/inventory/warehouses/?active=").content.decode()
    assert "城东仓" not in everything
    assert client.get(f"/inventory/warehouses/{main.pk}/").status_code == 200
    east_location = east.locations.get(code="B-01")
    for path in (
        f"/inventory/warehouses/{east.pk}/",
        f"/inventory/warehouses/{east.pk}/edit/",
        f"/inventory/locations/{east_location.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    before = written()
    for path, data in (
        (f"/inventory/warehouses/{east.pk}/", {"code": "B-02"}),
        (f"/inventory/warehouses/{east.pk}/edit/", {"code": "EAST", "name": "改名"}),
        (f"/inventory/warehouses/{east.pk}/deactivate/", {}),
        (f"/inventory/locations/{east_location.pk}/", {"code": "B-09"}),
        (f"/inventory/locations/{east_location.pk}/deactivate/", {}),
    ):
        assert client.post(path, data).status_code == 404, path
    assert written() == before


def test_a_user_with_all_warehouses_sees_both(make_user, api_for, two_warehouses):
    user = make_user("laoli", "warehouse")
    api = api_for(user)
    assert [w["code"] for w in api.get("/warehouses").json()["items"]] == ["EAST", "MAIN"]
    assert {loc["code"] for loc in api.get("/locations").json()["items"]} == {"DEFAULT", "A-01", "B-01"}
    assert api.get(f"/warehouses/{two_warehouses['east'].pk}").status_code == 200
    listing = _browser(user).get("/inventory/warehouses/").content.decode()
    assert "总仓" in listing and "城东仓" in listing


def test_a_limited_user_sees_a_warehouse_once_they_are_added_to_it(api_for, api, scoped, two_warehouses):
    east = two_warehouses["east"]
    assert api_for(scoped).get(f"/warehouses/{east.pk}").status_code == 404
    response = api.put(f"/warehouses/{east.pk}", {"code": "EAST", "name": "城东仓", "user_ids": [scoped.pk]})
    assert response.status_code == 200 and response.json()["user_ids"] == [scoped.pk]
    assert [w["code"] for w in api_for(scoped).get("/warehouses").json()["items"]] == ["EAST", "MAIN"]


def _figure(html: str, name: str) -> int:
    found = re.search(rf'data-figure="{name}">([\d,]+)<', html)
    assert found, name
    return int(found.group(1).replace(",", ""))


def test_the_dashboard_counts_only_warehouses_in_scope(make_user, scoped, two_warehouses):
    # given a third, deactivated warehouse that nobody counts
    third = warehouse_create(actor=None, data=WarehouseData(code="OLD", name="旧仓"))
    warehouse_set_active(actor=None, warehouse=third, active=False)
    everyone = make_user("laoli", "warehouse")

    # then a limited user counts their one warehouse (and its 2 locations), others count both (4 locations)
    assert (dashboard_figures(user=scoped).warehouses, dashboard_figures(user=scoped).locations) == (1, 2)
    assert (dashboard_figures(user=everyone).warehouses, dashboard_figures(user=everyone).locations) == (2, 4)
    limited_page = _browser(scoped).get("/").content.decode()
    full_page = _browser(everyone).get("/").content.decode()
    assert _figure(limited_page, "warehouses") == 1
    assert _figure(full_page, "warehouses") == 2


# Imports stay inside the user's warehouse scope


def test_a_limited_user_cannot_add_locations_to_a_hidden_warehouse_by_import(api_for, scoped, two_warehouses):
    client = api_for(scoped).client
    before = written()
    content = xlsx(["Warehouse", "Code"], ["EAST", "B-77"])
    response = client.post("/api/v1/locations/import?dry_run=false", {"file": SimpleUploadedFile("l.xlsx", content)})
    assert response.status_code == 422
    assert written() == before


def test_a_limited_user_cannot_change_a_hidden_warehouse_by_import(api_for, scoped, two_warehouses):
    client = api_for(scoped).client
    before = written()
    content = xlsx(["Code", "Name", "Address"], ["EAST", "城东仓", "被改的地址"])
    response = client.post("/api/v1/warehouses/import?dry_run=false", {"file": SimpleUploadedFile("w.xlsx", content)})
    assert response.status_code == 422
    assert written() == before


def test_the_locations_of_a_warehouse_export_and_import_back(owner, web, make_warehouse):
    from jxc.core.imports import import_run
    from jxc.inventory.imports import LOCATION_IMPORT
    from jxc.inventory.services.warehouses import LocationData, location_save

    warehouse = make_warehouse()
    location_save(actor=owner, warehouse=warehouse, data=LocationData(code="A-01", name="A区1号货架"))
    exported = web.get(f"/inventory/warehouses/{warehouse.pk}/", {"export": "xlsx"})
    rows = sheet_rows(exported.content)
    assert [r[1] for r in rows[1:]] == ["DEFAULT", "A-01"]
    before = written()
    report = import_run(spec=LOCATION_IMPORT, content=exported.content, actor=owner, commit=True)
    assert report.ok and report.updated == 2
    assert written() == before
