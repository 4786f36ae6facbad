"""Sales returns through the services: goods back at the cost they left with (the last return taking exactly the
rest), inspection (back to stock, quarantine, scrap), the receivable lowered, reversal, and every refusal writing
nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from typing import Any

import pytest

from jxc.catalog.services.products import product_set_active
from jxc.core.errors import ValidationFailed
from jxc.inventory.choices import SerialStatus
from jxc.inventory.errors import (
    AlreadyReversed,
    ClosedPeriod,
    DocumentNotDraft,
    DocumentNotPosted,
    InsufficientStock,
)
from jxc.inventory.models import CostState, Location, Serial, StockBalance, StockMove, StockQuant
from jxc.partners.models import PartnerBalance, PartnerEntry
from jxc.sales.choices import Disposition
from jxc.sales.errors import ReturnExceedsShipment, ShipmentHasReturns
from jxc.sales.models import SalesReturn, SalesReturnLine
from jxc.sales.services.returns import (
    SalesReturnData,
    SalesReturnLineData,
    sales_return_create,
    sales_return_delete,
    sales_return_post,
    sales_return_reverse,
    sales_return_update,
)
from jxc.sales.services.shipments import sales_shipment_post, sales_shipment_reverse
from tests.conftest import audit_count
from tests.sales.conftest import DAY, ship

RETURN_SOURCE = "sales.salesreturn"


def give_back(sell: Any, *lines: SalesReturnLineData, shipment: Any = None, post: bool = True, **header: Any) -> Any:
    """A return from the sell fixture's customer (against `shipment` if given), posted unless told otherwise."""
    header.setdefault("date", DAY)
    data = SalesReturnData(
        customer_id=sell.customer.pk,
        warehouse_id=sell.warehouse.pk,
        shipment_id=shipment.pk if shipment is not None else None,
        lines=list(lines),
        **header,
    )
    sales_return = sales_return_create(actor=sell.owner, data=data)
    if post:
        sales_return = sales_return_post(actor=sell.owner, sales_return=sales_return)
    return sales_return


def back(product: Any, quantity: Any, source: Any = None, **fields: Any) -> SalesReturnLineData:
    """A returned line: of a shipment line when `source` is given, else free."""
    if "price" in fields and fields["price"] is not None:
        fields["price"] = D(str(fields["price"]))
    return SalesReturnLineData(
        product_id=product.pk,
        quantity=D(str(quantity)),
        shipment_line_id=source.pk if source is not None else None,
        **fields,
    )


def shipped(sell: Any, *lines: Any, **header: Any) -> Any:
    """A posted shipment of these lines."""
    shipment = sell.shipment(*lines, **header)
    return sales_shipment_post(actor=sell.owner, shipment=shipment)


def on_hand(product: Any) -> D:
    balance = StockBalance.objects.filter(product=product).first()
    return balance.on_hand if balance else D(0)


def stock_value(product: Any) -> D:
    state = CostState.objects.filter(product=product).first()
    return state.value if state else D(0)


def receivable(customer: Any) -> D:
    balance = PartnerBalance.objects.filter(partner=customer).first()
    return balance.receivable if balance else D(0)


def written() -> tuple[int, ...]:
    return (
        SalesReturn.objects.count(),
        SalesReturnLine.objects.count(),
        StockMove.objects.count(),
        PartnerEntry.objects.count(),
        audit_count(),
    )


@pytest.fixture
def noodles(make_product: Any) -> Any:
    return make_product(name="方便面", wholesale_price=D("3.00"), tax_rate=D(13))


@pytest.fixture
def sold(sell: Any, noodles: Any) -> tuple[Any, Any]:
    """40 包 at an average of 2.10 (84.00); 12 shipped at 3.39 with tax: cost 25.20, receivable 40.68."""
    sell.stock(noodles, 30, "2.00")
    sell.stock(noodles, 10, "2.40")
    shipment = shipped(sell, ship(noodles, 12, "3.39"))
    line = shipment.lines.get()
    assert line.cost == D("25.20") and receivable(sell.customer) == D("40.68")
    return shipment, line


