"""Excel export and import of products: real .xlsx files, a dry run that writes nothing, all or nothing."""

import io
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook, load_workbook

from jxc.accounts.models import AuditEntry
from jxc.catalog.imports import IMPORTS
from jxc.catalog.models import Brand, Category, Product
from jxc.core.imports import import_run
from jxc.core.models import ImportBatch
from tests.helpers import big_xlsx, xlsx

HEADER_ZH = ["商品编码", "名称", "规格", "分类", "品牌", "基本单位", "辅助单位", "条码", "进价", "零售价"]


def _upload(content: bytes, name: str = "products.xlsx"):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def _state() -> tuple[int, int, int, int]:
    return Product.objects.count(), Category.objects.count(), Brand.objects.count(), AuditEntry.objects.count()


def test_export_then_import_the_same_file_changes_nothing(web, owner, make_product):
    make_product(sku="A1", name="康师傅红烧牛肉面", spec="105g")
    make_product(
        sku="A2", name="农夫山泉", max_stock=Decimal("123456789012.123456"), purchase_price=Decimal("0.104167")
    )
    exported = web.get("/catalog/products/", {"export": "xlsx"})
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["商品编码", "名称", "规格"] and "进价" in header
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["A1"]["辅助单位"] == "箱=24"
    before = _state()
    report = import_run(spec=IMPORTS["products"], content=exported.content, actor=owner, commit=True)
    assert report.ok and report.updated == 2 and report.created == 0
    assert _state() == before  # nothing changed, so nothing was audited either
    assert Product.objects.get(sku="A2").max_stock == Decimal("123456789012.123456")
    assert Product.objects.get(sku="A2").purchase_price == Decimal("0.104167")


def test_import_new_products_with_units_barcodes_and_new_category_and_brand(owner, units):
    content = xlsx(
        *[
            HEADER_ZH,
            [
                "KSF-105",
                "康师傅红烧牛肉面",
                "105g",
                "方便面/袋面",
                "康师傅",
                "包",
                "箱=24",
                "6920152400012; 16920152400019@箱",
                2.35,
                3.5,
            ],
            ["NFSQ-550", "农夫山泉饮用天然水", "550ml", "饮料", "农夫山泉", "包", "", "6921168509256", "0.95", "2"],
        ]
    )
    dry = import_run(spec=IMPORTS["products"], content=content, actor=owner, commit=False)
    assert dry.ok and dry.created == 2 and not dry.committed
    assert Product.objects.count() == 0 and Category.objects.count() == 0  # the dry run wrote nothing
    report = import_run(spec=IMPORTS["products"], content=content, actor=owner, commit=True)
    assert report.committed and report.created == 2
    noodle = Product.objects.get(sku="KSF-105")
    assert noodle.category.name == "袋面" and noodle.category.parent.name == "方便面"
    assert noodle.brand.name == "康师傅" and noodle.mnemonic == "KSFHSNRM"
    assert noodle.units.get().factor == 24 and noodle.barcodes.get(code="16920152400019").unit == units["箱"]
    assert noodle.purchase_price == Decimal("2.35")


def test_every_bad_row_is_listed_and_nothing_is_written(owner, units, make_product):
    taken = make_product(sku="TAKEN").barcodes.first().code
    content = xlsx(
        *[
            HEADER_ZH,
            ["OK-1", "好商品", "", "", "", "包", "", "", "1", "2"],
            ["BAD-1", "", "", "", "", "包", "", "", "1", "2"],
            ["BAD-2", "坏单位", "", "", "", "吨", "", "", "1", "2"],
            ["BAD-3", "坏价格", "", "", "", "包", "", "", "abc", "2"],
            ["BAD-4", "坏换算", "", "", "", "包", "箱=0", "", "1", "2"],
            ["BAD-5", "重复条码", "", "", "", "包", "", taken, "1", "2"],
            ["ok-1", "文件里重复", "", "", "", "包", "", "", "1", "2"],
            ["BAD-6", "太多小数", "", "", "", "包", "", "", "1.1234567", "2"],
        ]
    )
    before = _state()
    with translation.override("en"):
        report = import_run(spec=IMPORTS["products"], content=content, actor=owner, commit=True)
    assert not report.committed
    by_row = {(e.row, e.column): e.message for e in report.errors}
    assert (3, "Name") in by_row
    assert (4, "Base unit") in by_row and "吨" in by_row[(4, "Base unit")]
    assert (5, "Purchase price") in by_row and "not a number" in by_row[(5, "Purchase price")]
    assert (6, "Alternate units") in by_row and "greater than zero" in by_row[(6, "Alternate units")]
    assert (7, "Barcodes") in by_row and "TAKEN" in by_row[(7, "Barcodes")]
    assert (8, "SKU") in by_row and "row 2" in by_row[(8, "SKU")]
    assert (9, "Purchase price") in by_row
    assert _state() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"sku,name\nA1,x\n", "not an Excel .xlsx file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old .xls workbook"),
        (b"PK\x03\x04broken zip", "not an Excel .xlsx file"),
        (xlsx(), "The sheet is empty"),
        (xlsx(["商品编码", "名称", "基本单位"]), "no data rows"),
        (xlsx(["货号", "名称"], ["A1", "x"]), "unknown columns: 货号"),
        (xlsx(["名称", "规格"], ["x", "y"]), "missing columns: SKU, Base unit"),
    ],
)
def test_a_file_that_cannot_be_imported_gets_one_clear_message(owner, content, message):
    before = _state()
    with translation.override("en"):
        report = import_run(spec=IMPORTS["products"], content=content, actor=owner, commit=True)
    assert message.replace(", ", "、") in report.fatal or message in report.fatal
    assert _state() == before


