from django.urls import path

from jxc.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list_view, name="partner_list"),
    path("new/", views.partner_create_view, name="partner_create"),
    path("import/", views.partner_import, name="partner_import"),
    path("<int:pk>/", views.partner_detail, name="partner_detail"),
    path("<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("<int:pk>/deactivate/", views.partner_set_active_view, {"active": False}, name="partner_deactivate"),
    path("<int:pk>/activate/", views.partner_set_active_view, {"active": True}, name="partner_activate"),
]
