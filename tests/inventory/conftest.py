"""Fixtures for the stock ledger: a warehouse with locations and quick ways to receive and issue stock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jxc.inventory.choices import DocumentKind, IssueReason, ReceiptReason
from jxc.inventory.models import StockBalance, StockDocument
from jxc.inventory.services.documents import DocumentData, LineData, stock_document_create, stock_document_post
from jxc.inventory.services.warehouses import LocationData, location_save

DAY = date(2026, 11, 2)


class Stock:
    """Post documents the way users do, with short calls."""

    def __init__(self, owner: Any, warehouse: Any, locations: dict[str, Any]) -> None:
        self.owner = owner
        self.warehouse = warehouse
        self.locations = locations

    def _post(
        self,
        kind: str,
        lines: list[LineData],
        *,
        reason: str,
        warehouse: Any = None,
        to_warehouse: Any = None,
        day: date = DAY,
        actor: Any = None,
    ) -> StockDocument:
        data = DocumentData(
            kind=kind,
            date=day,
            warehouse_id=(warehouse or self.warehouse).pk,
            to_warehouse_id=getattr(to_warehouse, "pk", None),
            reason=reason,
            lines=lines,
        )
        document = stock_document_create(actor=actor or self.owner, data=data)
        return stock_document_post(actor=actor or self.owner, document=document)

    def receive(
        self,
        product: Any,
        quantity: Any,
        amount: Any,
        *,
        location: str = "DEFAULT",
        unit: Any = None,
        batch: str = "",
        expiry: date | None = None,
        serials: list[str] | None = None,
        warehouse: Any = None,
        day: date = DAY,
        reason: str = ReceiptReason.OPENING,
    ) -> StockDocument:
        where = warehouse or self.warehouse
        line = LineData(
            product_id=product.pk,
            quantity=Decimal(quantity),
            unit_id=getattr(unit, "pk", None),
            amount=Decimal(amount),
            location_id=self.location(location, where).pk,
            batch_no=batch,
            expiry_date=expiry,
            serials=serials or [],
        )
        return self._post(DocumentKind.RECEIPT, [line], reason=reason, warehouse=where, day=day)

    def issue(
        self,
        product: Any,
        quantity: Any,
        *,
        location: str = "DEFAULT",
        unit: Any = None,
        lot: Any = None,
        serials: list[str] | None = None,
        warehouse: Any = None,
        day: date = DAY,
        actor: Any = None,
    ) -> StockDocument:
        where = warehouse or self.warehouse
        line = LineData(
            product_id=product.pk,
            quantity=Decimal(quantity),
            unit_id=getattr(unit, "pk", None),
            location_id=self.location(location, where).pk,
            lot_id=getattr(lot, "pk", None),
            serials=serials or [],
        )
        return self._post(DocumentKind.ISSUE, [line], reason=IssueReason.SCRAP, warehouse=where, day=day, actor=actor)

    def transfer(
        self,
        product: Any,
        quantity: Any,
        *,
        source: str = "DEFAULT",
        target: str = "A-01",
        to_warehouse: Any = None,
        lot: Any = None,
        day: date = DAY,
    ) -> StockDocument:
        target_warehouse = to_warehouse or self.warehouse
        line = LineData(
            product_id=product.pk,
            quantity=Decimal(quantity),
            location_id=self.location(source).pk,
            to_location_id=self.location(target, target_warehouse).pk,
            lot_id=getattr(lot, "pk", None),
        )
        return self._post(DocumentKind.TRANSFER, [line], reason="", to_warehouse=to_warehouse, day=day)

    def location(self, code: str, warehouse: Any = None) -> Any:
        return (warehouse or self.warehouse).locations.get(code=code)

    def on_hand(self, product: Any, warehouse: Any = None) -> Decimal:
        balance = StockBalance.objects.filter(product=product, warehouse=warehouse or self.warehouse).first()
        return balance.on_hand if balance else Decimal(0)


@pytest.fixture
def stock(owner: Any, make_warehouse: Callable[..., Any]) -> Stock:
    warehouse = make_warehouse("MAIN", "总仓")
    for code in ("A-01", "A-02"):
        location_save(actor=None, warehouse=warehouse, data=LocationData(code=code))
    return Stock(owner, warehouse, {})


@pytest.fixture
def noodles(make_product: Callable[..., Any]) -> Any:
    """康师傅红烧牛肉面: base unit 包, 1 箱 = 24 包."""
    return make_product(sku="KSF-105", name="康师傅红烧牛肉面")
