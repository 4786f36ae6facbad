from jxc.finance.models.cash import CashAccount, CashEntry
from jxc.finance.models.invoices import Invoice, InvoiceLine
from jxc.finance.models.payments import Payment, WriteOff, WriteOffLine
from jxc.finance.models.periods import CashSnapshot, PartnerSnapshot
from jxc.finance.models.statements import StatementShare

__all__ = [
    "CashAccount",
    "CashEntry",
    "CashSnapshot",
    "Invoice",
    "InvoiceLine",
    "PartnerSnapshot",
    "Payment",
    "StatementShare",
    "WriteOff",
    "WriteOffLine",
]
