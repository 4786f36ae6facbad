"""Demo shipments: the approved demo orders shipped (one in full and delivered, one in part and late on the way),
a direct shipment held up by a delivery exception, counter sales paid in cash and by WeChat, and a return."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.utils import timezone

from jxc.accounts.models import User
from jxc.inventory.models import StockBalance, Warehouse
from jxc.partners.models import Partner
from jxc.sales.choices import DeliveryStatus, OrderStatus, PaymentMethod
from jxc.sales.models import SalesOrder, SalesShipment
from jxc.sales.services.counter import CounterLineData, CounterSaleData, counter_sale_post
from jxc.sales.services.returns import SalesReturnData, SalesReturnLineData, sales_return_create, sales_return_post
from jxc.sales.services.shipments import ShipmentData, ShipmentLineData, sales_shipment_create, sales_shipment_post
from jxc.sales.services.tracking import tracking_event_add


def _ship_order(
    actor: User, order: SalesOrder, *, share: Decimal, days_ago: int, tracking_no: str, **post: Any
) -> SalesShipment:
    """Ship a share of each line of an order (whole units), with the carrier and tracking number."""
    today = timezone.localdate()
    lines = []
    for ln in order.lines.all():
        quantity = (ln.unit_quantity * share).to_integral_value(rounding=ROUND_FLOOR)
        if quantity > 0:
            lines.append(
                ShipmentLineData(product_id=ln.product_id, quantity=quantity, unit_id=ln.unit_id, order_line_id=ln.pk)
            )
    data = ShipmentData(
        customer_id=order.customer_id,
        warehouse_id=order.warehouse_id,
        date=today - timedelta(days=days_ago),
        lines=lines,
    )
    shipment = sales_shipment_create(actor=actor, data=data)
    return sales_shipment_post(actor=actor, shipment=shipment, carrier="顺丰速运", tracking_no=tracking_no, **post)


def demo_shipments(*, actor: User, main: Warehouse, shop: Warehouse | None) -> int:
    """Shipments, tracking events, counter sales and a return; returns how many documents were made."""
    now, today = timezone.now(), timezone.localdate()
    orders = list(SalesOrder.objects.filter(status=OrderStatus.APPROVED, warehouse=main).order_by("pk"))
    made = 0
    if orders:
        full = _ship_order(
            actor, orders[0], share=Decimal(1), days_ago=2, tracking_no="SF1402236615", expected_delivery=today
        )
        tracking_event_add(
            actor=actor,
            shipment=full,
            status=DeliveryStatus.IN_TRANSIT,
            occurred_at=now - timedelta(days=1),
            place="杭州转运中心",
        )
        tracking_event_add(
            actor=actor,
            shipment=full,
            status=DeliveryStatus.DELIVERED,
            occurred_at=now - timedelta(hours=3),
            place="城东路 8 号",
            description="本人签收",
        )
        line = full.lines.order_by("pk").first()
        assert line is not None
        returned = sales_return_create(
            actor=actor,
            data=SalesReturnData(
                customer_id=full.customer_id,
                warehouse_id=main.pk,
                date=today,
                shipment_id=full.pk,
                reason="外包装破损",
                lines=[
                    SalesReturnLineData(
                        product_id=line.product_id,
                        quantity=Decimal(1),
                        unit_id=line.product.base_unit_id,
                        shipment_line_id=line.pk,
                    )
                ],
            ),
        )
        sales_return_post(actor=actor, sales_return=returned)
        made += 2
    if len(orders) > 1:
        part = _ship_order(
            actor,
            orders[1],
            share=Decimal("0.5"),
            days_ago=4,
            tracking_no="ZT7300018842",
            expected_delivery=today - timedelta(days=1),
        )
        tracking_event_add(
            actor=actor,
            shipment=part,
            status=DeliveryStatus.IN_TRANSIT,
            occurred_at=now - timedelta(days=3),
            place="义乌分拨中心",
        )
        made += 1
    stocked = (
        StockBalance.objects.filter(
            warehouse=shop or main,
            on_hand__gte=10,
            product__track_serials=False,
            product__track_lots=False,
            product__active=True,
        )
        .select_related("product")
        .order_by("product__sku")
    )
    products = [b.product for b in stocked if b.on_hand - b.reserved >= 10][:3]
    customer = Partner.objects.filter(is_customer=True, active=True).order_by("-code").first()
    if products and customer is not None:
        direct = sales_shipment_create(
            actor=actor,
            data=ShipmentData(
                customer_id=customer.pk,
                warehouse_id=(shop or main).pk,
                date=today - timedelta(days=1),
                lines=[ShipmentLineData(product_id=products[0].pk, quantity=Decimal(2))],
            ),
        )
        sales_shipment_post(actor=actor, shipment=direct, carrier="中通快递", tracking_no="ZT7300020017")
        tracking_event_add(
            actor=actor,
            shipment=direct,
            status=DeliveryStatus.EXCEPTION,
            occurred_at=now - timedelta(hours=5),
            description="收件地址不详，等待联系客户",
        )
        for method, quantity in ((PaymentMethod.CASH, 1), (PaymentMethod.WECHAT, 2)):
            counter_sale_post(
                actor=actor,
                data=CounterSaleData(
                    warehouse_id=(shop or main).pk,
                    payment_method=method,
                    cash_given=Decimal(100) if method == PaymentMethod.CASH else None,
                    lines=[CounterLineData(product_id=p.pk, quantity=Decimal(quantity)) for p in products],
                ),
            )
        made += 3
    return made
