"""The rows of the large dataset, written in bulk as the services would have written them."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType

from accounts.models import Role, User
from agreements.models import (
    Agreement,
    AgreementStatus,
    Instalment,
    Party,
    ReportingRequirement,
    Signature,
)
from audit.actions import AuditAction
from audit.models import AuditEvent
from core.money import split_evenly
from demo import facts
from funding.models import (
    Allocation,
    AllocationStatus,
    BudgetYear,
    BudgetYearStatus,
    Decision,
    DecisionItem,
    DecisionStatus,
    FundingSource,
    Programme,
    ProgrammeKind,
    SourceKind,
)
from partners.models import LegalForm, Partner, PartnerMembership
from partners.validators import luhn_ok

BATCH = 1000


@dataclass(frozen=True)
class Size:
    years: int = 10
    partners: int = 300

    @property
    def first_year(self) -> int:
        """The generated years end the year before the demo's 2024."""
        return facts.YEAR - self.years


@dataclass(frozen=True)
class Generated:
    years: list[int]
    partners: int
    agreements: int
    documents: int


class AlreadyGenerated(Exception):
    pass


def _organisation_number(n: int) -> str:
    """A valid, made-up organisation number (third digit ≥ 2, Luhn check digit)."""
    body = f"89{2 + n // 1_000_000}{n % 1_000_000:06d}"
    check = next(d for d in "0123456789" if luhn_ok(body + d))
    return f"{body[:6]}-{body[6:]}{check}"


def _amount(partner_index: int, year: int) -> Decimal:
    """Whole kronor between 100 000 and 3 000 000 kr that vary by partner and year."""
    return Decimal(100_000 + ((partner_index * 7_919 + year * 104_729) % 291) * 10_000)


def make_partners(count: int, password_hash: str) -> list[Partner]:
    """The demo's partners plus made-up ones up to `count`, each with a signatory."""
    existing = list(Partner.objects.order_by("pk"))
    taken = set(Partner.objects.values_list("organisation_number", flat=True))
    new_partners, new_users = [], []
    n = 0
    for i in range(len(existing), count):
        number = _organisation_number(n)
        while number in taken:
            n += 1
            number = _organisation_number(n)
        n += 1
        new_partners.append(
            Partner(
                display_name=f"Exempelpartner {i:04}",
                legal_name=f"Exempelpartner {i:04} ekonomisk förening",
                slug=f"exempel-{i:04}",
                organisation_number=number,
                legal_form=LegalForm.ECONOMIC_ASSOCIATION,
                city="Halmstad",
                is_example_data=True,
            )
        )
        new_users.append(
            User(
                username=f"exempel-{i:04}",
                first_name="Firmatecknare",
                last_name=f"Exempelpartner {i:04}",
                role=Role.PARTNER,
                title="Verksamhetsledare",
                password=password_hash,
            )
        )
    created = Partner.objects.bulk_create(new_partners, batch_size=BATCH)
    users = User.objects.bulk_create(new_users, batch_size=BATCH)
    PartnerMembership.objects.bulk_create(
        [
            PartnerMembership(user=u, partner=p, is_signatory=True)
            for u, p in zip(users, created, strict=True)
        ],
        batch_size=BATCH,
    )
    return existing + created


class History:
    """Collects the audit events the services would have written, and writes them in bulk."""

    def __init__(self) -> None:
        self.events: list[AuditEvent] = []
        self._types: dict[type, ContentType] = {}

    def add(
        self,
        target: Any,
        *,
        action: AuditAction,
        at: datetime,
        by: User,
        changes: dict[str, Any],
        reason: str = "",
    ) -> None:
        model = type(target)
        if model not in self._types:
            self._types[model] = ContentType.objects.get_for_model(model)
        self.events.append(
            AuditEvent(
                at=at,
                actor=by,
                action=action,
                target_type=self._types[model],
                target_id=str(target.pk),
                target_repr=str(target)[:255],
                changes={k: list(v) for k, v in changes.items()},
                reason=reason,
            )
        )

    def save(self) -> None:
        AuditEvent.objects.bulk_create(self.events, batch_size=BATCH)
        self.events = []


def _at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=UTC)


