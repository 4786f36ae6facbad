"""Reads of customers and suppliers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from jxc.partners.models import Account, Contact, Partner, PartnerBalance, PartnerEntry


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


def partner_balance(*, partner: Partner) -> PartnerBalance:
    """What the partner owes us and what we owe them (zero when nothing was ever posted)."""
    return PartnerBalance.objects.filter(partner=partner).first() or PartnerBalance(partner=partner)


def receivable_overdue(*, partner: Partner, on: date) -> Decimal:
    """The part of the receivable past its due date: the balance less what falls due on or after `on`.

    Payments settle the oldest debts first, so whatever is not covered by entries still to fall due is overdue."""
    balance = partner_balance(partner=partner).receivable
    not_due = PartnerEntry.objects.filter(
        partner=partner, account=Account.RECEIVABLE, amount__gt=0, due_date__gte=on
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return max(balance - not_due, Decimal(0))
