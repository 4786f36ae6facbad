"""Errors of products, units, categories and brands."""

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError


class UnitNotOfProduct(DomainError):
    """A unit that the product does not have (neither its base unit nor an alternate unit)."""

    code = "unit_not_of_product"
    status = 422
    message = _("%(product)s has no unit “%(unit)s”.")


class CategoryCycle(DomainError):
    """A category cannot be moved under itself or one of its descendants."""

    code = "category_cycle"
    status = 422
    message = _("A category cannot be placed under itself or one of its subcategories.")


class CategoryInUse(DomainError):
    """A category with active products or subcategories cannot be deactivated."""

    code = "category_in_use"
    message = _("“%(name)s” still has %(count)s active products or subcategories.")


class UnitInUse(DomainError):
    """A unit that active products use cannot be deactivated or made coarser."""

    code = "unit_in_use"
    message = _("Unit “%(name)s” is used by %(count)s products.")
