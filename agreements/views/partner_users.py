"""A partner's users, on the partner page (issue 16): officials invite and deactivate them for
any partner, a partner's signatory for their own organisation. The partner and the user are
looked up in the asking user's scope, so another partner's are a 404; the partners app's
permissions say who may act, and its services do it with history."""

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from accounts.models import User
from core.views import created, run_service
from invitations.messages import link_validity
from partners import services
from partners.forms import PartnerInvitationForm
from partners.models import Partner
from partners.permissions import can_deactivate_partner_user, can_manage_partner_users
from partners.selectors import partner_users_for, partners_for


def _managed(request: AuthenticatedRequest, slug: str) -> Partner:
    partner = partners_for(request.user).filter(slug=slug).first()
    if partner is None:
        raise Http404
    if not can_manage_partner_users(request.user, partner):
        raise PermissionDenied
    return partner


def _member(request: AuthenticatedRequest, slug: str, user_id: int) -> tuple[Partner, User]:
    """A user of a partner whose users this user manages; one they may not see is a 404."""
    partner = _managed(request, slug)
    member = partner_users_for(request.user, partner).filter(pk=user_id).first()
    if member is None:
        raise Http404
    return partner, member


def _member_step(
    request: AuthenticatedRequest,
    partner: Partner,
    member: User,
    service: Callable[..., object],
    done: str,
) -> HttpResponse:
    """A partners service's step with one of its users, then back to the partner's page."""
    run_service(request, lambda: service(partner=partner, user=member, by=request.user), done=done)
    return redirect("partners:detail", partner.slug)


@login_required
@require_http_methods(["GET", "POST"])
def invite_user(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    partner = _managed(request, slug)
    posted = request.POST if request.method == "POST" else None
    form = PartnerInvitationForm(posted)
    invite = partial(services.invite_partner_user, partner=partner, by=request.user)
    user = created(request, form, invite)
    if user is not None:
        messages.success(request, _("En inbjudan har skickats till %(e)s.") % {"e": user.email})
        return redirect("partners:detail", slug)
    context = {"partner": partner, "form": form, "validity": link_validity()}
    status = 400 if posted is not None else 200
    return render(request, "partners/invite_user.html", context, status=status)


@login_required
@require_POST
def reinvite_user(request: AuthenticatedRequest, slug: str, user_id: int) -> HttpResponse:
    partner, member = _member(request, slug, user_id)
    done = _("En ny inbjudan har skickats till %(e)s.") % {"e": member.email}
    return _member_step(request, partner, member, services.resend_partner_invitation, done)


@login_required
@require_http_methods(["GET", "POST"])
def deactivate_user(request: AuthenticatedRequest, slug: str, user_id: int) -> HttpResponse:
    partner, member = _member(request, slug, user_id)
    if not can_deactivate_partner_user(request.user, partner, member):
        raise PermissionDenied
    if request.method == "POST":  # refused when deactivated by someone else meanwhile
        done = _("%(n)s är inaktiverad.") % {"n": member.display_name}
        return _member_step(request, partner, member, services.deactivate_partner_user, done)
    context = {"partner": partner, "member": member}
    return render(request, "partners/deactivate_user.html", context)
