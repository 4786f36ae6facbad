from jxc.finance.views import cash, invoices, ledger, opening, payments, periods, statements, writeoffs

app_name = "finance"

urlpatterns = [
    *cash.urlpatterns,
    *payments.urlpatterns,
    *writeoffs.urlpatterns,
    *ledger.urlpatterns,
    *statements.urlpatterns,
    *invoices.urlpatterns,
    *periods.urlpatterns,
    *opening.urlpatterns,
]