def test_a_return_against_a_shipment_comes_back_at_the_cost_it_left_with(sell, noodles, sold, customer):
    shipment, line = sold
    sell.stock(noodles, 10, "3.00")  # the average moves on (2.34): the returned goods still come back at 2.10
    sales_return = give_back(sell, back(noodles, 5, line), shipment=shipment)
    assert sales_return.number.startswith("XT") and sales_return.status == "posted"
    returned = sales_return.lines.get()
    assert returned.price == D("3.390000") and returned.tax_rate == D(13) and returned.disposition == "restock"
    assert returned.total == D("16.95") and sales_return.total == D("16.95")  # 5 × 3.39 with tax, credited
    assert returned.cost == D("10.50") and sales_return.cost == D("10.50")  # 25.20 × 5 / 12
    assert returned.location == sell.warehouse.locations.get(is_default=True)
    assert on_hand(noodles) == D(43) and stock_value(noodles) == D("58.80") + D("30.00") + D("10.50")
    assert receivable(customer) == D("40.68") - D("16.95")
    move = StockMove.objects.get(posting__source_type=RETURN_SOURCE, posting__source_id=sales_return.pk)
    assert move.kind == "sales_return" and move.quantity == D(5) and move.value == D("10.50")
    entry = PartnerEntry.objects.get(source_type=RETURN_SOURCE, source_id=sales_return.pk)
    assert entry.amount == D("-16.95") and entry.account == "receivable"
    line.refresh_from_db()
    assert line.returned_quantity == D(5) and line.returnable == D(7)


def test_the_last_return_of_a_line_takes_exactly_the_rest_of_its_cost(sell, make_product, customer):
    """3 包 worth 10.00 (1 at 3.00 + 2 at 3.50) shipped; returned one at a time: 3.33, 3.33, then the rest 3.34."""
    cups = make_product(name="杯面", tax_rate=D(13))
    sell.stock(cups, 1, "3.00")
    sell.stock(cups, 2, "3.50")
    shipment = shipped(sell, ship(cups, 3, "5.00"))
    line = shipment.lines.get()
    assert line.cost == D("10.00") and on_hand(cups) == 0 and stock_value(cups) == 0
    costs = [give_back(sell, back(cups, 1, line), shipment=shipment).lines.get().cost for _ in range(3)]
    assert costs == [D("3.33"), D("3.33"), D("3.34")] and sum(costs) == line.cost
    assert on_hand(cups) == D(3) and stock_value(cups) == D("10.00")
    assert receivable(customer) == D(0)  # 15.00 shipped, 3 × 5.00 credited
    line.refresh_from_db()
    assert line.returned_quantity == D(3) and line.returnable == 0


def test_a_partial_then_a_final_return_in_one_document_bring_back_the_whole_cost(sell, make_product):
    cups = make_product(name="杯面")
    sell.stock(cups, 1, "3.00")
    sell.stock(cups, 2, "3.50")
    shipment = shipped(sell, ship(cups, 3, "5.00"))
    line = shipment.lines.get()
    first = give_back(sell, back(cups, 2, line), shipment=shipment)
    assert first.cost == D("6.67")  # 10.00 × 2 / 3
    last = give_back(sell, back(cups, 1, line), shipment=shipment)
    assert last.cost == D("3.33") and first.cost + last.cost == D("10.00")


def test_scrap_comes_back_in_and_leaves_again_at_its_cost(sell, noodles, sold, customer):
    shipment, line = sold
    before = (on_hand(noodles), stock_value(noodles))
    sales_return = give_back(sell, back(noodles, 2, line, disposition=Disposition.SCRAP), shipment=shipment)
    returned = sales_return.lines.get()
    assert returned.cost == D("4.20") and sales_return.cost == D("4.20")  # 25.20 × 2 / 12, scrapped
    assert (on_hand(noodles), stock_value(noodles)) == before == (D(28), D("58.80"))
    moves = list(
        StockMove.objects.filter(posting__source_type=RETURN_SOURCE, posting__source_id=sales_return.pk)
        .order_by("pk")
        .values_list("posting__phase", "kind", "quantity", "value")
    )
    assert moves == [("post", "sales_return", D(2), D("4.20")), ("scrap", "issue", D(-2), D("-4.20"))]
    assert receivable(customer) == D("40.68") - D("6.78")  # credited all the same
    line.refresh_from_db()
    assert line.returned_quantity == D(2)


