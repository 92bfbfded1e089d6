"""Shared fixtures. Service tests hit the real database; nothing stands in for it."""

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from accounts.models import Role, User
from funding import services as funding
from funding.models import BudgetYear, FundingSource, Programme, ProgrammeKind, SourceKind
from partners import services as partners
from partners.models import Partner
from partners.validators import luhn_ok


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests: skipped loudly on SQLite, an error in CI (REQUIRE_POSTGRES=1)."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    if on_postgres:
        return
    if os.environ.get("REQUIRE_POSTGRES"):
        raise pytest.UsageError("REQUIRE_POSTGRES is set but DATABASE_URL is not PostgreSQL")
    skip = pytest.mark.skip(
        reason="SKIPPED: needs PostgreSQL (set DATABASE_URL=postgres://...); CI runs it"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if "needs PostgreSQL" in str(r.longrepr)
    ]
    if skipped:
        terminalreporter.write_sep(
            "!",
            f"{len(skipped)} PostgreSQL-only tests were SKIPPED: this run used "
            f"{connection.vendor}. Run with DATABASE_URL=postgres://... (as .ci/run does).",
            red=True,
        )


@dataclass(frozen=True)
class SealingAuthority:
    """A throwaway CA and the region's sealing certificate it issued (no keys committed)."""

    directory: Path
    ca_pem: Path
    seal_p12: Path
    passphrase: str


@pytest.fixture(autouse=True)
def _as_a_fresh_process() -> None:
    """Each test starts as a freshly started server does: empty cache, no header or footer kept
    in the process's memory, Swedish.

    Cached pages are keyed by the history's revision, and SQLite hands out the same numbers
    again after a test's transaction is rolled back, so a copy from another test could match.
    A header kept from an earlier test would let a page answer without the cache, so a test of
    what the cache does would pass or fail by what ran before it.
    A request that chose English leaves it active in the thread (as Django's own locale
    middleware does; every request activates its own language first).
    """
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    from core.templatetags import frames

    cache.clear()
    frames.forget_kept()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def sealing_authority(tmp_path_factory: pytest.TempPathFactory) -> SealingAuthority:
    from django.conf import settings as django_settings

    from core.certificates import make_certificate, pem, pkcs12_bytes

    directory = tmp_path_factory.mktemp("seal")
    ca = make_certificate(common_name="Testcertifikatutfärdare", is_ca=True, key_size=2048)
    seal = make_certificate(common_name="Region Halland sigill (test)", issuer=ca, key_size=2048)
    authority = SealingAuthority(
        directory=directory,
        ca_pem=directory / "ca.pem",
        seal_p12=directory / "seal.p12",
        passphrase="test-passphrase",
    )
    authority.ca_pem.write_bytes(pem(ca[0]))
    authority.seal_p12.write_bytes(pkcs12_bytes(*seal, authority.passphrase, chain=[ca[0]]))
    django_settings.SEAL_PKCS12_PATH = str(authority.seal_p12)
    django_settings.SEAL_PKCS12_PASSPHRASE = authority.passphrase
    django_settings.SEAL_TRUST_ROOTS = [str(authority.ca_pem)]
    return authority


_DEMO_APPS = ("accounts", "audit", "partners", "funding", "agreements", "otp_totp")


@pytest.fixture
def demo(db: None, settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The demo data of design §7, loaded through `load_demo` once per session.

    `load_demo` renders and seals three PDFs (about a second); later tests get the same rows
    back from a dump of that first load (loaddata also resets the database sequences). The
    sealed files stay in the session's media folder. tests/demo/ runs `load_demo` itself.
    """
    from django.core.management import call_command
    from django.db import reset_queries

    cache = tmp_path_factory.getbasetemp() / "demo-dump.json"
    if cache.exists():
        call_command("loaddata", str(cache), verbosity=0)
    else:
        settings.DEBUG = True  # type: ignore[attr-defined]  # load_demo refuses otherwise
        call_command("load_demo", verbosity=0)
        settings.DEBUG = False  # type: ignore[attr-defined]  # tests see production behaviour
        reset_queries()  # load_demo ran with DEBUG on and filled the query log
        # Natural keys: content types and permissions are found by name, so the dump stays
        # valid after a transactional test flushed and recreated them with other ids.
        call_command("dumpdata", *_DEMO_APPS, natural_foreign=True, output=str(cache), verbosity=0)


def make_user(username: str, role: str = "", **extra: Any) -> User:
    user = User.objects.create_user(
        username=username,
        password="correct-horse-battery",
        role=role,
        first_name="Test",
        last_name=username.title(),
        **extra,
    )
    return user


@pytest.fixture
def official(db: None) -> User:
    user = make_user(
        "official",
        Role.OFFICIAL,
        title="Handläggare",
        delegation_reference="RS230012, punkt 4.2",
    )
    user.user_permissions.add(Permission.objects.get(codename="sign_for_region"))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def official_without_signing(db: None) -> User:
    return make_user("official2", Role.OFFICIAL)


@pytest.fixture
def secretary(db: None) -> User:
    return make_user("secretary", Role.SECRETARY)


@pytest.fixture
def budget_year(db: None, official: User) -> BudgetYear:
    return funding.create_budget_year(year=2024, status="active", by=official)


@pytest.fixture
def regional_source(budget_year: BudgetYear, official: User) -> FundingSource:
    return funding.create_funding_source(
        budget_year=budget_year,
        kind=SourceKind.REGIONAL_DEVELOPMENT,
        name="Utvecklingsmedel",
        amount=Decimal("39000000"),
        by=official,
    )


@pytest.fixture
def state_source(budget_year: BudgetYear, official: User) -> FundingSource:
    return funding.create_funding_source(
        budget_year=budget_year,
        kind=SourceKind.STATE_GROWTH,
        name="1:1-medel",
        amount=Decimal("14700000"),
        by=official,
    )


@pytest.fixture
def programme(budget_year: BudgetYear, regional_source: FundingSource, official: User) -> Programme:
    return funding.create_programme(
        budget_year=budget_year,
        source=regional_source,
        kind=ProgrammeKind.BASIC_FUNDING,
        name="Grundfinansiering 2024",
        slug="grundfinansiering",
        ceiling=Decimal("11900000"),
        by=official,
    )


def organisation_number_for(seed: str) -> str:
    """A valid, made-up organisation number (Luhn check digit) that is the same for a seed:
    an agreement is sent only to a partner with one (issue 19)."""
    body = f"998{int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 10**6:06d}"
    check = next(c for c in "0123456789" if luhn_ok(body + c))
    return f"{body[:6]}-{body[6:]}{check}"


def make_partner(slug: str, **extra: Any) -> Partner:
    values: dict[str, Any] = {
        "display_name": slug.title(),
        "legal_name": f"{slug.title()} AB",
        "slug": slug,
        "organisation_number": organisation_number_for(slug),
    }
    values.update(extra)
    return partners.create_partner(by=None, **values)


@pytest.fixture
def partner_a(db: None) -> Partner:
    return make_partner("alfa")


@pytest.fixture
def partner_b(db: None) -> Partner:
    return make_partner("beta")


@pytest.fixture
def signatory_a(partner_a: Partner) -> User:
    user = make_user("alfa-signer", Role.PARTNER, title="VD")
    partners.set_partner_membership(user=user, partner=partner_a, is_signatory=True, by=None)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def signatory_b(partner_b: Partner) -> User:
    user = make_user("beta-signer", Role.PARTNER)
    partners.set_partner_membership(user=user, partner=partner_b, is_signatory=True, by=None)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def meeting_date() -> date:
    return date(2023, 10, 24)
