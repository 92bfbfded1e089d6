"""Every write to budgets, allocations and decisions.

Each function is one atomic unit of work that checks the rules of design §3, writes history
(audit.services.record_event) and returns what it changed. Invariants that span rows are checked
after locking the rows they depend on, always in the same order (source → programme →
allocations, each by primary key) so that concurrent writers queue instead of deadlocking:

* Σ decided allocations of a programme ≤ its ceiling (drafts may be over, with a warning);
* Σ ceilings of a source's programmes ≤ the source's amount;
* basic funding (operating support) never draws on a source whose rule forbids it, unless an
  official recorded a reason for the exception;
* a decided allocation changes only through a decision; drafts carry an optimistic version.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import diff, record_event
from core.documents import seal_and_store
from core.money import ZERO, format_amount, is_whole_kronor
from funding.models import (
    Allocation,
    AllocationStatus,
    BudgetYear,
    BudgetYearStatus,
    Decision,
    DecisionDocument,
    DecisionItem,
    DecisionStatus,
    FundingSource,
    Programme,
    ProgrammeKind,
    SourceKind,
)
from funding.pdf import render_decision_pdf
from partners.models import Partner

# --------------------------------------------------------------------------- helpers


def _check_amount(value: Decimal, *, field: str = "amount") -> None:
    if isinstance(value, float) or not isinstance(value, Decimal):
        raise TypeError(f"{field} must be a Decimal, not {type(value).__name__}")
    if value < 0:
        raise ValidationError({field: _("Beloppet får inte vara negativt.")})
    if not is_whole_kronor(value):
        raise ValidationError({field: _("Beloppet ska vara hela kronor, utan öre.")})


def _check_year_open(budget_year: BudgetYear) -> None:
    if budget_year.status == BudgetYearStatus.CLOSED:
        raise ValidationError(_("Budgetåret %(year)s är avslutat.") % {"year": budget_year.year})


def _check_source_rule(*, kind: str, source: FundingSource, override_reason: str) -> None:
    """Invariant 3: basic funding is operating support, which some sources may not carry."""
    if (
        kind == ProgrammeKind.BASIC_FUNDING
        and not source.allows_operating_support
        and not override_reason.strip()
    ):
        raise ValidationError(
            {
                "source": _(
                    "%(source)s får inte användas till grundfinansiering (verksamhetsstöd). "
                    "Välj en annan källa eller ange en motivering för undantaget."
                )
                % {"source": source.name}
            }
        )


def _ceilings_total(source: FundingSource, *, excluding: Programme | None = None) -> Decimal:
    programmes = source.programmes.all()
    if excluding is not None and excluding.pk:
        programmes = programmes.exclude(pk=excluding.pk)
    return programmes.aggregate(t=Sum("ceiling"))["t"] or ZERO


def _lock_source(source_id: int) -> FundingSource:
    return FundingSource.objects.select_for_update().get(pk=source_id)


def _lock_programmes(ids: Iterable[int]) -> dict[int, Programme]:
    rows = Programme.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")
    return {p.pk: p for p in rows}


# --------------------------------------------------------------------------- budget


@transaction.atomic
def create_budget_year(
    *, year: int, status: str = BudgetYearStatus.PREPARATION, by: User | None
) -> BudgetYear:
    if BudgetYear.objects.filter(year=year).exists():
        raise ValidationError({"year": _("Budgetåret %(year)s finns redan.") % {"year": year}})
    budget_year = BudgetYear.objects.create(year=year, status=status)
    record_event(
        action="budget_year.created",
        target=budget_year,
        by=by,
        changes={"status": (None, status)},
    )
    return budget_year


@transaction.atomic
def set_budget_year_status(
    *, budget_year: BudgetYear, status: str, by: User | None, reason: str = ""
) -> BudgetYear:
    budget_year = BudgetYear.objects.select_for_update().get(pk=budget_year.pk)
    if status not in BudgetYearStatus.values:
        raise ValidationError({"status": _("Okänd status.")})
    if status != budget_year.status:
        old = budget_year.status
        budget_year.status = status
        budget_year.save(update_fields=["status"])
        record_event(
            action="budget_year.status_changed",
            target=budget_year,
            by=by,
            changes={"status": (old, status)},
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
    _check_amount(amount)
    _check_year_open(budget_year)
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
    record_event(
        action="funding_source.created", target=source, by=by, changes={"amount": (None, amount)}
    )
    return source


@transaction.atomic
def update_funding_source(
    *,
    source: FundingSource,
    name: str | None = None,
    amount: Decimal | None = None,
    allows_operating_support: bool | None = None,
    notes: str | None = None,
    by: User | None,
    reason: str = "",
) -> FundingSource:
    source = _lock_source(source.pk)
    _check_year_open(source.budget_year)
    before = {
        "name": source.name,
        "amount": source.amount,
        "allows_operating_support": source.allows_operating_support,
        "notes": source.notes,
    }
    if name is not None:
        source.name = name
    if notes is not None:
        source.notes = notes
    if amount is not None:
        _check_amount(amount)
        committed = _ceilings_total(source)
        if amount < committed:
            raise ValidationError(
                {
                    "amount": _(
                        "Ramarna i källan är redan %(committed)s; beloppet kan inte vara lägre."
                    )
                    % {"committed": format_amount(committed)}
                }
            )
        source.amount = amount
    if allows_operating_support is not None:
        if source.kind == SourceKind.STATE_GROWTH and allows_operating_support:
            raise ValidationError(
                {"allows_operating_support": _("Statliga 1:1-medel får inte bära verksamhetsstöd.")}
            )
        source.allows_operating_support = allows_operating_support
        for programme in source.programmes.filter(kind=ProgrammeKind.BASIC_FUNDING):
            _check_source_rule(
                kind=programme.kind,
                source=source,
                override_reason=programme.source_rule_override_reason,
            )
    source.full_clean()
    source.save()
    changes = diff(before, {k: getattr(source, k) for k in before})
    if changes:
        record_event(
            action="funding_source.updated", target=source, by=by, changes=changes, reason=reason
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
    _check_amount(ceiling, field="ceiling")
    _check_year_open(budget_year)
    source = _lock_source(source.pk)
    if source.budget_year_id != budget_year.pk:
        raise ValidationError({"source": _("Källan hör till ett annat budgetår.")})
    _check_source_rule(kind=kind, source=source, override_reason=source_rule_override_reason)
    committed = _ceilings_total(source)
    if committed + ceiling > source.amount:
        raise ValidationError(
            {
                "ceiling": _(
                    "Ramen ryms inte i källan: %(source)s har %(left)s kvar att fördela på ramar."
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
    programme.full_clean()
    programme.save()
    record_event(
        action="programme.created",
        target=programme,
        by=by,
        changes={"ceiling": (None, ceiling)},
        reason=source_rule_override_reason,
    )
    return programme


@transaction.atomic
def update_programme(
    *,
    programme: Programme,
    name: str | None = None,
    ceiling: Decimal | None = None,
    source_rule_override_reason: str | None = None,
    by: User | None,
    reason: str = "",
) -> Programme:
    source = _lock_source(programme.source_id)
    programme = _lock_programmes([programme.pk])[programme.pk]
    _check_year_open(source.budget_year)
    before = {
        "name": programme.name,
        "ceiling": programme.ceiling,
        "source_rule_override_reason": programme.source_rule_override_reason,
    }
    if name is not None:
        programme.name = name
    if source_rule_override_reason is not None:
        programme.source_rule_override_reason = source_rule_override_reason
    _check_source_rule(
        kind=programme.kind,
        source=source,
        override_reason=programme.source_rule_override_reason,
    )
    if ceiling is not None:
        _check_amount(ceiling, field="ceiling")
        decided = programme.allocations.decided().total()
        if ceiling < decided:
            raise ValidationError(
                {
                    "ceiling": _(
                        "Redan beslutade fördelningar är %(decided)s; ramen kan inte vara lägre."
                    )
                    % {"decided": format_amount(decided)}
                }
            )
        if _ceilings_total(source, excluding=programme) + ceiling > source.amount:
            raise ValidationError(
                {"ceiling": _("Ramarna skulle tillsammans överstiga källans belopp.")}
            )
        programme.ceiling = ceiling
    programme.full_clean()
    programme.save()
    changes = diff(before, {k: getattr(programme, k) for k in before})
    if changes:
        record_event(
            action="programme.updated", target=programme, by=by, changes=changes, reason=reason
        )
    return programme


# --------------------------------------------------------------------------- allocations


@dataclass
class Conflict:
    """A row someone else changed since the editor was loaded."""

    partner: Partner
    expected_version: int
    current_amount: Decimal | None
    current_version: int
    changed_by: User | None


class StaleAllocationsError(ValidationError):
    """Raised when a save is based on stale data; carries what changed, saves nothing."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        names = ", ".join(c.partner.display_name for c in conflicts)
        super().__init__(
            _(
                "Någon annan har ändrat fördelningen sedan du öppnade sidan (%(names)s). "
                "Inget sparades. Se de aktuella beloppen och spara igen."
            )
            % {"names": names},
            code="stale",
        )