def test_scrap_works_when_nothing_is_left_in_stock(sell, make_product):
    cups = make_product(name="杯面")
    sell.stock(cups, 2, "4.00")
    shipment = shipped(sell, ship(cups, 2, "6.00"))
    sales_return = give_back(sell, back(cups, 2, shipment.lines.get(), disposition="scrap"), shipment=shipment)
    assert sales_return.cost == D("8.00") and on_hand(cups) == 0 and stock_value(cups) == 0


def test_quarantine_puts_the_goods_in_the_location_named(sell, noodles, sold, warehouse):
    shipment, line = sold
    quarantine = Location.objects.create(warehouse=warehouse, code="QUAR-01", name="待检区")
    sales_return = give_back(
        sell, back(noodles, 3, line, disposition="quarantine", location_id=quarantine.pk), shipment=shipment
    )
    assert sales_return.lines.get().location == quarantine and sales_return.cost == D("6.30")
    assert StockQuant.objects.get(product=noodles, location=quarantine).on_hand == D(3)
    assert on_hand(noodles) == D(31)


def test_quarantine_without_a_location_is_refused_and_writes_nothing(sell, noodles, sold):
    shipment, line = sold
    before = written()
    with pytest.raises(ValidationFailed) as refused:
        give_back(sell, back(noodles, 1, line, disposition="quarantine"), shipment=shipment)
    assert "lines.0.location_id" in refused.value.errors and written() == before


def test_restock_into_a_chosen_location(sell, noodles, sold, warehouse):
    shipment, line = sold
    shelf = Location.objects.create(warehouse=warehouse, code="B-02")
    give_back(sell, back(noodles, 1, line, location_id=shelf.pk), shipment=shipment)
    assert StockQuant.objects.get(product=noodles, location=shelf).on_hand == 1


def test_a_free_return_comes_back_at_the_moving_average_with_the_proposed_price(sell, noodles, customer):
    sell.stock(noodles, 30, "2.00")
    sell.stock(noodles, 10, "2.40")  # 84.00 for 40: 2.10 each
    sales_return = give_back(sell, back(noodles, 4))
    returned = sales_return.lines.get()
    assert sales_return.shipment is None and returned.shipment_line is None
    assert returned.price == D("3.000000")  # the customer's wholesale level
    assert returned.total == D("12.00") and returned.cost == D("8.40")  # 4 × 2.10
    assert on_hand(noodles) == D(44) and stock_value(noodles) == D("92.40")
    assert receivable(customer) == D("-12.00")  # a credit to the customer


def test_a_free_return_with_its_own_price_and_without_tax(sell, noodles, customer):
    sell.stock(noodles, 10, "2.00")
    sales_return = give_back(sell, back(noodles, 2, price="2.50"), prices_include_tax=False)
    assert sales_return.prices_include_tax is False
    assert (sales_return.amount, sales_return.tax, sales_return.total) == (D("5.00"), D("0.65"), D("5.65"))
    assert receivable(customer) == D("-5.65")


def test_a_return_larger_than_shipped_is_refused_and_writes_nothing(sell, noodles, sold):
    shipment, line = sold
    before = written()
    with pytest.raises(ReturnExceedsShipment) as refused:
        give_back(sell, back(noodles, 13, line), shipment=shipment)
    assert refused.value.field == "lines.0.quantity" and refused.value.data["left"] == "12"
    with pytest.raises(ReturnExceedsShipment) as together:
        give_back(sell, back(noodles, 7, line), back(noodles, 6, line), shipment=shipment)
    assert together.value.field == "lines.1.quantity"
    assert written() == before
    line.refresh_from_db()
    assert line.returned_quantity == 0


def test_a_return_larger_than_what_is_left_to_return_is_refused(sell, noodles, sold):
    shipment, line = sold
    give_back(sell, back(noodles, 10, line), shipment=shipment)
    before = written()
    with pytest.raises(ReturnExceedsShipment) as refused:
        give_back(sell, back(noodles, 3, line), shipment=shipment)
    assert refused.value.data["left"] == "2" and written() == before


