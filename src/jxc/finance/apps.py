from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "jxc.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self) -> None:
        from jxc.finance import invariants  # noqa: F401  (registers the finance checks)
        from jxc.finance.services.payments import payment_taken_save, payments_taken_reverse
        from jxc.finance.services.periods import FINANCE_PERIOD_HOOK
        from jxc.inventory.services.periods import period_hook_register
        from jxc.partners.services.payments import PaymentDesk, payment_desk_register

        payment_desk_register(
            PaymentDesk(
                record=payment_taken_save,
                reverse=lambda settles, day, actor: payments_taken_reverse(settles=settles, day=day, actor=actor),
            )
        )
        period_hook_register(FINANCE_PERIOD_HOOK)
