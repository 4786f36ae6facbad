from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "jxc.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from jxc.sales import invariants  # noqa: F401  (registers the sales checks)
