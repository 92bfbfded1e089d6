"""Benchmark: the archive bundle for a year with N signed agreements (default 300).

Prints time and peak Python memory of building the ZIP, and the same per document, so runs
with different N show whether time is linear and memory flat (streaming). Uses a throwaway
SQLite database, media folder and certificate. `BENCH_AGREEMENTS=3000` for the large run.
"""

import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def make_year(n: int) -> object:
    """N partners with decided allocations and signed, sealed agreements (through services)."""
    from datetime import date

    from accounts.models import Role, User
    from agreements import services as agreements
    from agreements.models import Party
    from funding import services as funding
    from funding.models import ProgrammeKind, SourceKind
    from partners import services as partners

    official = User.objects.create_user("o", role=Role.OFFICIAL, first_name="Bench")
    from django.contrib.auth.models import Permission

    official.user_permissions.add(Permission.objects.get(codename="sign_for_region"))
    official = User.objects.get(pk=official.pk)
    secretary = User.objects.create_user("s", role=Role.SECRETARY)
    year = funding.create_budget_year(year=2024, status="active", by=official)
    source = funding.create_funding_source(
        budget_year=year,
        kind=SourceKind.REGIONAL_DEVELOPMENT,
        name="Källa",
        amount=Decimal(n * 100000),
        by=official,
    )
    programme = funding.create_programme(
        budget_year=year,
        source=source,
        kind=ProgrammeKind.BASIC_FUNDING,
        name="Grund",
        slug="grund",
        ceiling=Decimal(n * 100000),
        by=official,
    )
    signers = {}
    for i in range(n):
        partner = partners.create_partner(
            by=None,
            display_name=f"Partner {i:04}",
            legal_name=f"Partner {i:04} AB",
            slug=f"p{i:04}",
        )
        user = User.objects.create_user(f"u{i}", role=Role.PARTNER)
        partners.set_partner_membership(user=user, partner=partner, is_signatory=True, by=None)
        signers[partner.pk] = User.objects.get(pk=user.pk)
    funding.set_allocations(
        programme=programme, amounts={pk: Decimal(100000) for pk in signers}, by=official
    )
    decision = funding.create_decision(
        meeting_date=date(2023, 10, 24),
        paragraph=1,
        registration_number="RS230001",
        title="Grund",
        text="Beslut",
        by=secretary,
    )
    for allocation in programme.allocations.all():
        funding.add_to_decision(decision=decision, allocation=allocation, by=secretary)
    funding.decide(decision=decision, by=secretary)
    funding.approve_decision(decision=decision, approved_on=date(2023, 10, 31), by=secretary)
    for allocation in programme.allocations.select_related("partner"):
        agreement = agreements.draft_agreement(
            allocation=allocation,
            period_start=date(2024, 1, 1),
            period_end=date(2024, 12, 31),
            purpose="Bench",
            by=official,
        )
        agreements.send_for_signing(agreement=agreement, by=official)
        agreements.sign_agreement(
            agreement=agreement, party=Party.PARTNER, by=signers[allocation.partner_id]
        )
        agreements.sign_agreement(agreement=agreement, party=Party.REGION, by=official)
    return year


def main() -> None:
    from archive.models import ArchiveBundle
    from archive.services import build_bundle
    from core.certificates import make_certificate, pkcs12_bytes

    n = int(os.environ.get("BENCH_AGREEMENTS", "300"))
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    work = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    settings.MEDIA_ROOT = str(work / "media")
    cert, key = make_certificate(common_name="Bench seal", key_size=2048)
    (work / "seal.p12").write_bytes(pkcs12_bytes(cert, key, "bench"))
    settings.SEAL_PKCS12_PATH = str(work / "seal.p12")
    settings.SEAL_PKCS12_PASSPHRASE = "bench"  # noqa: S105 - a throwaway key
    settings.SEAL_TRUST_ROOTS = []

    start = time.perf_counter()
    year = make_year(n)
    setup = time.perf_counter() - start
    from accounts.models import User

    bundle = ArchiveBundle.objects.create(
        budget_year=year, requested_by=User.objects.get(username="s")
    )
    tracemalloc.start()
    start = time.perf_counter()
    bundle = build_bundle(bundle.pk)
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    documents = bundle.total
    print(f"setup: {n} agreements signed and sealed in {setup:.1f} s")
    print(f"{'documents':>10} {'zip MB':>8} {'build s':>8} {'ms/doc':>7} {'peak MiB':>9}")
    print(
        f"{documents:>10} {bundle.size / 1e6:>8.1f} {elapsed:>8.2f} "
        f"{1000 * elapsed / documents:>7.2f} {peak / 2**20:>9.2f}"
    )


if __name__ == "__main__":
    main()
