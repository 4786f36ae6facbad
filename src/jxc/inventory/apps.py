from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "jxc.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        from jxc.inventory import invariants  # noqa: F401  (registers the ledger checks)
