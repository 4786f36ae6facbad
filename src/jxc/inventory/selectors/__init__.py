"""Reads of the inventory: warehouses and locations, stock on hand, stock cards, valuation, alerts."""

from jxc.inventory.selectors.stock import (
    AlertRow,
    CardRow,
    OverviewRow,
    ReversalEffect,
    StockCard,
    ValuationRow,
    balance_at,
    in_transit_documents,
    reversal_preview,
    stock_alerts,
    stock_card,
    stock_overview,
    valuation_at,
)
from jxc.inventory.selectors.warehouses import (
    location_list,
    location_list_for,
    lot_suggestions,
    warehouse_for,
    warehouse_get_for,
    warehouse_list_for,
    warehouses_of,
)

__all__ = [
    "AlertRow",
    "CardRow",
    "OverviewRow",
    "ReversalEffect",
    "StockCard",
    "ValuationRow",
    "balance_at",
    "in_transit_documents",
    "location_list",
    "location_list_for",
    "lot_suggestions",
    "reversal_preview",
    "stock_alerts",
    "stock_card",
    "stock_overview",
    "valuation_at",
    "warehouse_for",
    "warehouse_get_for",
    "warehouse_list_for",
    "warehouses_of",
]
