"""Counter sale: shipment, receivable and payment in one step, and nothing left behind when any step fails."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jxc.core.errors import ValidationFailed
from jxc.core.models.sequences import Sequence
from jxc.inventory.errors import InsufficientStock
from jxc.inventory.models import StockBalance, StockMove
from jxc.partners.models import Partner, PartnerBalance, PartnerEntry
from jxc.sales.choices import Channel, DeliveryStatus, PaymentMethod
from jxc.sales.errors import PaymentShort
from jxc.sales.models import SalesShipment
from jxc.sales.services.counter import CounterLineData, CounterSaleData, counter_sale_post
from tests.conftest import audit_count


@pytest.fixture
def shelf(sell, make_product):
    cola = make_product(name="可乐", retail_price=D("3.00"), wholesale_price=D("2.50"))
    chips = make_product(name="薯片", retail_price=D("6.50"))
    sell.stock(cola, 48, "1.80")
    sell.stock(chips, 5, "4.00")
    return cola, chips


def checkout(warehouse, *lines, method=PaymentMethod.CASH, **fields):
    return CounterSaleData(warehouse_id=warehouse.pk, payment_method=method, lines=list(lines), **fields)


def test_a_cash_sale_ships_and_is_paid_with_change(owner, warehouse, shelf):
    cola, chips = shelf
    shipment = counter_sale_post(
        actor=owner,
        data=checkout(
            warehouse,
            CounterLineData(cola.pk, D(2)),
            CounterLineData(chips.pk, D(1), discount_pct=D(10)),
            cash_given=D("20"),
        ),
    )
    assert shipment.channel == Channel.COUNTER and shipment.status == "posted"
    assert shipment.total == D("11.85")  # 2 × 3.00 + 6.50 − 10 % = 6.00 + 5.85
    assert (shipment.paid, shipment.cash_given, shipment.change) == (D("11.85"), D("20.00"), D("8.15"))
    assert shipment.delivery_status == DeliveryStatus.DELIVERED
    assert shipment.customer.code == "RETAIL"
    assert PartnerBalance.objects.get(partner=shipment.customer).receivable == D(0)
    assert PartnerEntry.objects.filter(partner=shipment.customer).count() == 2
    assert shipment.cost == D("7.60")  # 2 × 1.80 + 4.00


def test_the_price_level_switch_and_other_payment_methods(owner, warehouse, shelf, make_partner):
    cola, _chips = shelf
    member = make_partner("会员王女士")
    shipment = counter_sale_post(
        actor=owner,
        data=checkout(
            warehouse,
            CounterLineData(cola.pk, D(4)),
            method=PaymentMethod.WECHAT,
            customer_id=member.pk,
            price_level="wholesale",
        ),
    )
    assert shipment.total == D("10.00") and shipment.change == D(0) and shipment.payment_method == "wechat"
    assert shipment.customer == member


@pytest.mark.parametrize(
    ("lines", "fields", "error"),
    [
        ("too_many", {"cash_given": D("100")}, InsufficientStock),
        ("ok", {"cash_given": D("1")}, PaymentShort),
        ("ok", {"method": "bitcoin"}, ValidationFailed),
        ("none", {}, ValidationFailed),
    ],
)
def test_a_failure_in_any_step_leaves_nothing_behind(owner, warehouse, shelf, lines, fields, error):
    cola, chips = shelf
    chosen = {
        "too_many": [CounterLineData(cola.pk, D(2)), CounterLineData(chips.pk, D(6))],
        "ok": [CounterLineData(cola.pk, D(2))],
        "none": [],
    }[lines]
    Partner.objects.get_or_create(code="RETAIL", defaults={"name": "散客", "is_customer": True})
    before = (
        SalesShipment.objects.count(),
        StockMove.objects.count(),
        PartnerEntry.objects.count(),
        audit_count(),
        list(Sequence.objects.values_list("key", "last")),
        list(StockBalance.objects.values_list("on_hand", flat=True)),
    )
    method = fields.pop("method", PaymentMethod.CASH)
    with pytest.raises(error):
        counter_sale_post(actor=owner, data=checkout(warehouse, *chosen, method=method, **fields))
    after = (
        SalesShipment.objects.count(),
        StockMove.objects.count(),
        PartnerEntry.objects.count(),
        audit_count(),
        list(Sequence.objects.values_list("key", "last")),
        list(StockBalance.objects.values_list("on_hand", flat=True)),
    )
    assert after == before
