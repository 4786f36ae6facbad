"""Logging in and out, changing the password, and throttling password guessing."""

import pytest
from django.test import Client, override_settings

from jxc.accounts.models import AuditEntry, LoginFailure
from tests.conftest import PASSWORD


def _login(client: Client, username: str, password: str, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_pages_need_a_login(db):
    response = Client().get("/catalog/products/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_log_in_and_out(make_user):
    make_user("wang", "sales")
    client = Client()
    response = _login(client, "wang", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="user.logged_in").count() == 1
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_login_returns_to_the_page_asked_for_but_never_off_site(make_user):
    make_user("wang", "sales")
    response = Client().post(
        "/login/?next=/partners/", {"username": "wang", "password": PASSWORD, "next": "/partners/"}
    )
    assert response["Location"] == "/partners/"
    response = Client().post("/login/", {"username": "wang", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_wrong_password_keeps_the_user_name_and_says_why(make_user):
    make_user("wang", "sales")
    response = _login(Client(), "wang", "wrong", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert b"The user name or password is wrong." in response.content
    assert b'value="wang"' in response.content


@override_settings(JXC_LOGIN_MAX_FAILURES=3)
def test_guessing_is_throttled_even_with_the_right_password(make_user):
    make_user("wang", "sales")
    client = Client()
    for _ in range(3):
        assert _login(client, "wang", "guess").status_code == 401
    response = _login(client, "wang", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert b"Too many failed attempts" in response.content
    assert LoginFailure.objects.filter(username="wang").count() == 3
    # another user from another address is not affected
    make_user("li", "sales")
    assert _login(Client(REMOTE_ADDR="10.0.0.9"), "li", PASSWORD).status_code == 302


@override_settings(JXC_LOGIN_MAX_FAILURES=3)
def test_a_success_clears_earlier_failures(make_user):
    make_user("wang", "sales")
    client = Client()
    for _ in range(2):
        _login(client, "wang", "guess")
    assert _login(client, "wang", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="wang").exists()


def test_a_deactivated_user_cannot_log_in(make_user, owner):
    from jxc.accounts.services.users import user_set_active

    user = make_user("wang", "sales")
    user_set_active(actor=owner, user=user, active=False)
    assert _login(Client(), "wang", PASSWORD).status_code == 401


def test_change_password(make_user):
    user = make_user("wang", "sales")
    client = Client()
    client.force_login(user)
    bad = client.post(
        "/account/password/",
        {"old_password": "nope", "new_password": "New-Pass-2026", "new_password2": "New-Pass-2026"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 422 and b"The current password is wrong." in bad.content
    weak = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 422
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    ok = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password": "New-Pass-2026", "new_password2": "New-Pass-2026"},
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password("New-Pass-2026")
    assert client.get("/").status_code == 200  # still logged in


@pytest.mark.parametrize("path", ["/api/v1/products", "/api/v1/me"])
def test_the_api_answers_401_in_the_error_format_without_credentials(db, path):
    response = Client().get(path)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert set(response.json()) == {"code", "message", "data"}
