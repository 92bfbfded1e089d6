"""The benchmark dataset (10 years, 300 partners, 3 000 agreements) and what it proves.

Issue 8: every page the benchmark loads makes the same number of SQL queries with the demo
data as with the large dataset. The dataset is generated here at full size, without its PDFs
(rendering 3 000 sealed PDFs belongs to `make bench`, and no page counted here reads them).
"""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agreements.models import (
    Agreement,
    AgreementStatus,
    Instalment,
    ReportingRequirement,
    Signature,
)
from audit.models import AuditEvent
from demo.large import AlreadyGenerated, Size, generate
from funding.models import Allocation, BudgetYear, Decision, Programme
from partners.models import Partner, PartnerMembership
from tests.helpers import login, text

pytestmark = pytest.mark.django_db

# A report page whose report is not written yet: Hallands Matgille's final report in the demo,
# a final report of the large dataset (which writes no reports). The page of a written report
# is checked against more files and more history in tests/agreements/test_report_queries.py.
REPORT_2024 = "report:GF-2024-MATGILLE"
REPORT_2023 = "report:GF-2023-MATGILLE"


def report_url(marker: str) -> str:
    reference = marker.removeprefix("report:")
    requirement = ReportingRequirement.objects.filter(agreement__reference=reference).order_by(
        "-due_date"
    )[0]
    return f"/agreements/{reference}/reports/{requirement.pk}/"


# (user, page with the demo data, the same page with the large dataset's rows)
PAGES = [
    ("handlaggare", "/budget/2024/", "/budget/2023/"),
    ("sekreterare", "/budget/2024/", "/budget/2023/"),
    (
        "handlaggare",
        "/budget/2024/grundfinansiering/allocations/",
        "/budget/2023/grundfinansiering/allocations/",
    ),
    # The same page before and after: 6 active partners, then 300, each with an input.
    (
        "handlaggare",
        "/budget/2025/grundfinansiering/allocations/",
        "/budget/2025/grundfinansiering/allocations/",
    ),
    (
        "handlaggare",
        "/budget/2024/grundfinansiering/history/",
        "/budget/2023/grundfinansiering/history/",
    ),
    ("handlaggare", "/agreements/", "/agreements/"),
    ("handlaggare", "/agreements/?ar=2024", "/agreements/?ar=2023&sida=2"),
    # Searched, filtered and sorted (issue 19): still a page of rows in as many queries.
    (
        "handlaggare",
        "/agreements/?q=GF&status=signed&forsenade=on&sortera=-belopp",
        "/agreements/?q=GF&ar=2023&sortera=-aterrapportering&sida=2",
    ),
    (
        "handlaggare",
        "/payments/?q=GF&status=planned&sortera=partner",
        "/payments/?q=GF&fran=2023-01-01&sortera=-belopp&sida=3",
    ),
    (
        "handlaggare",
        "/partners/?q=a&sortera=-beslutat",
        "/partners/?q=a&aktiv=ja&sortera=-forsenade&sida=2",
    ),
    (
        "sekreterare",
        "/decisions/?q=grundfinansiering&sortera=-belopp",
        "/decisions/?q=grundfinansiering&sortera=datum",
    ),
    ("handlaggare", "/agreements/GF-2024-COOMPANION/", "/agreements/GF-2023-COOMPANION/"),
    ("coompanion", "/", "/"),
    ("handlaggare", "/", "/"),  # "Att göra" (issue 15)
    ("sekreterare", "/", "/"),
    ("coompanion", "/agreements/", "/agreements/"),
    ("coompanion", "/agreements/GF-2024-COOMPANION/", "/agreements/GF-2023-COOMPANION/"),
    ("coompanion", "/agreements/GF-2024-COOMPANION/pdf/", "/agreements/GF-2024-COOMPANION/pdf/"),
    ("sekreterare", "/decisions/", "/decisions/"),
    # Reports (issue 15): the page of a report with its values, files and history.
    ("matgille", REPORT_2024, REPORT_2023),
    ("handlaggare", REPORT_2024, REPORT_2023),
    ("handlaggare", "/payments/", "/payments/"),
    # Partners: 6, then 306; one partner with one year of agreements, then eleven.
    ("handlaggare", "/partners/", "/partners/"),
    ("handlaggare", "/partners/coompanion/", "/partners/coompanion/"),
    ("coompanion", "/partners/coompanion/", "/partners/coompanion/"),
]


