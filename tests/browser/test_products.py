"""Products in the browser: the form with its unit and barcode rows, validation, the Excel export."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from jxc.catalog.models import Product

pytestmark = pytest.mark.browser


def test_create_a_product_with_a_box_unit_and_a_barcode(live_server, page, log_in, owner, units):
    log_in(page, "boss")
    page.goto("/catalog/products/new/")
    expect(page.locator(".page-head h1")).to_have_text("新建商品")

    page.locator("#id_sku").fill("KSF-HS-105")
    page.locator("#id_name").fill("康师傅红烧牛肉面")
    page.locator("#id_spec").fill("105g")
    page.locator("#id_base_unit").select_option(label="包")
    page.locator("#id_retail_price").fill("3.5")

    page.locator("[data-formset-add=units]").click()
    unit_row = page.locator("#units-rows tr").last
    unit_row.locator("select").select_option(label="箱")
    unit_row.locator("input[name$='-factor']").fill("24")

    page.locator("[data-formset-add=barcodes]").click()
    barcode = page.locator("#barcodes-rows tr").last.locator("input[name$='-code']")
    expect(barcode).to_be_focused()
    barcode.fill("6920152400012")

    page.locator("#product-save").click()

    expect(page).to_have_url(re.compile(r"/catalog/products/\d+/$"))
    expect(page.locator("[role=status]")).to_have_text("已保存 康师傅红烧牛肉面。")
    expect(page.locator(".page-head h1")).to_contain_text("康师傅红烧牛肉面")
    facts = page.locator("#product-facts")
    expect(facts.locator("dd").first).to_have_text("KSF-HS-105")
    expect(facts).to_contain_text("KSFHSNRM")
    units_table = page.locator("#product-units tbody")
    expect(units_table.locator("tr")).to_have_count(2)
    expect(units_table.locator("tr").nth(1)).to_have_text(re.compile(r"箱\s*24 包"))
    barcodes = page.locator("#product-barcodes tbody tr")
    expect(barcodes).to_have_count(1)
    expect(barcodes.first.locator("td").nth(0)).to_have_text("6920152400012")
    expect(barcodes.first.locator("td").nth(1)).to_have_text("包")

    product = Product.objects.get(sku="KSF-HS-105")
    assert product.retail_price == Decimal("3.5")
    assert [(u.unit.name, u.factor) for u in product.units.all()] == [("箱", Decimal(24))]


def test_a_duplicate_sku_is_shown_at_the_field_and_keeps_what_was_typed(live_server, page, log_in, owner, make_product):
    make_product("P0001", "康师傅红烧牛肉面")
    log_in(page, "boss")
    page.goto("/catalog/products/new/")

    page.locator("#id_sku").fill("P0001")
    page.locator("#id_name").fill("统一老坛酸菜牛肉面")
    page.locator("#id_base_unit").select_option(label="包")
    page.locator("#id_purchase_price").fill("2.8")
    page.locator("#id_retail_price").fill("4.5")
    page.locator("[data-formset-add=units]").click()
    page.locator("#id_units-0-unit").select_option(label="箱")
    page.locator("#id_units-0-factor").fill("12")
    page.locator("[data-formset-add=barcodes]").click()
    page.locator("#id_barcodes-0-code").fill("6925303721367")
    page.locator("#product-save").click()

    sku_field = page.locator("#field-sku")
    expect(sku_field.locator(".errorlist")).to_have_text("商品编码“P0001”已被使用。")
    expect(sku_field).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page).to_have_url(re.compile(r"/catalog/products/new/$"))
    expect(page.locator("#id_sku")).to_have_value("P0001")
    expect(page.locator("#id_name")).to_have_value("统一老坛酸菜牛肉面")
    expect(page.locator("#id_base_unit option:checked")).to_have_text("包")
    expect(page.locator("#id_purchase_price")).to_have_value("2.8")
    expect(page.locator("#id_retail_price")).to_have_value("4.5")
    expect(page.locator("#units-rows tr")).to_have_count(1)
    expect(page.locator("#id_units-0-unit option:checked")).to_have_text("箱")
    expect(page.locator("#id_units-0-factor")).to_have_value("12")
    expect(page.locator("#id_barcodes-0-code")).to_have_value("6925303721367")
    # Only the SKU is wrong: no other field shows an error.
    expect(page.locator(".errorlist")).to_have_count(1)

    # The user fixes the SKU; the added rows are still submitted and "add a unit" continues after them.
    page.locator("#id_sku").fill("TY-LTSC")
    page.locator("#product-save").click()
    expect(page).to_have_url(re.compile(r"/catalog/products/\d+/$"))
    expect(page.locator("#product-units tbody tr").nth(1)).to_have_text(re.compile(r"箱\s*12 包"))
    expect(page.locator("#product-barcodes tbody tr td").first).to_have_text("6925303721367")


def _export(page, folder):
    """Click "Export Excel", save the download like a user would, and read the workbook back."""
    with page.expect_download() as info:
        page.locator("a[data-export]").click()
    download = info.value
    name = download.suggested_filename
    assert re.fullmatch(r"products-\d{8}\.xlsx", name), name
    path = folder / f"{len(list(folder.iterdir()))}-{name}"
    download.save_as(path)
    workbook = load_workbook(path, read_only=True)
    try:
        return [list(row) for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()


def test_export_the_product_list_to_excel(live_server, new_page, log_in, owner, make_user, make_product, tmp_path):
    make_product("P0001", "康师傅红烧牛肉面")
    make_user("xiaoli", "sales")

    page = log_in(new_page(), "boss")
    page.goto("/catalog/products/")
    expect(page.locator("a[data-export]")).to_have_text("导出 Excel")
    rows = _export(page, tmp_path)
    header, *data = rows
    assert header[:3] == ["商品编码", "名称", "规格"]
    assert "进价" in header and "零售价" in header and "条码" in header
    assert len(data) == 1
    product = dict(zip(header, data[0], strict=True))
    assert product["商品编码"] == "P0001"
    assert product["名称"] == "康师傅红烧牛肉面"
    assert product["基本单位"] == "包"
    assert Decimal(str(product["进价"])) == Decimal("2.35")
    assert Decimal(str(product["零售价"])) == Decimal("3.5")

    # A salesperson may not see purchase prices: no column and no value in the file.
    sales_page = log_in(new_page(), "xiaoli")
    sales_page.goto("/catalog/products/")
    expect(sales_page.locator("#list-table thead")).not_to_contain_text("进价")
    header, *data = _export(sales_page, tmp_path)
    assert "进价" not in header
    assert header[:2] == ["商品编码", "名称"]
    assert [row[0] for row in data] == ["P0001"]
    values = [value for row in data for value in row]
    assert not any(v is not None and not isinstance(v, str) and Decimal(str(v)) == Decimal("2.35") for v in values)
    assert "2.35" not in " ".join(str(v) for v in values)


def test_export_after_filtering_exports_what_the_list_shows(live_server, page, log_in, owner, make_product, tmp_path):
    make_product("P0001", "康师傅红烧牛肉面")
    make_product("P0002", "农夫山泉550ml")
    log_in(page, "boss")
    page.goto("/catalog/products/")
    page.locator("form.toolbar input[name=q]").fill("NFSQ")
    expect(page.locator("#list-table tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"[?&]q=NFSQ\b"))

    _header, *data = _export(page, tmp_path)
    assert [row[0] for row in data] == ["P0002"]


def test_a_removed_unit_row_stays_removed_after_a_validation_error(live_server, page, log_in, owner, make_product):
    make_product("P0001", "康师傅红烧牛肉面")
    log_in(page, "boss")
    page.goto("/catalog/products/new/")
    page.locator("#id_sku").fill("P0001")
    page.locator("#id_name").fill("统一老坛酸菜牛肉面")
    page.locator("#id_base_unit").select_option(label="包")
    page.locator("[data-formset-add=units]").click()
    page.locator("#id_units-0-unit").select_option(label="箱")
    page.locator("#id_units-0-factor").fill("12")
    page.locator("[data-formset-add=units]").click()
    page.locator("#id_units-1-unit").select_option(label="瓶")
    page.locator("#id_units-1-factor").fill("2")
    rows = page.locator("#units-rows tr")
    rows.nth(1).locator("[data-formset-remove]").click()
    expect(rows.nth(1)).to_be_hidden()
    page.locator("#product-save").click()

    expect(page.locator("#field-sku .errorlist")).to_have_text("商品编码“P0001”已被使用。")
    expect(rows.nth(0)).to_be_visible()
    # Rendered by the server: nothing changes after the page has loaded, so a short wait suffices.
    expect(rows.nth(1)).to_be_hidden(timeout=1_000)
