"""Pages: customers and suppliers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jxc.accounts.selectors import audit_trail
from jxc.core.actions import set_active_response
from jxc.core.columns import rows_of
from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.import_views import import_page
from jxc.core.listing import ListPage, list_response
from jxc.partners.forms import ContactFormSet, PartnerFilterForm, PartnerForm
from jxc.partners.imports import PARTNER_IMPORT, partner_export_columns
from jxc.partners.models import Partner
from jxc.partners.selectors import partner_get, partner_list
from jxc.partners.services.partners import partner_create, partner_set_active, partner_update
from jxc.partners.tables import PARTNER_COLUMNS


@permission_required("partners.view_partner", raise_exception=True)
def partner_list_view(request: HttpRequest) -> HttpResponse:
    form = PartnerFilterForm(request.GET or None)
    filters = form.filters(request.GET.get("active"))
    if request.GET.get("export") == "xlsx":
        columns = partner_export_columns()
        partners = partner_list(**filters).prefetch_related("contacts").order_by("code")
        return xlsx_response(
            filename="partners",
            title=str(_("Customers & suppliers")),
            columns=columns,
            rows=rows_of(partners.iterator(chunk_size=2000), columns),
        )
    can_add = request.user.has_perm("partners.add_partner")
    page = ListPage(
        title=gettext_lazy("Customers & suppliers"),
        columns=PARTNER_COLUMNS,
        default_sort="code",
        filter_form=form,
        create_url=reverse("partners:partner_create") if can_add else "",
        create_label=gettext_lazy("New partner"),
        import_url=reverse("partners:partner_import") if can_add else "",
        export_name="partners",
        empty_text=gettext_lazy("No customers or suppliers match."),
    )
    return list_response(request, partner_list(**filters), page)


def _partner_form_page(request: HttpRequest, partner: Partner | None) -> HttpResponse:
    if partner is None:
        role = request.GET.get("role")
        initial: dict[str, Any] = {
            "is_customer": role != "supplier",
            "is_supplier": role == "supplier",
            "supplier_approved": True,
            "payment_terms_days": 0,
            "lead_time_days": 0,
            "price_level": "retail",
            "customer_class": "new",
        }
        contact_initial: list[dict[str, Any]] = []
    else:
        initial = PartnerForm.initial_for(partner)
        contact_initial = [
            {"name": c.name, "position": c.position, "phone": c.phone, "email": c.email, "is_primary": c.is_primary}
            for c in partner.contacts.order_by("pk")
        ]
    data = request.POST if request.method == "POST" else None
    form = PartnerForm(data, initial=initial)
    contacts = ContactFormSet(data, initial=contact_initial, prefix="contacts")
    if data is not None and form.is_valid() and contacts.is_valid():
        partner_data, rows = form.to_data(contacts)
        try:
            if partner is None:
                partner = partner_create(actor=request.user, data=partner_data)  # type: ignore[arg-type]
            else:
                partner = partner_update(actor=request.user, partner=partner, data=partner_data)  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form, rows)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": partner.name})
            return redirect(partner)
    has_errors = bool(form.errors or any(contacts.errors))
    context = {"form": form, "contacts": contacts, "partner": partner}
    return render(
        request, "partners/partner_form.html", context, status=422 if data is not None and has_errors else 200
    )


@permission_required("partners.add_partner", raise_exception=True)
def partner_create_view(request: HttpRequest) -> HttpResponse:
    return _partner_form_page(request, None)


@permission_required("partners.change_partner", raise_exception=True)
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _partner_form_page(request, get_object_or_404(Partner, pk=pk))


@permission_required("partners.view_partner", raise_exception=True)
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        partner = partner_get(pk=pk)
    except Partner.DoesNotExist:
        raise Http404 from None
    return render(
        request, "partners/partner_detail.html", {"partner": partner, "trail": audit_trail(target=partner)[:20]}
    )


@require_POST
@permission_required("partners.change_partner", raise_exception=True)
def partner_set_active_view(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=pk)
    return set_active_response(request, service=partner_set_active, active=active, back=partner, partner=partner)


@permission_required(["partners.add_partner", "partners.change_partner"], raise_exception=True)
def partner_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, spec=PARTNER_IMPORT, back_url=reverse("partners:partner_list"))
