"""Admin classes whose writes go through the apps' services, like every other interface.

The service is called while the admin form is cleaned, inside a savepoint: a rule the service
refuses comes back as a message next to the field (or at the top of the form) with everything the
user typed kept, instead of a server error. On success the saved object becomes the form's
instance, and `save_model` has nothing left to do. The admin's change view is itself atomic, so
the service's writes commit with the admin's log entry or not at all.

Keep inlines on these admins read-only: an invalid inline would re-render the page after the
service already saved the main object.
"""

from collections.abc import Collection
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest

from core.forms import add_service_errors

M = TypeVar("M", bound=models.Model)


def acting_user(request: HttpRequest) -> Any:
    """The logged-in user an admin change is made by (the admin lets no one else in)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    return request.user


def changed_values(
    form: forms.ModelForm[Any], among: Collection[str] | None = None
) -> dict[str, Any]:
    """The fields the user changed (those `among`, if given), with their cleaned values: what an
    update service takes."""
    return {
        name: form.cleaned_data[name]
        for name in form.changed_data
        if among is None or name in among
    }


class ServiceModelAdmin(admin.ModelAdmin[M]):
    # Set when the object is made, shown but never edited after (a year, a partner's user …).
    fixed_once_created: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: M | None = None) -> tuple[str, ...]:
        fixed = tuple(super().get_readonly_fields(request, obj))
        return (*self.fixed_once_created, *fixed) if obj is not None else fixed

    def save_via_service(self, form: forms.ModelForm[M], obj: M | None, *, by: Any) -> M:
        """Create (obj is None) or change obj through the app's service as the acting user `by`
        (the project's User; typed so in each admin); return the saved object."""
        raise NotImplementedError

    def get_form(
        self, request: HttpRequest, obj: M | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[M]]:
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(base):  # type: ignore[valid-type, misc]
            def _post_clean(self) -> None:
                super()._post_clean()
                if self.errors:
                    return
                try:
                    with transaction.atomic():
                        self.instance = model_admin.save_via_service(
                            self, obj, by=acting_user(request)
                        )
                except ValidationError as error:
                    add_service_errors(self, error)

        return ServiceForm

    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        """Already saved by `save_via_service` while the form was cleaned."""

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        # Money, status and signatures are never deleted; they change through services.
        return False

    def run_service_action(
        self, request: HttpRequest, queryset: models.QuerySet[M], service: Any, **kwargs: Any
    ) -> None:
        """Admin action helper: call `service` for each object, one transaction each."""
        done = 0
        for obj in queryset:
            try:
                service(obj, by=acting_user(request), **kwargs)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} st. klara.", messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin[M]):
    """Records written only by services (signatures, signed documents, plans): view only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
