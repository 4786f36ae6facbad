"""The inventory API: one router per area, mounted together."""

from ninja import Router

from jxc.inventory.api import counts, documents, stock, warehouses

router = Router()
router.add_router("", warehouses.router)
router.add_router("", documents.router)
router.add_router("", counts.router)
router.add_router("", stock.router)
