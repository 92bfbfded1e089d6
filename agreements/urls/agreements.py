from django.urls import path

from agreements.views import agreements as views
from agreements.views import amendments, ending, reports
from core.paths import step_paths

app_name = "agreements"

# The one-button steps (agreements.views: _TRANSITIONS, _STEPS and _ENDINGS say what each does).
TRANSITIONS = ["send", "withdraw", "complete"]
ENDINGS = ["terminate", "discard"]
AMENDMENT_STEPS = ["send", "withdraw"]

urlpatterns = [
    path("", views.agreement_index, name="index"),
    path("new/<id:allocation_id>/", views.agreement_new, name="new"),
    path("<reference:reference>/", views.agreement_view, name="detail"),
    path("<reference:reference>/edit/", views.agreement_edit, name="edit"),
    *step_paths("<reference:reference>/{}/", views.agreement_transition, TRANSITIONS),
    path("<reference:reference>/sign/", views.agreement_sign, name="sign"),
    *step_paths("<reference:reference>/{}/", ending.agreement_end, ENDINGS),
    path("<reference:reference>/pdf/", views.agreement_pdf, name="pdf"),
    path("<reference:reference>/pdf/v<id:version>/", amendments.version_pdf, name="pdf_version"),
    path("<reference:reference>/amendment/", amendments.amendment_view, name="amendment"),
    path("<reference:reference>/amendment/new/", amendments.amendment_new, name="amendment_new"),
    path("<reference:reference>/amendment/edit/", amendments.amendment_edit, name="amendment_edit"),
    *step_paths(
        "<reference:reference>/amendment/{}/",
        amendments.amendment_step,
        AMENDMENT_STEPS,
        name="amendment_{}",
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