def make_year(
    year: int,
    partners: list[Partner],
    signatories: dict[int, User],
    official: User,
    secretary: User,
    history: History,
) -> list[Agreement]:
    budget_year = BudgetYear.objects.create(year=year, status=BudgetYearStatus.CLOSED)
    amounts = [_amount(i, year) for i in range(len(partners))]
    total = sum(amounts, Decimal(0))
    regional, _state = FundingSource.objects.bulk_create(
        [
            FundingSource(
                budget_year=budget_year,
                kind=SourceKind.REGIONAL_DEVELOPMENT,
                name=facts.SOURCES[0].name,
                amount=max(facts.SOURCES[0].amount, total * 3),
                allows_operating_support=True,
            ),
            FundingSource(
                budget_year=budget_year,
                kind=SourceKind.STATE_GROWTH,
                name=facts.SOURCES[1].name,
                amount=facts.SOURCES[1].amount,
                allows_operating_support=False,
            ),
        ]
    )
    programme = Programme.objects.create(
        budget_year=budget_year,
        source=regional,
        kind=ProgrammeKind.BASIC_FUNDING,
        name=facts.PROGRAMME_NAME.format(year=year),
        slug=facts.PROGRAMME_SLUG,
        ceiling=total,
        is_example_data=True,
    )
    decision = Decision.objects.create(
        meeting_date=date(year - 1, 10, 24),
        paragraph=100 + year % 100,
        registration_number=f"RS{(year - 1) % 100:02d}{1000 + year % 1000:04d}",
        title=f"Grundfinansiering {year} till strategiska partner",
        text=f"Tillväxtutskottet beslutar om grundfinansiering för {year}.",
        legal_basis=facts.DECISION.legal_basis,
        status=DecisionStatus.APPROVED,
        decided_at=_at(year - 1, 10, 24, 12),
        approved_on=date(year - 1, 10, 31),
        is_example_data=True,
    )
    history.add(
        decision,
        action=AuditAction.DECISION_CREATED,
        at=_at(year - 1, 10, 1),
        by=secretary,
        changes={"title": (None, decision.title)},
    )
    history.add(
        decision,
        action=AuditAction.DECISION_DECIDED,
        at=_at(year - 1, 10, 24, 12),
        by=secretary,
        changes={"status": (DecisionStatus.DRAFT, DecisionStatus.DECIDED)},
    )
    history.add(
        decision,
        action=AuditAction.DECISION_APPROVED,
        at=_at(year - 1, 10, 31),
        by=secretary,
        changes={
            "status": (DecisionStatus.DECIDED, DecisionStatus.APPROVED),
            "approved_on": (None, str(decision.approved_on)),
        },
    )
    allocations = Allocation.objects.bulk_create(
        [
            Allocation(
                programme=programme,
                partner=partner,
                amount=amount,
                status=AllocationStatus.DECIDED,
                decision=decision,
                version=2,
                updated_by=official,
            )
            for partner, amount in zip(partners, amounts, strict=True)
        ],
        batch_size=BATCH,
    )
    DecisionItem.objects.bulk_create(
        [DecisionItem(decision=decision, allocation=a, amount=a.amount) for a in allocations],
        batch_size=BATCH,
    )
    for allocation in allocations:
        history.add(
            allocation,
            action=AuditAction.ALLOCATION_CREATED,
            at=_at(year - 1, 9, 15),
            by=official,
            changes={"amount": (None, str(allocation.amount))},
        )
        history.add(
            allocation,
            action=AuditAction.ALLOCATION_DECIDED,
            at=_at(year - 1, 10, 24, 12),
            by=secretary,
            changes={
                "status": (AllocationStatus.DRAFT, AllocationStatus.DECIDED),
                "amount": (str(allocation.amount), str(allocation.amount)),
            },
            reason=str(decision),
        )
    agreements = Agreement.objects.bulk_create(
        [
            Agreement(
                reference=f"GF-{year}-{a.partner.slug.upper()}",
                allocation=a,
                partner=a.partner,
                period_start=date(year, 1, 1),
                period_end=date(year, 12, 31),
                amount=a.amount,
                purpose=facts.PURPOSE.format(partner=a.partner.legal_name, year=year),
                conditions=facts.CONDITIONS,
                status=AgreementStatus.COMPLETED,
                is_example_data=True,
            )
            for a in allocations
        ],
        batch_size=BATCH,
    )
    instalment_dates = [date(year, 2, 28), date(year, 8, 31)]
    Instalment.objects.bulk_create(
        [
            Instalment(agreement=agreement, number=n, due_date=due, amount=amount)
            for agreement in agreements
            for n, (due, amount) in enumerate(
                zip(instalment_dates, split_evenly(agreement.amount, 2), strict=True), start=1
            )
        ],
        batch_size=BATCH,
    )
    ReportingRequirement.objects.bulk_create(
        [
            ReportingRequirement(agreement=agreement, description=description, due_date=due)
            for agreement in agreements
            for description, due in (
                ("Lägesrapport", date(year, 8, 31)),
                ("Slutrapport med ekonomisk redovisning", date(year + 1, 3, 31)),
            )
        ],
        batch_size=BATCH,
    )
    signatures = []
    steps = [
        (AgreementStatus.DRAFT, AgreementStatus.SENT, _at(year - 1, 11, 20), official),
        (AgreementStatus.SENT, AgreementStatus.PARTNER_SIGNED, _at(year - 1, 12, 12), None),
        (AgreementStatus.PARTNER_SIGNED, AgreementStatus.SIGNED, _at(year - 1, 12, 15), official),
        (AgreementStatus.SIGNED, AgreementStatus.COMPLETED, _at(year + 1, 4, 15), official),
    ]
    for agreement in agreements:
        signatory = signatories[agreement.partner_id]
        signatures += [
            Signature(
                agreement=agreement,
                agreement_version=1,
                party=party,
                signed_by=signer,
                signer_name=signer.display_name,
                signer_title=signer.title,
                signed_at=signed_at,
            )
            for party, signer, signed_at in (
                (Party.PARTNER, signatory, _at(year - 1, 12, 12)),
                (Party.REGION, official, _at(year - 1, 12, 15)),
            )
        ]
        history.add(
            agreement,
            action=AuditAction.AGREEMENT_CREATED,
            at=_at(year - 1, 11, 1),
            by=official,
            changes={"amount": (None, str(agreement.amount))},
        )
        for before, after, at, by in steps:
            history.add(
                agreement,
                action=AuditAction.AGREEMENT_STATUS_CHANGED,
                at=at,
                by=by or signatory,
                changes={"status": (before, after)},
            )
    Signature.objects.bulk_create(signatures, batch_size=BATCH)
    history.save()
    return agreements
