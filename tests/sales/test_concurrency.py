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
