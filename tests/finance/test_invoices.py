"""Tax invoices (发票) against shipments and receipts: partial and full, never above a document's amount, void and
invoice again, and the report "invoiced / not yet invoiced"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from jxc.core.errors import Duplicate, Forbidden, ValidationFailed
from jxc.finance.choices import InvoiceDirection
from jxc.finance.errors import InvoiceExceedsDocument
from jxc.finance.models import Invoice, InvoiceLine
from jxc.finance.selectors.invoices import (
    InvoiceState,
    StatusTotals,
    invoice_lines,
    invoice_search,
    invoice_status,
    invoice_status_totals,
    invoiceable_documents,
)
from jxc.finance.services.invoices import InvoiceData, InvoiceLineData, invoice_record, invoice_void
from jxc.sales.services.shipments import sales_shipment_reverse
from tests.conftest import audit_count

ISSUED, RECEIVED = InvoiceDirection.ISSUED, InvoiceDirection.RECEIVED


def issue(books: Any, number: str, lines: list[tuple[Any, Any]], *, amount: Any = None, tax: Any = "0.00",
          partner: Any = None, direction: str = ISSUED, day: date = date(2026, 11, 5)) -> Invoice:  # fmt: skip
    """Record an invoice; lines: (document, amount); amount defaults to their sum."""
    total = sum((D(str(a)) for _, a in lines), D(0))
    return invoice_record(
        actor=books.owner,
        data=InvoiceData(
            direction=direction,
            partner_id=(partner or (books.customer if direction == ISSUED else books.supplier)).pk,
            number=number,
            date=day,
            amount=D(str(amount)) if amount is not None else total,
            tax=D(str(tax)),
            lines=[InvoiceLineData(books.item(doc).pk, D(str(a))) for doc, a in lines],
        ),
    )


def invoiced(books: Any, document: Any) -> D:
    item = books.item(document)
    rows = {r.pk: r for r in invoice_status(direction=ISSUED if item.account == "receivable" else RECEIVED)}
    return rows[item.pk].invoiced if item.pk in rows else D(0)


def nothing_written(before: tuple[int, int, int]) -> bool:
    return (Invoice.objects.count(), InvoiceLine.objects.count(), audit_count()) == before


def counts() -> tuple[int, int, int]:
    return Invoice.objects.count(), InvoiceLine.objects.count(), audit_count()


def test_issued_invoice_across_two_shipments_partial_and_full(books: Any) -> None:
    # given two shipments: 10 × 3.50 = 35.00 and 20 × 3.50 = 70.00
    books.stock()
    first, second = books.ship(10, "3.50"), books.ship(20, "3.50")
    # when one invoice covers all of the first and 30.00 of the second
    invoice = issue(books, "04400001", [(first, "35.00"), (second, "30.00")], tax="7.48")
    # then
    assert invoice.amount == D("65.00") and invoice.tax == D("7.48") and not invoice.void
    assert [(ln.item_id, ln.amount, ln.invoiced, ln.left) for ln in invoice_lines(invoice)] == [
        (books.item(first).pk, D("35.00"), D("35.00"), D("0.00")),
        (books.item(second).pk, D("30.00"), D("30.00"), D("40.00")),
    ]
    left = invoiceable_documents(direction=ISSUED, partner_id=books.customer.pk)
    assert [(d.pk, d.left) for d in left] == [(books.item(second).pk, D("40.00"))]
    # the rest of the second on a second invoice
    issue(books, "04400002", [(second, "40.00")])
    assert invoiceable_documents(direction=ISSUED, partner_id=books.customer.pk) == []
    assert invoiced(books, second) == D("70.00")
    # invoicing is not settling: the receivable is untouched
    assert books.open(first) == D("35.00") and books.balance() == D("105.00")


def test_received_invoice_against_a_receipt(books: Any) -> None:
    receipt = books.receive(50, "2.26")  # 113.00 with tax
    invoice = issue(books, "3100999", [(receipt, "113.00")], tax="13.00", direction=RECEIVED)
    assert invoice.partner == books.supplier and invoice.direction == RECEIVED
    assert invoiced(books, receipt) == D("113.00")
    assert invoiceable_documents(direction=RECEIVED, partner_id=books.supplier.pk) == []
    # a received invoice's documents are receipts: a shipment is refused
    books.stock()
    shipment = books.ship(1, "3.50")
    with pytest.raises(ValidationFailed) as error:
        issue(books, "3101000", [(shipment, "3.50")], direction=RECEIVED)
    assert "lines.0.item" in error.value.errors


def test_report_figures(books: Any) -> None:
    books.stock()
    a = books.ship(10, "3.50", day=date(2026, 11, 2))  # 35.00
    b = books.ship(20, "3.50", day=date(2026, 11, 3))  # 70.00
    c = books.ship(4, "2.50", day=date(2026, 11, 20))  # 10.00
    receipt = books.receive(10, "2.00")  # a payable: not in the issued report
    issue(books, "A1", [(a, "35.00"), (b, "30.00")])
    issue(books, "A2", [(b, "10.00")])
    voided = issue(books, "A3", [(c, "10.00")])
    invoice_void(actor=books.owner, invoice=voided, reason="wrong title")
    issue(books, "R1", [(receipt, "5.00")], direction=RECEIVED)

    everything = invoice_status(direction=ISSUED)
    assert [(r.entry.source_number, r.amount, r.invoiced, r.left) for r in everything] == [
        (a.number, D("35.00"), D("35.00"), D("0.00")),
        (b.number, D("70.00"), D("40.00"), D("30.00")),
        (c.number, D("10.00"), D("0.00"), D("10.00")),
    ]
    assert invoice_status_totals(everything) == StatusTotals(3, D("115.00"), D("75.00"), D("40.00"))
    # not fully invoiced / fully invoiced
    assert [r.pk for r in invoice_status(direction=ISSUED, state=InvoiceState.OPEN)] == [
        books.item(b).pk,
        books.item(c).pk,
    ]
    done = invoice_status(direction=ISSUED, state=InvoiceState.DONE)
    assert [r.pk for r in done] == [books.item(a).pk]
    assert invoice_status_totals(done) == StatusTotals(1, D("35.00"), D("35.00"), D("0.00"))
    # the date range and the partner
    early = invoice_status(direction=ISSUED, start=date(2026, 11, 3), end=date(2026, 11, 10))
    assert [r.pk for r in early] == [books.item(b).pk]
    assert list(invoice_status(direction=ISSUED, partner_id=books.supplier.pk)) == []
    received = invoice_status(direction=RECEIVED)
    assert invoice_status_totals(received) == StatusTotals(1, D("20.00"), D("5.00"), D("15.00"))


def test_over_invoicing_is_refused_and_nothing_written(books: Any) -> None:
    books.stock()
    shipment = books.ship(10, "3.50")
    issue(books, "B1", [(shipment, "30.00")])
    before = counts()
    with pytest.raises(InvoiceExceedsDocument) as error:
        issue(books, "B2", [(shipment, "5.01")])
    assert error.value.data["left"] == "5.00" and error.value.data["amount"] == "5.01"
    assert error.value.data["number"] == shipment.number and error.value.field == "lines.0.amount"
    assert nothing_written(before)
    issue(books, "B2", [(shipment, "5.00")])  # exactly what is left is fine


def test_duplicate_number_for_the_same_partner_and_direction(books: Any, make_partner: Any) -> None:
    books.stock()
    first, second = books.ship(10, "3.50"), books.ship(10, "3.50")
    issue(books, "C1", [(first, "35.00")])
    before = counts()
    with pytest.raises(Duplicate) as error:
        issue(books, "C1", [(second, "35.00")])
    assert error.value.field == "number"
    assert nothing_written(before)
    # the same number from another customer is another invoice
    other = make_partner("城西便利店")
    third = books.ship(2, "3.50", customer=other)
    issue(books, "C1", [(third, "7.00")], partner=other)


def test_wrong_role_is_refused(books: Any) -> None:
    receipt = books.receive(10, "2.00")
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        issue(books, "D1", [(receipt, "20.00")], partner=books.supplier)  # issued to a supplier only
    assert "partner" in error.value.errors
    assert nothing_written(before)


def test_a_document_of_another_partner_is_refused(books: Any, make_partner: Any) -> None:
    books.stock()
    other = make_partner("城西便利店")
    theirs = books.ship(2, "3.50", customer=other)
    with pytest.raises(ValidationFailed) as error:
        issue(books, "E1", [(theirs, "7.00")])
    assert list(error.value.errors) == ["lines.0.item"]
    assert Invoice.objects.count() == 0


def test_reversed_shipment_is_refused(books: Any) -> None:
    books.stock()
    shipment = books.ship(10, "3.50")
    sales_shipment_reverse(actor=books.owner, shipment=shipment)
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        issue(books, "F1", [(shipment, "35.00")])
    assert (
        "reversed" in error.value.errors["lines.0.item"][0] or shipment.number in error.value.errors["lines.0.item"][0]
    )
    assert nothing_written(before)
    assert invoiceable_documents(direction=ISSUED, partner_id=books.customer.pk) == []


def test_lines_must_add_up_to_the_amount(books: Any, english: Any) -> None:
    books.stock()
    shipment = books.ship(10, "3.50")
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        issue(books, "G1", [(shipment, "30.00")], amount="35.00")
    assert error.value.errors["amount"] == ["The documents add up to 30.00, but the invoice amount is 35.00."]
    assert nothing_written(before)


def test_tax_above_the_amount_and_other_input_errors(books: Any) -> None:
    books.stock()
    shipment = books.ship(10, "3.50")
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        issue(books, "H1", [(shipment, "35.00")], tax="35.01")
    assert list(error.value.errors) == ["tax"]
    with pytest.raises(ValidationFailed) as error:
        invoice_record(
            actor=books.owner,
            data=InvoiceData(
                direction="sideways", partner_id=None, number=" ", date=None, amount=D("-1"), tax=None, lines=[]
            ),
        )
    assert set(error.value.errors) == {"direction", "partner", "number", "date", "amount", "tax", "lines"}
    with pytest.raises(ValidationFailed) as error:
        issue(books, "H2", [(shipment, "0.00"), (shipment, "35.001")], amount="35.00")
    assert set(error.value.errors) == {"lines.0.amount", "lines.1.item", "lines.1.amount"}
    assert nothing_written(before)


def test_void_then_invoice_again(books: Any, make_user: Any) -> None:
    books.stock()
    shipment = books.ship(10, "3.50")
    invoice = issue(books, "J1", [(shipment, "35.00")])
    with pytest.raises(InvoiceExceedsDocument):
        issue(books, "J2", [(shipment, "35.00")])
    # a clerk without void_invoice may not void; a reason is needed
    clerk = make_user("clerk", "sales")
    with pytest.raises(Forbidden):
        invoice_void(actor=clerk, invoice=invoice, reason="x")
    with pytest.raises(ValidationFailed) as error:
        invoice_void(actor=books.owner, invoice=invoice, reason=" ")
    assert list(error.value.errors) == ["reason"]
    assert not Invoice.objects.get(pk=invoice.pk).void
    audits = audit_count()
    invoice_void(actor=books.owner, invoice=invoice, reason="开错抬头")
    assert Invoice.objects.get(pk=invoice.pk).void and audit_count() == audits + 1
    invoice_void(actor=books.owner, invoice=invoice, reason="again")  # again: nothing changes
    assert audit_count() == audits + 1
    assert invoiced(books, shipment) == D("0.00")
    again = issue(books, "J2", [(shipment, "35.00")])
    assert invoiced(books, shipment) == D("35.00") and not again.void
    assert {i.number for i in invoice_search(void=True)} == {"J1"}
    assert {i.number for i in invoice_search(void=False, direction=ISSUED, number="j")} == {"J2"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_invoices_at_once_never_exceed_the_document(books: Any) -> None:
    """35.00 shipped; six invoices of 10.00 race on it: three are recorded, three refused; the same number racing
    is recorded once."""
    from tests.helpers import run_together

    books.stock()
    shipment = books.ship(10, "3.50")
    results, errors = run_together(6, lambda i: issue(books, f"R{i}", [(shipment, "10.00")]))
    assert len(results) == 3 and len(errors) == 3, errors[:2]
    assert all(isinstance(e, InvoiceExceedsDocument) for e in errors), errors[:2]
    other = books.ship(10, "3.50")
    results, errors = run_together(4, lambda i: issue(books, "SAME", [(other, "1.00")]))
    assert len(results) == 1 and all(isinstance(e, Duplicate) for e in errors), errors[:2]
    assert invoiced(books, shipment) == D("30.00") and invoiced(books, other) == D("1.00")
