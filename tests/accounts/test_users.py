"""Users and roles: create, change roles and warehouse scope, deactivate; the owner rules."""

import pytest
from django.test import Client

from jxc.accounts.errors import LastOwner, OwnerOnly, SelfDeactivation
from jxc.accounts.models import AuditEntry, User
from jxc.accounts.roles import ROLES
from jxc.accounts.services.users import UserData, user_create, user_set_active, user_update
from jxc.core.errors import Duplicate, ValidationFailed


def test_every_role_exists_with_its_permissions(db):
    from django.contrib.auth.models import Group

    groups = {g.name: g for g in Group.objects.prefetch_related("permissions")}
    assert set(groups) == {r.code for r in ROLES}
    owner_perms = {p.codename for p in groups["owner"].permissions.all()}
    assert {"view_cost", "add_product", "change_user", "manage_settings"} <= owner_perms
    sales_perms = {p.codename for p in groups["sales"].permissions.all()}
    assert "view_cost" not in sales_perms and "view_product" in sales_perms and "add_partner" in sales_perms
    assert "view_cost" in {p.codename for p in groups["purchaser"].permissions.all()}


def test_create_a_user_with_a_generated_password(owner):
    user, password = user_create(actor=owner, data=UserData(username="wang", display_name="王芳", roles=["accountant"]))
    assert user.check_password(password) and len(password) >= 12
    assert user.role_codes == ["accountant"] and user.has_perm("accounts.view_cost")
    entry = AuditEntry.objects.get(action="user.created", target_id=str(user.pk))
    assert entry.after["roles"] == ["accountant"] and "password" not in entry.after


def test_bad_user_input_writes_nothing(owner, english):
    user_create(actor=owner, data=UserData(username="wang", roles=["sales"]))
    before = User.objects.count(), AuditEntry.objects.count()
    with pytest.raises(Duplicate):
        user_create(actor=owner, data=UserData(username="WANG"))
    with pytest.raises(ValidationFailed) as caught:
        user_create(actor=owner, data=UserData(username="li", roles=["boss"]))
    assert "roles" in caught.value.errors
    with pytest.raises(ValidationFailed) as weak:
        user_create(actor=owner, data=UserData(username="li"), password="123")
    assert "password" in weak.value.errors
    assert (User.objects.count(), AuditEntry.objects.count()) == before


def test_only_an_owner_grants_the_owner_role(make_user):
    admin = make_user("admin", "admin")
    with pytest.raises(OwnerOnly):
        user_create(actor=admin, data=UserData(username="x", roles=["owner"]))
    assert not User.objects.filter(username="x").exists()


def test_the_last_owner_stays(owner, make_user):
    with pytest.raises(LastOwner):
        user_update(actor=owner, user=owner, data=UserData(username=owner.username, roles=["admin"]))
    second = make_user("second", "owner")
    with pytest.raises(SelfDeactivation):
        user_set_active(actor=owner, user=owner, active=False)
    user_set_active(actor=second, user=owner, active=False)
    with pytest.raises(LastOwner):
        user_update(actor=second, user=second, data=UserData(username="second", roles=["admin"]))


def test_warehouse_scope(owner, make_warehouse):
    main = make_warehouse("MAIN", "总仓")
    make_warehouse("SHOP", "门店仓")
    user, _ = user_create(
        actor=owner,
        data=UserData(username="keeper", roles=["warehouse"], all_warehouses=False, warehouse_ids=[main.pk]),
    )
    assert list(user.scoped_warehouses.all()) == [main]
    user_update(actor=owner, user=user, data=UserData(username="keeper", roles=["warehouse"]))
    user.refresh_from_db()
    assert user.all_warehouses and not user.scoped_warehouses.exists()
    with pytest.raises(ValidationFailed):
        user_update(actor=owner, user=user, data=UserData(username="keeper", all_warehouses=False, warehouse_ids=[999]))


def test_users_pages(web, owner, english):
    created = web.post(
        "/settings/users/new/", {"username": "zhou", "display_name": "周婷", "roles": ["sales"], "all_warehouses": "on"}
    )
    assert created.status_code == 200 and 'id="new-password"' in created.content.decode()
    user = User.objects.get(username="zhou")
    assert user.role_codes == ["sales"]
    listed = web.get("/settings/users/", {"role": "sales"}).content.decode()
    assert "zhou" in listed and "boss" not in listed.split("<tbody>")[1]
    edited = web.post(
        f"/settings/users/{user.pk}/edit/", {"username": "zhou", "roles": ["sales", "cashier"], "all_warehouses": "on"}
    )
    assert edited.status_code == 302
    assert User.objects.get(pk=user.pk).role_codes == ["cashier", "sales"]
    web.post(f"/settings/users/{user.pk}/deactivate/")
    assert not User.objects.get(pk=user.pk).is_active
    duplicate = web.post("/settings/users/new/", {"username": "ZHOU", "roles": ["sales"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert duplicate.status_code == 422 and "is already used" in duplicate.content.decode()


def test_an_administrator_resets_a_password_shown_once(web, make_user):
    user = make_user("wang", "sales")
    response = web.post(f"/settings/users/{user.pk}/password/", {"password": ""})
    page = response.content.decode()
    password = page.split('id="new-password">')[1].split("<")[0]
    assert Client().post("/login/", {"username": "wang", "password": password}).status_code == 302


def test_roles_page_lists_each_role(web):
    page = web.get("/settings/roles/").content.decode()
    for role in ROLES:
        assert role.code in page
