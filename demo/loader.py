"""Load the demo (design §7) through the same services the application uses.

Idempotent: every object is looked up by its natural key first and created only when missing,
so a second run changes nothing and writes no history.
"""

import base64
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Permission
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from agreements import services as agreements
from agreements.models import Agreement, AgreementStatus, Party
from demo import changes, decisions, facts, follow_up
from funding import services as funding
from funding.models import (
    Allocation,
    BudgetYear,
    BudgetYearStatus,
    Decision,
    FundingSource,
    Programme,
    ProgrammeKind,
)
from partners import services as partners
from partners.models import Partner, PartnerMembership, PaymentMethod


def _user(spec: facts.UserFact) -> User:
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        user = User(
            username=spec.username,
            # A reserved domain (RFC 2606): the demo's e-mail can never reach anyone.
            email=f"{spec.username}@demo.example",
            first_name=spec.first_name,
            last_name=spec.last_name,
            role=spec.role,
            title=spec.title,
            is_superuser=spec.superuser,
            is_staff=spec.superuser,
        )
        user.set_password(facts.PASSWORD)
        user.save()
        if spec.sign_for_region:
            user.user_permissions.add(
                Permission.objects.get(
                    codename="sign_for_region", content_type__app_label="agreements"
                )
            )
    return user


def _totp_device(user: User) -> None:
    """The second factor with the published demo secret, so any authenticator app works."""
    if not TOTPDevice.objects.filter(user=user).exists():
        key = base64.b32decode(facts.TOTP_SECRET).hex()
        TOTPDevice.objects.create(user=user, name="Demo", key=key, confirmed=True)


def _partner(spec: dict[str, Any]) -> Partner:
    partner = Partner.objects.filter(slug=spec["slug"]).first()
    if partner is None:
        partner = partners.create_partner(by=None, **spec)
    if not partner.contacts.exists():
        partners.set_contacts(
            partner=partner,
            contacts=[partners.Contact(**c) for c in facts.EXAMPLE_CONTACTS],
            example_data=True,
            by=None,
        )
    if not partner.payment_method and spec["slug"] in facts.EXAMPLE_BANKGIRO:
        partner = partners.set_payment_details(
            partner=partner,
            method=PaymentMethod.BANKGIRO,
            account=facts.EXAMPLE_BANKGIRO[spec["slug"]],
            example_data=True,
            by=None,
        )
    return partner


def _partner_user(partner: Partner) -> User:
    user = _user(
        facts.UserFact(
            username=partner.slug,
            first_name="Demo",
            last_name=f"Firmatecknare {partner.display_name}",
            role=Role.PARTNER,
            title="Firmatecknare",
        )
    )
    if not PartnerMembership.objects.filter(user=user).exists():
        partners.set_partner_membership(user=user, partner=partner, is_signatory=True, by=None)
    return user


def _year(year: int, status: str, by: User) -> tuple[BudgetYear, dict[str, FundingSource]]:
    budget_year = BudgetYear.objects.filter(year=year).first()
    if budget_year is None:
        budget_year = funding.create_budget_year(year=year, status=status, by=by)
    sources = {}
    for spec in facts.SOURCES:
        source = FundingSource.objects.filter(budget_year=budget_year, name=spec.name).first()
        if source is None:
            source = funding.create_funding_source(
                budget_year=budget_year,
                kind=spec.kind,
                name=spec.name,
                amount=spec.amount,
                notes=spec.notes,
                by=by,
            )
        sources[spec.key] = source
    return budget_year, sources


def _programme(budget_year: BudgetYear, source: FundingSource, by: User) -> Programme:
    programme = Programme.objects.filter(budget_year=budget_year, slug=facts.PROGRAMME_SLUG).first()
    if programme is None:
        programme = funding.create_programme(
            budget_year=budget_year,
            source=source,
            kind=ProgrammeKind.BASIC_FUNDING,
            name=facts.PROGRAMME_NAME.format(year=budget_year.year),
            slug=facts.PROGRAMME_SLUG,
            ceiling=facts.PROGRAMME_CEILING,
            is_example_data=True,
            by=by,
        )
    return programme


