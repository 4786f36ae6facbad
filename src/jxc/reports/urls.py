from jxc.reports.views import profit

app_name = "reports"

urlpatterns = [*profit.urlpatterns]
