"""Pages: log in and out, password, users and roles, API tokens, audit log, company settings."""

from __future__ import annotations

import secrets
from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.models import Permission
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from jxc.accounts.forms import (
    AuditFilterForm,
    CompanyForm,
    LoginForm,
    PasswordChangeForm,
    SetPasswordForm,
    TokenForm,
    UserFilterForm,
    UserForm,
)
from jxc.accounts.models import ApiToken, User
from jxc.accounts.roles import ALL, ROLES
from jxc.accounts.selectors import api_token_list, audit_list, audit_trail, audit_verify, company_get, user_list
from jxc.accounts.services.company import CompanyData, company_update
from jxc.accounts.services.login import login_attempt
from jxc.accounts.services.tokens import api_token_create, api_token_revoke
from jxc.accounts.services.users import user_create, user_set_active, user_set_password, user_update
from jxc.core.actions import set_active_response
from jxc.core.columns import Column
from jxc.core.errors import DomainError
from jxc.core.forms import apply_error
from jxc.core.listing import ListPage, list_response


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@login_not_required
def login_view(request: HttpRequest) -> HttpResponse:
    """Log in; repeated failures are throttled."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = login_attempt(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                ip=_client_ip(request),
            )
        except DomainError as error:
            form.add_error(None, error.text)
            status = error.status if error.status < 500 else 400
        else:
            login(request, user)
            return redirect(next_url or "web:home")
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password."""
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_set_password(actor=user, user=user, password=form.cleaned_data["new_password"])
        except DomainError as error:
            for message in getattr(error, "errors", {}).get("password", [error.text]):
                form.add_error("new_password", message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password was changed."))
            return redirect("web:home")
    return render(request, "accounts/password_change.html", {"form": form}, status=422 if form.errors else 200)


USER_COLUMNS = (
    Column("username", gettext_lazy("User name"), sort="username"),
    Column("display_name", pgettext_lazy("person", "Name"), sort="display_name"),
    Column(
        "roles",
        gettext_lazy("Roles"),
        get=lambda u: "、".join(str(r.label) for r in ROLES if r.code in {g.name for g in u.groups.all()}),
    ),
    Column("phone", gettext_lazy("Phone")),
    Column("all_warehouses", gettext_lazy("All warehouses"), kind="bool"),
    Column("is_active", gettext_lazy("Active"), kind="bool", sort="is_active"),
    Column("last_login", gettext_lazy("Last login"), kind="datetime", sort="last_login"),
)


@permission_required("accounts.view_user", raise_exception=True)
def user_list_view(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        active = form.cleaned_data.get("active")
        filters = {
            "q": form.cleaned_data["q"],
            "role": form.cleaned_data["role"],
            "active": None if active == "" else active != "0",
        }
    elif not request.GET:
        filters = {"active": True}
    page = ListPage(
        title=gettext_lazy("Users"),
        columns=USER_COLUMNS,
        default_sort="username",
        filter_form=form,
        create_url=reverse("accounts:user_create") if request.user.has_perm("accounts.add_user") else "",
        create_label=gettext_lazy("New user"),
        export_name="users",
    )
    return list_response(request, user_list(**filters), page)


@permission_required("accounts.add_user", raise_exception=True)
def user_create_view(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None, initial={"all_warehouses": True})
    if request.method == "POST" and form.is_valid():
        try:
            user, password = user_create(actor=request.user, data=form.to_data())  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form)
        else:
            return render(request, "accounts/user_created.html", {"new_user": user, "password": password})
    return render(
        request, "accounts/user_form.html", {"form": form, "is_new": True}, status=422 if form.errors else 200
    )


@permission_required("accounts.view_user", raise_exception=True)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User.objects.prefetch_related("groups", "scoped_warehouses"), pk=pk)
    roles = [r for r in ROLES if r.code in subject.role_codes]
    context = {
        "subject": subject,
        "roles": roles,
        "tokens": api_token_list(user=subject),
        "trail": audit_trail(target=subject)[:20],
        "password_form": SetPasswordForm(),
    }
    return render(request, "accounts/user_detail.html", context)


@permission_required("accounts.change_user", raise_exception=True)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    form = UserForm(request.POST or None, initial=UserForm.initial_for(subject))
    if request.method == "POST" and form.is_valid():
        try:
            user_update(actor=request.user, user=subject, data=form.to_data())  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:user_detail", pk=subject.pk)
    return render(
        request, "accounts/user_form.html", {"form": form, "subject": subject}, status=422 if form.errors else 200
    )


