"""Line totals and allocations: exact to the cent, half up, and the parts always add up."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from jxc.core.pricing import allocate, line_totals


def test_line_totals_without_tax():
    totals = line_totals(price=D("19.99"), quantity=D(7), tax_rate=D(9), include_tax=False)
    assert (totals.amount, totals.tax, totals.total) == (D("139.93"), D("12.59"), D("152.52"))


def test_line_totals_with_tax_included_and_a_discount():
    # 3 × 11.30 = 33.90, less 10 % = 30.51 gross; tax = 30.51 × 13 / 113 = 3.51 (3.5100…); amount 27.00
    totals = line_totals(price=D("11.30"), quantity=D(3), tax_rate=D(13), discount_pct=D(10), include_tax=True)
    assert (totals.amount, totals.tax, totals.total) == (D("27.00"), D("3.51"), D("30.51"))


def test_line_totals_round_half_up():
    # 0.125 → 0.13 (half up, not to even)
    assert line_totals(price=D("0.125"), quantity=D(1), tax_rate=D(0), include_tax=False).amount == D("0.13")
    assert line_totals(price=D("1"), quantity=D(1), tax_rate=D("12.5"), include_tax=False).tax == D("0.13")


def test_allocate_by_largest_remainder():
    assert allocate(D("25.00"), [D(100), D(50)]) == [D("16.67"), D("8.33")]
    assert allocate(D("0.02"), [D(1), D(1), D(1)]) == [D("0.01"), D("0.01"), D("0")]
    assert allocate(D("10.00"), [D(0), D(0)]) == [D("5.00"), D("5.00")]
    assert allocate(D("1.00"), [D(0), D(3)]) == [D("0"), D("1.00")]
    assert allocate(D("5.00"), []) == []


@given(
    total=st.decimals(min_value=0, max_value=10**9, places=2),
    weights=st.lists(st.decimals(min_value=0, max_value=10**6, places=6), min_size=1, max_size=30),
)
def test_allocated_parts_add_up_and_stay_within_a_cent(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    whole = sum(w for w in weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = total * weight / whole if whole else total / len(weights)
        assert abs(part - exact) < D("0.01")
        assert part == part.quantize(D("0.01"))


@given(
    price=st.decimals(min_value=0, max_value=10**6, places=6),
    quantity=st.decimals(min_value=0, max_value=10**4, places=3),
    rate=st.sampled_from([D(0), D(3), D(6), D(9), D(13)]),
    discount=st.decimals(min_value=0, max_value=100, places=2),
    include=st.booleans(),
)
def test_line_amount_and_tax_always_add_up(price, quantity, rate, discount, include):
    totals = line_totals(price=price, quantity=quantity, tax_rate=rate, discount_pct=discount, include_tax=include)
    assert totals.amount + totals.tax == totals.total
    assert all(v == v.quantize(D("0.01")) for v in (totals.amount, totals.tax, totals.total))


def test_net_base_price_restates_exactly():
    from jxc.core.pricing import net_base_price

    # 3.72 with 13 % tax per 包: 3.292035 without; stated again with tax it is 3.72 (not 3.29 × 1.13 = 3.7177).
    net = net_base_price(price=D("3.72"), factor=D(1), tax_rate=D(13), discount_pct=D(0), include_tax=True)
    assert net == D("3.292035") and (net * D("1.13")).quantize(D("0.01")) == D("3.72")
    # 48.00 a 箱 of 24 less 5 %, without tax: 1.90 per 包.
    assert net_base_price(price=D(48), factor=D(24), tax_rate=D(13), discount_pct=D(5), include_tax=False) == D("1.9")
