"""Approving many orders for the same last units at once on PostgreSQL: reservation never oversells."""

from decimal import Decimal as D

import pytest

from jxc.core.invariants import invariants_check
from jxc.inventory.errors import InsufficientStock
from jxc.inventory.models import StockBalance
from jxc.sales.services.orders import sales_order_submit
from tests.helpers import run_together
from tests.sales.conftest import sale

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_thirty_orders_for_the_last_ten_units(sell, make_product, owner):
    noodles = make_product(name="方便面")
    sell.stock(noodles, 10, "2.00")
    orders = [sell.order(sale(noodles, 1, "3")) for _ in range(30)]
    results, errors = run_together(30, lambda i: sales_order_submit(actor=owner, order=orders[i]))
    assert len(results) == 10 and all(r.approved for r in results)
    assert len(errors) == 20 and all(isinstance(e, InsufficientStock) for e in errors), errors[:2]
    balance = StockBalance.objects.get(product=noodles)
    assert balance.reserved == D(10) == balance.on_hand
    assert sum(1 for o in orders if type(o).objects.get(pk=o.pk).status == "approved") == 10
    assert invariants_check()[1] == []


def test_twenty_shipments_and_counter_sales_for_the_last_eight_units(sell, make_product, owner, warehouse):
    from jxc.partners.models import PartnerBalance
    from jxc.sales.models import SalesShipment
    from jxc.sales.services.counter import CounterLineData, CounterSaleData, counter_sale_post
    from jxc.sales.services.shipments import sales_shipment_post
    from tests.sales.conftest import ship

    noodles = make_product(name="方便面")
    sell.stock(noodles, 8, "2.00")
    order = sell.order(sale(noodles, 3, "3"))
    sales_order_submit(actor=owner, order=order)  # 3 reserved for the order, 5 free
    drafts = [sell.shipment(ship(noodles, 1, "3")) for _ in range(10)]
    ordered = sell.shipment(ship(noodles, 3, order_line_id=order.lines.get().pk))

    def act(i):
        if i < 10:
            return sales_shipment_post(actor=owner, shipment=drafts[i])
        if i == 10:
            return sales_shipment_post(actor=owner, shipment=ordered)
        data = CounterSaleData(warehouse.pk, "cash", lines=[CounterLineData(noodles.pk, D(1))], cash_given=D(5))
        return counter_sale_post(actor=owner, data=data)

    results, errors = run_together(20, act)
    assert ordered.pk in {r.pk for r in results}  # the order's reserved units are never taken by others
    assert len(results) == 6 and len(errors) == 14, errors[:2]
    assert all(isinstance(e, InsufficientStock) for e in errors), errors[:2]
    balance = StockBalance.objects.get(product=noodles)
    assert (balance.on_hand, balance.reserved) == (D(0), D(0))
    assert SalesShipment.objects.filter(status="posted").count() == 6
    assert PartnerBalance.objects.get(partner=sell.customer).receivable == sum(
        (r.total for r in results if r.channel != "counter"), D(0)
    )
    assert invariants_check()[1] == []
