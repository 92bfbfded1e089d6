from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.permissions import is_official, is_region_staff, is_secretary
from agreements.todo import official_todo, partner_start
from funding.selectors import current_budget_year
from funding.todo import secretary_todo
from partners.permissions import membership_of


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The start page says what each user must do next (design §4 workflow 10); the
    composition root may use every app.

    Officials see what waits for the region, secretaries the decisions to finish, partner users
    their agreements with what to do now. Other region staff (administrators) land on the
    current budget year.
    """
    user = request.user
    if is_official(user) or is_secretary(user):
        context: dict[str, object] = {
            "todo": official_todo(user) if is_official(user) else [],
            "decisions": secretary_todo(user) if is_secretary(user) else {},
            "year": current_budget_year(user),
        }
        return render(request, "accounts/home_staff.html", context)
    if is_region_staff(user):
        year = current_budget_year(user)
        return redirect("funding:overview", year.year) if year else redirect("funding:index")
    cards = partner_start(user)
    return render(
        request, "accounts/home.html", {"membership": membership_of(user), "cards": cards}
    )
