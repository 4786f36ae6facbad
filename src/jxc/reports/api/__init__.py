"""The reports API."""

from ninja import Router

from jxc.reports.api import profit

router = Router()
router.add_router("", profit.router)
