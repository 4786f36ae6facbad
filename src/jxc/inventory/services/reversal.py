"""红冲: the exact opposite of a posting, linked move by move."""

from __future__ import annotations

from datetime import date

from jxc.accounts.models import User
from jxc.inventory.choices import MoveKind
from jxc.inventory.models import StockPosting
from jxc.inventory.services.posting import Leg, Source, stock_post


def reversal_legs(posting: StockPosting) -> list[Leg]:
    """One leg per move of the posting, last move first, each negating quantity and value exactly."""
    legs = []
    moves = posting.moves.prefetch_related("serial_links__serial").order_by("-pk")
    for move in moves:
        legs.append(
            Leg(
                product_id=move.product_id,
                warehouse_id=move.warehouse_id,
                location_id=move.location_id,
                quantity=-move.quantity,
                kind=MoveKind.REVERSAL if move.kind != MoveKind.COST_VARIANCE else MoveKind.COST_VARIANCE,
                value=-move.value,
                lot_id=move.lot_id,
                unit_id=move.unit_id,
                unit_quantity=-move.unit_quantity,
                factor=move.factor,
                unit_price=move.unit_price,
                line_id=move.line_id,
                serials=tuple(link.serial.serial_no for link in move.serial_links.all()),
                reversal_of=move.pk,
                allow_expired=True,
            )
        )
    return legs


def posting_reverse(*, posting: StockPosting, source: Source, day: date, actor: User | None) -> StockPosting:
    """Post the reversal of a posting (in the caller's transaction); once only, like every posting step."""
    return stock_post(source=source, day=day, legs=reversal_legs(posting), actor=actor, reversal_of=posting)
