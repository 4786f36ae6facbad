"""Receipts and returns at the same moment on PostgreSQL: never over-receive an order, never over-return."""

from decimal import Decimal as D

import pytest

from jxc.core.invariants import invariants_check
from jxc.inventory.models import StockBalance
from jxc.purchasing.errors import OverReceipt, ReturnExceedsReceipt
from jxc.purchasing.models import PurchaseOrderLine, PurchaseReceiptLine
from jxc.purchasing.services.receipts import ReceiptLineData, purchase_receipt_post
from jxc.purchasing.services.returns import ReturnLineData, purchase_return_post
from tests.helpers import run_together
from tests.purchasing.conftest import line

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_receipts_of_three_against_an_order_of_ten_never_over_receive(buy, make_product):
    noodles = make_product()
    order = buy.approved_order(line(noodles, 10, "2.00"))
    drafts = [buy.receive(*buy.against(order, l1=3), post=False) for _ in range(10)]
    results, errors = run_together(10, lambda i: purchase_receipt_post(actor=buy.owner, receipt=drafts[i]))
    assert len(results) == 3 and len(errors) == 7
    assert all(isinstance(e, OverReceipt) for e in errors), errors[:2]
    assert PurchaseOrderLine.objects.get(order=order).received_quantity == D(9)
    assert StockBalance.objects.get(product=noodles).on_hand == D(9)
    assert invariants_check()[1] == []


def test_returns_at_once_never_return_more_than_received(buy, make_product):
    noodles = make_product()
    receipt = buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(10), price=D(2)))
    source = receipt.lines.get()
    drafts = [
        buy.give_back(
            ReturnLineData(product_id=noodles.pk, quantity=D(4), receipt_line_id=source.pk), receipt=receipt, post=False
        )
        for _ in range(6)
    ]
    results, errors = run_together(6, lambda i: purchase_return_post(actor=buy.owner, purchase_return=drafts[i]))
    assert len(results) == 2 and all(isinstance(e, ReturnExceedsReceipt) for e in errors), errors[:2]
    assert PurchaseReceiptLine.objects.get(pk=source.pk).returned_quantity == D(8)
    assert StockBalance.objects.get(product=noodles).on_hand == D(2)
    assert invariants_check()[1] == []