@override_settings(JXC_IMPORT_MAX_ROWS=20000)
def test_a_file_with_100k_rows_is_refused_before_any_row_is_applied(owner):
    content = big_xlsx(["商品编码", "名称", "基本单位"], 100_000, lambda n: [f"S{n}", "商品", "包"])
    before = _state()
    with translation.override("en"):
        report = import_run(spec=IMPORTS["products"], content=content, actor=owner, commit=True)
    assert "100,000 data rows" in report.fatal and "20,000" in report.fatal
    assert _state() == before


def test_the_upload_preview_commit_pages(web, units):
    good = xlsx(["商品编码", "名称", "基本单位"], ["A1", "可口可乐", "包"], ["A2", "雪碧", "包"])
    preview = web.post("/catalog/products/import/", {"file": _upload(good)})
    assert preview.status_code == 200
    assert Product.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert 'name="batch"' in preview.content.decode()
    done = web.post("/catalog/products/import/", {"batch": batch.pk})
    assert done.status_code == 302
    assert Product.objects.count() == 2
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    # a committed batch cannot be committed again
    assert web.post("/catalog/products/import/", {"batch": batch.pk}).status_code == 404


def test_the_preview_page_lists_bad_rows(web, units):
    bad = xlsx(["商品编码", "名称", "基本单位"], ["A1", "", "包"])
    response = web.post("/catalog/products/import/", {"file": _upload(bad)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="import-errors"' in page and "This column is required." in page
    assert not ImportBatch.objects.exists() and not Product.objects.exists()


def test_the_template_has_the_import_header(web):
    response = web.get("/catalog/products/import/", {"template": "1"})
    header = [c.value for c in load_workbook(io.BytesIO(response.content)).active[1]]
    assert header[:3] == ["商品编码", "名称", "规格"] and "助记码" not in header


def test_the_api_import_checks_then_commits(api, units):
    content = xlsx(["SKU", "Name", "Base unit"], ["A1", "可口可乐", "包"])
    dry = api.post("/products/import", {"file": _upload(content)}, format="multipart")
    assert dry.status_code == 200 and dry.json()["created"] == 1 and dry.json()["committed"] is False
    assert not Product.objects.exists()
    done = api.client.post("/api/v1/products/import?dry_run=false", {"file": _upload(content)})
    assert done.status_code == 200 and done.json()["committed"] is True
    assert Product.objects.count() == 1
    refused = api.client.post("/api/v1/products/import?dry_run=false", {"file": _upload(b"not excel")})
    assert refused.status_code == 422 and refused.json()["code"] == "import_failed"


def test_the_api_export_is_an_xlsx(api, make_product):
    make_product(sku="A1")
    response = api.get("/products/export")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "A1"


@pytest.mark.parametrize(
    ("kind", "list_url"),
    [("units", "/catalog/units/"), ("brands", "/catalog/brands/"), ("categories", "/catalog/categories/")],
)
def test_every_catalog_list_exports_a_file_its_import_takes_back(web, owner, make_product, kind, list_url):
    from jxc.catalog.services.taxonomy import BrandData, CategoryData, brand_save, category_save

    make_product()
    brand_save(actor=owner, data=BrandData(name="康师傅"))
    parent = category_save(actor=owner, data=CategoryData(name="饮料"))
    category_save(actor=owner, data=CategoryData(name="碳酸饮料", parent_id=parent.pk))
    exported = web.get(list_url, {"export": "xlsx", "active": ""})
    assert exported.status_code == 200
    before = _state()
    report = import_run(spec=IMPORTS[kind], content=exported.content, actor=owner, commit=True)
    assert report.ok, report.as_dict()
    assert report.created == 0 and report.updated == report.total > 0
    assert _state() == before


@override_settings(JXC_IMPORT_MAX_ROWS=10)
def test_an_unsized_sheet_over_the_limit_is_counted_and_refused(owner, english):
    book = Workbook(write_only=True)  # write-only workbooks carry no size: the rows are counted instead
    sheet = book.create_sheet()
    sheet.append(["SKU", "Name", "Base unit"])
    for n in range(30):
        sheet.append([f"S{n}", "x", "包"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_run(spec=IMPORTS["products"], content=buffer.getvalue(), actor=owner, commit=True)
    assert "30 data rows" in report.fatal and not Product.objects.exists()
