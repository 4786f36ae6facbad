"""Reads of customers and suppliers."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jxc.partners.models import Contact, Partner


def partner_list(
    *,
    q: str = "",
    role: str = "",
    active: bool | None = True,
    price_level: str = "",
    customer_class: str = "",
) -> QuerySet[Partner]:
    """Partners by search (name, code, phone, pinyin initials, a contact's phone) and filters."""
    partners = Partner.objects.select_related("salesperson")
    if q:
        q = q.strip()
        partners = partners.filter(
            Q(name__icontains=q)
            | Q(code__icontains=q)
            | Q(phone__icontains=q)
            | Q(mnemonic__icontains=q.upper())
            | Q(contact_name__icontains=q)
            | Q(pk__in=Contact.objects.filter(Q(phone__icontains=q) | Q(name__icontains=q)).values("partner_id"))
        )
    if role == "customer":
        partners = partners.filter(is_customer=True)
    elif role == "supplier":
        partners = partners.filter(is_supplier=True)
    if active is not None:
        partners = partners.filter(active=active)
    if price_level:
        partners = partners.filter(price_level=price_level)
    if customer_class:
        partners = partners.filter(customer_class=customer_class)
    return partners


def partner_get(*, pk: int) -> Partner:
    """One partner with its contacts (raises Partner.DoesNotExist)."""
    return Partner.objects.select_related("salesperson").prefetch_related("contacts").get(pk=pk)
