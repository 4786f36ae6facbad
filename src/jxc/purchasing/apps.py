from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    name = "jxc.purchasing"
    label = "purchasing"
    verbose_name = _("Purchasing")

    def ready(self) -> None:
        from jxc.inventory.selectors.incoming import incoming_register
        from jxc.purchasing import invariants  # noqa: F401  (registers the purchasing checks)
        from jxc.purchasing.selectors.documents import incoming_on_purchase_orders

        incoming_register(incoming_on_purchase_orders)  # what sales shows as "on order" while entering a line
