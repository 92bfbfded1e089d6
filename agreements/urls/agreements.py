from django.urls import path

from agreements.views import agreements as views
from agreements.views import amendments, ending, reports

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
    path(
        "<reference:reference>/terminate/",
        ending.agreement_end,
        {"how": "terminate"},
        name="terminate",
    ),
    path(
        "<reference:reference>/discard/", ending.agreement_end, {"how": "discard"}, name="discard"
    ),
    path("<reference:reference>/pdf/", views.agreement_pdf, name="pdf"),
    path("<reference:reference>/pdf/v<id:version>/", amendments.version_pdf, name="pdf_version"),
    path("<reference:reference>/amendment/", amendments.amendment_view, name="amendment"),
    path("<reference:reference>/amendment/new/", amendments.amendment_new, name="amendment_new"),
    path("<reference:reference>/amendment/edit/", amendments.amendment_edit, name="amendment_edit"),
    path(
        "<reference:reference>/amendment/send/",
        amendments.amendment_step,
        {"action": "send"},
        name="amendment_send",
    ),
    path(
        "<reference:reference>/amendment/withdraw/",
        amendments.amendment_step,
        {"action": "withdraw"},
        name="amendment_withdraw",
    ),
    path(
        "<reference:reference>/amendment/discard/",
        amendments.amendment_discard,
        name="amendment_discard",
    ),
    path("<reference:reference>/amendment/sign/", amendments.amendment_sign, name="amendment_sign"),
    path(
        "<reference:reference>/amendment/preview/",
        amendments.amendment_preview,
        name="amendment_preview",
    ),
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
