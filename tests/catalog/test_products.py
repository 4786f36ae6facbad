"""Product services: create, change, deactivate; units, barcodes and mnemonic; every bad input writes nothing."""

from decimal import Decimal

import pytest

from jxc.accounts.models import AuditEntry
from jxc.catalog.errors import UnitNotOfProduct
from jxc.catalog.models import Barcode, Product, ProductUnit
from jxc.catalog.selectors import product_find_by_code, product_list, unit_factor
from jxc.catalog.services.products import (
    BarcodeLine,
    ProductData,
    UnitLine,
    product_create,
    product_data_of,
    product_set_active,
    product_update,
)
from jxc.core.errors import Duplicate, ValidationFailed


def _counts() -> tuple[int, int, int, int]:
    return Product.objects.count(), ProductUnit.objects.count(), Barcode.objects.count(), AuditEntry.objects.count()


def _data(unit_map, **fields) -> ProductData:
    data = ProductData(sku="KSF-105", name="康师傅红烧牛肉面", spec="105g", base_unit_id=unit_map["包"].pk)
    for key, value in fields.items():
        setattr(data, key, value)
    return data


def test_create_a_product_with_a_box_unit_and_barcodes(owner, units):
    data = _data(
        units,
        purchase_price=Decimal("2.35"),
        retail_price=Decimal("3.5"),
        units=[UnitLine(units["箱"].pk, Decimal("24"))],
        barcodes=[BarcodeLine("6920152400012"), BarcodeLine("16920152400019", units["箱"].pk)],
    )
    product = product_create(actor=owner, data=data)
    product.refresh_from_db()
    assert product.mnemonic == "KSFHSNRM"
    assert product.purchase_price == Decimal("2.35")
    assert unit_factor(product=product, unit_id=units["箱"].pk) == Decimal(24)
    hit = product_find_by_code(code="16920152400019")
    assert hit is not None and hit.product == product and hit.unit == units["箱"] and hit.factor == 24
    base_hit = product_find_by_code(code="6920152400012")
    assert base_hit is not None and base_hit.unit == units["包"] and base_hit.factor == 1
    assert product_find_by_code(code="ksf-105").product == product  # SKU, any case


def test_search_by_name_sku_barcode_and_pinyin_initials(make_product):
    noodle = make_product(sku="N1", name="康师傅红烧牛肉面")
    make_product(sku="W1", name="农夫山泉饮用天然水")
    assert list(product_list(q="KSF")) == [noodle]
    assert list(product_list(q="ksfhs")) == [noodle]
    assert list(product_list(q="红烧")) == [noodle]
    assert list(product_list(q="n1")) == [noodle]
    assert list(product_list(q=noodle.barcodes.first().code)) == [noodle]


@pytest.mark.parametrize(
    ("fields", "error_key"),
    [
        ({"sku": ""}, "sku"),
        ({"sku": "A B"}, "sku"),
        ({"name": "  "}, "name"),
        ({"retail_price": Decimal("-1")}, "retail_price"),
        ({"tax_rate": Decimal("100")}, "tax_rate"),
        ({"min_stock": Decimal("10"), "max_stock": Decimal("5")}, "max_stock"),
        ({"shelf_life_days": 0}, "shelf_life_days"),
        ({"base_unit_id": 999999}, "base_unit_id"),
        ({"category_id": 999999}, "category_id"),
    ],
)
def test_invalid_fields_are_refused_and_nothing_is_written(owner, units, fields, error_key):
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        product_create(actor=owner, data=_data(units, **fields))
    assert error_key in caught.value.errors
    assert caught.value.status == 422
    assert _counts() == before


@pytest.mark.parametrize(
    ("factor", "message"),
    [
        (Decimal("0"), "greater than zero"),
        (Decimal("-24"), "greater than zero"),
        (Decimal("0.3333333"), "exact"),
        (Decimal("2.5"), "whole number"),
    ],
)
def test_bad_conversion_factors_are_refused(owner, units, factor, message, english):
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        product_create(actor=owner, data=_data(units, units=[UnitLine(units["箱"].pk, factor)]))
    assert message in caught.value.errors["units.0.factor"][0]
    assert _counts() == before


