from jxc.sales.models.orders import SalesOrder, SalesOrderLine
from jxc.sales.models.prices import CustomerPrice

__all__ = ["CustomerPrice", "SalesOrder", "SalesOrderLine"]
