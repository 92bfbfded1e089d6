from django.urls import path

from funding.views import decisions as views

app_name = "decisions"

urlpatterns = [
    path("", views.decision_index, name="index"),
    path("new/", views.decision_new, name="new"),
    path("<int:pk>/", views.decision_view, name="detail"),
    path("<int:pk>/edit/", views.decision_edit, name="edit"),
    path("<int:pk>/add/", views.decision_add, name="add"),
    path("<int:pk>/remove/<int:allocation_id>/", views.decision_remove, name="remove"),
    path("<int:pk>/decide/", views.decision_decide, name="decide"),
    path("<int:pk>/approve/", views.decision_approve, name="approve"),
    path("<int:pk>/pdf/", views.decision_pdf, name="pdf"),
]
