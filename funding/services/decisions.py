"""Committee decisions: record, decide (allocations become decided money), and issue the
extract; justering itself is funding.services.approval, listing funding.services.listing."""

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from audit.actions import AuditAction
from audit.services import UNCHANGED, Maybe, audited_update, create_audited, given, record_event
from core.documents import seal_and_store
from core.money import ZERO, format_amount
from funding.models import (
    PENDING,
    Allocation,
    AllocationStatus,
    AmendmentProposal,
    Decision,
    DecisionDocument,
    DecisionStatus,
    LegalBasis,
    Programme,
    ProposalStatus,
    SourceKind,
    StateAid,
)
from funding.pdf import render_decision_pdf
from funding.services.rules import (
    check_source_rule,
    check_year_open,
    lock_programmes,
)


def validate_registration_number(value: str, *, field: str = "registration_number") -> None:
    pattern = settings.DECISION_REGISTRATION_NUMBER_PATTERN
    if not re.fullmatch(pattern, value):
        raise ValidationError(
            {
                field: _("Diarienumret ska ha formen RS följt av sex siffror, t.ex. RS230456.")
                if pattern == r"^RS\d{6}$"
                else _("Diarienumret har fel format.")
            }
        )


NOT_EDITABLE = _lazy("Ett fattat beslut kan inte ändras.")
# Why a decision cannot take a step, by the step (the lifecycle is funding.models.
# DECISION_TRANSITIONS).
CANNOT_BECOME = {
    DecisionStatus.DECIDED: _lazy("Beslutet är redan fattat."),
    DecisionStatus.APPROVED: _lazy("Bara ett fattat beslut kan justeras."),
}


def _lock(decision: Decision) -> Decision:
    return Decision.objects.select_for_update().get(pk=decision.pk)


def lock_editable(decision: Decision) -> Decision:
    decision = _lock(decision)
    if not decision.is_editable:
        raise ValidationError(str(NOT_EDITABLE))
    return decision


def lock_to_become(decision: Decision, status: DecisionStatus) -> Decision:
    """Lock the decision to take the step to `status`; refused, saying why, if it cannot."""
    decision = _lock(decision)
    if not decision.can_become(status):
        raise ValidationError(str(CANNOT_BECOME[status]), code="illegal_transition")
    return decision


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
    state_aid: str = StateAid.NONE,
    eur_rate: Decimal | None = None,
    eur_rate_date: date | None = None,
    is_example_data: bool = False,
    legal_bases: list[str] | None = None,
    memo_date: date | None = None,
    memo_registration_number: str = "",
    distribution: str = "",
    by: User | None,
) -> Decision:
    decision = Decision(
        meeting_date=meeting_date,
        title=title,
        text=text,
        paragraph=paragraph,
        registration_number=registration_number,
        legal_basis=legal_basis,
        state_aid=state_aid,
        eur_rate=eur_rate,
        eur_rate_date=eur_rate_date,
        is_example_data=is_example_data,
        legal_bases=list(legal_bases or []),
        memo_date=memo_date,
        memo_registration_number=memo_registration_number,
        distribution=distribution,
    )
    if body:
        decision.body = body
    _check_record(decision)
    return create_audited(decision, action=AuditAction.DECISION_CREATED, by=by, fields=["status"])


@transaction.atomic
def update_decision(
    *,
    decision: Decision,
    by: User | None,
    body: Maybe[str] = UNCHANGED,
    meeting_date: Maybe[date] = UNCHANGED,
    paragraph: Maybe[int | None] = UNCHANGED,
    registration_number: Maybe[str] = UNCHANGED,
    title: Maybe[str] = UNCHANGED,
    text: Maybe[str] = UNCHANGED,
    legal_basis: Maybe[str] = UNCHANGED,
    state_aid: Maybe[str] = UNCHANGED,
    eur_rate: Maybe[Decimal | None] = UNCHANGED,
    eur_rate_date: Maybe[date | None] = UNCHANGED,
    is_example_data: Maybe[bool] = UNCHANGED,
    legal_bases: Maybe[list[str]] = UNCHANGED,
    memo_date: Maybe[date | None] = UNCHANGED,
    memo_registration_number: Maybe[str] = UNCHANGED,
    distribution: Maybe[str] = UNCHANGED,
) -> Decision:
    """Change a draft decision's record. A decided decision is never edited."""
    decision = lock_editable(decision)
    values = given(
        body=body,
        meeting_date=meeting_date,
        paragraph=paragraph,
        registration_number=registration_number,
        title=title,
        text=text,
        legal_basis=legal_basis,
        state_aid=state_aid,
        eur_rate=eur_rate,
        eur_rate_date=eur_rate_date,
        is_example_data=is_example_data,
        legal_bases=legal_bases,
        memo_date=memo_date,
        memo_registration_number=memo_registration_number,
        distribution=distribution,
    )
    audited_update(
        decision, values=values, action=AuditAction.DECISION_UPDATED, by=by, check=_check_record
    )
    return decision


