"""Errors of warehouses, locations and stock."""

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError


class DefaultLocationRequired(DomainError):
    """A warehouse's default location cannot be deactivated."""

    code = "default_location_required"
    message = _("The default location of a warehouse cannot be deactivated.")
