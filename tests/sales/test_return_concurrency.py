"""Sales returns at the same moment on PostgreSQL: never more back than was shipped, the cost exact to the cent."""

from decimal import Decimal as D

import pytest

from jxc.core.invariants import invariants_check
from jxc.inventory.models import CostState, StockBalance
from jxc.partners.models import PartnerBalance
from jxc.sales.errors import ReturnExceedsShipment
from jxc.sales.models import SalesReturn, SalesShipmentLine
from jxc.sales.services.returns import sales_return_post
from tests.helpers import run_together
from tests.sales.conftest import ship
from tests.sales.test_returns import back, give_back, shipped

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_returns_at_once_never_return_more_than_shipped(sell, make_product):
    """10 包 shipped (cost 10.00, receivable 30.00); six drafts returning 4 each race: two post, for 8."""
    noodles = make_product(name="方便面")
    sell.stock(noodles, 10, "1.00")
    shipment = shipped(sell, ship(noodles, 10, "3.00"))
    source = shipment.lines.get()
    drafts = [give_back(sell, back(noodles, 4, source), shipment=shipment, post=False) for _ in range(6)]
    results, errors = run_together(6, lambda i: sales_return_post(actor=sell.owner, sales_return=drafts[i]))
    assert len(results) == 2 and len(errors) == 4, errors[:2]
    assert all(isinstance(e, ReturnExceedsShipment) for e in errors), errors[:2]
    assert SalesShipmentLine.objects.get(pk=source.pk).returned_quantity == D(8)
    assert StockBalance.objects.get(product=noodles).on_hand == D(8)
    assert CostState.objects.get(product=noodles).value == D("8.00")
    assert SalesReturn.objects.filter(status="posted").count() == 2
    assert PartnerBalance.objects.get(partner=sell.customer).receivable == D("30.00") - D("24.00")
    assert invariants_check()[1] == []


def test_the_last_units_of_a_line_returned_at_once_bring_back_exactly_its_cost(sell, make_product):
    """3 包 worth 10.00 shipped; three returns of one each race: whichever posts last takes the rest, 3.34."""
    cups = make_product(name="杯面")
    sell.stock(cups, 1, "3.00")
    sell.stock(cups, 2, "3.50")
    shipment = shipped(sell, ship(cups, 3, "5.00"))
    source = shipment.lines.get()
    drafts = [give_back(sell, back(cups, 1, source), shipment=shipment, post=False) for _ in range(3)]
    results, errors = run_together(3, lambda i: sales_return_post(actor=sell.owner, sales_return=drafts[i]))
    assert errors == [] and sorted(r.cost for r in results) == [D("3.33"), D("3.33"), D("3.34")]
    assert CostState.objects.get(product=cups).value == D("10.00")
    assert invariants_check()[1] == []