@require_POST
@permission_required("accounts.change_user", raise_exception=True)
def user_set_active_view(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    return set_active_response(request, service=user_set_active, active=active, back=subject, user=subject)


@require_POST
@permission_required("accounts.change_user", raise_exception=True)
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    """Set (or generate) a new password for a user; a generated one is shown once."""
    subject = get_object_or_404(User, pk=pk)
    form = SetPasswordForm(request.POST)
    if form.is_valid():
        password = form.cleaned_data["password"] or secrets.token_urlsafe(9)
        try:
            user_set_password(actor=request.user, user=subject, password=password)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(request, error.text)
        else:
            if form.cleaned_data["password"]:
                messages.success(request, _("The password was changed."))
            else:
                return render(
                    request, "accounts/user_created.html", {"new_user": subject, "password": password, "reset": True}
                )
    return redirect("accounts:user_detail", pk=pk)


@permission_required("accounts.view_user", raise_exception=True)
def role_list(request: HttpRequest) -> HttpResponse:
    """The built-in roles and exactly which permissions each grants."""
    names = {
        f"{p.content_type.app_label}.{p.codename}": p.name for p in Permission.objects.select_related("content_type")
    }
    roles = []
    for role in ROLES:
        if ALL in role.permissions:
            perms = [_("All permissions")]
        else:
            perms = [str(names.get(p, p)) for p in role.permissions]
        count = User.objects.filter(groups__name=role.code, is_active=True).count()
        roles.append({"role": role, "permissions": perms, "users": count})
    return render(request, "accounts/role_list.html", {"roles": roles})


def token_list(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens: create (shown once) and revoke."""
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        expires = form.cleaned_data.get("expires_at")
        try:
            _token, raw = api_token_create(
                actor=user,
                user=user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=timezone.make_aware(datetime.combine(expires, time.max)) if expires else None,
            )
        except DomainError as error:
            apply_error(error, form)
        else:
            form = TokenForm()
    context = {"form": form, "tokens": api_token_list(user=user), "raw_token": raw}
    return render(request, "accounts/token_list.html", context, status=422 if form.errors else 200)


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    try:
        api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The token was revoked."))
    if token.user_id != request.user.pk:
        return redirect("accounts:user_detail", pk=token.user_id)
    return redirect("accounts:token_list")


AUDIT_COLUMNS = (
    Column("seq", gettext_lazy("No."), kind="int", sort="seq"),
    Column("at", gettext_lazy("Time"), kind="datetime", sort="at"),
    Column("actor_name", gettext_lazy("User"), sort="actor_name"),
    Column("action", gettext_lazy("Action"), sort="action"),
    Column("target_repr", gettext_lazy("Record")),
    Column("changes", gettext_lazy("Changes"), get=lambda e: _changes_text(e)),
    Column("ip", gettext_lazy("IP address")),
)


def _changes_text(entry: Any) -> str:
    after = entry.after or {}
    before = entry.before or {}
    parts = []
    for key in list(after)[:12]:
        if key in before:
            parts.append(f"{key}: {before[key]} → {after[key]}")
        else:
            parts.append(f"{key}={after[key]}")
    return "; ".join(parts)


@permission_required("accounts.view_auditentry", raise_exception=True)
def audit_list_view(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    verification = None
    if request.GET.get("verify") == "1":
        count, problems = audit_verify()
        verification = {"count": count, "problems": problems}
    page = ListPage(
        title=gettext_lazy("Audit log"),
        columns=AUDIT_COLUMNS,
        default_sort="-seq",
        filter_form=form,
        export_name="audit-log",
        extra={"verification": verification, "audit_page": True},
    )
    return list_response(request, audit_list(q=filters.get("q", ""), action=filters.get("action", "")), page)


@permission_required("accounts.manage_settings", raise_exception=True)
def company_view(request: HttpRequest) -> HttpResponse:
    company = company_get()
    initial = {f: getattr(company, f) for f in CompanyData.__dataclass_fields__}
    form = CompanyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            company_update(actor=request.user, data=form.to_data())  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:company")
    return render(request, "accounts/company.html", {"form": form}, status=422 if form.errors else 200)
