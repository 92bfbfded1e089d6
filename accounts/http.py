"""Typing for views behind @login_required: request.user is our User, not AnonymousUser."""

from django.http import HttpRequest

from accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
