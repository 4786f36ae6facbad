"""Keep the built-in role groups in step with the role definitions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from jxc.accounts.roles import ALL, OUR_APPS, ROLES


@transaction.atomic
def roles_sync() -> None:
    """Create every built-in role group and give it exactly its permissions."""
    ours = Permission.objects.filter(content_type__app_label__in=OUR_APPS).select_related("content_type")
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in ours}
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role.code)
        if ALL in role.permissions:
            wanted = [perm for name, perm in by_name.items() if name not in role.excluded]
        else:
            wanted = [by_name[name] for name in role.permissions if name in by_name]
        group.permissions.set(wanted)


def roles_sync_after_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate hook: after each of our apps (its permissions now exist), roles follow the code."""
    if getattr(sender, "label", None) in OUR_APPS:
        roles_sync()