def queries(username: str, url: str) -> int:
    if url.startswith("report:"):
        url = report_url(url)
    client = login(Client(), username)
    assert client.get(url).status_code == 200, url  # warm: session, content types
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(captured)


def test_every_benchmarked_page_makes_as_many_queries_with_3000_agreements(demo: None) -> None:
    before = {(user, small): queries(user, small) for user, small, _large in PAGES}

    result = generate(size=Size(years=10, partners=300), seal=False)

    assert result.years == list(range(2014, 2024))
    assert (result.partners, result.agreements) == (300, 3000)
    after = {(user, small): queries(user, large) for user, small, large in PAGES}
    assert after == before

    # The rows really are there: the pages above listed them.
    client = login(Client(), "handlaggare")
    assert "Exempelpartner 0299" in text(client.get("/budget/2023/"))
    assert (
        text(client.get("/budget/2025/grundfinansiering/allocations/")).count('inputmode="numeric"')
        >= 300
    )
    listing = text(client.get("/agreements/?ar=2023&sida=2"))
    assert "Sida 2 av 6 (300 överenskommelser)" in listing
    assert "ar=2023&amp;sida=3" in listing  # the next page keeps the filter
    home = text(login(Client(), "coompanion").get("/agreements/"))
    assert home.count('href="/agreements/GF-20') == 11  # one a year, 2014–2024


def test_the_dataset_keeps_the_invariants(demo: None) -> None:
    generate(size=Size(years=2, partners=40), seal=False)

    assert BudgetYear.objects.count() == 4  # 2022, 2023 and the demo's 2024, 2025
    assert Partner.objects.count() == PartnerMembership.objects.count() == 40
    for programme in Programme.objects.filter(budget_year__year__in=[2022, 2023]):
        allocated = programme.allocations.aggregate(total=Sum("amount"))["total"]
        assert allocated <= programme.ceiling
        assert programme.allocations.filter(decision__isnull=True).count() == 0
    generated = Agreement.objects.filter(period_start__year__in=[2022, 2023])
    assert generated.count() == 80
    for agreement in generated.annotate(paid=Sum("instalments__amount")):
        # AgreementQuerySet is not generic, so its rows lose annotate()'s type (`paid`).
        assert agreement.paid == agreement.amount  # type: ignore[attr-defined]
        assert agreement.amount == agreement.allocation.amount
        assert agreement.amount % 1 == Decimal(0)
    assert set(generated.values_list("status", flat=True)) == {AgreementStatus.COMPLETED}
    assert Signature.objects.filter(agreement__in=generated).count() == 160
    assert Instalment.objects.filter(agreement__in=generated).count() == 160
    signed_twice = generated.annotate(n=Count("signatures")).filter(n=2).count()
    assert signed_twice == 80
    # The generated years' two and the demo's 2024 decision with its amending decision (§ 97).
    assert Decision.objects.filter(status="approved").count() == 4
    # The history pages have something to show: what the services would have written.
    assert AuditEvent.objects.filter(action="agreement.status_changed").count() >= 80 * 4
    assert Allocation.objects.filter(programme__budget_year__year=2023).count() == 40

    with pytest.raises(AlreadyGenerated):
        generate(size=Size(years=2, partners=40), seal=False)


def test_the_command_refuses_with_debug_off(settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("generate_large_dataset", "--no-documents")
