from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceModelAdmin, changed_values
from funding import services
from funding.models import (
    DECISION_FIELDS,
    Allocation,
    AllocationStatus,
    AmendmentProposal,
    BudgetYear,
    Decision,
    DecisionDocument,
    DecisionItem,
    FundingSource,
    LegalBasis,
    Programme,
)


@admin.register(BudgetYear)
class BudgetYearAdmin(ServiceModelAdmin[BudgetYear]):
    list_display = ("year", "status")
    fields = ("year", "status")
    fixed_once_created = ("year",)

    def save_via_service(
        self, form: forms.ModelForm[BudgetYear], obj: BudgetYear | None, *, by: User
    ) -> BudgetYear:
        data = form.cleaned_data
        if obj is None:
            return services.create_budget_year(
                year=data["year"],
                status=data["status"],
                by=by,
            )
        return services.set_budget_year_status(
            budget_year=obj,
            status=data["status"],
            by=by,
        )


@admin.register(FundingSource)
class FundingSourceAdmin(ServiceModelAdmin[FundingSource]):
    list_display = ("name", "budget_year", "kind", "amount", "allows_operating_support")
    list_filter = ("budget_year", "kind")
    fields = ("budget_year", "kind", "name", "amount", "allows_operating_support", "notes")
    fixed_once_created = ("budget_year", "kind")

    def save_via_service(
        self, form: forms.ModelForm[FundingSource], obj: FundingSource | None, *, by: User
    ) -> FundingSource:
        if obj is None:
            return services.create_funding_source(by=by, **form.cleaned_data)
        return services.update_funding_source(source=obj, by=by, **changed_values(form))


@admin.register(Programme)
class ProgrammeAdmin(ServiceModelAdmin[Programme]):
    list_display = ("name", "budget_year", "source", "kind", "ceiling", "is_example_data")
    list_filter = ("budget_year", "kind")
    list_select_related = ("budget_year", "source__budget_year")
    fields = (
        "budget_year",
        "source",
        "kind",
        "name",
        "slug",
        "ceiling",
        "source_rule_override_reason",
        "is_example_data",
    )
    fixed_once_created = ("budget_year", "source", "kind", "slug", "is_example_data")

    def save_via_service(
        self, form: forms.ModelForm[Programme], obj: Programme | None, *, by: User
    ) -> Programme:
        if obj is None:
            return services.create_programme(by=by, **form.cleaned_data)
        return services.update_programme(programme=obj, by=by, **changed_values(form))


class AllocationForm(forms.ModelForm[Allocation]):
    # The version the page showed, posted back: a save in between is then a conflict.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Allocation
        fields = ("programme", "partner", "amount")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version if self.instance.pk else 0


@admin.register(Allocation)
class AllocationAdmin(ServiceModelAdmin[Allocation]):
    form = AllocationForm
    list_display = ("programme", "partner", "amount", "status", "decision", "version")
    list_filter = ("programme__budget_year", "programme", "status")
    list_select_related = ("programme", "partner", "decision")
    search_fields = ("partner__display_name",)
    fields = ("programme", "partner", "amount", "seen_version", "status", "decision", "version")
    readonly_fields = ("status", "decision", "version")
    fixed_once_created = ("programme", "partner")

    def save_via_service(
        self, form: forms.ModelForm[Allocation], obj: Allocation | None, *, by: User
    ) -> Allocation:
        data = form.cleaned_data
        programme = obj.programme if obj else data["programme"]
        partner = obj.partner if obj else data["partner"]
        seen = data.get("seen_version")
        version = seen if seen is not None else (obj.version if obj else 0)
        result = services.set_allocations(
            programme=programme,
            amounts={partner.pk: data["amount"]},
            expected_versions={partner.pk: version},
            by=by,
        )
        saved = next((a for a in result.allocations if a.partner_id == partner.pk), None)
        if saved is None:
            raise ValidationError({"amount": _("Ange ett belopp större än 0 kr.")})
        return saved


class DecisionItemInline(ReadOnlyInline):
    model = DecisionItem
    fields = ("allocation", "amount", "previous_amount")
    readonly_fields = fields


class DecisionForm(forms.ModelForm[Decision]):
    legal_bases = forms.MultipleChoiceField(
        label=_("Rättslig grund (lagrum)"),
        choices=LegalBasis.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    add_allocations = forms.ModelMultipleChoiceField(
        label=_("Lägg till fördelningar"),
        queryset=Allocation.objects.filter(status=AllocationStatus.DRAFT).select_related(
            "programme", "partner"
        ),
        required=False,
        help_text=_("Utkast som beslutet ska fastställa (beloppet tas när beslutet fattas)."),
    )

    class Meta:
        model = Decision
        fields = DECISION_FIELDS


# Set by funding.services.approve_decision (justering); shown, never edited here.
APPROVAL_FIELDS = (
    "approved_on",
    "adjusters",
    "chair",
    "posted_on",
    "certifier_name",
    "certifier_title",
)


@admin.register(Decision)
class DecisionAdmin(ServiceModelAdmin[Decision]):
    form = DecisionForm
    list_display = ("meeting_date", "paragraph", "registration_number", "title", "status")
    list_filter = ("status", "body")
    search_fields = ("title", "registration_number")
    inlines = (DecisionItemInline,)
    # Justering records justerare, ordförande and the anslag date: on the decision's page
    # (/decisions/<id>/approve/), not as a bulk action (issue 19).
    actions = ("decide",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        extra = ("add_allocations",) if obj is None or obj.is_editable else ()
        return (*DECISION_FIELDS, *extra, "status", "decided_at", *APPROVAL_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fixed = ("status", "decided_at", *APPROVAL_FIELDS)
        if obj is not None and not obj.is_editable:
            return (*DECISION_FIELDS, *fixed)
        return fixed

    def save_via_service(
        self, form: forms.ModelForm[Decision], obj: Decision | None, *, by: User
    ) -> Decision:
        data = dict(form.cleaned_data)
        to_add = data.pop("add_allocations", None) or []
        if obj is None:
            decision = services.create_decision(by=by, **data)
        else:
            changed = changed_values(form, among=DECISION_FIELDS)
            decision = services.update_decision(decision=obj, by=by, **changed)
        services.add_allocations_to_decision(decision=decision, allocations=list(to_add), by=by)
        return decision

    @admin.action(description=_("Fatta beslutet (fördelningarna blir beslutade)"))
    def decide(self, request: HttpRequest, queryset: QuerySet[Decision]) -> None:
        self.run_service_action(request, queryset, lambda d, by: services.decide(decision=d, by=by))


@admin.register(DecisionItem)
class DecisionItemAdmin(ReadOnlyAdmin[DecisionItem]):
    """Listed through the decision; view only here."""

    list_display = ("decision", "allocation", "amount", "previous_amount")
    list_select_related = ("decision", "allocation__programme", "allocation__partner")


@admin.register(DecisionDocument)
class DecisionDocumentAdmin(ReadOnlyAdmin[DecisionDocument]):
    list_display = ("decision", "sha256", "size", "created_at")
    list_select_related = ("decision",)


@admin.register(AmendmentProposal)
class AmendmentProposalAdmin(ReadOnlyAdmin[AmendmentProposal]):
    """Proposed on the allocation editor, listed and decided on the decision pages."""

    list_display = ("allocation", "amount", "status", "decision", "proposed_by", "proposed_at")
    list_filter = ("status",)
    list_select_related = (
        "allocation__programme",
        "allocation__partner",
        "decision",
        "proposed_by",
    )
