"""A large, realistic dataset on top of the demo, for benchmarks and scale tests (issue 8).

`python manage.py generate_large_dataset` adds, before the demo's 2024 and 2025, `years` closed
budget years in which every one of `partners` partners received basic funding, decided by the
committee and laid down in an agreement that both parties signed and that is now completed —
with its payment plan, reporting requirements, signatures, status history and, unless told not
to, its sealed PDF rendered and sealed by the same code as in production. The defaults (10 years,
300 partners: 3 000 agreements) are the scale the performance issue asks for.

The rows are written with `bulk_create`, as a data migration would: going through the services
one agreement at a time would take most of an hour, almost all of it in the same checks that
the service tests already prove. What the services would also have written — the history that
the timeline and the history pages read — is written here too, so every page sees data shaped
exactly as in production. The sealed PDFs are the expensive part (one render and one seal each);
they are made in `jobs` processes.
"""

from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import User
from agreements.models import Agreement, SignedDocument
from audit.services import bump_revision
from demo import facts
from demo.large.rows import (
    BATCH,
    AlreadyGenerated,
    Generated,
    History,
    Size,
    make_partners,
    make_year,
)
from demo.large.sealing import seal_all
from demo.loader import load_demo
from funding.models import BudgetYear, Decision
from funding.services.decisions import issue_decision_extract
from partners.models import PartnerMembership


def generate(
    *,
    size: Size,
    seal: bool = True,
    jobs: int = 1,
    progress: Callable[[str], None] = lambda message: None,
) -> Generated:
    """Add the large dataset to the demo (loaded first if it is not there). Runs once."""
    years = list(range(size.first_year, facts.YEAR))
    if BudgetYear.objects.filter(year__in=years).exists():
        raise AlreadyGenerated(
            f"Budget years {years[0]}–{years[-1]} exist already; start from an empty database."
        )
    load_demo()
    official = User.objects.get(username="handlaggare")
    secretary = User.objects.get(username="sekreterare")
    with transaction.atomic():
        partners = make_partners(size.partners, make_password(facts.PASSWORD))
        progress(f"{len(partners)} partners")
        signatories = {
            m.partner_id: m.user
            for m in PartnerMembership.objects.filter(is_signatory=True).select_related("user")
        }
        history = History()
        agreements: list[Agreement] = []
        for year in years:
            agreements += make_year(year, partners, signatories, official, secretary, history)
            progress(f"{year}: {len(partners)} agreements")
        # Written in bulk, past the services that move the revision on when they record a
        # change: move it on once here, or pages cached per revision (the overview, the
        # allocation editor) would go on showing the data as it was before (audit.cache).
        bump_revision()
    documents = 0
    if seal:
        for decision in Decision.objects.filter(
            allocations__programme__budget_year__year__in=years
        ).distinct():
            # The history of these decisions is written in bulk (rows.History).
            issue_decision_extract(decision)
            documents += 1
        pks = [a.pk for a in agreements]
        made = seal_all(
            pks, jobs=jobs, progress=lambda done, total: progress(f"sealed {done}/{total}")
        )
        SignedDocument.objects.bulk_create(made, batch_size=BATCH)
        documents += len(made)
    return Generated(
        years=years, partners=len(partners), agreements=len(agreements), documents=documents
    )


__all__ = ["AlreadyGenerated", "Generated", "Size", "generate"]
