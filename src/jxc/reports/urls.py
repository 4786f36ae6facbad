from jxc.reports.views import credit, profit

app_name = "reports"

urlpatterns = [*profit.urlpatterns, *credit.urlpatterns]
