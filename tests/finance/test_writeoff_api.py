"""API: write-offs and discounts through the approval engine: create, update, submit, approve, reject, errors."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from jxc.finance.models import WriteOff
from jxc.partners.models import PartnerEntry
from tests.finance.conftest import DAY
from tests.finance.test_writeoffs import rule


@pytest.fixture
def owed(books: Any) -> tuple[Any, Any]:
    books.stock()
    return books.ship(10, "3.50"), books.ship(20, "3.50")


def body(books: Any, amount: str = "40.00", **extra: Any) -> dict[str, Any]:
    return {
        "partner_id": books.customer.pk,
        "amount": amount,
        "reason": "客户倒闭",
        "date": DAY.isoformat(),
        **extra,
    }


def test_create_submit_wait_approve_posts(api, api_for, books, owed, make_user):
    rule(books.owner, "total_above", D("30"))
    created = api.post("/write-offs", body(books))
    assert created.status_code == 201, created.content
    out = created.json()
    assert out["status"] == "draft" and out["number"].startswith("HX") and out["amount"] == "40.00"

    submitted = api.post(f"/write-offs/{out['id']}/submit").json()
    assert submitted["status"] == "submitted"
    assert [(s["role"], s["status"]) for s in submitted["approval"]] == [("accountant", "pending")]
    assert "40.00" in submitted["approval"][0]["reason"]

    seller = api_for(make_user("seller", "sales", "accountant"))
    forbidden = api_for(make_user("keeper", "warehouse")).post(f"/write-offs/{out['id']}/approve", {})
    assert forbidden.status_code == 403

    approved = seller.post(f"/write-offs/{out['id']}/approve", {"comment": "同意"})
    assert approved.status_code == 200, approved.content
    result = approved.json()
    assert result["status"] == "posted" and result["approval"][0]["status"] == "approved"
    assert [(a["number"], a["amount"]) for a in result["allocations"]] == [
        (owed[0].number, "35.00"),
        (owed[1].number, "5.00"),
    ]
    assert books.balance() == D("65.00")
    assert api.get(f"/write-offs/{out['id']}").json()["status"] == "posted"
    listed = api.get("/write-offs", {"status": "posted"}).json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == out["number"]


def test_lines_reject_update_and_resubmit(api, books, owed):
    rule(books.owner)
    first, second = owed
    lines = [{"item_id": books.item(second).pk, "amount": "10.00"}]
    out = api.post("/write-offs", body(books, "10.00", lines=lines, kind="discount")).json()
    assert out["lines"][0]["number"] == second.number and out["kind"] == "discount"
    api.post(f"/write-offs/{out['id']}/submit")
    empty = api.post(f"/write-offs/{out['id']}/reject", {"reason": " "})
    assert empty.status_code == 422
    rejected = api.post(f"/write-offs/{out['id']}/reject", {"reason": "写错了"}).json()
    assert rejected["status"] == "rejected"
    changed = api.put(f"/write-offs/{out['id']}", body(books, "12.00", lines=[{**lines[0], "amount": "12.00"}]))
    assert changed.status_code == 200 and changed.json()["status"] == "draft"
    api.post(f"/write-offs/{out['id']}/submit")
    api.post(f"/write-offs/{out['id']}/approve", {})
    assert books.open(second) == D("58.00") and books.open(first) == D("35.00")
    again = api.put(f"/write-offs/{out['id']}", body(books, "1.00"))
    assert again.status_code == 409 and again.json()["code"] == "write_off_not_editable"


def test_errors_write_nothing(api, api_for, books, owed, make_user):
    before = (WriteOff.objects.count(), PartnerEntry.objects.count())
    too_much = api.post("/write-offs", body(books, "105.01"))
    assert too_much.status_code == 422 and too_much.json()["code"] == "write_off_exceeds_open"
    line = [{"item_id": books.item(owed[0]).pk, "amount": "36.00"}]
    over = api.post("/write-offs", body(books, "36.00", lines=line))
    assert over.status_code == 422 and over.json()["code"] == "over_allocated"
    no_reason = api.post("/write-offs", body(books, reason=""))
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["data"]["errors"]
    assert api.get("/write-offs/999999").status_code == 404
    viewer = api_for(make_user("viewer", "warehouse"))
    assert viewer.post("/write-offs", body(books)).status_code == 403
    assert (WriteOff.objects.count(), PartnerEntry.objects.count()) == before
