from django.urls import path

from agreements.views import partner_users
from agreements.views import partners as views

app_name = "partners"

urlpatterns = [
    path("", views.partner_index, name="index"),
    path("<slug:slug>/", views.partner_detail, name="detail"),
    path("<slug:slug>/edit/", views.partner_edit, name="edit"),
    path("<slug:slug>/contacts/", views.partner_contacts, name="contacts"),
    path("<slug:slug>/users/invite/", partner_users.invite_user, name="invite_user"),
    path(
        "<slug:slug>/users/<int:user_id>/reinvite/",
        partner_users.reinvite_user,
        name="reinvite_user",
    ),
    path(
        "<slug:slug>/users/<int:user_id>/deactivate/",
        partner_users.deactivate_user,
        name="deactivate_user",
    ),
]
