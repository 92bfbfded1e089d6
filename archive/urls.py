from django.urls import path

from archive import views

app_name = "archive"

urlpatterns = [
    path("", views.bundle_index, name="index"),
    path("<id:pk>/", views.bundle_detail, name="detail"),
    path("<id:pk>/download/", views.bundle_download, name="download"),
]
