"""Demo purchasing: an approval rule, and orders in every state with receipts, an inspection and a return."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from jxc.accounts.approvals import PURCHASE_ORDER
from jxc.accounts.models import User
from jxc.accounts.services.approvals import RuleData, approval_rule_save
from jxc.catalog.models import Product
from jxc.inventory.models import Warehouse
from jxc.partners.models import Partner
from jxc.purchasing.models import PurchaseOrder
from jxc.purchasing.services.orders import (
    OrderData,
    OrderLineData,
    purchase_order_approve,
    purchase_order_create,
    purchase_order_submit,
)
from jxc.purchasing.services.receipts import (
    ReceiptData,
    ReceiptLineData,
    purchase_receipt_create,
    purchase_receipt_post,
)
from jxc.purchasing.services.returns import ReturnData, ReturnLineData, purchase_return_create, purchase_return_post
from jxc.purchasing.services.terms import TermData, supplier_term_save

# Top-level category → the demo supplier (by code) that supplies it.
SUPPLIER_OF = {"方便面": "S0001", "饮料": "S0002", "日化": "S0003", "粮油": "S0004", "零食": "S0007"}


def _products(category: str, count: int) -> list[Product]:
    found = Product.objects.filter(category__parent__name=category) | Product.objects.filter(category__name=category)
    return list(found.filter(track_serials=False).prefetch_related("units__unit").order_by("sku"))[:count]


def _lot(product: Product, received_on: date) -> dict[str, object]:
    """Batch and dates for a lot-tracked product received on a day (made ten days before)."""
    if not product.track_lots:
        return {}
    made = received_on - timedelta(days=10)
    return {"batch_no": f"P{made:%y%m%d}", "production_date": made}


def _boxes(product: Product, boxes: int, *, price_factor: str = "1") -> OrderLineData:
    box = next((u for u in product.units.all() if u.unit.name == "箱"), None)
    factor = box.factor if box else Decimal(1)
    return OrderLineData(
        product_id=product.pk,
        unit_id=box.unit_id if box else None,
        quantity=Decimal(boxes),
        price=(product.purchase_price * factor * Decimal(price_factor)).quantize(Decimal("0.01")),
    )


def _order(
    actor: User,
    supplier: Partner,
    warehouse: Warehouse,
    days_ago: int,
    lines: list[OrderLineData],
    *,
    expected_in: int,
    freight: Decimal = Decimal(0),
    notes: str = "",
) -> PurchaseOrder:
    """A draft order dated `days_ago`, expected `expected_in` days from today (negative: in the past)."""
    today = timezone.localdate()
    data = OrderData(
        supplier_id=supplier.pk,
        warehouse_id=warehouse.pk,
        date=today - timedelta(days=days_ago),
        expected_date=today + timedelta(days=expected_in),
        prices_include_tax=False,
        freight=freight,
        notes=notes,
        lines=lines,
    )
    return purchase_order_create(actor=actor, data=data)


def _approved(actor: User, order: PurchaseOrder) -> PurchaseOrder:
    if not purchase_order_submit(actor=actor, order=order).approved:
        purchase_order_approve(actor=actor, order=order, comment="同意采购")
    order.refresh_from_db()
    return order


def _terms(actor: User, suppliers: dict[str, Partner], since: date) -> None:
    """Every product gets its category's supplier as the preferred one, bought by the box at the purchase price."""
    products = Product.objects.select_related("category__parent").prefetch_related("units__unit").order_by("sku")
    for product in products:
        category = product.category.parent or product.category if product.category else None
        code = SUPPLIER_OF.get(category.name if category else "")
        if code is None:
            continue
        supplier = suppliers[code]
        box = next((u for u in product.units.all() if u.unit.name == "箱"), None)
        supplier_term_save(
            actor=actor,
            data=TermData(
                supplier_id=supplier.pk,
                product_id=product.pk,
                supplier_sku=f"{code}-{product.sku}",
                unit_id=box.unit_id if box else None,
                last_price=product.purchase_price,
                last_price_date=since,
                lead_time_days=supplier.lead_time_days,
                preferred=True,
            ),
        )


