from django.urls import path

from funding.views import budget as views

app_name = "funding"

urlpatterns = [
    path("", views.budget_index, name="index"),
    path("<int:year>/", views.overview, name="overview"),
    path("<int:year>/start-next/", views.start_next_year, name="start_next"),
    path("<int:year>/<slug:slug>/allocations/", views.allocation_editor, name="allocations"),
    path(
        "<int:year>/<slug:slug>/allocations/totals/",
        views.allocation_totals,
        name="allocation_totals",
    ),
    path("<int:year>/<slug:slug>/history/", views.history, name="history"),
]
