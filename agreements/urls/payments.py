from django.urls import path

from agreements.views import payments as views

app_name = "payments"

urlpatterns = [
    path("", views.payment_index, name="index"),
    path("import/", views.payment_import, name="import"),
    path("<id:pk>/release/", views.payment_release, name="release"),
    path("<id:pk>/paid/", views.payment_book, name="book"),
]
