"""Customer classes (RFM) on a scripted history computed by hand, with the boundaries of every rule; reversed
shipments and returns; the reasons; the refresh that records only what changed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from jxc.accounts.models import AuditEntry
from jxc.partners.models import Partner
from jxc.sales.selectors.customers import (
    ClassRules,
    customer_classes,
    customer_classes_filtered,
    customer_classes_sorted,
    customer_history,
    customer_history_summary,
    customer_rfm,
)
from jxc.sales.services.customers import customer_classes_refresh
from jxc.sales.services.returns import (
    SalesReturnData,
    SalesReturnLineData,
    sales_return_create,
    sales_return_post,
    sales_return_reverse,
)
from jxc.sales.services.shipments import (
    ShipmentData,
    sales_shipment_create,
    sales_shipment_post,
    sales_shipment_reverse,
)
from tests.conftest import audit_count
from tests.sales.conftest import ship

ON = timezone.localdate()


def ago(days: int) -> Any:
    return ON - timedelta(days=days)


class History:
    """Sales to several customers on days counted back from today, prices without tax (amount = quantity × price)."""

    def __init__(self, sell: Any, make_partner: Any, product: Any) -> None:
        self.sell, self.make_partner, self.product = sell, make_partner, product

    def customer(self, name: str, code: str) -> Partner:
        return self.make_partner(name, code=code)

    def buy(self, customer: Partner, days: int, amount: str, *, product: Any = None, quantity: int = 1) -> Any:
        price = D(amount) / quantity
        data = ShipmentData(
            customer_id=customer.pk,
            warehouse_id=self.sell.warehouse.pk,
            date=ago(days),
            prices_include_tax=False,
            lines=[ship(product or self.product, quantity, price)],
        )
        shipment = sales_shipment_create(actor=self.sell.owner, data=data)
        return sales_shipment_post(actor=self.sell.owner, shipment=shipment)

    def give_back(self, shipment: Any, days: int, quantity: int = 1) -> Any:
        line = shipment.lines.get()
        data = SalesReturnData(
            customer_id=shipment.customer_id,
            warehouse_id=shipment.warehouse_id,
            date=ago(days),
            shipment_id=shipment.pk,
            lines=[SalesReturnLineData(product_id=line.product_id, quantity=D(quantity), shipment_line_id=line.pk)],
        )
        sales_return = sales_return_create(actor=self.sell.owner, data=data)
        return sales_return_post(actor=self.sell.owner, sales_return=sales_return)


@pytest.fixture
def noodles(make_product: Any) -> Any:
    return make_product(sku="KSF", name="方便面", tax_rate=D(13))


@pytest.fixture
def water(make_product: Any) -> Any:
    return make_product(sku="WAT", name="矿泉水", tax_rate=D(13))


@pytest.fixture
def history(sell: Any, make_partner: Any, noodles: Any) -> dict[str, Any]:
    """Nine customers; amounts without tax; "n ago" = n days before today.

    new89     89 ago 100, 10 ago 100                    first 89 < 90: new                  2 ×    200.00
    old90     90 ago 100                                first 90: not new; last 90: regular 1 ×    100.00
    dormant   400 ago 5,000, 180 ago 100                last 180 ≥ 180: dormant             1 ×    100.00
    alive     365 ago 9,999 (outside), 179 ago 100      last 179: regular                   1 ×    100.00
    key6      364, 300, 200, 100, 50, 12 ago × 2,000    6 purchases, rank 2 of 8: key       6 × 12,000.00
    small7    300, 250, 200, 150, 100, 50, 10 ago × 50  7 purchases, rank 4: regular        7 ×    350.00
    big5      250, 200, 150, 100, 30 ago × 3,000        rank 1 but 5 purchases: regular     5 × 15,000.00
    rev       200, 150, 100, 80, 60, 40, 20 ago × 1,000; the one of 20 ago reversed; 1,000 of 40 ago's returned
              5 ago, a return of 60 ago's posted and reversed: 6 purchases, 6,000 − 1,000, rank 3: regular
    nothing   no purchase: new

    Ranked (bought in the last 365 days): 8 customers → the top 20 % is ceil(1.6) = 2 places.
    """
    h = History(sell, make_partner, noodles)
    sell.stock(noodles, 1000, "1.00")
    c = {
        code: h.customer(name, code)
        for code, name in [
            ("new89", "新开超市"),
            ("old90", "老街便利店"),
            ("dormant", "沉睡商行"),
            ("alive", "城西小卖部"),
            ("key6", "重点批发部"),
            ("small7", "社区小店"),
            ("big5", "大宗采购公司"),
            ("rev", "退货商贸"),
            ("nothing", "意向客户"),
        ]
    }
    h.buy(c["new89"], 89, "100")
    h.buy(c["new89"], 10, "100")
    h.buy(c["old90"], 90, "100")
    h.buy(c["dormant"], 400, "5000")
    h.buy(c["dormant"], 180, "100")
    h.buy(c["alive"], 365, "9999")
    h.buy(c["alive"], 179, "100")
    for days in (364, 300, 200, 100, 50, 12):
        h.buy(c["key6"], days, "2000")
    for days in (300, 250, 200, 150, 100, 50, 10):
        h.buy(c["small7"], days, "50")
    for days in (250, 200, 150, 100, 30):
        h.buy(c["big5"], days, "3000")
    shipments = {days: h.buy(c["rev"], days, "1000") for days in (200, 150, 100, 80, 60, 40, 20)}
    sales_shipment_reverse(actor=sell.owner, shipment=shipments[20])
    h.give_back(shipments[40], 5)
    reversed_return = h.give_back(shipments[60], 3)
    sales_return_reverse(actor=sell.owner, sales_return=reversed_return)
    return {"customers": c, "h": h, "shipments": shipments}


def by_code(results: Any) -> dict[str, Any]:
    return {r.customer.code: r for r in results}


def test_every_class_matches_the_hand_computed_figures(history: dict[str, Any]) -> None:
    results = by_code(customer_classes(on=ON))
    expected = {
        # code: (class, recency, frequency, value, rank)
        "new89": ("new", 10, 2, D("200.00"), 5),
        "old90": ("regular", 90, 1, D("100.00"), 6),
        "dormant": ("dormant", 180, 1, D("100.00"), 6),
        "alive": ("regular", 179, 1, D("100.00"), 6),
        "key6": ("key", 12, 6, D("12000.00"), 2),
        "small7": ("regular", 10, 7, D("350.00"), 4),
        "big5": ("regular", 30, 5, D("15000.00"), 1),
        "rev": ("regular", 40, 6, D("5000.00"), 3),
        "nothing": ("new", None, 0, D(0), None),
    }
    got = {
        code: (r.customer_class, r.recency, r.frequency, r.value, r.rank)
        for code, r in results.items()
        if code in expected
    }
    assert got == expected
    assert {r.ranked for r in results.values()} == {8}
    assert results["new89"].first_days == 89 and results["old90"].first_days == 90


def test_the_window_and_the_boundaries(history: dict[str, Any]) -> None:
    c = history["customers"]
    # 365 days ago is outside the window: alive's 9,999 counts neither as a purchase nor as value, only as the first
    alive = customer_rfm(customer=c["alive"], on=ON)
    assert (alive.first_date, alive.frequency, alive.value) == (ago(365), 1, D("100.00"))
    # 364 days ago is inside: key6's first sale counts
    assert customer_rfm(customer=c["key6"], on=ON).frequency == 6
    # the day before, everything is one day more recent: old90 was new (first 89 days before), alive not dormant yet
    yesterday = by_code(customer_classes(on=ON - timedelta(days=1)))
    assert yesterday["old90"].customer_class == "new"
    assert yesterday["dormant"].customer_class == "regular" and yesterday["dormant"].recency == 179
    # a day later, alive has not bought for 180 days: dormant
    tomorrow = by_code(customer_classes(on=ON + timedelta(days=1)))
    assert tomorrow["alive"].customer_class == "dormant" and tomorrow["new89"].customer_class == "regular"


def test_reversed_shipments_and_returns_are_not_purchases(history: dict[str, Any]) -> None:
    rev = customer_rfm(customer=history["customers"]["rev"], on=ON)
    # the shipment of 20 days ago was reversed: neither it nor its reversal (dated today) count
    assert rev.last_date == ago(40) and rev.frequency == 6
    # the posted return takes 1,000 off; the reversed return and its reversal take nothing
    assert rev.value == D("5000.00")
    lines = customer_history(customer=history["customers"]["rev"])
    assert [ln.shipment.date for ln in lines] == [ago(d) for d in (40, 60, 80, 100, 150, 200)]


def test_the_rules_can_be_changed(history: dict[str, Any]) -> None:
    lenient = ClassRules(key_top_pct=D(30), key_min_frequency=5)  # top ceil(2.4) = 3 of 8 with 5 purchases
    results = by_code(customer_classes(on=ON, rules=lenient))
    assert [code for code, r in results.items() if r.customer_class == "key"] == ["big5", "key6", "rev"]
    with pytest.raises(ValueError):
        ClassRules(dormant_days=400)  # dormant needs a longer silence than the window: refused


def test_a_return_can_take_a_customer_out_of_the_top(history: dict[str, Any]) -> None:
    h, c = history["h"], history["customers"]
    # rev buys 8,000 more today: 13,000 passes key6 (12,000) and rank 2 makes rev key
    late = h.buy(c["rev"], 0, "8000", quantity=8)
    assert customer_rfm(customer=c["rev"], on=ON).customer_class == "key"
    # 2 of the 8 come back (2,000): 11,000 is below key6 again, rank 3: regular
    h.give_back(late, 0, quantity=2)
    rev = customer_rfm(customer=c["rev"], on=ON)
    assert (rev.value, rev.rank, rev.frequency, rev.customer_class) == (D("11000.00"), 3, 7, "regular")


def test_each_class_gives_its_reason(history: dict[str, Any], english: Any) -> None:
    results = by_code(customer_classes(on=ON))
    assert results["key6"].reason == (
        "Last purchase 12 days ago; 6 purchases and ¥12,000.00 in the last 365 days; rank 2 of 8. "
        "Top 20 % by value with at least 6 purchases."
    )
    assert results["big5"].reason == (
        "Last purchase 30 days ago; 5 purchases and ¥15,000.00 in the last 365 days; rank 1 of 8. "
        "Key customers: top 20 % by value and at least 6 purchases."
    )
    assert results["new89"].reason == "First purchase 89 days ago (new for 90 days); 2 purchases, ¥200.00."
    assert results["dormant"].reason == (
        f"No purchase for 180 days (dormant from 180 days); the last on {ago(180).isoformat()}."
    )
    assert results["nothing"].reason == "No purchase yet."
    assert all(len(r.reason) <= 200 for r in results.values())


def test_the_classes_cost_the_same_queries_for_any_number_of_customers(
    history: dict[str, Any], make_partner: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):  # customers, shipments grouped by customer, returns grouped by customer
        results = customer_classes(on=ON)
    for n in range(5):
        make_partner(f"客户{n}")
    with django_assert_num_queries(3):
        assert len(customer_classes(on=ON)) == len(results) + 5
    with django_assert_num_queries(2):  # one customer: no customers query
        customer_rfm(customer=history["customers"]["key6"], on=ON)


def test_filter_and_sort(history: dict[str, Any]) -> None:
    results = customer_classes(on=ON)
    regular = customer_classes_filtered(results, customer_class="regular")
    assert sorted(r.customer.code for r in regular) == ["alive", "big5", "old90", "rev", "small7"]
    assert [r.customer.code for r in customer_classes_filtered(results, q="重点")] == ["key6"]
    ordered, sort = customer_classes_sorted(results, "-value")
    assert sort == "-value" and [r.customer.code for r in ordered[:3]] == ["big5", "key6", "rev"]
    assert customer_classes_sorted(results, "nonsense")[1] == "code"


def test_history_and_summary_per_product(history: dict[str, Any], water: Any) -> None:
    h, c = history["h"], history["customers"]
    h.sell.stock(water, 100, "0.50")
    h.buy(c["new89"], 5, "24", product=water, quantity=12)  # 12 at 2.00
    h.buy(c["new89"], 2, "30", product=water, quantity=10)  # 10 at 3.00: the last price
    lines = customer_history(customer=c["new89"])
    assert [(ln.shipment.date, ln.product.sku, ln.quantity, ln.amount) for ln in lines] == [
        (ago(2), "WAT", D(10), D("30.00")),
        (ago(5), "WAT", D(12), D("24.00")),
        (ago(10), "KSF", D(1), D("100.00")),
        (ago(89), "KSF", D(1), D("100.00")),
    ]
    assert lines[0].profit == D("25.00")  # 30.00 − 10 × 0.50
    assert [ln.product.sku for ln in customer_history(customer=c["new89"], q="矿泉")] == ["WAT", "WAT"]
    assert len(customer_history(customer=c["new89"], date_from=ago(5), date_to=ago(3))) == 1

    summary = {s.product.sku: s for s in customer_history_summary(customer=c["new89"])}
    water_row = summary["WAT"]
    assert (water_row.quantity, water_row.amount, water_row.profit) == (D(22), D("54.00"), D("43.00"))
    assert (water_row.last_date, water_row.last_price, water_row.last_unit) == (ago(2), D("3.000000"), "包")
    assert summary["KSF"].amount == D("200.00") and summary["KSF"].last_date == ago(10)

    rev = {s.product.sku: s for s in customer_history_summary(customer=c["rev"])}["KSF"]
    # 6 sold (6,000), 1 returned for good (1,000 at the cost of 1.00): net 5 and 5,000, profit 5,994 − 999
    assert (rev.quantity, rev.returned, rev.net_quantity, rev.amount) == (D(6), D(1), D(5), D("5000.00"))
    assert rev.profit == D("4995.00")


def test_refresh_records_the_classes_once_and_then_only_what_changes(
    history: dict[str, Any], owner: Any, english: Any
) -> None:
    c = history["customers"]
    before = audit_count()
    first = customer_classes_refresh(actor=owner, on=ON)
    # ten customers (the fixture's own has not bought) never classified: every one is recorded once
    assert (first.customers, first.changed) == (10, 10)
    assert first.classes == {"dormant": 1, "key": 1, "new": 3, "regular": 5}
    assert first.moves == {"new→dormant": 1, "new→key": 1, "new→new": 3, "new→regular": 5}
    key6 = Partner.objects.get(pk=c["key6"].pk)
    assert (key6.customer_class, key6.customer_class_at) == ("key", ON)
    assert "12" in key6.customer_class_reason and "¥12,000.00" in key6.customer_class_reason
    assert audit_count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "partner.customer_classes_refreshed" and entry.after["changed"] == 10

    Partner.objects.filter(pk=c["old90"].pk).update(customer_class_reason="kept")
    again = customer_classes_refresh(actor=owner, on=ON)
    assert again.changed == 0 and again.moves == {} and audit_count() == before + 2
    assert Partner.objects.get(pk=c["old90"].pk).customer_class_reason == "kept"  # unchanged rows are not written

    history["h"].buy(c["big5"], 1, "3000")  # a sixth purchase: big5 (18,000, rank 1) becomes key; key6 stays
    changed = customer_classes_refresh(actor=owner, on=ON)
    assert (changed.changed, changed.moves) == (1, {"regular→key": 1})
    big5 = Partner.objects.get(pk=c["big5"].pk)
    assert (big5.customer_class, big5.customer_class_at) == ("key", ON) and "rank 1 of 8" in big5.customer_class_reason
    assert Partner.objects.get(pk=c["old90"].pk).customer_class_reason == "kept"
    assert AuditEntry.objects.order_by("-seq").first().after["moves"] == {"regular→key": 1}


def test_the_command_classifies(history: dict[str, Any], capsys: Any) -> None:
    call_command("classify_customers", "--on", ON.isoformat())
    out = capsys.readouterr().out
    assert "Classified 10 customers" in out and "10 changed" in out
    assert Partner.objects.get(pk=history["customers"]["dormant"].pk).customer_class == "dormant"
    call_command("classify_customers")
    assert "0 changed" in capsys.readouterr().out
