"""Users: create, change, set passwords, deactivate. Every change is audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jxc.accounts.errors import LastOwner, OwnerOnly, SelfDeactivation
from jxc.accounts.models import User
from jxc.accounts.roles import ROLE_BY_CODE
from jxc.accounts.services.audit import audit_record, audit_set_active, changed, snapshot
from jxc.core.errors import Duplicate, ValidationFailed


@dataclass
class UserData:
    """What a user record is made of, as entered in a form or sent to the API."""

    username: str
    display_name: str = ""
    phone: str = ""
    email: str = ""
    roles: list[str] = field(default_factory=list)
    all_warehouses: bool = True
    warehouse_ids: list[int] = field(default_factory=list)


def _user_state(user: User) -> dict[str, Any]:
    state = snapshot(user, exclude=("last_login",))
    state["roles"] = user.role_codes
    state["warehouses"] = sorted(user.scoped_warehouses.values_list("pk", flat=True))
    return state


def _is_owner(user: User | None) -> bool:
    return bool(user is not None and user.groups.filter(name="owner").exists())


def _clean(data: UserData, *, instance: User | None) -> UserData:
    errors: dict[str, list[Any]] = {}
    data.username = data.username.strip()
    if not data.username:
        errors.setdefault("username", []).append(_("This field is required."))
    else:
        clash = User.objects.filter(username__iexact=data.username)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            raise Duplicate(field="username", label=_("User name"), value=data.username)
    unknown = [r for r in data.roles if r not in ROLE_BY_CODE]
    if unknown:
        errors.setdefault("roles", []).append(_("Unknown roles: %(roles)s") % {"roles": ", ".join(unknown)})
    if not data.all_warehouses and data.warehouse_ids:
        warehouse = apps.get_model("inventory", "Warehouse")
        found = set(warehouse.objects.filter(pk__in=data.warehouse_ids).values_list("pk", flat=True))
        if missing := set(data.warehouse_ids) - found:
            errors.setdefault("warehouse_ids", []).append(
                _("Unknown warehouses: %(ids)s") % {"ids": ", ".join(map(str, sorted(missing)))}
            )
    if errors:
        raise ValidationFailed(errors)
    return data


def _apply(user: User, data: UserData) -> None:
    user.groups.set(Group.objects.filter(name__in=data.roles))
    user.scoped_warehouses.set([] if data.all_warehouses else data.warehouse_ids)


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as error:
        raise ValidationFailed({"password": list(error.messages)}) from error


@transaction.atomic
def user_create(*, actor: User | None, data: UserData, password: str | None = None) -> tuple[User, str]:
    """Create a user with roles; returns the user and the password (generated when none is given)."""
    data = _clean(data, instance=None)
    if "owner" in data.roles and actor is not None and not _is_owner(actor):
        raise OwnerOnly(field="roles")
    user = User(
        username=data.username,
        display_name=data.display_name.strip(),
        phone=data.phone.strip(),
        email=data.email.strip(),
        all_warehouses=data.all_warehouses,
    )
    generated = password is None
    password = password or secrets.token_urlsafe(9)
    if not generated:
        _check_password(password, user)
    user.set_password(password)
    user.save()
    _apply(user, data)
    audit_record(actor=actor, action="user.created", target=user, after=_user_state(user))
    return user, password


@transaction.atomic
def user_update(*, actor: User, user: User, data: UserData) -> User:
    """Change a user's details, roles and warehouse scope."""
    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    data = _clean(data, instance=user)
    owner_before = _is_owner(user)
    if (owner_before or "owner" in data.roles) and not _is_owner(actor):
        raise OwnerOnly(field="roles")
    if owner_before and "owner" not in data.roles:
        _ensure_other_owner(user)
    before = _user_state(user)
    user.username = data.username
    user.display_name = data.display_name.strip()
    user.phone = data.phone.strip()
    user.email = data.email.strip()
    user.all_warehouses = data.all_warehouses
    user.save()
    _apply(user, data)
    old, new = changed(before, _user_state(user))
    if new:
        audit_record(actor=actor, action="user.changed", target=user, before=old, after=new)
    return user


def _ensure_other_owner(user: User) -> None:
    others = User.objects.filter(groups__name="owner", is_active=True).exclude(pk=user.pk)
    if not others.exists():
        raise LastOwner()


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate a user (they can no longer log in or use tokens) or activate them again."""
    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    if user.is_active == active:
        return user
    if not active:
        if user.pk == actor.pk:
            raise SelfDeactivation()
        if _is_owner(user):
            if not _is_owner(actor):
                raise OwnerOnly()
            _ensure_other_owner(user)
    return audit_set_active(user, actor=actor, active=active, kind="user", field="is_active")


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    """Set a new password for a user (by an administrator, or by the user through the change form)."""
    if _is_owner(user) and actor.pk != user.pk and not _is_owner(actor):
        raise OwnerOnly()
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.password_set", target=user)
    return user
