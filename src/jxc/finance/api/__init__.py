"""The finance API: one router per area, mounted together."""

from ninja import Router

from jxc.finance.api import cash, invoices, ledger, opening, payments, periods, statements, writeoffs

router = Router()
for area in (cash, payments, writeoffs, ledger, statements, invoices, periods, opening):
    router.add_router("", area.router)
