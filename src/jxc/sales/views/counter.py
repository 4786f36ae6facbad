"""Pages: the counter sale (门店收银 / 快速开单) and its 80 mm receipt.

The checkout works with a keyboard and a scanner alone (static/sales/counter.js): the scan field keeps the focus,
a barcode or SKU and Enter adds the item (again: one more), a name shows suggestions. Paying posts the shipment,
the receivable and the payment in one transaction; a refusal re-renders the cart as it was with the error beside
its field or row, and success opens the receipt, which prints itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from jxc.accounts.selectors import company_get
from jxc.catalog.models import Product
from jxc.catalog.selectors import ScanHit, product_find_by_code, product_list, product_units
from jxc.core.errors import DomainError
from jxc.core.forms import apply_error
from jxc.core.numbers import format_quantity
from jxc.inventory.errors import InsufficientStock
from jxc.inventory.models import Warehouse
from jxc.inventory.selectors import warehouses_of
from jxc.partners.models import Partner, PriceLevel
from jxc.partners.selectors import partner_list
from jxc.sales.choices import Channel, PaymentMethod
from jxc.sales.forms_counter import CounterForm, CounterLineForm, CounterLineFormSet, cart_row, cart_rows
from jxc.sales.models import SalesShipment
from jxc.sales.selectors.prices import sale_price
from jxc.sales.services.counter import WALK_IN_CODE, counter_sale_post

ADD = "sales.add_salesshipment"
POST = "sales.post_salesshipment"
TITLE = gettext_lazy("Counter")
SESSION_WAREHOUSE = "counter_warehouse"
SUGGESTIONS = 8


def _warehouses(user: Any) -> list[Warehouse]:
    """The active warehouses the cashier may sell from, in the order they were made."""
    return list(warehouses_of(user=user).filter(active=True).order_by("pk"))


def _chosen_warehouse(request: HttpRequest, warehouses: Sequence[Warehouse]) -> int | None:
    """?warehouse= (the receipt's "new sale" link), else the one used last, else the first the user may use."""
    usable = {w.pk for w in warehouses}
    for value in (request.GET.get("warehouse", ""), str(request.session.get(SESSION_WAREHOUSE, ""))):
        if value.isdigit() and int(value) in usable:
            return int(value)
    return warehouses[0].pk if warehouses else None


def _level(value: str) -> str:
    return value if value in PriceLevel.values else ""


def _customer(value: str) -> Partner | None:
    """The customer a request names (none: the walk-in customer, if it has been made)."""
    if value.isdigit():
        return Partner.objects.filter(pk=int(value), is_customer=True).first()
    return Partner.objects.filter(code=WALK_IN_CODE).first()


def proposed_price(*, customer: Partner | None, hit: ScanHit, level: str) -> tuple[Decimal, str]:
    """The price with tax of one `hit.unit` of the product for this customer at this price level."""
    return sale_price(
        customer=customer,
        product=hit.product,
        factor=hit.factor,
        tax_rate=hit.product.tax_rate,
        include_tax=True,
        level=level,
    )


def _stock_error(error: InsufficientStock, form: CounterForm, rows: list[CounterLineForm]) -> None:
    """Out of stock: the message on each row of a product that is short, and a summary at the top."""
    marked = False
    for item in error.data.get("items", []):
        for row in rows:
            if row.product_obj is None or row.product_obj.pk != item.get("product_id"):
                continue
            unit = row.product_obj.base_unit.name
            row.add_error(
                "quantity",
                _("Not enough stock at %(place)s: %(available)s %(unit)s left, %(needed)s %(unit)s wanted.")
                % {
                    "place": item.get("place", ""),
                    "available": format_quantity(Decimal(str(item.get("available", 0)))),
                    "needed": format_quantity(Decimal(str(item.get("needed", 0)))),
                    "unit": unit,
                },
            )
            marked = True
    form.add_error(None, _("Not enough stock for the marked items.") if marked else error.text)


def _show_error(error: DomainError, form: CounterForm, rows: list[CounterLineForm]) -> None:
    if isinstance(error, InsufficientStock):
        _stock_error(error, form, rows)
    else:
        apply_error(error, form, {"lines": rows})


def _receipt_url(shipment: SalesShipment, level: str) -> str:
    url = reverse("sales:counter_receipt", args=[shipment.pk])
    return f"{url}?{urlencode({'level': level})}" if level else url


@permission_required([ADD, POST], raise_exception=True)
def counter(request: HttpRequest) -> HttpResponse:
    """The checkout page; POST pays (shipment + receivable + payment at once) and opens the receipt."""
    user = request.user
    warehouses = _warehouses(user)
    if request.method == "POST":
        form = CounterForm(request.POST, warehouses=warehouses)
        lines = CounterLineFormSet(request.POST, prefix="lines")
        rows = cart_rows(list(lines.forms))
        if form.is_valid() and lines.is_valid():
            try:
                shipment = counter_sale_post(actor=user, data=form.to_data(rows))  # type: ignore[arg-type]
            except DomainError as error:
                _show_error(error, form, rows)
            else:
                request.session[SESSION_WAREHOUSE] = shipment.warehouse_id
                return redirect(_receipt_url(shipment, form.cleaned_data.get("price_level") or ""))
    else:
        initial = {
            "warehouse": _chosen_warehouse(request, warehouses),
            "price_level": _level(request.GET.get("level", "")),
            "payment_method": PaymentMethod.CASH,
        }
        form = CounterForm(initial=initial, warehouses=warehouses)
        lines = CounterLineFormSet(prefix="lines")
        rows = []
    errors = bool(form.errors or any(row.errors for row in rows) or lines.non_form_errors())
    context = {
        "title": TITLE,
        "form": form,
        "lines": lines,
        "rows": rows,
        "row_errors": [(i + 1, row) for i, row in enumerate(rows) if row.errors],
        "warehouses": warehouses,
        "walk_in": _("Walk-in customer"),
    }
    return render(request, "sales/counter.html", context, status=422 if errors else 200)


def _refused(message: str, status: int = 404, code: str = "not_found") -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "data": {}}, status=status)


