"""The sales API: one router per area, mounted together."""

from ninja import Router

from jxc.sales.api import counter, customers, orders, prices, returns, shipments

router = Router()
router.add_router("", orders.router)
router.add_router("", prices.router)
router.add_router("", counter.router)
router.add_router("", shipments.router)
router.add_router("", customers.router)
router.add_router("", returns.router)
