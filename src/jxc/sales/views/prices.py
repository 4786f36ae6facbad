"""Pages: agreed prices (协议价) per customer: the list with filters and Excel export, add, change, remove."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jxc.accounts.selectors import include_tax_default
from jxc.core.columns import Column
from jxc.core.errors import DomainError
from jxc.core.forms import apply_error
from jxc.core.listing import ListPage, list_response
from jxc.sales.forms_prices import CustomerPriceForm, PriceFilterForm
from jxc.sales.models import CustomerPrice
from jxc.sales.selectors.prices import customer_price_get, customer_price_list
from jxc.sales.services.prices import customer_price_remove, customer_price_save
from jxc.sales.tables_prices import PRICE_COLUMNS

VIEW = "sales.view_customerprice"
ADD = "sales.add_customerprice"
CHANGE = "sales.change_customerprice"

TITLE = gettext_lazy("Agreed prices")
NEW_TITLE = gettext_lazy("New agreed price")


def _edit_link(row: CustomerPrice) -> Any:
    return format_html(
        '<a href="{}" data-edit-price="{}">{}</a>', reverse("sales:price_edit", args=[row.pk]), row.pk, _("Edit")
    )


EDIT_COLUMN = Column("actions", "", get=_edit_link, width=8)


@permission_required(VIEW, raise_exception=True)
def price_list(request: HttpRequest) -> HttpResponse:
    """The agreed prices, for one customer (?customer=) or all, with a search; ?export=xlsx exports them."""
    form = PriceFilterForm(request.GET or None)
    filters = form.filters()
    export = request.GET.get("export") == "xlsx"
    columns = PRICE_COLUMNS if export or not request.user.has_perm(CHANGE) else (*PRICE_COLUMNS, EDIT_COLUMN)
    create_url = ""
    if request.user.has_perm(ADD):
        create_url = reverse("sales:price_create")
        if filters["customer_id"]:
            create_url += f"?customer={filters['customer_id']}"
    page = ListPage(
        title=TITLE,
        columns=columns,
        default_sort="customer__name",
        filter_form=form,
        create_url=create_url,
        create_label=NEW_TITLE,
        export_name="agreed-prices",
        empty_text=gettext_lazy("No agreed prices match."),
    )
    return list_response(request, customer_price_list(**filters), page)


def _back(customer_id: int | None) -> str:
    """The list, of the customer's prices when there is one."""
    url = reverse("sales:price_list")
    return f"{url}?customer={customer_id}" if customer_id else url


def _form_page(request: HttpRequest, *, row: CustomerPrice | None) -> HttpResponse:
    with_tax = include_tax_default(None)
    given = request.GET.get("customer", "")
    customer_id = row.customer_id if row is not None else (int(given) if given.isdigit() else None)
    initial: dict[str, Any] = {"customer": customer_id, "product": request.GET.get("product", "")}
    if row is not None:
        initial = {"price": row.price, "notes": row.notes}
    data = request.POST if request.method == "POST" else None
    form = CustomerPriceForm(data, initial=initial, row=row, with_tax=with_tax)
    if data is not None and form.is_valid():
        try:
            saved = customer_price_save(actor=request.user, data=form.to_data())  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form)
        else:
            messages.success(
                request,
                _("Saved the agreed price of %(product)s for %(customer)s.")
                % {"product": saved.product.name, "customer": saved.customer.name},
            )
            return redirect(_back(saved.customer_id))
    context = {
        "form": form,
        "row": row,
        "title": NEW_TITLE if row is None else f"{row.customer.name} · {row.product.name}",
        "list_url": _back(customer_id),
        "list_title": TITLE,
        "can_remove": row is not None and request.user.has_perm(CHANGE),
    }
    return render(request, "sales/price_form.html", context, status=422 if form.errors else 200)


def _row(pk: int) -> CustomerPrice:
    try:
        return customer_price_get(pk=pk)
    except CustomerPrice.DoesNotExist:
        raise Http404 from None


@permission_required(ADD, raise_exception=True)
def price_create(request: HttpRequest) -> HttpResponse:
    """Agree a price (?customer=<id>&product=<sku> to start with them chosen); an existing one is replaced."""
    return _form_page(request, row=None)


@permission_required(CHANGE, raise_exception=True)
def price_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, row=_row(pk))


@require_POST
@permission_required(CHANGE, raise_exception=True)
def price_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an agreed price: the customer's lines are proposed the last price sold or their level again."""
    row = _row(pk)
    try:
        customer_price_remove(actor=request.user, price=row)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(
            request,
            _("Removed the agreed price of %(product)s for %(customer)s.")
            % {"product": row.product.name, "customer": row.customer.name},
        )
    return redirect(_back(row.customer_id))


urlpatterns: list[URLPattern] = [
    path("prices/", price_list, name="price_list"),
    path("prices/new/", price_create, name="price_create"),
    path("prices/<int:pk>/edit/", price_edit, name="price_edit"),
    path("prices/<int:pk>/remove/", price_remove, name="price_remove"),
]