def test_two_drafts_cannot_together_return_more_than_shipped(sell, noodles, sold, customer):
    shipment, line = sold
    first = give_back(sell, back(noodles, 8, line), shipment=shipment, post=False)
    second = give_back(sell, back(noodles, 8, line), shipment=shipment, post=False)
    sales_return_post(actor=sell.owner, sales_return=first)
    before = written()
    with pytest.raises(ReturnExceedsShipment):
        sales_return_post(actor=sell.owner, sales_return=second)
    second.refresh_from_db()
    assert second.status == "draft" and written() == before
    assert on_hand(noodles) == D(36) and receivable(customer) == D("40.68") - D("27.12")


def test_only_a_posted_shipment_takes_returns(sell, noodles, sold):
    draft = sell.shipment(ship(noodles, 2, "3.39"))
    before = written()
    with pytest.raises(DocumentNotPosted) as refused:
        give_back(sell, back(noodles, 1, draft.lines.get()), shipment=draft)
    assert refused.value.field == "shipment_id" and written() == before
    other = shipped(sell, ship(noodles, 2, "3.39"))
    sales_shipment_reverse(actor=sell.owner, shipment=other)
    before = written()
    with pytest.raises(DocumentNotPosted):
        give_back(sell, back(noodles, 1, other.lines.get()), shipment=other)
    assert written() == before


def test_a_line_of_another_shipment_is_refused(sell, noodles, sold):
    shipment, _line = sold
    other = shipped(sell, ship(noodles, 2, "3.39"))
    before = written()
    with pytest.raises(ValidationFailed) as refused:
        give_back(sell, back(noodles, 1, other.lines.get()), shipment=shipment)
    assert "lines.0.shipment_line_id" in refused.value.errors
    with pytest.raises(ValidationFailed) as free:
        give_back(sell, back(noodles, 1, other.lines.get()))  # a shipment line without its shipment
    assert "lines.0.shipment_line_id" in free.value.errors
    assert written() == before


def test_a_shipment_of_another_customer_is_refused(sell, noodles, sold, make_partner):
    shipment, line = sold
    stranger = make_partner("城西便利店")
    before = written()
    with pytest.raises(ValidationFailed) as refused:
        sales_return_create(
            actor=sell.owner,
            data=SalesReturnData(
                customer_id=stranger.pk,
                warehouse_id=sell.warehouse.pk,
                date=DAY,
                shipment_id=shipment.pk,
                lines=[back(noodles, 1, line)],
            ),
        )
    assert "customer_id" in refused.value.errors and written() == before


def test_a_return_dated_before_its_shipment_is_refused(sell, noodles, sold):
    shipment, line = sold
    with pytest.raises(ValidationFailed) as refused:
        give_back(sell, back(noodles, 1, line), shipment=shipment, date=DAY - timedelta(days=1))
    assert "date" in refused.value.errors and not SalesReturn.objects.exists()


def test_an_inactive_product_or_a_foreign_unit_is_refused(sell, noodles, sold, owner, units):
    shipment, line = sold
    before = written()
    with pytest.raises(ValidationFailed) as foreign:
        give_back(sell, back(noodles, 1, unit_id=units["瓶"].pk, price="3"))
    assert "lines.0.unit_id" in foreign.value.errors and written() == before
    product_set_active(actor=owner, product=noodles, active=False)
    before = written()
    with pytest.raises(ValidationFailed) as inactive:
        give_back(sell, back(noodles, 1, price="3"))
    assert "lines.0.product_id" in inactive.value.errors
    assert written() == before
    # What was shipped still comes back against its shipment, even when the product is no longer sold.
    assert give_back(sell, back(noodles, 1, line), shipment=shipment).status == "posted"


def test_a_return_in_another_unit_takes_the_price_per_that_unit(sell, noodles, units, customer):
    sell.stock(noodles, 48, "2.00")
    shipment = shipped(sell, ship(noodles, 2, "72.00", unit_id=units["箱"].pk))  # 48 包, 144.00
    line = shipment.lines.get()
    sales_return = give_back(sell, back(noodles, 6, line, unit_id=units["包"].pk), shipment=shipment)
    returned = sales_return.lines.get()
    assert returned.price == D("3.000000") and returned.total == D("18.00") and returned.cost == D("12.00")
    assert receivable(customer) == D("126.00")


