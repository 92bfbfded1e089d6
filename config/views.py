from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from accounts.models import User
from accounts.permissions import is_official, is_region_staff, is_secretary
from agreements.permissions import can_handle_payments, can_sign_for_region
from agreements.todo import official_todo, partner_start
from audit.cache import per_revision, revision_keys
from core.generation_cache import reads_ahead
from funding.selectors import current_budget_year
from funding.todo import secretary_todo
from partners.permissions import membership_key, membership_of


def _staff_start(user: User) -> dict[str, object]:
    """What waits for an official or a secretary, rendered, and the year to land on. Counting
    it across every agreement and rendering its rows are most of the page's time, so both are
    done once per recorded change, day and language (audit.cache), the same for everyone they
    concern: the key holds the roles and rights they depend on (no forms in it, so nothing per
    request)."""
    official, secretary = is_official(user), is_secretary(user)
    rights = f"{official:d}{secretary:d}{can_sign_for_region(user):d}{can_handle_payments(user):d}"

    def compute() -> dict[str, object]:
        context = {
            "todo": official_todo(user) if official else [],
            "decisions": secretary_todo(user) if secretary else {},
        }
        return {
            "todo_html": mark_safe(render_to_string("accounts/home_staff.html#todo", context)),  # noqa: S308 - our own template's output, escaped
            "year": current_budget_year(user),
        }

    return per_revision(f"start:staff:{rights}:{timezone.localdate()}:{get_language()}", compute)


def _partner_cards(user: User) -> SafeString:
    """Whom the user represents and the partner's agreements with what to do now, rendered
    once per recorded change, day and language for this user (no forms on it, so nothing per
    request). The membership decides both, so it is in the key: it comes with the session's
    user, and a membership ended or changed outside the services shows at once."""
    membership = membership_of(user)

    def render() -> str:
        context = {"membership": membership, "cards": partner_start(user)}
        return render_to_string("accounts/home.html#cards", context)

    key = f"todo:partner:{user.pk}:{membership_key(user)}:{timezone.localdate()}:{get_language()}"
    return mark_safe(per_revision(key, render))  # noqa: S308 - our own template's output, escaped


@reads_ahead(revision_keys)  # the revision comes with the session
@login_required
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The start page says what each user must do next (design §4 workflow 10); the
    composition root may use every app.

    Officials see what waits for the region, secretaries the decisions to finish, partner users
    their agreements with what to do now. Other region staff (administrators) land on the
    current budget year.
    """
    user = request.user
    if is_official(user) or is_secretary(user):
        return render(request, "accounts/home_staff.html", _staff_start(user))
    if is_region_staff(user):
        year = current_budget_year(user)
        return redirect("funding:overview", year.year) if year else redirect("funding:index")
    return render(request, "accounts/home.html", {"cards_html": _partner_cards(user)})
