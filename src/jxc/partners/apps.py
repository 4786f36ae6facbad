from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "jxc.partners"
    label = "partners"
    verbose_name = _("Customers and suppliers")

    def ready(self) -> None:
        from jxc.partners import invariants  # noqa: F401  (registers the partner-ledger checks)