def demo_purchasing(*, actor: User, main: Warehouse) -> int:
    """Orders done, partly received (with goods rejected and returned), overdue, waiting and draft; documents made."""
    today = timezone.localdate()
    approval_rule_save(
        actor=actor,
        data=RuleData(
            name="大额采购需老板审批",
            document_type=PURCHASE_ORDER,
            condition="total_above",
            threshold=Decimal(20000),
            role="owner",
        ),
    )
    approval_rule_save(
        actor=actor,
        data=RuleData(
            name="进价上涨超过 5% 需财务审批",
            document_type=PURCHASE_ORDER,
            condition="price_above_last",
            threshold=Decimal(5),
            role="accountant",
        ),
    )
    suppliers = {p.code: p for p in Partner.objects.filter(code__in=SUPPLIER_OF.values())}
    _terms(actor, suppliers, today - timedelta(days=30))
    noodles, drinks, snacks = _products("方便面", 3), _products("饮料", 3), _products("零食", 2)
    made = 0

    done = _approved(
        actor,
        _order(
            actor,
            suppliers["S0001"],
            main,
            12,
            [_boxes(p, 10) for p in noodles],
            expected_in=-9,
        ),
    )
    receipt = purchase_receipt_create(
        actor=actor,
        data=ReceiptData(
            supplier_id=done.supplier_id,
            warehouse_id=main.pk,
            date=today - timedelta(days=9),
            freight=Decimal("60.00"),
            supplier_reference="SH-2611-0087",
            lines=[
                ReceiptLineData(
                    product_id=ln.product_id,
                    order_line_id=ln.pk,
                    received_quantity=ln.unit_quantity,
                    **_lot(ln.product, today - timedelta(days=9)),  # type: ignore[arg-type]
                )
                for ln in done.lines.select_related("product")
            ],
        ),
    )
    purchase_receipt_post(actor=actor, receipt=receipt)
    made += 2

    partial = _approved(
        actor,
        _order(
            actor,
            suppliers["S0002"],
            main,
            8,
            [_boxes(p, 20) for p in drinks],
            expected_in=-4,
            freight=Decimal("80.00"),
        ),
    )
    lines = list(partial.lines.all())
    inspected = purchase_receipt_post(
        actor=actor,
        receipt=purchase_receipt_create(
            actor=actor,
            data=ReceiptData(
                supplier_id=partial.supplier_id,
                warehouse_id=main.pk,
                date=today - timedelta(days=4),
                freight=Decimal("80.00"),
                allocation="quantity",
                lines=[
                    ReceiptLineData(
                        product_id=lines[0].product_id,
                        order_line_id=lines[0].pk,
                        received_quantity=Decimal(12),
                        rejected_quantity=Decimal(2),
                        reject_reason="外箱压坏漏液",
                        **_lot(lines[0].product, today - timedelta(days=4)),  # type: ignore[arg-type]
                    ),
                    ReceiptLineData(
                        product_id=lines[1].product_id,
                        order_line_id=lines[1].pk,
                        received_quantity=Decimal(20),
                        **_lot(lines[1].product, today - timedelta(days=4)),  # type: ignore[arg-type]
                    ),
                ],
            ),
        ),
    )
    rejected = inspected.lines.get(rejected_quantity__gt=0)
    purchase_return_post(
        actor=actor,
        purchase_return=purchase_return_create(
            actor=actor,
            data=ReturnData(
                supplier_id=inspected.supplier_id,
                warehouse_id=main.pk,
                receipt_id=inspected.pk,
                date=today - timedelta(days=3),
                reason="验收不合格退回",
                lines=[
                    ReturnLineData(
                        product_id=rejected.product_id,
                        receipt_line_id=rejected.pk,
                        quantity=rejected.rejected_quantity,
                        rejected=True,
                    )
                ],
            ),
        ),
    )
    made += 3

    _approved(
        actor,
        _order(actor, suppliers["S0007"], main, 6, [_boxes(p, 8) for p in snacks], expected_in=-2),
    )
    waiting = _order(
        actor,
        suppliers["S0002"],
        main,
        1,
        [_boxes(p, 300) for p in drinks],
        expected_in=5,
        notes="春节备货",
    )
    purchase_order_submit(actor=actor, order=waiting)
    _order(
        actor,
        suppliers["S0001"],
        main,
        0,
        [_boxes(noodles[0], 15, price_factor="1.08")],
        expected_in=3,
    )
    return made + 3
