"""Exact quantities and money on both databases: large values and sums read back to the last digit."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from jxc.catalog.models import Product
from jxc.core.numbers import round_money
from jxc.partners.models import Partner

BIG_MONEY = Decimal("9999999999.99")
BIG_QUANTITY = Decimal("123456789012.123456")


def test_money_and_quantity_read_back_exactly(make_product, make_partner):
    # given a product and a partner holding the largest values of the issue
    product = make_product(min_stock=Decimal("0.000001"), max_stock=BIG_QUANTITY, purchase_price=BIG_MONEY)
    partner = make_partner(credit_limit=BIG_MONEY)
    # when they are read back from the database
    product = Product.objects.get(pk=product.pk)
    partner = Partner.objects.get(pk=partner.pk)
    # then every digit is there
    assert product.max_stock == BIG_QUANTITY
    assert str(product.max_stock) == "123456789012.123456"
    assert product.min_stock == Decimal("0.000001")
    assert product.purchase_price == BIG_MONEY
    assert partner.credit_limit == BIG_MONEY
    assert str(partner.credit_limit) == "9999999999.99"


def test_sums_are_exact(make_product):
    for _ in range(3):
        make_product(max_stock=BIG_QUANTITY, purchase_price=Decimal("0.000001"))
    totals = Product.objects.aggregate(q=Sum("max_stock"), p=Sum("purchase_price"))
    assert totals["q"] == BIG_QUANTITY * 3
    assert str(totals["q"]) == "370370367036.370368"
    assert totals["p"] == Decimal("0.000003")


def test_filters_compare_exact_values(make_product):
    make_product(max_stock=Decimal("10.000001"))
    make_product(max_stock=Decimal("10"))
    assert Product.objects.filter(max_stock__gt=Decimal("10")).count() == 1
    assert Product.objects.filter(max_stock=Decimal("10.000000")).count() == 1


def test_a_value_with_too_many_places_is_refused_not_rounded(make_product):
    product = make_product()
    product.max_stock = Decimal("1.0000001")
    with pytest.raises(ValidationError), transaction.atomic():
        product.save()
    product.refresh_from_db()
    assert product.max_stock is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3.335", "3.34"), ("3.334", "3.33"), ("-3.335", "-3.34"), ("0.005", "0.01"), ("2.675", "2.68"), ("10", "10.00")],
)
def test_money_rounds_half_up(value, expected):
    assert round_money(Decimal(value)) == Decimal(expected)
    assert str(round_money(Decimal(value))) == expected
