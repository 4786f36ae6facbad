from jxc.purchasing.models.orders import PurchaseOrder, PurchaseOrderLine
from jxc.purchasing.models.receipts import PurchaseReceipt, PurchaseReceiptLine
from jxc.purchasing.models.returns import PurchaseReturn, PurchaseReturnLine
from jxc.purchasing.models.terms import SupplierProduct

__all__ = [
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseReceipt",
    "PurchaseReceiptLine",
    "PurchaseReturn",
    "PurchaseReturnLine",
    "SupplierProduct",
]
