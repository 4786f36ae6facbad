from django.urls import path

from jxc.accounts import views, views_approvals

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/password/", views.password_change, name="password_change"),
    path("settings/company/", views.company_view, name="company"),
    path("settings/users/", views.user_list_view, name="user_list"),
    path("settings/users/new/", views.user_create_view, name="user_create"),
    path("settings/users/<int:pk>/", views.user_detail, name="user_detail"),
    path("settings/users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("settings/users/<int:pk>/deactivate/", views.user_set_active_view, {"active": False}, name="user_deactivate"),
    path("settings/users/<int:pk>/activate/", views.user_set_active_view, {"active": True}, name="user_activate"),
    path("settings/users/<int:pk>/password/", views.user_password, name="user_password"),
    path("settings/roles/", views.role_list, name="role_list"),
    path("settings/tokens/", views.token_list, name="token_list"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("settings/audit/", views.audit_list_view, name="audit_list"),
    path("settings/approval-rules/", views_approvals.approval_rule_list_view, name="approval_rule_list"),
    path("settings/approval-rules/new/", views_approvals.approval_rule_create_view, name="approval_rule_create"),
    path("settings/approval-rules/<int:pk>/edit/", views_approvals.approval_rule_edit_view, name="approval_rule_edit"),
    path(
        "settings/approval-rules/<int:pk>/deactivate/",
        views_approvals.approval_rule_set_active_view,
        {"active": False},
        name="approval_rule_deactivate",
    ),
    path(
        "settings/approval-rules/<int:pk>/activate/",
        views_approvals.approval_rule_set_active_view,
        {"active": True},
        name="approval_rule_activate",
    ),
]
