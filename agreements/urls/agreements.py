from django.urls import path

from agreements.views import agreements as views
from agreements.views import ending, reports

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_index, name="index"),
    path("new/<id:allocation_id>/", views.agreement_new, name="new"),
    path("<reference:reference>/", views.agreement_view, name="detail"),
    path("<reference:reference>/edit/", views.agreement_edit, name="edit"),
    path(
        "<reference:reference>/send/", views.agreement_transition, {"action": "send"}, name="send"
    ),
    path(
        "<reference:reference>/withdraw/",
        views.agreement_transition,
        {"action": "withdraw"},
        name="withdraw",
    ),
    path("<reference:reference>/sign/", views.agreement_sign, name="sign"),
    path(
        "<reference:reference>/complete/",
        views.agreement_transition,
        {"action": "complete"},
        name="complete",
    ),
    path("<reference:reference>/terminate/", ending.agreement_terminate, name="terminate"),
    path("<reference:reference>/discard/", ending.agreement_discard, name="discard"),
    path("<reference:reference>/pdf/", views.agreement_pdf, name="pdf"),
    path("<reference:reference>/preview/", views.agreement_preview, name="preview"),
    path("<reference:reference>/reports/<id:pk>/", reports.report_view, name="report"),
    path("<reference:reference>/reports/<id:pk>/pdf/", reports.report_pdf, name="report_pdf"),
    path(
        "<reference:reference>/reports/<id:pk>/approve/",
        reports.report_approve,
        name="report_approve",
    ),
    path(
        "<reference:reference>/reports/<id:pk>/return/", reports.report_return, name="report_return"
    ),
    path(
        "<reference:reference>/reports/<id:pk>/files/<id:attachment_id>/",
        reports.attachment_download,
        name="attachment",
    ),
    path(
        "<reference:reference>/reports/<id:pk>/files/<id:attachment_id>/remove/",
        reports.attachment_remove,
        name="attachment_remove",
    ),
]
