from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "jxc.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from jxc.inventory.services.periods import period_hook_register
        from jxc.reports.services.periods import PROFIT_PERIOD_HOOK

        period_hook_register(PROFIT_PERIOD_HOOK)
