from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_index, name="index"),
    path("new/<int:allocation_id>/", views.agreement_new, name="new"),
    path("<str:reference>/", views.agreement_view, name="detail"),
    path("<str:reference>/edit/", views.agreement_edit, name="edit"),
    path("<str:reference>/send/", views.agreement_transition, {"action": "send"}, name="send"),
    path(
        "<str:reference>/withdraw/",
        views.agreement_transition,
        {"action": "withdraw"},
        name="withdraw",
    ),
    path("<str:reference>/sign/", views.agreement_sign, name="sign"),
    path(
        "<str:reference>/complete/",
        views.agreement_transition,
        {"action": "complete"},
        name="complete",
    ),
    path("<str:reference>/terminate/", views.agreement_terminate, name="terminate"),
    path("<str:reference>/pdf/", views.agreement_pdf, name="pdf"),
    path("<str:reference>/preview/", views.agreement_preview, name="preview"),
]
