from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.permissions import is_region_staff
from agreements.selectors import agreements_for
from funding.selectors import current_budget_year
from partners.permissions import membership_of


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The start page sends each role to its home (the composition root may use every app).

    Officials and secretaries land on the current budget year; partner users see their own
    organisation's agreements.
    """
    if is_region_staff(request.user):
        year = current_budget_year(request.user)
        return redirect("funding:overview", year.year) if year else redirect("funding:index")
    context = {
        "membership": membership_of(request.user),
        "agreements": agreements_for(request.user).order_by("reference"),
    }
    return render(request, "accounts/home.html", context)