@dataclass
class AllocationResult:
    programme: Programme
    allocations: list[Allocation]
    changed: list[Allocation] = field(default_factory=list)
    total: Decimal = ZERO

    @property
    def over_ceiling_by(self) -> Decimal:
        return max(ZERO, self.total - self.programme.ceiling)


@transaction.atomic
def set_allocations(
    *,
    programme: Programme,
    amounts: Mapping[int, Decimal],
    expected_versions: Mapping[int, int] | None = None,
    reason: str = "",
    by: User | None,
) -> AllocationResult:
    """Set draft amounts of a programme, keyed by partner id.

    `expected_versions` maps partner id → the allocation version the user saw (0 for "no
    allocation yet"); if any row moved on since, nothing is saved and StaleAllocationsError says
    which. Decided allocations cannot be changed here (only by an amending decision). A draft
    total above the ceiling is saved; the result reports by how much it is over, and deciding
    will be refused until it fits.
    """
    programme = _lock_programmes([programme.pk])[programme.pk]
    _check_year_open(programme.budget_year)
    for partner_id, amount in amounts.items():
        _check_amount(amount, field=f"amount_{partner_id}")
    existing = {
        a.partner_id: a
        for a in Allocation.objects.select_for_update(of=("self",))
        .filter(programme=programme)
        .select_related("partner", "updated_by")
        .order_by("pk")
    }
    partners = Partner.objects.in_bulk(list(amounts))
    missing = set(amounts) - set(partners)
    if missing:
        raise ValidationError(_("Okänd partner."))

    if expected_versions is not None:
        conflicts = []
        for partner_id, expected in expected_versions.items():
            current = existing.get(partner_id)
            current_version = current.version if current else 0
            if partner_id in amounts and current_version != expected:
                conflicts.append(
                    Conflict(
                        partner=partners[partner_id],
                        expected_version=expected,
                        current_amount=current.amount if current else None,
                        current_version=current_version,
                        changed_by=current.updated_by if current else None,
                    )
                )
        if conflicts:
            raise StaleAllocationsError(conflicts)

    changed: list[Allocation] = []
    for partner_id, amount in amounts.items():
        allocation = existing.get(partner_id)
        if allocation is None:
            if amount == 0:
                continue
            if not partners[partner_id].is_active:
                raise ValidationError(
                    _("%(partner)s är inte aktiv.") % {"partner": partners[partner_id]}
                )
            allocation = Allocation.objects.create(
                programme=programme, partner=partners[partner_id], amount=amount, updated_by=by
            )
            existing[partner_id] = allocation
            record_event(
                action="allocation.created",
                target=allocation,
                by=by,
                changes={"amount": (None, amount)},
                reason=reason,
            )
            changed.append(allocation)
        elif allocation.amount != amount:
            if allocation.is_decided:
                raise ValidationError(
                    {
                        f"amount_{partner_id}": _(
                            "%(partner)s: beloppet är beslutat och kan bara ändras genom ett "
                            "nytt beslut."
                        )
                        % {"partner": allocation.partner}
                    }
                )
            old = allocation.amount
            allocation.amount = amount
            allocation.version += 1
            allocation.updated_by = by
            allocation.save(update_fields=["amount", "version", "updated_by", "updated_at"])
            record_event(
                action="allocation.updated",
                target=allocation,
                by=by,
                changes={"amount": (old, amount)},
                reason=reason,
            )
            changed.append(allocation)

    allocations = sorted(existing.values(), key=lambda a: a.partner.display_name)
    total = sum((a.amount for a in allocations), ZERO)
    return AllocationResult(
        programme=programme, allocations=allocations, changed=changed, total=total
    )


