"""API tokens: created per user, stored hashed, shown once, listed, revoked."""

import hashlib

from django.test import Client

from jxc.accounts.models import ApiToken
from jxc.accounts.services.tokens import api_token_create, api_token_revoke


def test_a_token_is_stored_only_as_its_hash_and_works_as_its_user(make_user):
    user = make_user("wang", "sales")
    token, raw = api_token_create(actor=user, user=user, name="shop sync")
    assert raw.startswith("jxc_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    me = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == "wang"
    assert me.json()["view_cost"] is False


def test_create_list_and_revoke_through_the_api(api):
    created = api.post("/tokens", {"name": "online shop", "scope": "read"})
    assert created.status_code == 201
    raw = created.json()["token"]
    listed = api.get("/tokens").json()
    assert {t["name"] for t in listed} == {"tests", "online shop"}
    assert all("token" not in t and "digest" not in t for t in listed)
    token_id = created.json()["id"]
    assert api.post(f"/tokens/{token_id}/revoke").json()["is_active"] is False
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401


def test_a_wrong_or_tampered_token_is_refused(api):
    tampered = api.token[:-2] + ("aa" if not api.token.endswith("aa") else "bb")
    for bad in (tampered, "jxc_nothing_here", "plainly wrong"):
        response = Client(HTTP_AUTHORIZATION=f"Bearer {bad}").get("/api/v1/me")
        assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_the_token_page_shows_a_new_token_once(web, owner):
    response = web.post("/settings/tokens/", {"name": "扫码枪", "scope": "write"})
    page = response.content.decode()
    token = ApiToken.objects.get(name="扫码枪")
    assert 'id="raw-token"' in page
    raw = page.split('id="raw-token">')[1].split("<")[0]
    assert hashlib.sha256(raw.encode()).hexdigest() == token.digest
    again = web.get("/settings/tokens/").content.decode()
    assert raw not in again and f"jxc_{token.prefix}" in again


def test_one_user_cannot_revoke_anothers_token(make_user):
    wang = make_user("wang", "sales")
    li = make_user("li", "sales")
    token, _raw = api_token_create(actor=wang, user=wang, name="x")
    from jxc.core.errors import Forbidden

    try:
        api_token_revoke(actor=li, token=token)
    except Forbidden:
        pass
    else:
        raise AssertionError("revoked another user's token")
    token.refresh_from_db()
    assert token.revoked_at is None
