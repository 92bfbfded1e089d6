"""The demo's committee decisions, recorded from their facts through the funding services."""

from accounts.models import User
from demo.facts import DecisionFact
from funding import services as funding
from funding.models import Decision


def find(spec: DecisionFact) -> Decision | None:
    """The decision already loaded, looked up by its natural key (the demo is idempotent)."""
    return Decision.objects.filter(
        body=spec.body, meeting_date=spec.meeting_date, paragraph=spec.paragraph
    ).first()


def record(spec: DecisionFact, secretary: User) -> Decision:
    """A draft decision as the facts state it, marked as example data."""
    return funding.create_decision(
        body=spec.body,
        meeting_date=spec.meeting_date,
        paragraph=spec.paragraph,
        registration_number=spec.registration_number,
        title=spec.title,
        text=spec.text,
        legal_basis=spec.legal_basis,
        state_aid=spec.state_aid,
        eur_rate=spec.eur_rate,
        eur_rate_date=spec.eur_rate_date,
        is_example_data=True,
        by=secretary,
    )
