"""Each user's own e-mail settings: which notices they get, and in which language."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedRequest
from notices.forms import NoticeSettingsForm
from notices.services import set_language, set_opt_outs


@login_required
@require_http_methods(["GET", "POST"])
def notice_settings(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = NoticeSettingsForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        set_opt_outs(user=user, turned_off=form.turned_off())
        set_language(user=user, language=form.cleaned_data["language"])
        messages.success(request, _("Dina inställningar för e-post är sparade."))
        return redirect("notice_settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "notices/settings.html", {"form": form}, status=status)
