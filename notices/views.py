"""Each user's own e-mail settings: which notices they get, and in which language."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from accounts.http import AuthenticatedRequest
from accounts.models import User
from notices.forms import NoticeSettingsForm
from notices.services import set_language as services_set_language
from notices.services import set_opt_outs


@login_required
@require_http_methods(["GET", "POST"])
def notice_settings(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = NoticeSettingsForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        set_opt_outs(user=user, turned_off=form.turned_off())
        services_set_language(user=user, language=form.cleaned_data["language"])
        messages.success(request, _("Dina inställningar för e-post är sparade."))
        return redirect("notice_settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "notices/settings.html", {"form": form}, status=status)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (the footer's), which also becomes the language of a logged-in
    user's e-mail: a user who chose English reads English there too."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if (
        request.method == "POST"
        and isinstance(user, User)
        and language in dict(settings.LANGUAGES)
        and user.language != language
    ):
        services_set_language(user=user, language=language)
    return response
