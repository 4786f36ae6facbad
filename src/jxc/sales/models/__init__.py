from jxc.sales.models.orders import SalesOrder, SalesOrderLine
from jxc.sales.models.prices import CustomerPrice
from jxc.sales.models.returns import SalesReturn, SalesReturnLine
from jxc.sales.models.shipments import SalesShipment, SalesShipmentLine, ShipmentPackage, TrackingEvent

__all__ = [
    "CustomerPrice",
    "SalesOrder",
    "SalesOrderLine",
    "SalesReturn",
    "SalesReturnLine",
    "SalesShipment",
    "SalesShipmentLine",
    "ShipmentPackage",
    "TrackingEvent",
]
