from jxc.purchasing.views import orders, receipts, replenishment, returns, suppliers

app_name = "purchasing"

urlpatterns = [
    *orders.urlpatterns,
    *receipts.urlpatterns,
    *returns.urlpatterns,
    *replenishment.urlpatterns,
    *suppliers.urlpatterns,
]
