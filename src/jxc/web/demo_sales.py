"""Demo sales: a credit review rule, agreed prices for two customers, and orders: approved (stock reserved), one
waiting for the credit review, and a draft. Shipments are made by the shipment demo."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_CEILING, Decimal

from django.utils import timezone

from jxc.accounts.approvals import SALES_ORDER
from jxc.accounts.models import User
from jxc.accounts.services.approvals import RuleData, approval_rule_save
from jxc.catalog.models import Product
from jxc.inventory.models import StockBalance, Warehouse
from jxc.partners.models import Partner
from jxc.sales.models import SalesOrder
from jxc.sales.services.orders import SalesLineData, SalesOrderData, sales_order_create, sales_order_submit
from jxc.sales.services.prices import CustomerPriceData, customer_price_save

CENT = Decimal("0.01")


def _in_stock(main: Warehouse, at_least: int, count: int) -> list[Product]:
    """Products with at least `at_least` base units available in the warehouse, by SKU."""
    balances = StockBalance.objects.filter(warehouse=main, product__track_serials=False, product__active=True)
    balances = balances.select_related("product").order_by("product__sku")
    return [b.product for b in balances if b.on_hand - b.reserved >= at_least][:count]


def _order(
    actor: User, customer: Partner, main: Warehouse, lines: list[SalesLineData], *, days_ago: int, **header: object
) -> SalesOrder:
    today = timezone.localdate()
    data = SalesOrderData(
        customer_id=customer.pk,
        warehouse_id=main.pk,
        date=today - timedelta(days=days_ago),
        delivery_date=today + timedelta(days=2),
        lines=lines,
        **header,  # type: ignore[arg-type]
    )
    return sales_order_create(actor=actor, data=data)


def demo_sales(*, actor: User, main: Warehouse) -> int:
    """Agreed prices and sales orders in draft, waiting and approved states; returns how many orders were made."""
    approval_rule_save(
        actor=actor,
        data=RuleData(
            name="超出信用额度需财务审批",
            document_type=SALES_ORDER,
            condition="over_credit_limit",
            threshold=Decimal(0),
            role="accountant",
        ),
    )
    customers = list(Partner.objects.filter(is_customer=True, credit_limit__isnull=False).order_by("code")[:3])
    products = _in_stock(main, 48, 6)
    if len(customers) < 3 or len(products) < 4:
        return 0
    seller = User.objects.filter(username="xiaoshou").first()
    for customer, chosen in ((customers[0], products[:3]), (customers[1], products[2:5])):
        for product in chosen:
            customer_price_save(
                actor=actor,
                data=CustomerPriceData(
                    customer_id=customer.pk,
                    product_id=product.pk,
                    price=(product.wholesale_price * Decimal("0.97")).quantize(CENT),
                    notes="年度供货协议",
                ),
            )
    header = {"salesperson_id": seller.pk if seller else None}
    first = _order(
        actor, customers[0], main, [SalesLineData(p.pk, Decimal(24)) for p in products[:3]], days_ago=3, **header
    )
    second = _order(
        actor,
        customers[1],
        main,
        [SalesLineData(products[3].pk, Decimal(12))],
        days_ago=2,
        **header,
        customer_reference="WX-20261",
    )
    for order in (first, second):
        sales_order_submit(actor=actor, order=order)
    big = customers[2]
    assert big.credit_limit is not None
    price = products[0].wholesale_price or products[0].retail_price
    over = ((big.credit_limit + Decimal(500)) / price).to_integral_value(rounding=ROUND_CEILING)
    waiting = _order(
        actor, big, main, [SalesLineData(products[0].pk, over)], days_ago=1, notes="春节备货，超出额度", **header
    )
    sales_order_submit(actor=actor, order=waiting)  # over the credit limit: waits for the accountant
    _order(actor, customers[0], main, [SalesLineData(products[1].pk, Decimal(6))], days_ago=0, **header)
    return 4
