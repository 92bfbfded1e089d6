from django.urls import path

from funding.views import amendments, upload
from funding.views import budget as views

app_name = "funding"

urlpatterns = [
    path("", views.budget_index, name="index"),
    path("<year:year>/", views.overview, name="overview"),
    path("<year:year>/start-next/", views.start_next_year, name="start_next"),
    path("<year:year>/<slug:slug>/allocations/", views.allocation_editor, name="allocations"),
    path(
        "<year:year>/<slug:slug>/allocations/totals/",
        views.allocation_totals,
        name="allocation_totals",
    ),
    path(
        "<year:year>/<slug:slug>/allocations/upload/",
        upload.allocation_upload,
        name="allocation_upload",
    ),
    path(
        "<year:year>/<slug:slug>/allocations/upload/confirm/",
        upload.allocation_upload_confirm,
        name="allocation_upload_confirm",
    ),
    path("<year:year>/<slug:slug>/history/", views.history, name="history"),
    path(
        "<year:year>/<slug:slug>/allocations/<id:allocation_id>/amend/",
        amendments.propose,
        name="propose_amendment",
    ),
]
