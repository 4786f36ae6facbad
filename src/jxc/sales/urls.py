from jxc.sales.views import (
    counter,
    customers,
    orders,
    picking,
    prices,
    public,
    returns,
    shipment_entry,
    shipments,
    tracking,
)

app_name = "sales"

urlpatterns = [
    *orders.urlpatterns,
    *prices.urlpatterns,
    *counter.urlpatterns,
    *public.urlpatterns,
    *shipments.urlpatterns,
    *shipment_entry.urlpatterns,
    *picking.urlpatterns,
    *tracking.urlpatterns,
    *customers.urlpatterns,
    *returns.urlpatterns,
]
