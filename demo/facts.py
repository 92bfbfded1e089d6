"""The demo's data (design §2 and §7).

PUBLIC marks facts from Region Halland's announcement of 2023-10-24. Everything else is
illustrative and flagged `is_example_data`, which the interface labels *Exempeldata*: the split
per partner (only Hallands Matgille's 3 000 000 kr was reported in the press), the decision's
paragraph and registration number, payment plans and reporting dates, and the partners'
organisation numbers and addresses (made up in an obviously invented series, flagged on the
partner and marked Exempeldata in every document). No real person's name is invented: the demo
users are called "Demo".
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from agreements.starting_terms import STANDARD_CONDITIONS, STANDARD_PURPOSE


@dataclass(frozen=True)
class SourceFact:
    key: str
    kind: str
    name: str
    amount: Decimal
    notes: str


@dataclass(frozen=True)
class DecisionFact:
    body: str
    meeting_date: date
    paragraph: int
    registration_number: str
    title: str
    text: str
    legal_basis: str
    approved_on: date
    # State aid (issue 19): de minimis, with the rate (kronor per euro) at the decision date.
    state_aid: str = "de_minimis"
    eur_rate: Decimal | None = None
    eur_rate_date: date | None = None


@dataclass(frozen=True)
class UserFact:
    username: str
    first_name: str
    last_name: str
    role: str
    title: str
    superuser: bool = False
    sign_for_region: bool = False
    delegation_reference: str = ""


PASSWORD = "halland-demo"  # noqa: S105 - the published demo password (design §7)
# The published demo TOTP secret (base32) of admin, handlaggare and sekreterare (design §7).
TOTP_SECRET = "HALLANDDEMOTOTP2"  # noqa: S105 - published on purpose

REGION_ORGANISATION_NUMBER = "232100-0115"  # PUBLIC

YEAR = 2024
NEXT_YEAR = 2025

# PUBLIC: the 2024 budget's development funds and the state funds the region decides on.
SOURCES = [
    SourceFact(
        key="regional",
        kind="regional_development",
        name="Utvecklingsmedel för regional utveckling",
        amount=Decimal("39000000"),
        notes="Regionens egna medel för regional utveckling i 2024 års budget.",
    ),
    SourceFact(
        key="state",
        kind="state_growth",
        name="Statliga medel för regional tillväxt (1:1-medel)",
        amount=Decimal("14700000"),
        notes=(
            "Regeringens uppdrag till regionen att besluta om medel från anslag 1:1. Får "
            "användas till medfinansiering av projekt och företagsstöd, inte till "
            "verksamhetsstöd."
        ),
    ),
]

PROGRAMME_NAME = "Grundfinansiering {year}"
PROGRAMME_SLUG = "grundfinansiering"
PROGRAMME_CEILING = Decimal("11900000")  # PUBLIC
# What is public about 2024's split (design §2): the total (the programme's ceiling, decided on
# 2023-10-24) and Hallands Matgille's amount (press reports). The overview says so.
PUBLIC_AMOUNTS_2024 = ["matgille"]

# PUBLIC: names and what they do. Legal names are not public: the display name stands in.
# Illustrative bankgiro numbers (Exempeldata): check digits valid, numbers invented. The
# partners' real payment details are not public.
EXAMPLE_BANKGIRO = {
    "coompanion": "999-0011",
    "connect-vast": "999-0029",
    "matgille": "999-0037",
    "highfive": "999-0045",
    "leap-for-life": "999-0052",
    "tek-kompetens": "999-0060",
}

# Contact persons (Exempeldata): roles, not people. No real person's name is invented.
EXAMPLE_CONTACTS = [
    {
        "name": "Demo Verksamhetsledare",
        "role": "Verksamhetsledare",
        "email": "verksamhetsledare@example.se",
        "phone": "035-10 00 00",
    },
    {
        "name": "Demo Ekonomiansvarig",
        "role": "Ekonomiansvarig, frågor om utbetalningar",
        "email": "ekonomi@example.se",
        "phone": "035-10 00 01",
    },
]

PARTNERS = [
    {
        "slug": "coompanion",
        "display_name": "Coompanion",
        "legal_name": "Coompanion Halland",
        "legal_form": "ekonomisk_forening",
        "city": "Halmstad",
        "description": (
            "Rådgivning om att starta och driva kooperativa företag (ekonomisk förening)."
        ),
    },
    {
        "slug": "connect-vast",
        "display_name": "Connect Väst",
        "legal_name": "Connect Väst",
        "legal_form": "",
        "city": "",
        "description": "För samman entreprenörer med kapital och kompetens.",
    },
    {
        "slug": "matgille",
        "display_name": "Hallands Matgille",
        "legal_name": "Hallands Matgille",
        "legal_form": "",
        "city": "",
        "description": "Samlar livsmedelsbranschen i Halland: mat- och måltidsturism.",
    },
    {
        "slug": "highfive",
        "display_name": "HighFive",
        "legal_name": "HighFive",
        "legal_form": "kommunalt_bolag",
        "city": "Halmstad",
        "description": "Företagsinkubatorn i Halmstad, drivs av ett kommunalt bolag.",
    },
    {
        "slug": "leap-for-life",
        "display_name": "Leap for Life",
        "legal_name": "Leap for Life",
        "legal_form": "",
        "city": "Halmstad",
        "description": (
            "Innovationscentrum för hälsa och informationsdriven vård, med Högskolan i "
            "Halmstad som värd."
        ),
    },
    {
        "slug": "tek-kompetens",
        "display_name": "TEK Kompetens",
        "legal_name": "TEK Kompetens",
        "legal_form": "",
        "city": "",
        "description": "Kompetensutveckling för industrin.",
    },
]

# ILLUSTRATIVE split of the public 11 900 000 kr (Matgille's 3 000 000 kr as in the press).
SPLIT_2024 = {
    "coompanion": Decimal("1200000"),
    "connect-vast": Decimal("1500000"),
    "matgille": Decimal("3000000"),
    "highfive": Decimal("2000000"),
    "leap-for-life": Decimal("2200000"),
    "tek-kompetens": Decimal("2000000"),
}

# ILLUSTRATIVE drafts for 2025, so the allocation editor has work to do.
SPLIT_2025 = {
    "coompanion": Decimal("1250000"),
    "connect-vast": Decimal("1500000"),
    "matgille": Decimal("3000000"),
    "highfive": Decimal("2100000"),
    "leap-for-life": Decimal("2200000"),
    "tek-kompetens": Decimal("1850000"),
}

DECISION = DecisionFact(
    body="Regionstyrelsens tillväxtutskott",  # PUBLIC
    meeting_date=date(2023, 10, 24),  # PUBLIC
    paragraph=101,  # ILLUSTRATIVE
    registration_number="RS230001",  # ILLUSTRATIVE (format RS + six digits)
    title="Grundfinansiering 2024 till strategiska partner",
    text=(
        "Regionstyrelsens tillväxtutskott beslutar att bevilja grundfinansiering för 2024 om "
        "sammanlagt 11 900 000 kronor till Coompanion, Connect Väst, Hallands Matgille, "
        "HighFive, Leap for Life och TEK Kompetens enligt fördelningen i bilagan. Medlen tas "
        "från utvecklingsmedel för regional utveckling. För varje grundfinansiering tecknas en "
        "överenskommelse, varigenom organisationen blir strategisk partner i genomförandet av "
        "Hallands strategi för hållbar tillväxt."
    ),
    # The statutes are chosen in demo.minutes (issue 19); this is the note beside them.
    legal_basis=(
        "Bidrag utan motprestation, därför inte upphandling. Statsstöd: bedömt som stöd av "
        "mindre betydelse eller utanför statsstödsreglerna (exempeltext)."
    ),
    approved_on=date(2023, 10, 31),  # ILLUSTRATIVE
    eur_rate=Decimal("11.5430"),  # ILLUSTRATIVE (about the rate of October 2023)
    eur_rate_date=date(2023, 10, 24),
)

# Which state each 2024 agreement is left in (design §7: at least one of each of these).
AGREEMENT_STATES = {
    "coompanion": "signed",
    "connect-vast": "partner_signed",
    "matgille": "signed",
    "highfive": "sent",
    "leap-for-life": "draft",
    "tek-kompetens": "completed",
}

# The demo's agreements start from the region's standard text, as a new agreement does.
PURPOSE = STANDARD_PURPOSE
CONDITIONS = STANDARD_CONDITIONS
REPORTS = [
    ("Lägesrapport om verksamheten första halvåret", date(2024, 8, 31)),
    ("Slutrapport med ekonomisk redovisning", date(2025, 3, 31)),
]
INSTALMENT_DATES = [date(2024, 1, 31), date(2024, 7, 31)]
# The second instalment is paid once the first report (the half-year report) is approved.
SECOND_INSTALMENT_AFTER_REPORT = 1

# Key figures (nyckeltal) per agreement: Exempeldata. Name, unit, target.
INDICATORS: dict[str, list[tuple[str, str, Decimal]]] = {
    "coompanion": [
        ("Antal rådgivna företag", "företag", Decimal(120)),
        ("Antal nystartade kooperativa företag", "företag", Decimal(15)),
    ],
    "connect-vast": [
        ("Antal rådgivna innovativa bolag", "företag", Decimal(40)),
        ("Kapital som bolagen tagit in", "mnkr", Decimal(20)),
    ],
    "matgille": [
        ("Antal deltagande livsmedelsföretag", "företag", Decimal(60)),
        ("Antal genomförda aktiviteter", "aktiviteter", Decimal(12)),
    ],
    "highfive": [
        ("Antal bolag i inkubatorn", "företag", Decimal(25)),
        ("Antal nya arbetstillfällen", "personer", Decimal(30)),
    ],
    "leap-for-life": [
        ("Antal bolag i programmet", "företag", Decimal(10)),
        ("Antal timmar coachning", "timmar", Decimal(400)),
    ],
    "tek-kompetens": [
        ("Antal deltagande företag", "företag", Decimal(50)),
        ("Antal personer som gått utbildning", "personer", Decimal(200)),
        ("Andel deltagare som är kvinnor", "procent", Decimal(40)),
    ],
}


@dataclass(frozen=True)
class ReportStory:
    """What happened to one report in the demo (all Exempeldata)."""

    slug: str
    number: int  # the requirement, 1 or 2, in date order
    submitted: date | None
    outcome: str  # "approved", "returned", "submitted", "draft"
    reviewed: date | None = None
    comment: str = ""
    attachment: str = ""  # a file name; its content is generated


REPORT_STORIES = [
    ReportStory(
        "tek-kompetens",
        1,
        date(2024, 8, 28),
        "approved",
        date(2024, 9, 5),
        attachment="Lägesrapport TEK Kompetens 2024.pdf",
    ),
    ReportStory(
        "tek-kompetens",
        2,
        date(2025, 3, 20),
        "approved",
        date(2025, 4, 2),
        attachment="Ekonomisk redovisning 2024.xlsx",
    ),
    ReportStory(
        "coompanion",
        1,
        date(2024, 8, 30),
        "approved",
        date(2024, 9, 10),
        attachment="Lägesrapport Coompanion 2024.pdf",
    ),
    ReportStory(
        "coompanion",
        2,
        date(2025, 3, 28),
        "returned",
        date(2025, 4, 8),
        comment="Den ekonomiska redovisningen saknas. Bifoga den och lämna in rapporten igen.",
        attachment="Verksamhetsberättelse 2024.pdf",
    ),
    ReportStory(
        "matgille",
        1,
        date(2024, 8, 31),
        "submitted",
        attachment="Lägesrapport Hallands Matgille 2024.pdf",
    ),
    # Hallands Matgille's final report (due 31 March 2025) is not written: it is overdue.
]

REPORT_NARRATIVE = (
    "{partner} har under perioden genomfört verksamheten enligt överenskommelsens syfte. "
    "Rapporten redovisar aktiviteter, resultat och nyckeltal.\n\n"
    "Texten är exempeldata i demonstrationen."
)

# Instalments: (slug, number) → (released on, paid on or None). The rest stay planned.
INSTALMENT_STORIES: dict[tuple[str, int], tuple[date, date | None]] = {
    ("tek-kompetens", 1): (date(2024, 1, 25), date(2024, 1, 31)),
    ("tek-kompetens", 2): (date(2024, 9, 6), date(2024, 9, 12)),
    ("coompanion", 1): (date(2024, 1, 25), date(2024, 1, 31)),
    ("coompanion", 2): (date(2024, 9, 11), None),  # released, waiting for the finance system
    # Hallands Matgille's first instalment is due and waits for an official to release it; its
    # second waits for the half-year report (submitted, not yet reviewed) to be approved.
}

USERS = [
    UserFact("admin", "Demo", "Administratör", "", "Systemförvaltare", superuser=True),
    UserFact(
        "handlaggare",
        "Demo",
        "Handläggare",
        "official",
        "Handläggare, Regional utveckling",
        sign_for_region=True,
        # ILLUSTRATIVE: the delegation decision printed under the region's signature.
        delegation_reference="RS230012, punkt 4.2 (exempel)",
    ),
    UserFact("sekreterare", "Demo", "Sekreterare", "secretary", "Nämndsekreterare"),
]

# ILLUSTRATIVE: an amending decision (ändringsbeslut) in September 2024 moves 100 000 kr from
# Leap for Life (whose programme starts later) to Coompanion (a wider advisory mission); the
# year's total stays 11 900 000 kr. Coompanion's signed agreement is then amended: version 2,
# signed by both parties and sealed, pays the extra 100 000 kr after the final report.
AMENDING_DECISION = DecisionFact(
    body="Regionstyrelsens tillväxtutskott",
    meeting_date=date(2024, 9, 17),
    paragraph=97,
    registration_number="RS240143",
    title="Ändrad grundfinansiering 2024",
    text=(
        "Regionstyrelsens tillväxtutskott beslutar att ändra grundfinansieringen för 2024 "
        "enligt tabellen nedan. Det sammanlagda beloppet, 11 900 000 kronor, är oförändrat."
    ),
    legal_basis=DECISION.legal_basis,
    approved_on=date(2024, 9, 24),
    eur_rate=Decimal("11.3600"),  # ILLUSTRATIVE (about the rate of September 2024)
    eur_rate_date=date(2024, 9, 17),
)
AMENDMENTS_2024 = {
    "coompanion": (
        Decimal("1300000"),
        "Utökat uppdrag: rådgivning till fler kooperativ under hösten 2024.",
    ),
    "leap-for-life": (Decimal("2100000"), "Programmet startar senare än planerat."),
}
AMENDED_AGREEMENT = "coompanion"
AMENDMENT_REASON = (
    "Ändringsbeslut av Regionstyrelsens tillväxtutskott 17 september 2024, § 97 (RS240143): "
    "grundfinansieringen ökar med 100 000 kr för rådgivning till fler kooperativ. Ökningen "
    "betalas ut när slutrapporten är godkänd."
)
AMENDMENT_SIGNED = (date(2024, 9, 30), date(2024, 10, 2))  # by the partner, by the region
