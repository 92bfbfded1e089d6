from django.urls import path

from core.paths import step_paths
from funding.views import amendments
from funding.views import decisions as views

app_name = "decisions"

urlpatterns = [
    path("", views.decision_index, name="index"),
    path("new/", views.decision_new, name="new"),
    path("<id:pk>/", views.decision_view, name="detail"),
    path("<id:pk>/edit/", views.decision_edit, name="edit"),
    path("<id:pk>/add/", views.decision_add, name="add"),
    *step_paths("<id:pk>/{}/<id:allocation_id>/", views.decision_item, ["remove", "refresh"]),
    path(
        "<id:pk>/amendments/<id:proposal_id>/list/",
        amendments.list_in_decision,
        name="list_amendment",
    ),
    path("<id:pk>/decide/", views.decision_decide, name="decide"),
    path("<id:pk>/approve/", views.decision_approve, name="approve"),
    path("<id:pk>/pdf/", views.decision_pdf, name="pdf"),
]
