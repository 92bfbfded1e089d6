from django import forms
from django.contrib import admin

from accounts.models import User
from core.admin import ReadOnlyAdmin, ServiceModelAdmin, changed_values
from partners import services
from partners.models import Partner, PartnerContact, PartnerMembership

PAYMENT_FIELDS = ("payment_method", "payment_account", "payment_details_are_example_data")


@admin.register(Partner)
class PartnerAdmin(ServiceModelAdmin[Partner]):
    list_display = ("display_name", "legal_name", "organisation_number", "is_active")
    list_filter = ("is_active", "legal_form")
    search_fields = ("display_name", "legal_name", "organisation_number")
    prepopulated_fields = {"slug": ("display_name",)}
    fields = (*services.PARTNER_FIELDS, *PAYMENT_FIELDS)

    def save_via_service(
        self, form: forms.ModelForm[Partner], obj: Partner | None, *, by: User
    ) -> Partner:
        data = {k: v for k, v in form.cleaned_data.items() if k not in PAYMENT_FIELDS}
        if obj is None:
            partner = services.create_partner(by=by, **data)
        else:
            changed = changed_values(form, among=data)
            partner = services.update_partner(partner=obj, by=by, **changed)
        if obj is None or set(form.changed_data) & set(PAYMENT_FIELDS):
            partner = services.set_payment_details(
                partner=partner,
                method=form.cleaned_data["payment_method"],
                account=form.cleaned_data["payment_account"],
                example_data=form.cleaned_data["payment_details_are_example_data"],
                by=by,
            )
        return partner


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(ServiceModelAdmin[PartnerMembership]):
    list_display = ("user", "partner", "is_signatory")
    list_filter = ("partner", "is_signatory")
    list_select_related = ("user", "partner")
    fields = ("user", "partner", "is_signatory")
    fixed_once_created = ("user",)

    def save_via_service(
        self, form: forms.ModelForm[PartnerMembership], obj: PartnerMembership | None, *, by: User
    ) -> PartnerMembership:
        data = form.cleaned_data
        return services.set_partner_membership(
            user=obj.user if obj else data["user"],
            partner=data["partner"],
            is_signatory=data["is_signatory"],
            by=by,
        )


# Contacts are kept on the partner's page (services, history); the admin shows them.
@admin.register(PartnerContact)
class PartnerContactAdmin(ReadOnlyAdmin[PartnerContact]):
    list_display = ("partner", "position", "name", "role", "email", "phone")
    list_select_related = ("partner",)
