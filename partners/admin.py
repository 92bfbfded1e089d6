from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from core.admin import ServiceModelAdmin
from partners import services
from partners.models import Partner, PartnerMembership


@admin.register(Partner)
class PartnerAdmin(ServiceModelAdmin[Partner]):
    list_display = ("display_name", "legal_name", "organisation_number", "is_active")
    list_filter = ("is_active", "legal_form")
    search_fields = ("display_name", "legal_name", "organisation_number")
    prepopulated_fields = {"slug": ("display_name",)}
    fields = services.PARTNER_FIELDS

    def save_via_service(
        self, request: HttpRequest, form: forms.ModelForm[Partner], obj: Partner | None
    ) -> Partner:
        data = form.cleaned_data
        if obj is None:
            return services.create_partner(by=request.user, **data)  # type: ignore[arg-type]
        changed = {k: data[k] for k in form.changed_data}
        return services.update_partner(partner=obj, by=request.user, **changed)  # type: ignore[arg-type]


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(ServiceModelAdmin[PartnerMembership]):
    list_display = ("user", "partner", "is_signatory")
    list_filter = ("partner", "is_signatory")
    list_select_related = ("user", "partner")
    fields = ("user", "partner", "is_signatory")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("user",) if obj else ()

    def save_via_service(
        self,
        request: HttpRequest,
        form: forms.ModelForm[PartnerMembership],
        obj: PartnerMembership | None,
    ) -> PartnerMembership:
        data = form.cleaned_data
        return services.set_partner_membership(
            user=obj.user if obj else data["user"],
            partner=data["partner"],
            is_signatory=data["is_signatory"],
            by=request.user,  # type: ignore[arg-type]
        )
