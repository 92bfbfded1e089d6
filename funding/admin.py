from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceModelAdmin
from funding import services
from funding.models import (
    Allocation,
    AllocationStatus,
    BudgetYear,
    Decision,
    DecisionDocument,
    DecisionItem,
    DecisionStatus,
    FundingSource,
    Programme,
)


@admin.register(BudgetYear)
class BudgetYearAdmin(ServiceModelAdmin[BudgetYear]):
    list_display = ("year", "status")
    fields = ("year", "status")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("year",) if obj else ()

    def save_via_service(
        self, request: HttpRequest, form: forms.ModelForm[BudgetYear], obj: BudgetYear | None
    ) -> BudgetYear:
        data = form.cleaned_data
        if obj is None:
            return services.create_budget_year(
                year=data["year"],
                status=data["status"],
                by=request.user,  # type: ignore[arg-type]
            )
        return services.set_budget_year_status(
            budget_year=obj,
            status=data["status"],
            by=request.user,  # type: ignore[arg-type]
        )


@admin.register(FundingSource)
class FundingSourceAdmin(ServiceModelAdmin[FundingSource]):
    list_display = ("name", "budget_year", "kind", "amount", "allows_operating_support")
    list_filter = ("budget_year", "kind")
    fields = ("budget_year", "kind", "name", "amount", "allows_operating_support", "notes")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("budget_year", "kind") if obj else ()

    def save_via_service(
        self, request: HttpRequest, form: forms.ModelForm[FundingSource], obj: FundingSource | None
    ) -> FundingSource:
        data = form.cleaned_data
        if obj is None:
            return services.create_funding_source(by=request.user, **data)  # type: ignore[arg-type]
        return services.update_funding_source(
            source=obj,
            by=request.user,  # type: ignore[arg-type]
            **{k: data[k] for k in form.changed_data},
        )


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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("budget_year", "source", "kind", "slug", "is_example_data") if obj else ()

    def save_via_service(
        self, request: HttpRequest, form: forms.ModelForm[Programme], obj: Programme | None
    ) -> Programme:
        data = form.cleaned_data
        if obj is None:
            return services.create_programme(by=request.user, **data)  # type: ignore[arg-type]
        return services.update_programme(
            programme=obj,
            by=request.user,  # type: ignore[arg-type]
            **{k: data[k] for k in form.changed_data},
        )


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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fixed = ("status", "decision", "version")
        return ("programme", "partner", *fixed) if obj else fixed

    def save_via_service(
        self, request: HttpRequest, form: forms.ModelForm[Allocation], obj: Allocation | None
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
            by=request.user,  # type: ignore[arg-type]
        )
        saved = next((a for a in result.allocations if a.partner_id == partner.pk), None)
        if saved is None:
            raise ValidationError({"amount": _("Ange ett belopp större än 0 kr.")})
        return saved


class DecisionItemInline(ReadOnlyInline):
    model = DecisionItem
    fields = ("allocation", "amount", "previous_amount")
    readonly_fields = fields


DECISION_EDITABLE = (
    "body",
    "meeting_date",
    "paragraph",
    "registration_number",
    "title",
    "text",
    "legal_basis",
    "is_example_data",
)


class DecisionForm(forms.ModelForm[Decision]):
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
        fields = DECISION_EDITABLE


@admin.register(Decision)
class DecisionAdmin(ServiceModelAdmin[Decision]):
    form = DecisionForm
    list_display = ("meeting_date", "paragraph", "registration_number", "title", "status")
    list_filter = ("status", "body")
    search_fields = ("title", "registration_number")
    inlines = (DecisionItemInline,)
    actions = ("decide", "approve_today")
    editable = DECISION_EDITABLE

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        extra = ("add_allocations",) if obj is None or obj.status == DecisionStatus.DRAFT else ()
        return (*self.editable, *extra, "status", "decided_at", "approved_on")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fixed = ("status", "decided_at", "approved_on")
        if obj is not None and obj.status != DecisionStatus.DRAFT:
            return (*self.editable, *fixed)
        return fixed

    def save_via_service(
        self, request: HttpRequest, form: forms.ModelForm[Decision], obj: Decision | None
    ) -> Decision:
        data = dict(form.cleaned_data)
        to_add = data.pop("add_allocations", None) or []
        user = request.user
        if obj is None:
            decision = services.create_decision(by=user, **data)  # type: ignore[arg-type]
        else:
            changed = {k: data[k] for k in form.changed_data if k in self.editable}
            decision = services.update_decision(decision=obj, by=user, **changed)  # type: ignore[arg-type]
        for allocation in to_add:
            services.add_to_decision(decision=decision, allocation=allocation, by=user)  # type: ignore[arg-type]
        return decision

    @admin.action(description=_("Fatta beslutet (fördelningarna blir beslutade)"))
    def decide(self, request: HttpRequest, queryset: QuerySet[Decision]) -> None:
        self.run_service_action(request, queryset, lambda d, by: services.decide(decision=d, by=by))

    @admin.action(description=_("Justera (protokollet godkänt i dag)"))
    def approve_today(self, request: HttpRequest, queryset: QuerySet[Decision]) -> None:
        today = timezone.localdate()
        self.run_service_action(
            request,
            queryset,
            lambda d, by: services.approve_decision(decision=d, approved_on=today, by=by),
        )


@admin.register(DecisionItem)
class DecisionItemAdmin(ReadOnlyAdmin[DecisionItem]):
    """Listed through the decision; view only here."""

    list_display = ("decision", "allocation", "amount", "previous_amount")
    list_select_related = ("decision", "allocation__programme", "allocation__partner")


@admin.register(DecisionDocument)
class DecisionDocumentAdmin(ReadOnlyAdmin[DecisionDocument]):
    list_display = ("decision", "sha256", "size", "created_at")
    list_select_related = ("decision",)