def _allocate(
    programme: Programme, split: dict[str, Decimal], by: User, partners_by_slug: dict[str, Partner]
) -> None:
    existing = set(programme.allocations.values_list("partner__slug", flat=True))
    missing = {
        partners_by_slug[slug].pk: amount for slug, amount in split.items() if slug not in existing
    }
    if missing:
        funding.set_allocations(programme=programme, amounts=missing, by=by)


def _decision(programme: Programme, secretary: User) -> Decision:
    spec = facts.DECISION
    decision = decisions.find(spec)
    if decision is None:
        decision = decisions.record(spec, secretary)
        for allocation in programme.allocations.all():
            funding.add_to_decision(decision=decision, allocation=allocation, by=secretary)
        funding.decide(
            decision=decision,
            by=secretary,
            decided_at=datetime(2023, 10, 24, 12, 0, tzinfo=UTC),
        )
        decisions.approve(decision, spec, secretary)
    return decision


def _agreement(allocation: Allocation, target: str, official: User, signatory: User) -> Agreement:
    agreement = Agreement.objects.filter(allocation=allocation).first()
    if agreement is not None:
        return agreement
    year = allocation.programme.budget_year.year
    agreement = agreements.create_agreement(
        allocation=allocation,
        period_start=datetime(year, 1, 1).date(),  # noqa: DTZ001 - a calendar date
        period_end=datetime(year, 12, 31).date(),  # noqa: DTZ001
        purpose=facts.PURPOSE.format(partner=allocation.partner.legal_name, year=year),
        conditions=facts.CONDITIONS,
        is_example_data=True,
        by=official,
    )
    agreements.set_reporting_requirements(
        agreement=agreement,
        requirements=[
            agreements.PlannedReport(description=d, due_date=due) for d, due in facts.REPORTS
        ],
        by=official,
    )
    agreements.set_indicators(
        agreement=agreement,
        indicators=[
            agreements.PlannedIndicator(name=name, unit=unit, target=target)
            for name, unit, target in facts.INDICATORS[allocation.partner.slug]
        ],
        by=official,
    )
    first, second = agreements.even_payment_plan(agreement.amount, facts.INSTALMENT_DATES)
    second = replace(second, after_report=facts.SECOND_INSTALMENT_AFTER_REPORT)
    agreements.set_payment_plan(agreement=agreement, instalments=[first, second], by=official)
    if target == AgreementStatus.DRAFT:
        return agreement
    agreements.send_for_signing(agreement=agreement, by=official)
    if target == AgreementStatus.SENT:
        return agreement
    agreements.sign_agreement(
        agreement=agreement,
        party=Party.PARTNER,
        by=signatory,
        signed_at=datetime(year - 1, 12, 12, 10, 0, tzinfo=UTC),
    )
    if target == AgreementStatus.PARTNER_SIGNED:
        return agreement
    agreements.sign_agreement(
        agreement=agreement,
        party=Party.REGION,
        by=official,
        signed_at=datetime(year - 1, 12, 15, 14, 0, tzinfo=UTC),
    )
    return agreement  # completed after its reports and payments: demo.follow_up


@transaction.atomic
def load_demo() -> None:
    users = {spec.username: _user(spec) for spec in facts.USERS}
    for user in users.values():
        _totp_device(user)
    official, secretary = users["handlaggare"], users["sekreterare"]

    partners_by_slug = {spec["slug"]: _partner(spec) for spec in facts.PARTNERS}
    signatories = {slug: _partner_user(p) for slug, p in partners_by_slug.items()}

    year, sources = _year(facts.YEAR, BudgetYearStatus.ACTIVE, official)
    programme = _programme(year, sources["regional"], official)
    _allocate(programme, facts.SPLIT_2024, official, partners_by_slug)
    _decision(programme, secretary)
    agreements_by_slug = {
        allocation.partner.slug: _agreement(
            allocation,
            facts.AGREEMENT_STATES[allocation.partner.slug],
            official,
            signatories[allocation.partner.slug],
        )
        for allocation in programme.allocations.select_related("partner", "programme__budget_year")
    }
    follow_up.play(agreements_by_slug, signatories, official)
    changes.play(programme, official, secretary, signatories)

    next_year, next_sources = _year(facts.NEXT_YEAR, BudgetYearStatus.PREPARATION, official)
    next_programme = _programme(next_year, next_sources["regional"], official)
    _allocate(next_programme, facts.SPLIT_2025, official, partners_by_slug)
