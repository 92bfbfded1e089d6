"""Budget years, funding sources and programmes (ramar), and starting the next year."""

from collections.abc import Collection
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.actions import AuditAction
from audit.services import (
    UNCHANGED,
    Maybe,
    audited_set,
    audited_update,
    create_audited,
    given,
    record_created,
)
from core.money import format_amount
from funding.models import (
    BudgetYear,
    BudgetYearStatus,
    FundingSource,
    Programme,
    ProgrammeKind,
    SourceKind,
)
from funding.services.allocations import set_allocations
from funding.services.rules import (
    ceilings_total,
    check_amount,
    check_source_rule,
    check_year_open,
    lock_programmes,
    lock_source,
)


@transaction.atomic
def create_budget_year(
    *, year: int, status: str = BudgetYearStatus.PREPARATION, by: User | None
) -> BudgetYear:
    if BudgetYear.objects.filter(year=year).exists():
        raise ValidationError({"year": _("Budgetåret %(year)s finns redan.") % {"year": year}})
    budget_year = BudgetYear.objects.create(year=year, status=status)
    return record_created(
        budget_year, action=AuditAction.BUDGET_YEAR_CREATED, by=by, fields=["status"]
    )


@transaction.atomic
def set_budget_year_status(
    *, budget_year: BudgetYear, status: str, by: User | None, reason: str = ""
) -> BudgetYear:
    budget_year = BudgetYear.objects.select_for_update().get(pk=budget_year.pk)
    if status not in BudgetYearStatus.values:
        raise ValidationError({"status": _("Okänd status.")})
    audited_set(
        budget_year,
        values={"status": status},
        action=AuditAction.BUDGET_YEAR_STATUS_CHANGED,
        by=by,
        reason=reason,
    )
    return budget_year


@transaction.atomic
def create_funding_source(
    *,
    budget_year: BudgetYear,
    kind: str,
    name: str,
    amount: Decimal,
    allows_operating_support: bool | None = None,
    notes: str = "",
    by: User | None,
) -> FundingSource:
    check_amount(amount)
    check_year_open(budget_year)
    if allows_operating_support is None:
        # The state 1:1 funds are for projects and business support, never operating support.
        allows_operating_support = kind != SourceKind.STATE_GROWTH
    if kind == SourceKind.STATE_GROWTH and allows_operating_support:
        raise ValidationError(
            {"allows_operating_support": _("Statliga 1:1-medel får inte bära verksamhetsstöd.")}
        )
    if FundingSource.objects.filter(budget_year=budget_year, name=name).exists():
        raise ValidationError({"name": _("Det finns redan en källa med det namnet det året.")})
    source = FundingSource.objects.create(
        budget_year=budget_year,
        kind=kind,
        name=name,
        amount=amount,
        allows_operating_support=allows_operating_support,
        notes=notes,
    )
    return record_created(
        source, action=AuditAction.FUNDING_SOURCE_CREATED, by=by, fields=["amount"]
    )


@transaction.atomic
def update_funding_source(
    *,
    source: FundingSource,
    name: Maybe[str] = UNCHANGED,
    amount: Maybe[Decimal] = UNCHANGED,
    allows_operating_support: Maybe[bool] = UNCHANGED,
    notes: Maybe[str] = UNCHANGED,
    by: User | None,
    reason: str = "",
) -> FundingSource:
    source = lock_source(source.pk)
    check_year_open(source.budget_year)
    values = given(
        name=name, amount=amount, allows_operating_support=allows_operating_support, notes=notes
    )

    def check(source: FundingSource) -> None:
        if "amount" in values:
            check_amount(source.amount)
            committed = ceilings_total(source)
            if source.amount < committed:
                raise ValidationError(
                    {
                        "amount": _(
                            "Ramarnas tak i källan är redan %(committed)s; beloppet kan inte "
                            "vara lägre."
                        )
                        % {"committed": format_amount(committed)}
                    }
                )
        if "allows_operating_support" in values:
            if source.kind == SourceKind.STATE_GROWTH and source.allows_operating_support:
                raise ValidationError(
                    {
                        "allows_operating_support": _(
                            "Statliga 1:1-medel får inte bära verksamhetsstöd."
                        )
                    }
                )
            for programme in source.programmes.filter(kind=ProgrammeKind.BASIC_FUNDING):
                check_source_rule(
                    kind=programme.kind,
                    source=source,
                    override_reason=programme.source_rule_override_reason,
                )

    audited_update(
        source,
        values=values,
        action=AuditAction.FUNDING_SOURCE_UPDATED,
        by=by,
        reason=reason,
        check=check,
    )
    return source