def test_lots_come_back_to_the_batch_that_was_shipped(sell, make_product, warehouse):
    milk = make_product(name="纯牛奶", track_lots=True, wholesale_price=D("5.00"))
    sell.stock(milk, 6, "3.00", batch_no="L-1", expiry_date=DAY + timedelta(days=90))
    shipment = shipped(sell, ship(milk, 4))
    line = shipment.lines.get()
    sales_return = give_back(sell, back(milk, 1, line), shipment=shipment)
    assert sales_return.lines.get().lot == line.lot
    assert StockQuant.objects.get(product=milk, lot=line.lot).on_hand == D(3)
    sell.stock(milk, 1, "3.00", batch_no="L-2")
    other = milk.lots.get(batch_no="L-2")
    with pytest.raises(ValidationFailed) as refused:
        give_back(sell, back(milk, 1, line, lot_id=other.pk), shipment=shipment)
    assert "lines.0.lot_id" in refused.value.errors
    with pytest.raises(ValidationFailed) as free:
        give_back(sell, back(milk, 1, price="5"))  # a free return names its batch
    assert "lines.0.lot_id" in free.value.errors
    assert give_back(sell, back(milk, 1, price="5", lot_id=other.pk)).lines.get().lot == other


def test_serials_default_to_those_shipped_and_must_be_among_them(sell, make_product):
    phone = make_product(name="手机", track_serials=True, units=[], barcodes=[])
    sell.stock(phone, 3, "1000", serials=["SN1", "SN2", "SN3"])
    shipment = shipped(sell, ship(phone, 2, "1500", serials=["SN1", "SN2"]))
    line = shipment.lines.get()
    before = written()
    with pytest.raises(ValidationFailed) as refused:
        give_back(sell, back(phone, 1, line, serials=["SN3"]), shipment=shipment)
    assert "lines.0.serials" in refused.value.errors and written() == before
    with pytest.raises(ValidationFailed) as unnamed:
        give_back(sell, back(phone, 1, line), shipment=shipment)  # which of the two? it must be named
    assert "lines.0.serials" in unnamed.value.errors
    first = give_back(sell, back(phone, 1, line, serials=["SN2"]), shipment=shipment)
    assert first.lines.get().serials == "SN2" and first.cost == D("1000.00")
    assert Serial.objects.get(serial_no="SN2").status == SerialStatus.IN_STOCK
    with pytest.raises(ValidationFailed):
        give_back(sell, back(phone, 1, line, serials=["SN2"]), shipment=shipment)  # back already
    rest = give_back(sell, back(phone, 1, line), shipment=shipment)  # the one left by default
    assert rest.lines.get().serials == "SN1"


def test_a_free_return_of_a_serial_in_stock_is_refused(sell, make_product):
    phone = make_product(name="手机", track_serials=True, units=[], barcodes=[])
    sell.stock(phone, 1, "1000", serials=["SN1"])
    with pytest.raises(ValidationFailed) as refused:
        give_back(sell, back(phone, 1, price="1500", serials=["SN1"]))
    assert "lines.0.serials" in refused.value.errors and not SalesReturn.objects.exists()


def test_posting_twice_changes_nothing_and_the_reversal_restores_everything(sell, noodles, sold, customer):
    shipment, line = sold
    sales_return = give_back(
        sell, back(noodles, 5, line), back(noodles, 2, line, disposition="scrap"), shipment=shipment
    )
    assert sales_return.cost == D("14.70")  # 10.50 back to stock + 4.20 scrapped
    counts = written()
    assert sales_return_post(actor=sell.owner, sales_return=sales_return).status == "posted"
    assert written() == counts
    reversal = sales_return_reverse(actor=sell.owner, sales_return=sales_return)
    assert reversal.number.startswith("XT") and reversal.reversal_of == sales_return
    assert (reversal.total, reversal.cost) == (-sales_return.total, D("-14.70"))
    assert [ln.quantity for ln in reversal.lines.all()] == [D(-5), D(-2)]
    sales_return.refresh_from_db()
    assert sales_return.status == "reversed"
    assert on_hand(noodles) == D(28) and stock_value(noodles) == D("58.80")
    assert receivable(customer) == D("40.68")
    line.refresh_from_db()
    assert line.returned_quantity == 0
    counts = written()
    with pytest.raises(AlreadyReversed):
        sales_return_reverse(actor=sell.owner, sales_return=sales_return)
    with pytest.raises(DocumentNotPosted):
        sales_return_reverse(actor=sell.owner, sales_return=reversal)
    assert written() == counts
    # The shipment line can be returned against again, at the same cost.
    assert give_back(sell, back(noodles, 12, line), shipment=shipment).cost == D("25.20")


