"""The rows of `jxc seed-large`'s document lines and stock moves, made from compact line records in the writer
process (free of Django, so the process that builds the history only computes numbers and the one that writes
also formats them). Column lists of every table the history fills are here too, in row order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

COLUMNS: dict[str, str] = {  # table key → the model's field names, in row order (parents before children)
    "posting": "id source_type source_id source_number phase date created_by created_at",
    "receipt": "id number date supplier warehouse status prices_include_tax allocation freight other_charges amount "
    "tax total supplier_reference notes created_by created_at posted_by posted_at",
    "shipment": "id number date customer warehouse channel status prices_include_tax freight other_charges amount tax "
    "total cost ship_to contact carrier tracking_no delivery_status delivered_at payment_method paid cash_given "
    "change notes created_by created_at posted_by posted_at",
    "receipt_line": "id receipt position product unit factor received_quantity accepted_quantity rejected_quantity "
    "quantity rejected_base reject_reason price tax_rate discount_pct amount tax total charges cost location batch_no "
    "serials returned_quantity rejected_returned notes",
    "shipment_line": "id shipment position product unit unit_quantity factor quantity price tax_rate discount_pct "
    "amount tax total cost location serials picked_quantity picked_serials returned_quantity notes",
    "move": "id posting date kind product warehouse location quantity value unit unit_quantity factor unit_price "
    "scope_quantity scope_value line_id",
    "event": "id shipment status occurred_at place description source created_by created_at",
    "entry": "id partner account date due_date amount balance_after source_type source_id source_number phase memo "
    "created_by created_at",
    "item": "entry partner account date due_date amount open reversed",
    "payment": "id number direction date partner cash_account method amount reference notes status taken_with_type "
    "created_by created_at",
    "cash": "id account date amount balance_after source_type source_id source_number phase memo created_by created_at",
    "allocation": "id debit credit amount date source_type source_id source_number created_by created_at",
}
LINE_TABLES = ("receipt_line", "shipment_line", "move")

# A line record: one document line and its stock move, as numbers.
#   (kind "r" receipt / "s" shipment, line id, document id, position, product id, unit id, location id,
#    quantity (whole base units), price with tax (cents), tax rate (%), amount, tax, total (cents),
#    stock value moved (cents, positive), move id, posting id, date text, warehouse id, Q after, V after (cents))
LineRecord = tuple[str, int, int, int, int, int, int, int, int, int, int, int, int, int, int, int, str, int, int, int]


class Encoder(Protocol):
    """The database's way of storing values (`large_bulk.Formats`)."""

    @property
    def money(self) -> Callable[[int], Any]: ...
    @property
    def price(self) -> Callable[[int], Any]: ...
    @property
    def quantity(self) -> Callable[[int], Any]: ...
    @property
    def rate(self) -> Callable[[int], Any]: ...


@dataclass
class LineRows:
    """Line records waiting to become receipt-line, shipment-line and move rows (in the writer)."""

    records: list[LineRecord]
    fmt: Encoder

    def expand(self) -> dict[str, list[tuple[Any, ...]]]:
        """The rows of the three tables, each line as the posting services write it."""
        fmt = self.fmt
        money, price_of, scale, rate = fmt.money, fmt.price, fmt.quantity(1), fmt.rate
        zero_money, zero_quantity, one, zero_rate = money(0), fmt.quantity(0), fmt.quantity(1), rate(0)
        receipt_lines: list[tuple[Any, ...]] = []
        shipment_lines: list[tuple[Any, ...]] = []
        moves: list[tuple[Any, ...]] = []
        for record in self.records:
            (kind, line_id, document_id, position, product, unit, location, q, price, tax_rate, amount, tax, total,
             value, move_id, posting_id, day, warehouse, scope_q, scope_v) = record  # fmt: skip
            quantity = q * scale
            if kind == "r":
                cost = money(amount)
                receipt_lines.append(
                    (line_id, document_id, position, product, unit, one, quantity, quantity, zero_quantity, quantity,
                     zero_quantity, "", price_of(price * 10_000), rate(tax_rate), zero_rate, cost, money(tax),
                     money(total), zero_money, cost, location, "", "", zero_quantity, zero_quantity, "")
                )  # fmt: skip
                unit_price = price_of((2 * value * 10_000 + q) // (2 * q))  # cost per base unit, half up
                moves.append(
                    (move_id, posting_id, day, "purchase_receipt", product, warehouse, location, quantity, cost, unit,
                     quantity, one, unit_price, scope_q * scale, money(scope_v), line_id)
                )  # fmt: skip
            else:
                shipment_lines.append(
                    (line_id, document_id, position, product, unit, quantity, one, quantity, price_of(price * 10_000),
                     rate(tax_rate), zero_rate, money(amount), money(tax), money(total), money(value), location, "",
                     zero_quantity, "", zero_quantity, "")
                )  # fmt: skip
                moves.append(
                    (move_id, posting_id, day, "shipment", product, warehouse, location, -quantity, money(-value), unit,
                     -quantity, one, None, scope_q * scale, money(scope_v), line_id)
                )  # fmt: skip
        return {"receipt_line": receipt_lines, "shipment_line": shipment_lines, "move": moves}
