"""The inventory API: one router per area, mounted together."""

from ninja import Router

from jxc.inventory.api import warehouses

router = Router()
router.add_router("", warehouses.router)
