from django.urls import path

from agreements.views import partners as views

app_name = "partners"

urlpatterns = [
    path("", views.partner_index, name="index"),
    path("<slug:slug>/", views.partner_detail, name="detail"),
    path("<slug:slug>/edit/", views.partner_edit, name="edit"),
    path("<slug:slug>/contacts/", views.partner_contacts, name="contacts"),
]
