"""Under /accounts/: the one-time link pages, the password-reset request and the staff
invitation. The route names are Django's own and accounts.tokens'; every one but the staff
invitation is open logged out and before the second login step (accounts.two_factor)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from core.limits import rate_limit
from invitations import views

urlpatterns = [
    path(
        "invitation/<uidb64>/<token>/",
        views.AcceptInvitationView.as_view(),
        name="accept_invitation",
    ),
    path("staff/invite/", views.staff_invite, name="staff_invite"),
    path(
        "password/reset/",
        rate_limit("password_reset", setting="PASSWORD_RESET_RATE_LIMIT", window_seconds=900)(
            views.ResetPasswordView.as_view()
        ),
        name="password_reset",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.ResetPasswordConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
