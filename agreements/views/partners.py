"""Partner pages (design §6): every partner for staff, one partner with its agreements, reports
and payments; officials keep its data and contacts through the partners app's services. A
partner user sees their own organisation, read only; another partner is a 404."""

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedRequest
from accounts.permissions import AnyUser, is_region_staff
from agreements.filters import PartnerFilter
from agreements.partners import partner_follow_up, partner_page, partner_users_keys
from agreements.selectors import visibility_scope
from agreements.views.listing import partner_rows
from audit.cache import per_revision, revision_keys
from core.filters import PAGE_PARAM, ListChoices
from core.generation_cache import reads_ahead
from core.views import run_service
from partners import services
from partners.forms import PartnerDataForm, PaymentDetailsForm, contact_formset, planned_contacts
from partners.models import Partner
from partners.permissions import can_edit_partner
from partners.selectors import partners_for


@reads_ahead(revision_keys)  # the revision comes with the session
@login_required
@require_GET
def partner_index(request: AuthenticatedRequest) -> HttpResponse:
    # The choices alone (their rows come from partner_rows, cached).
    choices = ListChoices(PartnerFilter, Partner, request.GET)
    filters = choices.query
    context = {
        "filters": filters,
        # A partner user sees one organisation: nothing to search.
        "choices": choices if is_region_staff(request.user) else None,
        "rows": partner_rows(
            request.user, request.GET, filters=filters, page=request.GET.get(PAGE_PARAM)
        ),
    }
    return render(request, "partners/list.html", context)


@dataclass(frozen=True)
class PartnerRecord:
    """A partner's page around its users table, rendered."""

    about: SafeString  # facts and contacts
    follow_up: SafeString  # agreements by year, reports, payments


def _record(user: AnyUser, partner: Partner) -> PartnerRecord:
    """The partner's facts, contacts, agreements, reports and payments, rendered once per
    recorded change (issue 18). With a decade of agreements the page cost thirty times the
    session floor; each of these rows changes only through a service that records the change,
    which moves the revision on (audit.cache). Keyed by the day (what is late depends on it),
    language, scope (the agreements a partner user may see are their own) and whether the
    user may edit. The users table is not in it: a user's name, e-mail and status can change
    outside the services (the admin). Who may see the partner at all is decided before, on
    every request (`partner_page`)."""
    can_edit = can_edit_partner(user)

    def render() -> PartnerRecord:
        about = {"partner": partner, "contacts": partner.contacts.all(), "can_edit": can_edit}
        follow_up = {"follow_up": partner_follow_up(user=user, partner=partner)}
        return PartnerRecord(
            mark_safe(render_to_string("partners/detail.html#about", about)),  # noqa: S308
            mark_safe(render_to_string("partners/detail.html#follow-up", follow_up)),  # noqa: S308
        )

    today, language = timezone.localdate(), get_language()
    key = f"partner-record:{partner.pk}:{visibility_scope(user)}:{can_edit:d}:{today}:{language}"
    return per_revision(key, render)


@reads_ahead(revision_keys, partner_users_keys)  # with the session: the revision, the users
@login_required
@require_GET
def partner_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    found = partner_page(user=request.user, slug=slug)
    if found is None:
        raise Http404
    context = {"page": found, "record": _record(request.user, found.partner)}
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
