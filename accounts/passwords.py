"""Passwords typed again to confirm who is there: signing, changing the password.

A re-entered password is checked as a login is, through `authenticate()`, so django-axes counts
every wrong one towards the same lockout (username and client address) and answers a locked
pair with the same lockout page. Checked with `check_password()` it would be an unthrottled
oracle for anyone holding a session (issue 13, finding 4).
"""

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.models import User


def password_is_correct(request: HttpRequest, user: User, password: str) -> bool:
    found = authenticate(request, username=user.get_username(), password=password)
    return found is not None and found.pk == user.pk


class ThrottledPasswordChangeForm(PasswordChangeForm):
    def __init__(self, user: User, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        if not password_is_correct(self.request, self.user, old_password):
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class ThrottledPasswordChangeView(PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}
