"""The sidebar: modules and their pages, each shown only to users with the permission it needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str | None = None
    match: str = ""

    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str | Promise
    icon: str
    items: tuple[NavItem, ...] = field(default_factory=tuple)


VIEW_STOCK = "inventory.view_stockbalance"
VIEW_DOCUMENTS = "inventory.view_stockdocument"
VIEW_ORDERS = "purchasing.view_purchaseorder"
VIEW_SALES_ORDERS = "sales.view_salesorder"

NAVIGATION: tuple[NavSection, ...] = (
    NavSection("home", _("Home"), "home", (NavItem(_("Dashboard"), "web:home"),)),
    NavSection(
        "master",
        _("Master data"),
        "box",
        (
            NavItem(_("Products"), "catalog:product_list", "catalog.view_product", "/catalog/products"),
            NavItem(_("Categories"), "catalog:category_list", "catalog.view_category", "/catalog/categories"),
            NavItem(_("Brands"), "catalog:brand_list", "catalog.view_brand", "/catalog/brands"),
            NavItem(_("Units"), "catalog:unit_list", "catalog.view_unit", "/catalog/units"),
            NavItem(_("Customers & suppliers"), "partners:partner_list", "partners.view_partner", "/partners"),
            NavItem(_("Warehouses"), "inventory:warehouse_list", "inventory.view_warehouse", "/inventory/warehouses"),
        ),
    ),
    NavSection(
        "purchasing",
        _("Purchasing"),
        "cart",
        (
            # Pages of the purchasing app: orders, receipts, returns, replenishment, suppliers.
            NavItem(_("Purchase orders"), "purchasing:order_list", VIEW_ORDERS, "/purchasing/orders/"),
            NavItem(_("Overdue orders"), "purchasing:order_overdue", VIEW_ORDERS, "/purchasing/overdue/"),
            NavItem(
                _("Purchase receipts"),
                "purchasing:receipt_list",
                "purchasing.view_purchasereceipt",
                "/purchasing/receipts/",
            ),
            NavItem(
                _("Purchase returns"),
                "purchasing:return_list",
                "purchasing.view_purchasereturn",
                "/purchasing/returns/",
            ),
            NavItem(_("Replenishment"), "purchasing:replenishment", VIEW_ORDERS, "/purchasing/replenishment/"),
            NavItem(
                _("Suppliers"),
                "purchasing:supplier_list",
                "purchasing.view_supplierproduct",
                "/purchasing/suppliers/",
            ),
        ),
    ),
    NavSection(
        "sales",
        _("Sales"),
        "people",
        (
            # Pages of the sales app: the counter, orders, shipments and deliveries, returns, customers, prices.
            NavItem(_("Counter"), "sales:counter", "sales.post_salesshipment", "/sales/counter/"),
            NavItem(_("Sales orders"), "sales:order_list", VIEW_SALES_ORDERS, "/sales/orders/"),
            NavItem(_("To ship"), "sales:shipment_to_ship", "sales.view_salesshipment", "/sales/to-ship/"),
            NavItem(_("Shipments"), "sales:shipment_list", "sales.view_salesshipment", "/sales/shipments/"),
            NavItem(_("Deliveries"), "sales:delivery_list", "sales.view_salesshipment", "/sales/deliveries/"),
            NavItem(_("Sales returns"), "sales:return_list", "sales.view_salesreturn", "/sales/returns/"),
            NavItem(_("Customers"), "sales:customer_list", "sales.view_customerprice", "/sales/customers/"),
            NavItem(_("Agreed prices"), "sales:price_list", "sales.view_customerprice", "/sales/prices/"),
        ),
    ),
    NavSection(
        "inventory",
        _("Inventory"),
        "warehouse",
        (
            NavItem(_("Stock on hand"), "inventory:stock_overview", VIEW_STOCK, "/inventory/stock/"),
            NavItem(_("Stock card"), "inventory:stock_card", VIEW_STOCK, "/inventory/stock-card/"),
            NavItem(_("Stock alerts"), "inventory:stock_alerts", VIEW_STOCK, "/inventory/alerts/"),
            NavItem(_("Other receipts"), "inventory:receipt_list", VIEW_DOCUMENTS, "/inventory/receipts/"),
            NavItem(_("Other issues"), "inventory:issue_list", VIEW_DOCUMENTS, "/inventory/issues/"),
            NavItem(_("Transfers"), "inventory:transfer_list", VIEW_DOCUMENTS, "/inventory/transfers/"),
            NavItem(_("Goods in transit"), "inventory:in_transit", VIEW_DOCUMENTS, "/inventory/in-transit/"),
            NavItem(_("Stock counts"), "inventory:count_list", "inventory.view_stockcount", "/inventory/counts/"),
            NavItem(_("Inventory valuation"), "inventory:valuation", "accounts.view_cost", "/inventory/valuation/"),
            NavItem(_("Stock periods"), "inventory:period_list", "inventory.view_stockperiod", "/inventory/periods/"),
        ),
    ),
    NavSection(
        "finance",
        _("Finance"),
        "money",
        (
            # Pages of the finance app: payments, cash accounts, ageing, statements, write-offs, invoices, month close.
            NavItem(_("Receipts and payments"), "finance:payment_list", "finance.view_payment", "/finance/payments/"),
            NavItem(_("Ageing"), "finance:ageing", "finance.view_payment", "/finance/ageing/"),
            NavItem(_("Overdue"), "finance:overdue", "finance.view_payment", "/finance/overdue/"),
            NavItem(_("Statements"), "finance:statement", "finance.view_statementshare", "/finance/statements/"),
            NavItem(_("Write-offs"), "finance:writeoff_list", "finance.view_writeoff", "/finance/write-offs/"),
            NavItem(_("Tax invoices"), "finance:invoice_list", "finance.view_invoice", "/finance/invoices/"),
            NavItem(
                _("Invoiced / not invoiced"),
                "finance:invoice_status",
                "finance.view_invoice",
                "/finance/invoices/status/",
            ),
            NavItem(
                _("Cash accounts"), "finance:cash_account_list", "finance.view_cashaccount", "/finance/cash-accounts/"
            ),
            NavItem(_("Month close"), "finance:period_list", "inventory.view_stockperiod", "/finance/periods/"),
            NavItem(_("Opening balances"), "finance:opening", "accounts.manage_settings", "/finance/opening/"),
        ),
    ),
    NavSection(
        "reports",
        _("Reports"),
        "chart",
        (
            NavItem(_("Gross profit"), "reports:gross_profit", "accounts.view_cost", "/reports/gross-profit/"),
            NavItem(
                _("Credit exposure"), "reports:credit_exposure", "sales.view_customerprice", "/reports/credit-exposure/"
            ),
        ),
    ),
    NavSection(
        "settings",
        _("Settings"),
        "gear",
        (
            NavItem(_("Company"), "accounts:company", "accounts.manage_settings", "/settings/company"),
            NavItem(
                _("Approval rules"),
                "accounts:approval_rule_list",
                "accounts.manage_settings",
                "/settings/approval-rules",
            ),
            NavItem(_("Users"), "accounts:user_list", "accounts.view_user", "/settings/users"),
            NavItem(_("Roles"), "accounts:role_list", "accounts.view_user", "/settings/roles"),
            NavItem(_("API tokens"), "accounts:token_list", None, "/settings/tokens"),
            NavItem(_("Audit log"), "accounts:audit_list", "accounts.view_auditentry", "/settings/audit"),
        ),
    ),
)


def navigation_for(user: Any, path: str) -> list[dict[str, Any]]:
    """The sections and items this user may open, with the current one marked."""
    sections = []
    for section in NAVIGATION:
        items = []
        for item in section.items:
            if item.permission and not user.has_perm(item.permission):
                continue
            url = item.url()
            active = path == url if not item.match else path.startswith(item.match)
            items.append({"label": item.label, "url": url, "active": active})
        if items:
            sections.append(
                {
                    "key": section.key,
                    "label": section.label,
                    "icon": section.icon,
                    "items": items,
                    "active": any(i["active"] for i in items),
                }
            )
    return sections