def test_a_fractional_factor_is_fine_for_a_unit_counted_in_decimals(owner, units):
    data = _data(units, base_unit_id=units["kg"].pk, units=[UnitLine(units["箱"].pk, Decimal("2.5"))])
    product = product_create(actor=owner, data=data)
    assert product.units.get().factor == Decimal("2.5")


def test_the_base_unit_cannot_be_an_alternate_unit_too(owner, units):
    with pytest.raises(ValidationFailed) as caught:
        product_create(actor=owner, data=_data(units, units=[UnitLine(units["包"].pk, Decimal(1))]))
    assert "units.0.unit_id" in caught.value.errors


def test_a_unit_listed_twice_is_refused(owner, units):
    lines = [UnitLine(units["箱"].pk, Decimal(24)), UnitLine(units["箱"].pk, Decimal(12))]
    with pytest.raises(ValidationFailed) as caught:
        product_create(actor=owner, data=_data(units, units=lines))
    assert "units.1.unit_id" in caught.value.errors


def test_a_barcode_unit_must_belong_to_the_product(owner, units):
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        product_create(actor=owner, data=_data(units, barcodes=[BarcodeLine("6920152400012", units["瓶"].pk)]))
    assert "barcodes.0.unit_id" in caught.value.errors
    assert _counts() == before


def test_duplicate_sku_is_refused_case_insensitively(owner, units, make_product):
    make_product(sku="KSF-105")
    before = _counts()
    with pytest.raises(Duplicate) as caught:
        product_create(actor=owner, data=_data(units, sku="ksf-105"))
    assert caught.value.field == "sku" and caught.value.status == 409 and caught.value.code == "duplicate"
    assert _counts() == before


def test_a_barcode_used_by_another_product_is_refused(owner, units, make_product, english):
    other = make_product(sku="OTHER")
    taken = other.barcodes.first().code
    before = _counts()
    with pytest.raises(Duplicate) as caught:
        product_create(actor=owner, data=_data(units, barcodes=[BarcodeLine("6999999999999"), BarcodeLine(taken)]))
    assert caught.value.field == "barcodes.1.code"
    assert "OTHER" in caught.value.text
    assert _counts() == before


def test_a_barcode_listed_twice_is_refused(owner, units):
    with pytest.raises(ValidationFailed) as caught:
        product_create(actor=owner, data=_data(units, barcodes=[BarcodeLine("123"), BarcodeLine("123")]))
    assert "barcodes.1.code" in caught.value.errors


def test_change_units_and_barcodes(owner, units, make_product):
    product = make_product()
    data = product_data_of(product)
    data.units = [UnitLine(units["箱"].pk, Decimal(12))]
    data.barcodes = [BarcodeLine("NEW-CODE")]
    product_update(actor=owner, product=product, data=data)
    assert [(u.unit_id, u.factor) for u in product.units.all()] == [(units["箱"].pk, Decimal(12))]
    assert [(b.code, b.unit_id) for b in product.barcodes.all()] == [("NEW-CODE", units["包"].pk)]
    change = AuditEntry.objects.filter(action="product.changed").get()
    assert change.before["units"] == [[units["箱"].pk, "24.000000"]]
    assert change.after["units"] == [[units["箱"].pk, "12.000000"]]


def test_a_change_without_a_purchase_price_keeps_the_stored_one(owner, make_product):
    product = make_product(purchase_price=Decimal("7.654321"))
    data = product_data_of(product)
    data.purchase_price = None
    data.retail_price = Decimal("9.9")
    product_update(actor=owner, product=product, data=data)
    product.refresh_from_db()
    assert product.purchase_price == Decimal("7.654321")
    assert product.retail_price == Decimal("9.9")


def test_deactivate_and_activate(owner, make_product):
    product = make_product()
    product_set_active(actor=owner, product=product, active=False)
    assert list(product_list()) == []
    assert list(product_list(active=None)) == [product]
    product_set_active(actor=owner, product=product, active=False)  # again: nothing more happens
    assert AuditEntry.objects.filter(action="product.deactivated").count() == 1
    product_set_active(actor=owner, product=product, active=True)
    assert list(product_list()) == [product]


def test_unit_factor_of_a_unit_the_product_lacks(units, make_product):
    product = make_product()
    with pytest.raises(UnitNotOfProduct):
        unit_factor(product=product, unit_id=units["瓶"].pk)
