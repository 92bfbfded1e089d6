"""Partner pages (design §6): every partner for staff, one partner with its agreements, reports
and payments; officials keep its data and contacts through the partners app's services. A
partner user sees their own organisation, read only; another partner is a 404."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedRequest
from accounts.permissions import is_region_staff
from agreements.filters import PartnerFilter
from agreements.partners import partner_list, partner_page
from core.filters import filtered_page
from core.views import run_service
from funding.selectors import current_budget_year
from partners import services
from partners.forms import PartnerDataForm, PaymentDetailsForm, contact_formset, planned_contacts
from partners.models import Partner
from partners.permissions import can_edit_partner
from partners.selectors import partners_for

PARTNERS_PER_PAGE = 100


@login_required
@require_GET
def partner_index(request: AuthenticatedRequest) -> HttpResponse:
    year = current_budget_year(request.user)
    listed = PartnerFilter(
        request.GET, queryset=partner_list(user=request.user, year=year.year if year else None)
    )
    context = {**filtered_page(request, listed, PARTNERS_PER_PAGE), "year": year}
    if not is_region_staff(request.user):
        context["filter_form"] = None  # a partner user sees one organisation: nothing to search
    return render(request, "partners/list.html", context)


@login_required
@require_GET
def partner_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    found = partner_page(user=request.user, slug=slug)
    if found is None:
        raise Http404
    context = {"page": found, "can_edit": can_edit_partner(request.user)}
    return render(request, "partners/detail.html", context)


def _editable(request: AuthenticatedRequest, slug: str) -> Partner:
    partner = partners_for(request.user).filter(slug=slug).first()
    if partner is None:
        raise Http404
    if not can_edit_partner(request.user):
        raise PermissionDenied
    return partner


@transaction.atomic  # both parts or neither
def _update(
    request: AuthenticatedRequest, partner: Partner, data: PartnerDataForm, pay: PaymentDetailsForm
) -> None:
    services.update_partner(partner=partner, by=request.user, **data.cleaned_data)
    if pay.changed():
        services.set_payment_details(
            partner=partner,
            method=pay.cleaned_data["payment_method"],
            account=pay.cleaned_data["payment_account"],
            reason=pay.cleaned_data["payment_reason"],
            by=request.user,
        )


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    partner = _editable(request, slug)
    posted = request.POST if request.method == "POST" else None
    data = PartnerDataForm.for_partner(partner, posted)
    pay = PaymentDetailsForm(posted, partner=partner)
    valid = posted is not None and data.is_valid() and pay.is_valid()
    if valid and run_service(request, partial(_update, request, partner, data, pay), form=data):
        messages.success(request, _("Uppgifterna om %(p)s är sparade.") % {"p": partner})
        return redirect("partners:detail", slug)
    context = {"partner": partner, "form": data, "pay": pay}
    return render(request, "partners/edit.html", context, status=400 if posted is not None else 200)


@login_required
@require_http_methods(["GET", "POST"])
def partner_contacts(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    partner = _editable(request, slug)
    posted = request.POST if request.method == "POST" else None
    contacts = contact_formset(partner, posted)
    if posted is not None and contacts.is_valid():
        try:
            services.set_contacts(
                partner=partner, contacts=planned_contacts(contacts), by=request.user
            )
        except ValidationError as error:
            contacts._non_form_errors = contacts.error_class(error.messages)
        else:
            messages.success(request, _("Kontaktpersonerna är sparade."))
            return redirect("partners:detail", slug)
    context = {"partner": partner, "contacts": contacts}
    return render(
        request, "partners/contacts.html", context, status=400 if posted is not None else 200
    )
