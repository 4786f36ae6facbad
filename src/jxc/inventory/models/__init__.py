from jxc.inventory.models.counts import StockCount, StockCountLine
from jxc.inventory.models.documents import StockDocument, StockDocumentLine
from jxc.inventory.models.ledger import CostState, StockBalance, StockMove, StockPosting, StockQuant
from jxc.inventory.models.lots import Lot, Serial, SerialMove
from jxc.inventory.models.periods import CostSnapshot, StockPeriod, StockSnapshot
from jxc.inventory.models.reservations import Reservation
from jxc.inventory.models.warehouses import Location, Warehouse

__all__ = [
    "CostSnapshot",
    "CostState",
    "Location",
    "Lot",
    "Reservation",
    "Serial",
    "SerialMove",
    "StockBalance",
    "StockCount",
    "StockCountLine",
    "StockDocument",
    "StockDocumentLine",
    "StockMove",
    "StockPeriod",
    "StockPosting",
    "StockQuant",
    "StockSnapshot",
    "Warehouse",
]
