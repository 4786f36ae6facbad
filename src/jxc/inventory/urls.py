from django.urls import path

from jxc.inventory import views

app_name = "inventory"

urlpatterns = [
    path("warehouses/", views.warehouse_list_view, name="warehouse_list"),
    path("warehouses/new/", views.warehouse_create_view, name="warehouse_create"),
    path("warehouses/import/", views.warehouse_import, name="warehouse_import"),
    path("warehouses/<int:pk>/", views.warehouse_detail, name="warehouse_detail"),
    path("warehouses/<int:pk>/edit/", views.warehouse_edit, name="warehouse_edit"),
    path(
        "warehouses/<int:pk>/deactivate/",
        views.warehouse_set_active_view,
        {"active": False},
        name="warehouse_deactivate",
    ),
    path("warehouses/<int:pk>/activate/", views.warehouse_set_active_view, {"active": True}, name="warehouse_activate"),
    path("locations/import/", views.location_import, name="location_import"),
    path("locations/<int:pk>/", views.location_edit, name="location_edit"),
    path(
        "locations/<int:pk>/deactivate/", views.location_set_active_view, {"active": False}, name="location_deactivate"
    ),
    path("locations/<int:pk>/activate/", views.location_set_active_view, {"active": True}, name="location_activate"),
]
