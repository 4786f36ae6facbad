from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jxc.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from jxc.accounts import invariants  # noqa: F401  (registers the checks)
        from jxc.accounts.services.roles import roles_sync_after_migrate

        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="jxc.accounts.roles_sync")
