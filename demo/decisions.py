"""The demo's committee decisions, recorded from their facts through the funding services."""

from dataclasses import asdict

from accounts.models import User
from demo.facts import DecisionFact
from demo.minutes import minutes_of
from funding import services as funding
from funding.models import Decision


def find(spec: DecisionFact) -> Decision | None:
    """The decision already loaded, looked up by its natural key (the demo is idempotent)."""
    return Decision.objects.filter(
        body=spec.body, meeting_date=spec.meeting_date, paragraph=spec.paragraph
    ).first()


def record(spec: DecisionFact, secretary: User) -> Decision:
    """A draft decision as the facts state it, marked as example data."""
    minutes = minutes_of(spec)
    stated = asdict(spec)
    del stated["approved_on"]  # the day of the justering, which approve() records
    return funding.create_decision(
        **stated,
        legal_bases=list(minutes.legal_bases),
        memo_date=minutes.memo_date,
        memo_registration_number=minutes.memo_registration_number,
        distribution="\n".join(minutes.distribution),
        is_example_data=True,
        by=secretary,
    )


def approve(decision: Decision, spec: DecisionFact, secretary: User) -> Decision:
    """Justering as the facts state it; the secretary certifies the extract."""
    minutes = minutes_of(spec)
    return funding.approve_decision(
        decision=decision,
        approved_on=spec.approved_on,
        adjusters=minutes.adjusters,
        chair=minutes.chair,
        posted_on=minutes.posted_on,
        by=secretary,
    )
