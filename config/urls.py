from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from accounts import passwords as accounts_passwords
from agreements.views import agreements as agreement_views
from api.views import api as api_v1
from config.metrics import metrics
from config.views import home
from core.views import accessibility, bench_floor, favicon, healthz, readyz, robots_txt
from notices import views as notice_views
from twofactor import views as two_factor_views

# The database out of reach answers 503, other errors 500 (core.views.server_error).
handler500 = "core.views.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", two_factor_views.two_factor, name="two_factor"),
    path("accounts/2fa/setup/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path(
        "accounts/password/",
        accounts_passwords.ThrottledPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/notices/", notice_views.notice_settings, name="notice_settings"),
    # Invitations, password reset by e-mail, inviting staff (invitations.urls).
    path("accounts/", include("invitations.urls")),
    path("budget/", include("funding.urls.budget")),
    path("decisions/", include("funding.urls.decisions")),
    path("agreements/", include("agreements.urls.agreements")),
    path("payments/", include("agreements.urls.payments")),
    path("partners/", include("agreements.urls.partners")),
    path("archive/", include("archive.urls")),
    path("", include("exports.urls")),
    path("verify/", agreement_views.verify, name="verify"),
    path("api/v1/", api_v1.urls),
    # The admin's own password change checks the old password with check_password(), out of
    # django-axes' sight; this route, before the admin's, serves the throttled one there.
    path(
        "admin/password_change/",
        admin.site.admin_view(
            accounts_passwords.ThrottledPasswordChangeView.as_view(
                success_url=reverse_lazy("admin:password_change_done")
            )
        ),
        name="admin_password_change",
    ),
    path("admin/", admin.site.urls),
    # Django's language switch, remembered as the user's e-mail language too (notices.views).
    path("i18n/setlang/", notice_views.set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("accessibility/", accessibility, name="accessibility"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
]

if settings.BENCH_FLOOR_ENDPOINT:
    urlpatterns.append(path("bench/floor/", bench_floor, name="bench_floor"))