@require_GET
@permission_required([ADD, POST], raise_exception=True)
def counter_lookup(request: HttpRequest) -> JsonResponse:
    """A product for the cart: by ?code= (barcode or SKU, in the unit it scans as) or ?product= (&unit=), priced
    for ?customer= at ?level=; with the cart row to add at ?index=."""
    params = request.GET
    hit: ScanHit | None = None
    if params.get("product", "").isdigit():
        product = Product.objects.select_related("base_unit").filter(pk=int(params["product"])).first()
        if product is None:
            return _refused(_("This product does not exist any more."))
        unit_id = int(params["unit"]) if params.get("unit", "").isdigit() else product.base_unit_id
        units = [(unit, factor) for unit, factor in product_units(product=product) if unit.pk == unit_id]
        if not units:
            return _refused(_("%(product)s has no such unit.") % {"product": product.name}, 409, "unit_not_of_product")
        hit = ScanHit(product, units[0][0], units[0][1])
    else:
        code = params.get("code", "").strip()
        hit = product_find_by_code(code=code)
        if hit is None:
            return _refused(_("%(code)s is not a known barcode or SKU.") % {"code": code[:60]})
    if not hit.product.active:
        return _refused(_("%(name)s is deactivated.") % {"name": hit.product.name}, 409, "inactive")
    price, source = proposed_price(
        customer=_customer(params.get("customer", "")), hit=hit, level=_level(params.get("level", ""))
    )
    index = int(params["index"]) if params.get("index", "").isdigit() else 0
    row = cart_row(index=index, product=hit.product, unit=hit.unit, price=price)
    return JsonResponse(
        {
            "product_id": hit.product.pk,
            "sku": hit.product.sku,
            "name": hit.product.name,
            "unit_id": hit.unit.pk,
            "unit": hit.unit.name,
            "factor": format_quantity(hit.factor),
            "price": str(row["price"].value()),
            "price_source": source,
            "html": render_to_string("sales/counter_row.html", {"row": row}, request=request),
        }
    )


@require_GET
@permission_required([ADD, POST], raise_exception=True)
def counter_suggest(request: HttpRequest) -> HttpResponse:
    """Suggestions for the scan field (products by name, pinyin initials, SKU, barcode) or, with ?kind=customer,
    for the customer field; the page moves through them with ↑ and ↓."""
    q = request.GET.get("q", "").strip()[:60]
    kind = "customer" if request.GET.get("kind") == "customer" else "product"
    items: list[Any] = []
    if q and kind == "product":
        items = list(product_list(q=q, active=True).order_by("name", "pk")[:SUGGESTIONS])
    elif q:
        found = partner_list(q=q, role="customer", active=True).filter(~Q(code=WALK_IN_CODE))
        items = list(found.order_by("name", "pk")[:SUGGESTIONS])
    return render(request, "sales/counter_suggest.html", {"items": items, "kind": kind, "q": q})


@dataclass
class ReceiptLine:
    """A line of the receipt: the shipment's lines of one product, unit, price and discount added together."""

    name: str
    unit: str
    quantity: Decimal
    price: Decimal
    discount_pct: Decimal
    total: Decimal


def _receipt_lines(shipment: SalesShipment) -> list[ReceiptLine]:
    merged: dict[tuple[int, int, Decimal, Decimal], ReceiptLine] = {}
    for line in shipment.lines.select_related("product", "unit").order_by("position", "pk"):
        key = (line.product_id, line.unit_id, line.price, line.discount_pct)
        if key in merged:
            merged[key].quantity += line.unit_quantity
            merged[key].total += line.total
        else:
            merged[key] = ReceiptLine(
                line.product.name, line.unit.name, line.unit_quantity, line.price, line.discount_pct, line.total
            )
    return list(merged.values())


@permission_required("sales.view_salesshipment", raise_exception=True)
def counter_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The 80 mm receipt of a counter sale; it prints itself, and "new sale" goes back to the same warehouse and
    price level."""
    shipment = (
        SalesShipment.objects.filter(pk=pk, channel=Channel.COUNTER, warehouse__in=warehouses_of(user=request.user))
        .select_related("customer", "warehouse", "created_by")
        .first()
    )
    if shipment is None:
        raise Http404
    lines = _receipt_lines(shipment)
    gross = sum((ln.quantity * ln.price for ln in lines), Decimal(0))
    discount = max(gross.quantize(Decimal("0.01")) - shipment.total, Decimal(0))
    new_sale = {"warehouse": shipment.warehouse_id}
    level = _level(request.GET.get("level", ""))
    if level:
        new_sale["level"] = level  # type: ignore[assignment]
    context = {
        "shipment": shipment,
        "lines": lines,
        "discount": discount,
        "company": company_get(),
        "walk_in": shipment.customer.code == WALK_IN_CODE,
        "time": timezone.localtime(shipment.posted_at or shipment.created_at),
        "new_sale_url": f"{reverse('sales:counter')}?{urlencode(new_sale)}",
        "autoprint": request.GET.get("print") != "0",
    }
    return render(request, "sales/counter_receipt.html", context)


urlpatterns: list[URLPattern] = [
    path("counter/", counter, name="counter"),
    path("counter/lookup/", counter_lookup, name="counter_lookup"),
    path("counter/suggest/", counter_suggest, name="counter_suggest"),
    path("counter/<int:pk>/receipt/", counter_receipt, name="counter_receipt"),
]