@transaction.atomic
def create_programme(
    *,
    budget_year: BudgetYear,
    source: FundingSource,
    kind: str,
    name: str,
    slug: str,
    ceiling: Decimal,
    source_rule_override_reason: str = "",
    is_example_data: bool = False,
    by: User | None,
) -> Programme:
    check_amount(ceiling, field="ceiling")
    check_year_open(budget_year)
    source = lock_source(source.pk)
    if source.budget_year_id != budget_year.pk:
        raise ValidationError({"source": _("Källan hör till ett annat budgetår.")})
    check_source_rule(kind=kind, source=source, override_reason=source_rule_override_reason)
    committed = ceilings_total(source)
    if committed + ceiling > source.amount:
        raise ValidationError(
            {
                "ceiling": _(
                    "Taket ryms inte i källan: %(source)s har %(left)s kvar att fördela på ramar."
                )
                % {"source": source.name, "left": format_amount(source.amount - committed)}
            }
        )
    if Programme.objects.filter(budget_year=budget_year, slug=slug).exists():
        raise ValidationError({"slug": _("Kortnamnet används redan det året.")})
    programme = Programme(
        budget_year=budget_year,
        source=source,
        kind=kind,
        name=name,
        slug=slug,
        ceiling=ceiling,
        source_rule_override_reason=source_rule_override_reason,
        is_example_data=is_example_data,
    )
    return create_audited(
        programme,
        action=AuditAction.PROGRAMME_CREATED,
        by=by,
        fields=["ceiling"],
        reason=source_rule_override_reason,
    )


@transaction.atomic
def update_programme(
    *,
    programme: Programme,
    name: Maybe[str] = UNCHANGED,
    ceiling: Maybe[Decimal] = UNCHANGED,
    source_rule_override_reason: Maybe[str] = UNCHANGED,
    by: User | None,
    reason: str = "",
) -> Programme:
    source = lock_source(programme.source_id)
    programme = lock_programmes([programme.pk])[programme.pk]
    check_year_open(source.budget_year)
    values = given(
        name=name, ceiling=ceiling, source_rule_override_reason=source_rule_override_reason
    )

    def check(programme: Programme) -> None:
        check_source_rule(
            kind=programme.kind,
            source=source,
            override_reason=programme.source_rule_override_reason,
        )
        if "ceiling" not in values:
            return
        check_amount(programme.ceiling, field="ceiling")
        decided = programme.allocations.decided().total()
        if programme.ceiling < decided:
            raise ValidationError(
                {
                    "ceiling": _(
                        "Redan beslutade fördelningar är %(decided)s; taket kan inte vara lägre."
                    )
                    % {"decided": format_amount(decided)}
                }
            )
        if ceilings_total(source, excluding=programme) + programme.ceiling > source.amount:
            raise ValidationError(
                {"ceiling": _("Ramarna skulle tillsammans överstiga källans belopp.")}
            )

    audited_update(
        programme,
        values=values,
        action=AuditAction.PROGRAMME_UPDATED,
        by=by,
        reason=reason,
        check=check,
    )
    return programme


@transaction.atomic
def mark_public_facts(
    *, programme: Programme, ceiling: bool, partner_ids: Collection[int], by: User | None
) -> Programme:
    """Say which figures of an example programme are public (design §2): its ceiling, and the
    amounts of the partners in `partner_ids`. The overview says so beside the Exempeldata label;
    a year started from this one does not carry it."""
    programme = lock_programmes([programme.pk])[programme.pk]
    audited_update(
        programme,
        values={"ceiling_is_public": ceiling},
        action=AuditAction.PROGRAMME_UPDATED,
        by=by,
    )
    for allocation in programme.allocations.select_for_update().order_by("pk"):
        audited_update(
            allocation,
            values={"amount_is_public": allocation.partner_id in partner_ids},
            action=AuditAction.ALLOCATION_UPDATED,
            by=by,
        )
    return programme


@transaction.atomic
def start_next_budget_year(
    *, previous: BudgetYear, copy_amounts: bool, by: User | None
) -> BudgetYear:
    """Start year N+1 from year N: same sources and programmes (and partners), in preparation.

    With `copy_amounts`, each programme's allocations to partners that are still active are
    copied as drafts, so officials start from last year's split. Programme names have the year
    replaced ("Grundfinansiering 2024" → "Grundfinansiering 2025"). Example data stays example
    data in the copy (the label follows the data); what was public about year N is not carried.
    """
    year = previous.year + 1
    budget_year = create_budget_year(year=year, by=by)
    old, new = str(previous.year), str(year)
    sources = {}
    for source in previous.sources.order_by("pk"):
        sources[source.pk] = create_funding_source(
            budget_year=budget_year,
            kind=source.kind,
            name=source.name.replace(old, new),
            amount=source.amount,
            allows_operating_support=source.allows_operating_support,
            notes=source.notes,
            by=by,
        )
    for programme in previous.programmes.order_by("pk"):
        copy = create_programme(
            budget_year=budget_year,
            source=sources[programme.source_id],
            kind=programme.kind,
            name=programme.name.replace(old, new),
            slug=programme.slug,
            ceiling=programme.ceiling,
            source_rule_override_reason=programme.source_rule_override_reason,
            is_example_data=programme.is_example_data,
            by=by,
        )
        if copy_amounts:
            amounts = {
                a.partner_id: a.amount
                for a in programme.allocations.filter(partner__is_active=True)
            }
            if amounts:
                set_allocations(
                    programme=copy,
                    amounts=amounts,
                    reason=_("Kopierat från %(year)s") % {"year": previous.year},
                    by=by,
                )
    return budget_year