# --------------------------------------------------------------------------- decisions


def validate_registration_number(value: str) -> None:
    pattern = settings.DECISION_REGISTRATION_NUMBER_PATTERN
    if not re.fullmatch(pattern, value):
        raise ValidationError(
            {
                "registration_number": _(
                    "Diarienumret ska ha formen RS följt av sex siffror, t.ex. RS230456."
                )
                if pattern == r"^RS\d{6}$"
                else _("Diarienumret har fel format.")
            }
        )


_DECISION_FIELDS = (
    "body",
    "meeting_date",
    "paragraph",
    "registration_number",
    "title",
    "text",
    "legal_basis",
    "is_example_data",
)


@transaction.atomic
def create_decision(
    *,
    meeting_date: date,
    title: str,
    text: str,
    body: str = "",
    paragraph: int | None = None,
    registration_number: str = "",
    legal_basis: str = "",
    is_example_data: bool = False,
    by: User | None,
) -> Decision:
    if registration_number:
        validate_registration_number(registration_number)
    decision = Decision(
        meeting_date=meeting_date,
        title=title,
        text=text,
        paragraph=paragraph,
        registration_number=registration_number,
        legal_basis=legal_basis,
        is_example_data=is_example_data,
    )
    if body:
        decision.body = body
    decision.full_clean()
    decision.save()
    record_event(
        action="decision.created",
        target=decision,
        by=by,
        changes={"status": (None, decision.status)},
    )
    return decision


