"""The columns of the partner list."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column

PARTNER_COLUMNS = (
    Column("code", _("Code"), sort="code"),
    Column("name", _("Name"), sort="name", width=28),
    Column("roles_display", _("Type")),
    Column("contact_name", _("Contact person")),
    Column("phone", _("Phone")),
    Column("price_level", _("Price level"), get=lambda p: p.get_price_level_display() if p.is_customer else ""),
    Column(
        "customer_class", _("Customer class"), get=lambda p: p.get_customer_class_display() if p.is_customer else ""
    ),
    Column("credit_limit", _("Credit limit"), kind="money", sort="credit_limit"),
    Column("payment_terms_days", _("Payment terms (days)"), kind="int", sort="payment_terms_days"),
)