def _check_record(decision: Decision) -> None:
    """The record's own rules beyond the model's: the registration numbers' form, and a memo
    (tjänsteskrivelse) written before the meeting."""
    errors: dict[str, list[str]] = {}
    for field in ("registration_number", "memo_registration_number"):
        if getattr(decision, field):
            try:
                validate_registration_number(getattr(decision, field), field=field)
            except ValidationError as error:
                errors.update(error.message_dict)
    if decision.memo_date and decision.meeting_date and decision.memo_date > decision.meeting_date:
        errors["memo_date"] = [_("Tjänsteskrivelsen kan inte vara daterad efter sammanträdet.")]
    if errors:
        raise ValidationError(errors)


def _check_legal_bases(decision: Decision, programmes: Iterable[Programme]) -> None:
    """State 1:1 funds are granted under förordningen (2017:583) om regionalt tillväxtarbete:
    a decision that allocates them names it."""
    ordinance = LegalBasis.REGIONAL_GROWTH_ORDINANCE
    state_funds = any(p.source.kind == SourceKind.STATE_GROWTH for p in programmes)
    if state_funds and ordinance not in (decision.legal_bases or []):
        raise ValidationError(
            {
                "legal_bases": _(
                    "Beslutet fördelar statliga medel för regional tillväxt (1:1-medel). "
                    "Ange %(ordinance)s som rättslig grund innan beslutet fattas."
                )
                % {"ordinance": ordinance.label}
            }
        )


@transaction.atomic
def decide(*, decision: Decision, by: User | None, decided_at: datetime | None = None) -> Decision:
    """Record that the committee took the decision; its allocations become decided money.

    Locks every programme involved, then recomputes its decided total from the database: the
    decision is refused if any programme would end over its ceiling, or if basic funding would
    draw on a source that may not carry it without a recorded exception.
    """
    decision = lock_to_become(decision, DecisionStatus.DECIDED)
    if decision.paragraph is None:
        raise ValidationError({"paragraph": _("Ange beslutets paragraf (§) innan det fattas.")})
    if not decision.registration_number:
        raise ValidationError(
            {"registration_number": _("Ange diarienumret innan beslutet fattas.")}
        )
    validate_registration_number(decision.registration_number)

    items = list(decision.items.select_related("allocation").order_by("allocation_id"))
    if not items:
        raise ValidationError(
            _("Beslutet listar inga fördelningar. Lägg till dem innan beslutet fattas."),
            code="nothing_to_decide",
        )
    programmes = lock_programmes(item.allocation.programme_id for item in items)
    allocations = {
        a.pk: a
        for a in Allocation.objects.select_for_update(of=("self",))
        .filter(pk__in=[item.allocation_id for item in items])
        .select_related("partner", "programme__source")
        .order_by("pk")
    }
    # The committee decides what the decision shows: a row whose allocation changed after it
    # was listed is refused, by name, until it is listed again with the amount it has now.
    changed = [
        allocations[item.allocation_id].partner.display_name
        for item in items
        if allocations[item.allocation_id].version != item.allocation_version
    ]
    if changed:
        raise ValidationError(
            _(
                "Fördelningen till %(names)s har ändrats efter att den togs upp i beslutet. "
                "Uppdatera beloppet i beslutet innan det fattas."
            )
            % {"names": ", ".join(changed)},
            code="changed_since_listed",
        )
    new_amounts = {item.allocation_id: item.amount for item in items}
    _check_legal_bases(decision, programmes.values())

    for programme in programmes.values():
        check_year_open(programme.budget_year)
        check_source_rule(
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
                    "över taket %(ceiling)s. Minska beloppen eller höj taket först."
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
            action=AuditAction.ALLOCATION_DECIDED,
            target=allocation,
            by=by,
            # Always both fields: the decided amount is the point of the event.
            changes={"status": (old_status, allocation.status), "amount": (old_amount, new_amount)},
            reason=str(decision),
        )

    # The proposed amendments it listed are decided with it (issue 17).
    AmendmentProposal.objects.filter(decision=decision, status__in=PENDING).update(
        status=ProposalStatus.DECIDED
    )
    decision.status = DecisionStatus.DECIDED
    decision.decided_at = now
    decision.save(update_fields=["status", "decided_at"])
    record_event(
        action=AuditAction.DECISION_DECIDED,
        target=decision,
        by=by,
        changes={"status": (DecisionStatus.DRAFT, DecisionStatus.DECIDED)},
    )
    return decision


def issue_decision_extract(decision: Decision) -> DecisionDocument:
    """The certified extract of an approved decision: rendered once, sealed, stored; served byte
    for byte from now on. In the caller's transaction, which records it."""
    stored = seal_and_store(
        render_decision_pdf(decision),
        stem=f"decisions/{decision.meeting_date.year}/"
        f"{decision.registration_number}-{decision.paragraph}",
        reason=f"Justerat protokollsutdrag, {decision.body} {decision.meeting_date} "
        f"§ {decision.paragraph}",
    )
    return DecisionDocument.objects.create(
        decision=decision, file=stored.name, sha256=stored.sha256, size=stored.size
    )
