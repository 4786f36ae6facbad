"""`jxc seed-large`: a small history seeded in-process must satisfy every ledger invariant, be what was asked,
be the same for the same seed, refuse a ledger that has moves, and leave ids and sequences so that real postings
through the services work afterwards."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F, Min, Sum
from django.utils import timezone

from jxc.accounts.models import User
from jxc.bench import large
from jxc.bench.large_bulk import _plain_indexes
from jxc.bench.large_history import history_tables
from jxc.core.invariants import invariants_check
from jxc.finance.models import CashEntry, Payment
from jxc.finance.services.payments import PaymentData, payment_post
from jxc.inventory.choices import PeriodStatus
from jxc.inventory.models import CostState, StockBalance, StockMove, StockPeriod, StockPosting, StockQuant, Warehouse
from jxc.partners.models import Allocation, OpenItem, Partner, PartnerEntry
from jxc.purchasing.choices import RECEIPT_SOURCE
from jxc.purchasing.models import PurchaseReceipt, PurchaseReceiptLine
from jxc.purchasing.services.receipts import (
    ReceiptData,
    ReceiptLineData,
    purchase_receipt_create,
    purchase_receipt_post,
)
from jxc.sales.choices import SHIPMENT_SOURCE
from jxc.sales.models import SalesShipment, SalesShipmentLine
from jxc.sales.services.shipment_lines import ShipmentLineData
from jxc.sales.services.shipments import (
    ShipmentData,
    sales_shipment_create,
    sales_shipment_post,
    sales_shipment_reverse,
)

SMALL: dict[str, Any] = {"moves": 3000, "products": 30, "customers": 8, "suppliers": 3}
TIMING = ("seconds", "phases", "moves_per_second", "history_moves_per_second", "peak_memory_mb")


@pytest.fixture
def seeded(db: Any) -> dict[str, Any]:
    return large.seed(**SMALL, seed=7)


def _owner() -> User:
    return User.objects.get(username="owner")


def test_seed_large_fills_an_empty_ledger_that_passes_the_check(seeded: dict[str, Any]) -> None:
    # given a small seeded history
    # then every invariant holds and the foreign keys are whole
    _ran, violations = invariants_check()
    assert [str(v) for v in violations] == []
    connection.check_constraints()
    # and the counts are as asked
    assert StockMove.objects.count() == seeded["moves"] == 3000
    assert Partner.objects.filter(is_customer=True).count() == 8
    assert Partner.objects.filter(is_supplier=True).count() == 3
    assert Warehouse.objects.count() == 3
    assert seeded["master_data"] == {"products": 30, "customers": 8, "suppliers": 3, "warehouses": 3, "locations": 12}
    documents = seeded["documents"]
    assert PurchaseReceipt.objects.filter(status="posted").count() == documents["purchase_receipts"] > 0
    assert SalesShipment.objects.filter(status="posted").count() == documents["sales_shipments"] > 0
    assert documents["purchase_receipt_lines"] + documents["sales_shipment_lines"] == 3000
    assert Payment.objects.filter(direction="in").count() == seeded["payments"]["receipts_of_payment"] > 0
    assert Payment.objects.filter(direction="out").count() == seeded["payments"]["payments"] > 0
    # and stock never went negative, anywhere, at any time
    assert StockMove.objects.aggregate(m=Min("scope_quantity"))["m"] >= 0
    assert StockQuant.objects.filter(on_hand__lt=0).count() == 0
    assert StockBalance.objects.filter(on_hand__lt=0).count() == 0
    assert CostState.objects.filter(value__lt=0).count() == 0


def test_seed_large_writes_what_the_posting_services_write(seeded: dict[str, Any]) -> None:
    # every document has its posting, one move per line, and its partner-ledger entry with an open item
    shipment = SalesShipment.objects.order_by("pk").first()
    assert shipment is not None
    posting = StockPosting.objects.get(source_type=SHIPMENT_SOURCE, source_id=shipment.pk, phase="post")
    assert posting.source_number == shipment.number
    lines = list(SalesShipmentLine.objects.filter(shipment=shipment))
    moves = {m.line_id: m for m in StockMove.objects.filter(posting=posting)}
    assert sorted(moves) == sorted(line.pk for line in lines)
    for line in lines:
        move = moves[line.pk]
        assert (move.kind, move.quantity, move.value, move.product_id) == (
            "shipment",
            -line.quantity,
            -line.cost,
            line.product_id,
        )
        assert line.amount + line.tax == line.total
    assert shipment.cost == sum((line.cost for line in lines), Decimal(0))
    assert shipment.total == sum((line.total for line in lines), Decimal(0))
    entry = PartnerEntry.objects.get(source_type=SHIPMENT_SOURCE, source_id=shipment.pk, phase="post")
    assert (entry.partner_id, entry.amount, entry.account) == (shipment.customer_id, shipment.total, "receivable")
    assert OpenItem.objects.filter(entry=entry).exists()
    receipt = PurchaseReceipt.objects.order_by("pk").first()
    assert receipt is not None
    posting = StockPosting.objects.get(source_type=RECEIPT_SOURCE, source_id=receipt.pk, phase="post")
    value = StockMove.objects.filter(posting=posting).aggregate(v=Sum("value"))["v"]
    assert value == PurchaseReceiptLine.objects.filter(receipt=receipt).aggregate(v=Sum("cost"))["v"] == receipt.amount
    # payments settle documents: some paid, some part-paid, some open; each payment fully allocated
    items = OpenItem.objects.filter(amount__gt=0)
    assert items.filter(open=0).exists()
    assert items.filter(open__gt=0, open__lt=F("amount")).exists()
    assert items.filter(open=F("amount")).exists()
    payment = Payment.objects.order_by("pk").first()
    assert payment is not None
    allocated = Allocation.objects.filter(source_id=payment.pk, source_type="finance.payment").aggregate(
        a=Sum("amount")
    )
    assert allocated["a"] == payment.amount
    assert CashEntry.objects.filter(source_type="finance.payment", source_id=payment.pk).count() == 1
    # and every month before this one is closed
    this_month = timezone.localdate().replace(day=1)
    assert StockPeriod.objects.filter(status=PeriodStatus.CLOSED).count() == seeded["date_range"]["periods_closed"]
    assert not StockPeriod.objects.filter(status=PeriodStatus.CLOSED, end__gte=this_month).exists()


def test_seed_large_is_the_same_for_the_same_seed(db: Any) -> None:
    # given the same options and seed, twice on an empty ledger
    summaries = []
    for _ in range(2):
        with transaction.atomic():
            summaries.append(large.seed(**SMALL, seed=11))
            transaction.set_rollback(True)
    # then everything but timings (and the product's id, which a database sequence hands out) is the same
    for summary in summaries:
        for key in TIMING:
            summary.pop(key)
        summary["busiest_product"].pop("id")
    assert summaries[0] == summaries[1]
    assert summaries[0]["busiest_product"]["moves"] > 3000 / 30


def test_seed_large_refuses_a_ledger_that_has_moves(seeded: dict[str, Any]) -> None:
    moves = StockMove.objects.count()
    with pytest.raises(large.SeedRefused):
        large.seed(**SMALL)
    with pytest.raises(CommandError, match="stock moves"):
        call_command("seed_large", "--moves", "3k", "--products", "30")
    assert StockMove.objects.count() == moves


def test_seed_large_leaves_ids_so_real_postings_work(seeded: dict[str, Any]) -> None:
    # given a seeded history and the owner
    owner = _owner()
    today = timezone.localdate()
    customer = Partner.objects.filter(is_customer=True).order_by("pk").first()
    supplier = Partner.objects.filter(is_supplier=True).order_by("pk").first()
    balance = StockBalance.objects.filter(on_hand__gt=2).order_by("pk").first()
    assert customer is not None and supplier is not None and balance is not None
    last_move = StockMove.objects.order_by("-pk").values_list("pk", flat=True).first()
    # when a receipt, a shipment and a payment are posted through the services
    receipt = purchase_receipt_create(
        actor=owner,
        data=ReceiptData(
            supplier_id=supplier.pk,
            warehouse_id=balance.warehouse_id,
            date=today,
            lines=[ReceiptLineData(product_id=balance.product_id, received_quantity=Decimal(5), price=Decimal("3.20"))],
        ),
    )
    purchase_receipt_post(actor=owner, receipt=receipt)
    shipment = sales_shipment_create(
        actor=owner,
        data=ShipmentData(
            customer_id=customer.pk,
            warehouse_id=balance.warehouse_id,
            date=today,
            lines=[ShipmentLineData(product_id=balance.product_id, quantity=Decimal(2))],
        ),
    )
    sales_shipment_post(actor=owner, shipment=shipment)
    payment = payment_post(
        actor=owner, data=PaymentData(direction="in", partner_id=customer.pk, amount=Decimal("10.00"), date=today)
    )
    # and a seeded shipment nobody paid yet is reversed (红冲)
    unpaid = OpenItem.objects.filter(
        entry__source_type=SHIPMENT_SOURCE, amount__gt=0, open=F("amount"), reversed=False
    ).first()
    assert unpaid is not None
    original = SalesShipment.objects.get(pk=unpaid.entry.source_id)
    sales_shipment_reverse(actor=owner, shipment=original)
    # then the new rows come after the seeded ones and every invariant still holds
    assert (
        StockMove.objects.filter(pk__gt=last_move).count()
        >= 2 + StockMove.objects.filter(posting__source_id=original.pk, posting__source_type=SHIPMENT_SOURCE).count()
    )
    assert payment.number.startswith("SK")
    _ran, violations = invariants_check()
    assert [str(v) for v in violations] == []


def test_seed_large_rebuilds_the_indexes_it_loads_without(db: Any) -> None:
    tables = [t.name for t in history_tables().values()]
    before = sorted(_plain_indexes(tables))
    large.seed(moves=1500, products=20, customers=5, suppliers=2, warehouses=2, years=1, rebuild_indexes=True)
    assert sorted(_plain_indexes(tables)) == before
    _ran, violations = invariants_check()
    assert [str(v) for v in violations] == []
    connection.check_constraints()


@pytest.mark.parametrize(
    ("text", "count"), [("3000", 3000), ("10k", 10_000), ("1m", 1_000_000), ("2.5M", 2_500_000), ("10_000", 10_000)]
)
def test_parse_count_reads_counts_as_people_write_them(text: str, count: int) -> None:
    assert large.parse_count(text) == count


@pytest.mark.parametrize("text", ["", "ten", "-5", "0", "1x"])
def test_parse_count_refuses_what_is_not_a_count(text: str) -> None:
    with pytest.raises(ValueError):
        large.parse_count(text)
