from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from agreements.selectors import agreements_for
from funding.selectors import budget_years_for
from partners.permissions import membership_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: each role sees where its work is (the composition root may use every app)."""
    membership = membership_of(request.user)
    context = {
        "membership": membership,
        "budget_years": budget_years_for(request.user),
        "agreements": agreements_for(request.user).order_by("reference")[:50],
    }
    return render(request, "accounts/home.html", context)
