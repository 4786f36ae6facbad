"""Invariants of purchasing, run by `jxc check`: what orders and receipts remember equals what was posted."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Sum

from jxc.core.invariants import invariant
from jxc.purchasing.choices import PostingStatus
from jxc.purchasing.models import PurchaseOrderLine, PurchaseReceiptLine, PurchaseReturnLine

ZERO = Decimal(0)
COUNTED = (PostingStatus.POSTED, PostingStatus.REVERSED)


@invariant("purchase_order_received")
def order_lines_equal_receipts() -> Iterator[str]:
    """Received and rejected per order line = Σ over posted receipts (and their reversals) of that line."""
    sums = {
        r["order_line_id"]: (r["accepted"], r["rejected"])
        for r in PurchaseReceiptLine.objects.filter(order_line__isnull=False, receipt__status__in=COUNTED)
        .values("order_line_id")
        .annotate(accepted=Sum("quantity"), rejected=Sum("rejected_base"))
    }
    lines = PurchaseOrderLine.objects.filter(received_quantity__gt=0) | PurchaseOrderLine.objects.filter(
        pk__in=list(sums)
    )
    for line in lines.only("pk", "received_quantity", "rejected_quantity"):
        accepted, rejected = sums.get(line.pk, (ZERO, ZERO))
        if line.received_quantity != accepted or line.rejected_quantity != rejected:
            yield (
                f"order line {line.pk}: received {line.received_quantity}/{line.rejected_quantity} "
                f"but receipts sum to {accepted}/{rejected}"
            )


@invariant("purchase_receipt_returned")
def receipt_lines_equal_returns() -> Iterator[str]:
    """Returned per receipt line = Σ over posted returns of it, within what was accepted and rejected."""
    sums: dict[tuple[int, bool], Decimal] = {
        (r["receipt_line_id"], r["rejected"]): r["q"]
        for r in PurchaseReturnLine.objects.filter(receipt_line__isnull=False, purchase_return__status__in=COUNTED)
        .values("receipt_line_id", "rejected")
        .annotate(q=Sum("quantity"))
    }
    ids = {key[0] for key in sums}
    lines = (
        PurchaseReceiptLine.objects.filter(pk__in=ids)
        | PurchaseReceiptLine.objects.filter(returned_quantity__gt=0)
        | PurchaseReceiptLine.objects.filter(rejected_returned__gt=0)
    )
    for line in lines:
        returned, rejected = sums.get((line.pk, False), ZERO), sums.get((line.pk, True), ZERO)
        if line.returned_quantity != returned or line.rejected_returned != rejected:
            yield (
                f"receipt line {line.pk}: returned {line.returned_quantity}/{line.rejected_returned} "
                f"but returns sum to {returned}/{rejected}"
            )
        if not ZERO <= line.returned_quantity <= max(line.quantity, ZERO) and line.quantity >= 0:
            yield f"receipt line {line.pk}: returned {line.returned_quantity} of {line.quantity} accepted"
