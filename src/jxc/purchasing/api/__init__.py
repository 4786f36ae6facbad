"""The purchasing API: one router per area, mounted together."""

from ninja import Router

from jxc.purchasing.api import orders, receipts, replenishment, returns, suppliers

router = Router()
router.add_router("", orders.router)
router.add_router("", receipts.router)
router.add_router("", returns.router)
router.add_router("", replenishment.router)
router.add_router("", suppliers.router)
