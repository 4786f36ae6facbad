from jxc.inventory.views import counts, documents, stock, warehouses

app_name = "inventory"

urlpatterns = [*warehouses.urlpatterns, *documents.urlpatterns, *counts.urlpatterns, *stock.urlpatterns]
