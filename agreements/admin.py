from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agreements import services
from agreements.models import (
    Agreement,
    AgreementAmendment,
    AgreementStatus,
    Indicator,
    IndicatorValue,
    Instalment,
    Report,
    ReportAttachment,
    ReportingRequirement,
    Signature,
    SignedDocument,
    StandardTerms,
)
from agreements.services import terms as standard_terms
from core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceModelAdmin, changed_values

TERMS = ("period_start", "period_end", "purpose", "conditions")


class InstalmentInline(ReadOnlyInline):
    model = Instalment
    fields = ("number", "due_date", "amount")
    readonly_fields = fields


class ReportingInline(ReadOnlyInline):
    model = ReportingRequirement
    fields = ("description", "due_date")
    readonly_fields = fields


class SignatureInline(ReadOnlyInline):
    model = Signature
    fields = ("agreement_version", "party", "signer_name", "signer_title", "signed_at", "method")
    readonly_fields = fields


class SignedDocumentInline(ReadOnlyInline):
    model = SignedDocument
    fields = ("agreement_version", "sha256", "size", "created_at")
    readonly_fields = fields


# How an agreement ended early (issue 17): shown, never edited here; the services write them.
ENDING = ("termination_reason", "recovery_amount", "recovery_due_date", "discard_reason")
# Fixed when it is sent for signing (issue 19): shown, never edited here.
SENT_WITH = ("standard_terms", "region_contact")


@admin.register(Agreement)
class AgreementAdmin(ServiceModelAdmin[Agreement]):
    list_display = ("reference", "partner", "amount", "status", "period_start", "period_end")
    list_filter = ("status", "allocation__programme__budget_year")
    list_select_related = ("partner",)
    search_fields = ("reference", "partner__display_name")
    inlines = (InstalmentInline, ReportingInline, SignatureInline, SignedDocumentInline)
    actions = ("send", "complete")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ("allocation", "reference", *TERMS, "is_example_data")
        return ("reference", "partner", "amount", "status", "version", *TERMS, *SENT_WITH, *ENDING)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        fixed = ("reference", "partner", "amount", "status", "version", *SENT_WITH, *ENDING)
        return fixed if obj.terms_editable else (*fixed, *TERMS)

    def get_form(
        self,
        request: HttpRequest,
        obj: Agreement | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm[Agreement]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["reference"].required = False
            form.base_fields["reference"].help_text = _("Lämna tomt för t.ex. GF-2024-COOMPANION.")
        return form

    def save_via_service(
        self, form: forms.ModelForm[Agreement], obj: Agreement | None, *, by: User
    ) -> Agreement:
        if obj is None:
            return services.create_agreement(by=by, **form.cleaned_data)
        return services.update_agreement_terms(
            agreement=obj, by=by, **changed_values(form, among=TERMS)
        )

    @admin.action(description=_("Skicka för underskrift"))
    def send(self, request: HttpRequest, queryset: QuerySet[Agreement]) -> None:
        self.run_service_action(
            request, queryset, lambda a, by: services.send_for_signing(agreement=a, by=by)
        )

    @admin.action(description=_("Markera som avslutad"))
    def complete(self, request: HttpRequest, queryset: QuerySet[Agreement]) -> None:
        self.run_service_action(
            request,
            queryset.filter(status=AgreementStatus.SIGNED),
            lambda a, by: services.complete_agreement(agreement=a, by=by),
        )


@admin.register(Instalment)
class InstalmentAdmin(ReadOnlyAdmin[Instalment]):
    list_display = ("agreement", "number", "due_date", "amount", "status", "after_report")
    list_filter = ("status",)
    list_select_related = ("agreement",)


@admin.register(ReportingRequirement)
class ReportingRequirementAdmin(ReadOnlyAdmin[ReportingRequirement]):
    list_display = ("agreement", "description", "due_date")
    list_select_related = ("agreement",)


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin[Signature]):
    list_display = ("agreement", "agreement_version", "party", "signer_name", "signed_at")
    list_select_related = ("agreement",)


@admin.register(AgreementAmendment)
class AgreementAmendmentAdmin(ReadOnlyAdmin[AgreementAmendment]):
    """Amendments change only through their pages (signatures, sealing): read here."""

    list_display = ("agreement", "version", "status", "amount", "created_at")
    list_filter = ("status",)
    list_select_related = ("agreement",)


@admin.register(SignedDocument)
class SignedDocumentAdmin(ReadOnlyAdmin[SignedDocument]):
    list_display = ("agreement", "agreement_version", "sha256", "size", "created_at")
    list_select_related = ("agreement",)


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin[Indicator]):
    list_display = ("agreement", "position", "name", "unit", "target")
    list_select_related = ("agreement",)


# Reports are written and reviewed on their pages (services, history). The admin shows them
# without their files: a stored file is served only by the page, after its access check.
@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin[Report]):
    list_display = ("requirement", "status", "submitted_at", "reviewed_at")
    list_filter = ("status",)
    list_select_related = ("requirement",)
    exclude = ("document",)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin[IndicatorValue]):
    list_display = ("report", "indicator", "value")
    list_select_related = ("report__requirement", "indicator")


@admin.register(ReportAttachment)
class ReportAttachmentAdmin(ReadOnlyAdmin[ReportAttachment]):
    list_display = ("report", "name", "kind", "size", "sha256", "uploaded_at")
    list_select_related = ("report__requirement",)
    exclude = ("file",)


@admin.register(StandardTerms)
class StandardTermsAdmin(ServiceModelAdmin[StandardTerms]):
    """The standard terms (allmänna villkor) as versioned data (issue 19). A version an
    agreement carries is read-only; a change to it is a new version (add one here)."""

    list_display = ("version", "title", "valid_from", "created_at")
    fields = ("version", "title", "valid_from", "clauses")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and standard_terms.is_used(obj):
            return self.fields
        return ("version",)

    def save_via_service(
        self, form: forms.ModelForm[StandardTerms], obj: StandardTerms | None, *, by: User
    ) -> StandardTerms:
        data = form.cleaned_data
        if obj is None:
            return standard_terms.create_standard_terms(
                title=data["title"], valid_from=data["valid_from"], clauses=data["clauses"], by=by
            )
        return standard_terms.update_standard_terms(terms=obj, by=by, **changed_values(form))
