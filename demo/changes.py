"""The demo's changes after the decision (issue 17): an amending decision and an amendment.

Played through the same services the pages use, with the dates the story gives (all
Exempeldata): the committee moves 100 000 kr from Leap for Life to Coompanion, Leap for Life's
draft agreement follows the new amount, and Coompanion's signed agreement gets a version 2 that
both parties sign and the region seals, while version 1 stays downloadable. Idempotent: skipped
when the amending decision exists.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any

from accounts.models import User
from agreements import services as agreements
from agreements.amendments import carried_instalments, planned_reports
from agreements.models import Agreement, AgreementAmendment, Party
from agreements.plans import PlannedInstalment, PlannedReport
from audit.services import dated
from core.money import ZERO
from demo import decisions, facts, story
from funding import services as funding
from funding.models import Programme


def _at(day: date) -> datetime:
    return datetime.combine(day, time(11, 0), tzinfo=UTC)


def _terms_as_they_are(agreement: Agreement) -> dict[str, Any]:
    """The agreement's period, purpose and conditions as they stand: the story changes money."""
    return {
        "period_start": agreement.period_start,
        "period_end": agreement.period_end,
        "purpose": agreement.purpose,
        "conditions": agreement.conditions,
    }


def play(
    programme: Programme, official: User, secretary: User, partner_users: dict[str, User]
) -> None:
    spec = facts.AMENDING_DECISION
    if decisions.find(spec) is not None:
        return
    proposals = []
    with dated(story.AMENDMENTS_PROPOSED):
        for slug, (amount, reason) in facts.AMENDMENTS_2024.items():
            proposals.append(
                funding.propose_amendment(
                    allocation=programme.allocations.get(partner__slug=slug),
                    amount=amount,
                    reason=reason,
                    by=official,
                )
            )
    with dated(story.AMENDING_DECISION_RECORDED):
        decision = decisions.record(spec, secretary)
        for proposal in proposals:
            funding.list_amendment(decision=decision, proposal=proposal, by=secretary)
    with dated(_at(spec.meeting_date)):
        funding.decide(decision=decision, by=secretary, decided_at=_at(spec.meeting_date))
    with dated(story.approved(spec.approved_on)):
        decisions.approve(decision, spec, secretary)
    with dated(story.DRAFT_FOLLOWS_AMENDMENT):
        _follow_in_draft(
            Agreement.objects.get(allocation__programme=programme, partner__slug="leap-for-life"),
            official,
        )
    _amend(
        Agreement.objects.get(
            allocation__programme=programme, partner__slug=facts.AMENDED_AGREEMENT
        ),
        official,
        partner_users[facts.AMENDED_AGREEMENT],
    )


def _follow_in_draft(agreement: Agreement, official: User) -> None:
    """The draft takes the amended amount, spread over its two instalments."""
    allocation = agreement.allocation
    allocation.refresh_from_db()
    first, second = agreements.even_payment_plan(allocation.amount, facts.INSTALMENT_DATES)
    agreements.revise_draft(
        agreement=agreement,
        **_terms_as_they_are(agreement),
        instalments=[first, replace(second, after_report=facts.SECOND_INSTALMENT_AFTER_REPORT)],
        reports=[
            PlannedReport(r.description, r.due_date)
            for r in agreement.reporting_requirements.order_by("due_date", "pk")
        ],
        by=official,
    )


def _amend(agreement: Agreement, official: User, signatory: User) -> None:
    """Version 2: the extra 100 000 kr, paid after the final report (report 2)."""
    with dated(story.AMENDMENT_DRAFTED):
        amendment = _draft_amendment(agreement, official)
    with dated(story.AMENDMENT_SENT):
        agreements.send_amendment(amendment=amendment, by=official)
    partner_day, region_day = facts.AMENDMENT_SIGNED
    with dated(_at(partner_day)):
        agreements.sign_amendment(
            amendment=amendment, party=Party.PARTNER, by=signatory, signed_at=_at(partner_day)
        )
    with dated(_at(region_day)):
        agreements.sign_amendment(
            amendment=amendment, party=Party.REGION, by=official, signed_at=_at(region_day)
        )


def _draft_amendment(agreement: Agreement, official: User) -> AgreementAmendment:
    amendment = agreements.draft_amendment(
        agreement=agreement, reason=facts.AMENDMENT_REASON, by=official
    )
    final = agreement.reporting_requirements.order_by("due_date", "pk").last()
    assert final is not None  # noqa: S101 - the demo's agreements all have a final report
    agreements.revise_amendment(
        amendment=amendment,
        reason=facts.AMENDMENT_REASON,
        **_terms_as_they_are(agreement),
        instalments=[
            PlannedInstalment(
                due_date=date(agreement.period_end.year, 12, 31),
                amount=amendment.amount
                - sum((i.amount for i in carried_instalments(agreement)), ZERO),
                after_report=2,
            )
        ],
        reports=planned_reports(amendment),
        by=official,
    )
    return amendment
