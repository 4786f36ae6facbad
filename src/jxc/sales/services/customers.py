"""Customer classes (客户分类): record the class each customer's figures give, with the reason, in one go."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record
from jxc.core.db import retrying_atomic
from jxc.partners.models import Partner
from jxc.sales.selectors.customers import RULES, ClassRules, customer_classes

REASON_LENGTH = 200


@dataclass(frozen=True)
class ClassRefresh:
    """What a refresh did: how many customers were classified, how many records changed, the classes now."""

    on: date
    customers: int
    changed: int
    classes: dict[str, int] = field(default_factory=dict)
    moves: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "on": self.on.isoformat(),
            "customers": self.customers,
            "changed": self.changed,
            "classes": self.classes,
            "moves": self.moves,
        }


@retrying_atomic
def customer_classes_refresh(*, actor: User | None, on: date, rules: ClassRules = RULES) -> ClassRefresh:
    """Write the class (its reason, since when) of every customer whose class changed or was never computed;
    one audit entry with the counts. Again on the same day: nothing changes."""
    results = customer_classes(on=on, rules=rules)
    due = {r.customer.pk: r for r in results if r.changed or r.customer.customer_class_at is None}
    moves: Counter[str] = Counter()
    writes = []
    for partner in Partner.objects.select_for_update(of=("self",)).filter(pk__in=list(due)).order_by("pk"):
        result = due[partner.pk]
        if partner.customer_class == result.customer_class and partner.customer_class_at is not None:
            continue  # changed meanwhile by another refresh
        moves[f"{partner.customer_class}→{result.customer_class}"] += 1
        partner.customer_class = result.customer_class
        partner.customer_class_reason = result.reason[:REASON_LENGTH]
        partner.customer_class_at = on
        writes.append(partner)
    Partner.objects.bulk_update(
        writes, ["customer_class", "customer_class_reason", "customer_class_at"], batch_size=500
    )
    refresh = ClassRefresh(
        on=on,
        customers=len(results),
        changed=len(writes),
        classes=dict(sorted(Counter(r.customer_class for r in results).items())),
        moves=dict(sorted(moves.items())),
    )
    audit_record(
        actor=actor,
        action="partner.customer_classes_refreshed",
        target_type="partners.partner",
        target_repr=f"customer classes on {on.isoformat()}",
        after=refresh.as_dict(),
    )
    return refresh
