from jxc.inventory.views import warehouses

app_name = "inventory"

urlpatterns = [*warehouses.urlpatterns]
