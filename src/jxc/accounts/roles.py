"""The built-in roles: each is a named set of permissions, kept in a Django group of the same code."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ALL = "*"
OUR_APPS = ("core", "accounts", "catalog", "partners", "inventory", "purchasing", "sales", "finance", "reports")

VIEW_MASTER_DATA = (
    "catalog.view_product",
    "catalog.view_category",
    "catalog.view_brand",
    "catalog.view_unit",
    "partners.view_partner",
    "inventory.view_warehouse",
    "inventory.view_location",
)
EDIT_PRODUCTS = (
    "catalog.add_product",
    "catalog.change_product",
    "catalog.add_category",
    "catalog.change_category",
    "catalog.add_brand",
    "catalog.change_brand",
    "catalog.add_unit",
    "catalog.change_unit",
)
EDIT_PARTNERS = ("partners.add_partner", "partners.change_partner")
EDIT_WAREHOUSES = (
    "inventory.add_warehouse",
    "inventory.change_warehouse",
    "inventory.add_location",
    "inventory.change_location",
)
VIEW_COST = "accounts.view_cost"
VIEW_STOCK = ("inventory.view_stockbalance", "inventory.view_stockdocument", "inventory.view_stockcount")
WORK_STOCK = (
    *VIEW_STOCK,
    "inventory.add_stockdocument",
    "inventory.change_stockdocument",
    "inventory.post_stockdocument",
    "inventory.add_stockcount",
    "inventory.change_stockcount",
)
VIEW_PURCHASING = (
    "purchasing.view_purchaseorder",
    "purchasing.view_purchasereceipt",
    "purchasing.view_purchasereturn",
    "purchasing.view_supplierproduct",
)
WORK_PURCHASING = (
    *VIEW_PURCHASING,
    "purchasing.add_purchaseorder",
    "purchasing.change_purchaseorder",
    "purchasing.add_purchasereceipt",
    "purchasing.change_purchasereceipt",
    "purchasing.add_purchasereturn",
    "purchasing.change_purchasereturn",
    "purchasing.add_supplierproduct",
    "purchasing.change_supplierproduct",
)
RECEIVE_GOODS = (
    "purchasing.view_purchaseorder",
    "purchasing.view_purchasereceipt",
    "purchasing.view_purchasereturn",
    "purchasing.add_purchasereceipt",
    "purchasing.change_purchasereceipt",
    "purchasing.post_purchasereceipt",
    "purchasing.add_purchasereturn",
    "purchasing.change_purchasereturn",
    "purchasing.post_purchasereturn",
)
WORK_SALES = (
    "sales.view_salesorder",
    "sales.add_salesorder",
    "sales.change_salesorder",
    "sales.view_customerprice",
    "sales.add_customerprice",
    "sales.change_customerprice",
)
# Shipments (销售出库): the salesperson prepares them; the warehouse keeper also picks, packs, ships and reverses.
PREPARE_SHIPMENTS = ("sales.view_salesshipment", "sales.add_salesshipment", "sales.change_salesshipment")
SHIP_GOODS = (*PREPARE_SHIPMENTS, "sales.post_salesshipment", "sales.view_salesorder")
# Sales returns (销售退货): the salesperson records them; the warehouse keeper inspects and posts them.
PREPARE_RETURNS = ("sales.view_salesreturn", "sales.add_salesreturn", "sales.change_salesreturn")
INSPECT_RETURNS = (*PREPARE_RETURNS, "sales.post_salesreturn")
# Finance (财务): receipts of payment and payments, cash accounts, write-offs, invoices, statements.
WORK_FINANCE = (
    "finance.view_payment",
    "finance.add_payment",
    "finance.reverse_payment",
    "finance.view_cashaccount",
    "finance.add_cashaccount",
    "finance.change_cashaccount",
    "finance.view_writeoff",
    "finance.add_writeoff",
    "finance.change_writeoff",
    "finance.approve_writeoff",
    "finance.view_invoice",
    "finance.add_invoice",
    "finance.void_invoice",
    "finance.view_statementshare",
    "finance.add_statementshare",
)
# Everything else the owner has, an administrator has too, except these.
OWNER_ONLY = frozenset({"inventory.reopen_stockperiod"})


@dataclass(frozen=True)
class Role:
    """A built-in role: its code (the group name), its label and its permissions."""

    code: str
    label: str | Promise
    description: str | Promise
    permissions: tuple[str, ...]
    excluded: frozenset[str] = frozenset()


ROLES: tuple[Role, ...] = (
    Role("owner", pgettext_lazy("role", "Owner"), _("Everything, including users and settings."), (ALL,)),
    Role(
        "admin",
        pgettext_lazy("role", "Administrator"),
        _("Users, settings and all master data."),
        (ALL,),
        OWNER_ONLY,
    ),
    Role(
        "purchaser",
        pgettext_lazy("role", "Purchaser"),
        _("Products, suppliers and purchase orders; sees purchase prices."),
        (*VIEW_MASTER_DATA, *EDIT_PRODUCTS, *EDIT_PARTNERS, VIEW_COST, *VIEW_STOCK, *WORK_PURCHASING),
    ),
    Role(
        "sales",
        pgettext_lazy("role", "Salesperson"),
        _("Customers and selling; no purchase prices."),
        (
            *VIEW_MASTER_DATA,
            *EDIT_PARTNERS,
            "inventory.view_stockbalance",
            *WORK_SALES,
            *PREPARE_SHIPMENTS,
            *PREPARE_RETURNS,
        ),
    ),
    Role(
        "warehouse",
        pgettext_lazy("role", "Warehouse keeper"),
        _("Warehouses, locations and stock; receives, ships and inspects returns; no prices."),
        (*VIEW_MASTER_DATA, *EDIT_WAREHOUSES, *WORK_STOCK, *RECEIVE_GOODS, *SHIP_GOODS, *INSPECT_RETURNS),
    ),
    Role(
        "accountant",
        pgettext_lazy("role", "Accountant"),
        _("Receivables, payables and costs; reads the audit log."),
        (
            *VIEW_MASTER_DATA,
            "partners.change_partner",
            VIEW_COST,
            "accounts.view_auditentry",
            *VIEW_STOCK,
            "inventory.view_stockperiod",
            "inventory.close_stockperiod",
            "inventory.approve_stockcount",
            *VIEW_PURCHASING,
            "sales.view_salesorder",
            "sales.view_salesshipment",
            "sales.view_salesreturn",
            "sales.view_customerprice",
            *WORK_FINANCE,
        ),
    ),
    Role(
        "cashier",
        pgettext_lazy("role", "Cashier"),
        _("Counter sales; looks up products and customers."),
        (
            "catalog.view_product",
            "catalog.view_category",
            "catalog.view_brand",
            "catalog.view_unit",
            "partners.view_partner",
            "inventory.view_warehouse",
            "inventory.view_stockbalance",
            # The counter (门店收银): a checkout ships and is paid at once; its receipt is the shipment's.
            "sales.view_salesshipment",
            "sales.add_salesshipment",
            "sales.post_salesshipment",
        ),
    ),
)
ROLE_BY_CODE = {r.code: r for r in ROLES}
ROLE_CHOICES = [(r.code, r.label) for r in ROLES]
