from django.urls import include, path
from django.views.i18n import set_language

from jxc.config.api import api

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("", include("jxc.accounts.urls")),
    path("catalog/", include("jxc.catalog.urls")),
    path("partners/", include("jxc.partners.urls")),
    path("inventory/", include("jxc.inventory.urls")),
    path("purchasing/", include("jxc.purchasing.urls")),
    path("sales/", include("jxc.sales.urls")),
    path("finance/", include("jxc.finance.urls")),
    path("reports/", include("jxc.reports.urls")),
    path("", include("jxc.web.urls")),
]
