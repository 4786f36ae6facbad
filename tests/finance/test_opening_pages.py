"""期初建账 pages and API: upload → preview (rows, problems by row, totals) → confirm; the template; who may."""

from __future__ import annotations

import io
from decimal import Decimal as D
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from jxc.core.models import ImportBatch
from jxc.finance.models import CashAccount
from jxc.inventory.services.periods import stock_period_close
from jxc.partners.models import PartnerBalance
from tests.conftest import Api
from tests.finance.test_opening import (
    DAY,
    full_book,
    stock_rows,
    stock_value,
    written,
)
from tests.finance.test_opening import setup as setup

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _upload(content: bytes, day: str = DAY.isoformat()) -> dict[str, Any]:
    return {"date": day, "file": SimpleUploadedFile("opening.xlsx", content, content_type=XLSX)}


def _api(api: Api, content: bytes, *, dry_run: bool | None = None, day: str = DAY.isoformat()) -> Any:
    query = "" if dry_run is None else f"?dry_run={'true' if dry_run else 'false'}"
    return api.client.post(f"/api/v1/opening-balances{query}", _upload(content, day))


def test_upload_preview_confirm_imports_the_file(setup: Any, english: Any) -> None:
    web = _client(setup.owner)
    page = web.get("/finance/opening/")
    assert page.status_code == 200 and 'id="opening-upload"' in page.content.decode()
    preview = web.post("/finance/opening/", _upload(full_book()))
    assert preview.status_code == 200
    text = preview.content.decode()
    assert (
        'id="opening-rows-stock"' in text and 'id="opening-rows-partners"' in text and 'id="opening-rows-cash"' in text
    )
    totals = text[text.index('id="opening-totals-stock"') :]
    assert "351.51" in totals[: totals.index("</table>")] and "agrees" in totals[: totals.index("</table>")]
    assert 'id="opening-import"' in text and written()["moves"] == 0
    batch = ImportBatch.objects.get(kind="opening_balances")
    done = web.post("/finance/opening/import/", {"batch": batch.pk, "date": DAY.isoformat()})
    assert done.status_code == 302 and done["Location"] == "/finance/opening/"
    assert stock_value() == (D(155), D("351.51"))
    assert CashAccount.objects.get(code="YH").balance == D("25000.50")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    message = web.get("/finance/opening/").content.decode()
    assert "Opening balances imported" in message and "351.51" in message
    again = web.post("/finance/opening/import/", {"batch": batch.pk, "date": DAY.isoformat()})
    assert again.status_code == 404  # a batch imports once


def test_preview_highlights_row_errors_and_offers_no_import(setup: Any, english: Any) -> None:
    rows = stock_rows()
    rows[2][0] = "GHOST"  # row 3
    response = _client(setup.owner).post("/finance/opening/", _upload(full_book(stock=rows)))
    assert response.status_code == 422
    text = response.content.decode()
    errors = text[text.index('id="opening-errors-stock"') :]
    errors = errors[: errors.index("</table>")]
    assert 'data-row="3"' in errors and "Unknown SKU “GHOST”." in errors
    rows_table = text[text.index('id="opening-rows-stock"') :]
    assert '<tr data-row="3" class="row-error"' in rows_table
    assert 'id="opening-import"' not in text and 'id="opening-nothing"' in text
    assert not ImportBatch.objects.exists() and written()["moves"] == 0


def test_a_closed_month_shows_next_to_the_date(setup: Any, english: Any) -> None:
    stock_period_close(actor=setup.owner, month=DAY.replace(month=10))
    response = _client(setup.owner).post("/finance/opening/", _upload(full_book(), day="2026-10-20"))
    assert response.status_code == 422
    assert "closed period" in response.content.decode()


def test_a_refused_import_shows_the_preview_again(setup: Any, english: Any) -> None:
    web = _client(setup.owner)
    web.post("/finance/opening/", _upload(full_book()))
    batch = ImportBatch.objects.get()
    stock_period_close(actor=setup.owner, month=DAY.replace(month=10))  # closed between the check and the import
    response = web.post("/finance/opening/import/", {"batch": batch.pk, "date": "2026-10-31"})
    assert response.status_code == 422 and 'id="opening-refused"' in response.content.decode()
    assert not PartnerBalance.objects.exists()


def test_template_download(setup: Any) -> None:
    response = _client(setup.owner).get("/finance/opening/template/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Notes", "Stock", "Receivables and payables", "Cash"]
    assert [c.value for c in book["Cash"][1]] == ["Cash account", "Balance"]
    assert [c.value for c in book["Cash"][2]] == ["Total", 0]


def test_only_settings_managers_may_import(setup: Any, make_user: Any) -> None:
    accountant = _client(make_user("kuaiji", "accountant"))
    assert accountant.get("/finance/opening/").status_code == 403
    assert accountant.post("/finance/opening/", _upload(full_book())).status_code == 403
    assert accountant.get("/finance/opening/template/").status_code == 403
    admin = _client(make_user("guanli", "admin"))
    assert admin.get("/finance/opening/").status_code == 200


def test_api_dry_run_then_import(setup: Any, api: Api) -> None:
    dry = _api(api, full_book(), dry_run=True)
    assert dry.status_code == 200, dry.content
    body = dry.json()
    assert body["ok"] and not body["committed"] and body["sheets"]["cash"]["totals"]["balance"] == "26000.50"
    assert written()["moves"] == 0
    done = _api(api, full_book(), dry_run=False)
    assert done.status_code == 200, done.content
    assert done.json()["committed"] and len(done.json()["documents"]) == 2
    assert stock_value() == (D(155), D("351.51"))


def test_api_errors_carry_the_rows(setup: Any, api: Api, api_for: Any, make_user: Any) -> None:
    rows = stock_rows()
    rows[2][0] = "GHOST"
    content = full_book(stock=rows)
    dry = _api(api, content).json()
    assert not dry["ok"] and dry["errors"][0]["row"] == 3 and dry["errors"][0]["sheet"] == "库存"
    refused = _api(api, content, dry_run=False)
    assert refused.status_code == 422
    error = refused.json()
    assert error["code"] == "validation_error" and error["data"]["rows"][0]["row"] == 3
    mismatch = stock_rows()
    mismatch[-1][5] = 150
    refused = _api(api, full_book(stock=mismatch), dry_run=False)
    assert refused.status_code == 422 and refused.json()["code"] == "opening_totals_mismatch"
    assert refused.json()["data"]["row"] == 6
    junk = _api(api, b"junk")
    assert junk.status_code == 422 and junk.json()["code"] == "import_refused"
    stock_period_close(actor=setup.owner, month=DAY.replace(month=10))
    closed = _api(api, full_book(), dry_run=False, day="2026-10-15")
    assert closed.status_code == 409 and closed.json()["code"] == "closed_period"
    accountant = api_for(make_user("kuaiji", "accountant"))
    assert _api(accountant, content).status_code == 403
    assert written()["moves"] == 0
    template = api.get("/opening-balances/template")
    assert template.status_code == 200 and template["Content-Type"] == XLSX
