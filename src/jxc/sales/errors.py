"""Errors of sales orders."""

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError


class SalesOrderShipped(DomainError):
    """An order with goods shipped cannot go back to draft or be voided."""

    code = "order_shipped"
    message = _("%(number)s has goods shipped: it cannot be %(action)s.")
