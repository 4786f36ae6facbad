"""The audit log: append an entry to the hash chain, and verify the chain."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.utils import timezone

from jxc.accounts.models import AuditEntry, AuditHead, User
from jxc.core.fields import ScaledDecimalField


def snapshot(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The concrete field values of a record as JSON-safe data (foreign keys by id)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.name in {"password"}:
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, ScaledDecimalField):
            value = field.to_python(value)  # as stored: 2.35 and 2.350000 are the same price
        data[field.attname] = jsonable(value)
    return data


def jsonable(value: Any) -> Any:
    """A value as JSON data that reads back identically (decimals and dates as strings)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return str(value)


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, from both sides."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


M = TypeVar("M", bound=models.Model)


def audit_set_active(instance: M, *, actor: User | None, active: bool, kind: str, field: str = "active") -> M:
    """Switch a record's active flag, save it and record `<kind>.activated`/`.deactivated`; nothing if unchanged.

    The caller has locked the row and applied its own rules (e.g. a unit still in use stays active).
    """
    if getattr(instance, field) == active:
        return instance
    setattr(instance, field, active)
    update_fields = [field]
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        update_fields.append("updated_at")
    instance.save(update_fields=update_fields)
    audit_record(
        actor=actor,
        action=f"{kind}.activated" if active else f"{kind}.deactivated",
        target=instance,
        before={field: not active},
        after={field: active},
    )
    return instance


def audit_queue() -> None:
    """Queue for the head of the audit chain now, before locking any ledger row; held until commit.

    Every audited write ends by appending to the chain under the head's row lock. A transaction that had locked a
    ledger row (a stock balance, a partner's balance, a cash account, an open item) and only then asked for the
    head could wait for one that holds the head and wants that very row: a deadlock. Taking the head first keeps
    one lock order everywhere — document, head, ledger rows. SQLite runs one write transaction at a time: no-op.
    """
    if connection.vendor != "postgresql":
        return
    head = AuditHead.objects.select_for_update(of=("self",)).filter(pk=1).values_list("pk", flat=True)
    if not list(head):
        AuditHead.objects.get_or_create(pk=1)
        list(head.all())


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit chain, inside the caller's transaction."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)[:200]
    with transaction.atomic():
        head = AuditHead.objects.select_for_update(of=("self",)).filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            actor_name=(actor.username if actor is not None else "system")[:150],
            action=action,
            target_type=target_type,
            target_id=target_id,
            target_repr=target_repr[:200],
            before=jsonable(before) if before is not None else None,
            after=jsonable(after) if after is not None else None,
            ip=ip,
            prev_hash=head.hash,
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        head.seq = entry.seq
        head.hash = entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry
