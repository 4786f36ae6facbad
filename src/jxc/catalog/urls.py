from django.urls import path

from jxc.catalog import views

app_name = "catalog"

urlpatterns = [
    path("products/", views.product_list_view, name="product_list"),
    path("products/new/", views.product_create_view, name="product_create"),
    path("products/import/", views.product_import, name="product_import"),
    path("products/lookup/", views.product_lookup, name="product_lookup"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/deactivate/", views.product_set_active_view, {"active": False}, name="product_deactivate"),
    path("products/<int:pk>/activate/", views.product_set_active_view, {"active": True}, name="product_activate"),
    path("units/", views.unit_list_view, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/import/", views.unit_import, name="unit_import"),
    path("units/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/deactivate/", views.unit_set_active_view, {"active": False}, name="unit_deactivate"),
    path("units/<int:pk>/activate/", views.unit_set_active_view, {"active": True}, name="unit_activate"),
    path("categories/", views.category_list_view, name="category_list"),
    path("categories/new/", views.category_create, name="category_create"),
    path("categories/import/", views.category_import, name="category_import"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
    path(
        "categories/<int:pk>/deactivate/", views.category_set_active_view, {"active": False}, name="category_deactivate"
    ),
    path("categories/<int:pk>/activate/", views.category_set_active_view, {"active": True}, name="category_activate"),
    path("brands/", views.brand_list_view, name="brand_list"),
    path("brands/new/", views.brand_create, name="brand_create"),
    path("brands/import/", views.brand_import, name="brand_import"),
    path("brands/<int:pk>/", views.brand_edit, name="brand_edit"),
    path("brands/<int:pk>/deactivate/", views.brand_set_active_view, {"active": False}, name="brand_deactivate"),
    path("brands/<int:pk>/activate/", views.brand_set_active_view, {"active": True}, name="brand_activate"),
]
