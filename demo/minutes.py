"""What the demo's protokollsutdrag say beyond the decision itself (issue 19): the legal basis
chosen, the memo (tjänsteskrivelse) it rests on, to whom it is sent, and its justering.

All ILLUSTRATIVE. The names of the justerare and the chair are invented (no real person's name
is used; design §2) and the extract prints them marked as example data. The dates follow the
story: the memo two weeks before the meeting, in the same case (diarienummer); justering a week
after it; the approval posted on the notice board the day after (kommunallagen 8 kap. 12 §:
within two days), from which the three weeks for laglighetsprövning run.
"""

from dataclasses import dataclass
from datetime import date

from demo.facts import AMENDING_DECISION, DECISION, DecisionFact


@dataclass(frozen=True)
class MinutesFact:
    legal_bases: tuple[str, ...]
    memo_date: date
    memo_registration_number: str
    distribution: tuple[str, ...]
    adjusters: str
    chair: str
    posted_on: date


# funding.models.LegalBasis: 2 kap. 1 § kommunallagen and lagen (2010:630); the basic funding
# comes from the region's own development funds, so not förordningen (2017:583).
LEGAL_BASES = ("kl_2_1", "sfs_2010_630")
REGION_RECIPIENTS = ("Regional utveckling, Region Halland", "Ekonomi, Region Halland")
ADJUSTERS = "Per Exempelsson"
CHAIR = "Anna Exempelsson"

MINUTES = {
    DECISION: MinutesFact(
        legal_bases=LEGAL_BASES,
        memo_date=date(2023, 10, 10),
        memo_registration_number=DECISION.registration_number,
        distribution=(
            "Coompanion Halland",
            "Connect Väst",
            "Hallands Matgille",
            "HighFive",
            "Leap for Life",
            "TEK Kompetens",
            *REGION_RECIPIENTS,
        ),
        adjusters=ADJUSTERS,
        chair=CHAIR,
        posted_on=date(2023, 11, 1),
    ),
    AMENDING_DECISION: MinutesFact(
        legal_bases=LEGAL_BASES,
        memo_date=date(2024, 9, 3),
        memo_registration_number=AMENDING_DECISION.registration_number,
        distribution=("Coompanion Halland", "Leap for Life", *REGION_RECIPIENTS),
        adjusters=ADJUSTERS,
        chair=CHAIR,
        posted_on=date(2024, 9, 25),
    ),
}


def minutes_of(spec: DecisionFact) -> MinutesFact:
    return MINUTES[spec]