@transaction.atomic
def update_decision(*, decision: Decision, by: User | None, **values: object) -> Decision:
    """Change a draft decision's record. A decided decision is never edited."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.DRAFT:
        raise ValidationError(_("Ett fattat beslut kan inte ändras."))
    unknown = set(values) - set(_DECISION_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    before = {k: getattr(decision, k) for k in values}
    for key, value in values.items():
        setattr(decision, key, value)
    if decision.registration_number:
        validate_registration_number(decision.registration_number)
    decision.full_clean()
    decision.save()
    changes = diff(before, {k: getattr(decision, k) for k in values})
    if changes:
        record_event(action="decision.updated", target=decision, by=by, changes=changes)
    return decision


@transaction.atomic
def add_to_decision(
    *,
    decision: Decision,
    allocation: Allocation,
    amount: Decimal | None = None,
    by: User | None,
) -> DecisionItem:
    """List an allocation in a draft decision.

    For a draft allocation the decision decides its current amount (taken again at decide
    time, so officials may adjust it until then). For an already decided allocation this is an
    amending decision and `amount` is the new amount it will decide.
    """
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.DRAFT:
        raise ValidationError(_("Ett fattat beslut kan inte ändras."))
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.is_decided:
        if amount is None:
            raise ValidationError(
                {"amount": _("Ange det nya beloppet för den redan beslutade fördelningen.")}
            )
        _check_amount(amount)
    else:
        amount = allocation.amount
    item, _created = DecisionItem.objects.update_or_create(
        decision=decision, allocation=allocation, defaults={"amount": amount}
    )
    record_event(
        action="decision.allocation_listed",
        target=decision,
        by=by,
        changes={f"allocation:{allocation.pk}": (None, amount)},
    )
    return item


@transaction.atomic
def decide(*, decision: Decision, by: User | None, decided_at: datetime | None = None) -> Decision:
    """Record that the committee took the decision; its allocations become decided money.

    Locks every programme involved, then recomputes its decided total from the database: the
    decision is refused if any programme would end over its ceiling, or if basic funding would
    draw on a source that may not carry it without a recorded exception.
    """
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.DRAFT:
        raise ValidationError(_("Beslutet är redan fattat."))
    if decision.paragraph is None:
        raise ValidationError({"paragraph": _("Ange beslutets paragraf (§) innan det fattas.")})
    if not decision.registration_number:
        raise ValidationError(
            {"registration_number": _("Ange diarienumret innan beslutet fattas.")}
        )
    validate_registration_number(decision.registration_number)

    items = list(decision.items.select_related("allocation").order_by("allocation_id"))
    programmes = _lock_programmes(item.allocation.programme_id for item in items)
    allocations = {
        a.pk: a
        for a in Allocation.objects.select_for_update(of=("self",))
        .filter(pk__in=[item.allocation_id for item in items])
        .select_related("partner", "programme__source")
        .order_by("pk")
    }
    new_amounts: dict[int, Decimal] = {}
    for item in items:
        allocation = allocations[item.allocation_id]
        new_amounts[allocation.pk] = item.amount if allocation.is_decided else allocation.amount

    for programme in programmes.values():
        _check_year_open(programme.budget_year)
        _check_source_rule(
            kind=programme.kind,
            source=programme.source,
            override_reason=programme.source_rule_override_reason,
        )
        decided_elsewhere = (
            Allocation.objects.decided()
            .filter(programme=programme)
            .exclude(pk__in=list(new_amounts))
            .total()
        )
        here = sum(
            (
                amt
                for pk, amt in new_amounts.items()
                if allocations[pk].programme_id == programme.pk
            ),
            ZERO,
        )
        if decided_elsewhere + here > programme.ceiling:
            raise ValidationError(
                _(
                    "Beslutet skulle ge %(programme)s beslutade fördelningar på %(total)s, "
                    "över ramen %(ceiling)s. Minska beloppen eller höj ramen först."
                )
                % {
                    "programme": programme.name,
                    "total": format_amount(decided_elsewhere + here),
                    "ceiling": format_amount(programme.ceiling),
                }
            )

    now = decided_at or timezone.now()
    for item in items:
        allocation = allocations[item.allocation_id]
        old_status, old_amount = allocation.status, allocation.amount
        new_amount = new_amounts[allocation.pk]
        item.previous_amount = old_amount if allocation.is_decided else None  # type: ignore[assignment]
        item.amount = new_amount
        item.save(update_fields=["amount", "previous_amount"])
        allocation.amount = new_amount
        allocation.status = AllocationStatus.DECIDED
        allocation.decision = decision
        allocation.version += 1
        allocation.updated_by = by
        allocation.save(
            update_fields=["amount", "status", "decision", "version", "updated_by", "updated_at"]
        )
        record_event(
            action="allocation.decided",
            target=allocation,
            by=by,
            # Always both fields: the decided amount is the point of the event.
            changes={"status": (old_status, allocation.status), "amount": (old_amount, new_amount)},
            reason=str(decision),
        )

    decision.status = DecisionStatus.DECIDED
    decision.decided_at = now
    decision.save(update_fields=["status", "decided_at"])
    record_event(
        action="decision.decided",
        target=decision,
        by=by,
        changes={"status": (DecisionStatus.DRAFT, DecisionStatus.DECIDED)},
    )
    return decision


@transaction.atomic
def approve_decision(*, decision: Decision, approved_on: date, by: User | None) -> Decision:
    """Record that the minutes with this decision were approved (justerade)."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.DECIDED:
        raise ValidationError(_("Bara ett fattat beslut kan justeras."))
    if approved_on < decision.meeting_date:
        raise ValidationError({"approved_on": _("Justeringen kan inte ske före sammanträdet.")})
    decision.status = DecisionStatus.APPROVED
    decision.approved_on = approved_on
    decision.save(update_fields=["status", "approved_on"])
    record_event(
        action="decision.approved",
        target=decision,
        by=by,
        changes={
            "status": (DecisionStatus.DECIDED, DecisionStatus.APPROVED),
            "approved_on": (None, approved_on),
        },
    )
    # The certified extract: rendered once, sealed, stored; served byte for byte from now on.
    stored = seal_and_store(
        render_decision_pdf(decision),
        stem=f"decisions/{decision.meeting_date.year}/"
        f"{decision.registration_number}-{decision.paragraph}",
        reason=f"Justerat protokollsutdrag, {decision.body} {decision.meeting_date} "
        f"§ {decision.paragraph}",
    )
    DecisionDocument.objects.create(
        decision=decision, file=stored.name, sha256=stored.sha256, size=stored.size
    )
    record_event(
        action="decision.sealed",
        target=decision,
        by=by,
        changes={"document": (None, stored.sha256)},
    )
    return decision


# --------------------------------------------------------------------------- multi-year


@transaction.atomic
def start_next_budget_year(
    *, previous: BudgetYear, copy_amounts: bool, by: User | None
) -> BudgetYear:
    """Start year N+1 from year N: same sources and programmes (and partners), in preparation.

    With `copy_amounts`, each programme's allocations to partners that are still active are
    copied as drafts, so officials start from last year's split. Programme names have the year
    replaced ("Grundfinansiering 2024" → "Grundfinansiering 2025").
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


@transaction.atomic
def remove_from_decision(*, decision: Decision, allocation: Allocation, by: User | None) -> None:
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.DRAFT:
        raise ValidationError(_("Ett fattat beslut kan inte ändras."))
    deleted, _rows = DecisionItem.objects.filter(decision=decision, allocation=allocation).delete()
    if deleted:
        record_event(
            action="decision.allocation_removed",
            target=decision,
            by=by,
            changes={f"allocation:{allocation.pk}": (str(allocation), None)},
        )