def test_reversing_a_return_whose_goods_were_sold_again_is_refused(sell, noodles, customer):
    sell.stock(noodles, 2, "2.00")
    shipment = shipped(sell, ship(noodles, 2, "3.00"))
    sales_return = give_back(sell, back(noodles, 2, shipment.lines.get()), shipment=shipment)
    shipped(sell, ship(noodles, 2, "3.00"))
    before = written()
    with pytest.raises(InsufficientStock):
        sales_return_reverse(actor=sell.owner, sales_return=sales_return)
    assert written() == before


def test_a_shipment_with_returns_is_not_reversed(sell, noodles, sold):
    shipment, line = sold
    draft = give_back(sell, back(noodles, 1, line), shipment=shipment, post=False)
    with pytest.raises(ShipmentHasReturns):
        sales_shipment_reverse(actor=sell.owner, shipment=shipment)
    sales_return_delete(actor=sell.owner, sales_return=draft)
    posted = give_back(sell, back(noodles, 1, line), shipment=shipment)
    with pytest.raises(ShipmentHasReturns):
        sales_shipment_reverse(actor=sell.owner, shipment=shipment)
    sales_return_reverse(actor=sell.owner, sales_return=posted)
    sales_shipment_reverse(actor=sell.owner, shipment=shipment)
    assert on_hand(noodles) == D(40)


def test_drafts_are_changed_and_deleted_posted_returns_are_not(sell, noodles, sold):
    shipment, line = sold
    draft = give_back(sell, back(noodles, 1, line), shipment=shipment, post=False)
    data = SalesReturnData(
        customer_id=None, warehouse_id=None, date=DAY, shipment_id=shipment.pk, lines=[back(noodles, 3, line)]
    )
    changed = sales_return_update(actor=sell.owner, sales_return=draft, data=data)
    assert changed.lines.get().quantity == D(3) and changed.total == D("10.17") and changed.number == draft.number
    sales_return_post(actor=sell.owner, sales_return=changed)
    counts = written()
    with pytest.raises(DocumentNotDraft):
        sales_return_update(actor=sell.owner, sales_return=changed, data=data)
    with pytest.raises(DocumentNotDraft):
        sales_return_delete(actor=sell.owner, sales_return=changed)
    assert written() == counts
    other = give_back(sell, back(noodles, 1, line), shipment=shipment, post=False)
    sales_return_delete(actor=sell.owner, sales_return=other)
    assert not SalesReturn.objects.filter(pk=other.pk).exists()


def test_a_closed_period_refuses_the_posting(sell, noodles, owner):
    from jxc.inventory.services.periods import stock_period_close

    sell.stock(noodles, 10, "2.00")
    stock_period_close(actor=owner, month=date(2026, 10, 1))
    sales_return = give_back(sell, back(noodles, 1, price="3"), date=date(2026, 10, 31), post=False)
    before = written()
    with pytest.raises(ClosedPeriod):
        sales_return_post(actor=owner, sales_return=sales_return)
    sales_return.refresh_from_db()
    assert sales_return.status == "draft" and written() == before


def test_every_step_is_audited(sell, noodles, sold):
    from jxc.accounts.models import AuditEntry

    shipment, line = sold
    sales_return = give_back(sell, back(noodles, 1, line), shipment=shipment)
    sales_return_reverse(actor=sell.owner, sales_return=sales_return)
    actions = list(
        AuditEntry.objects.filter(action__startswith="sales_return.").order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["sales_return.created", "sales_return.posted", "sales_return.reversed"]
