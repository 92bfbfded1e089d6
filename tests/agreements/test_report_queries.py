"""The report page asks the database the same number of questions however many files, key
figures and history events the report has (issue 15: constant queries)."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from agreements import services
from agreements.models import ReportingRequirement
from demo.follow_up import example_pdf
from tests.helpers import login

pytestmark = pytest.mark.django_db


def count(username: str, url: str) -> int:
    client = login(Client(), username)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_more_files_and_history_cost_no_more_queries(demo: None) -> None:
    requirement = ReportingRequirement.objects.filter(
        agreement__reference="GF-2024-COOMPANION"
    ).order_by("-due_date")[0]  # returned, one file
    url = f"/agreements/GF-2024-COOMPANION/reports/{requirement.pk}/"
    before = {u: count(u, url) for u in ("coompanion", "handlaggare")}
    partner = User.objects.get(username="coompanion")
    for n in range(5):
        services.save_report(
            requirement=requirement,
            narrative=f"Version {n}",
            values={i.pk: Decimal(n) for i in requirement.agreement.indicators.all()},
            files=[ContentFile(example_pdf(f"Bilaga {n}"), name=f"bilaga-{n}.pdf")],
            by=partner,
        )
    assert requirement.report.attachments.count() == 6
    assert {u: count(u, url) for u in ("coompanion", "handlaggare")} == before
