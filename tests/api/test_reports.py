"""The API shows reports and payments as the pages do (issue 15): status, dates, late reports,
key figure values once handed in; never a draft's content, never another partner's."""

from decimal import Decimal

import pytest

from accounts.models import User
from agreements import services
from agreements.models import ReportingRequirement
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_reports_with_status_late_flag_and_values(matgille_api: ApiClient) -> None:
    data = matgille_api.get("/api/v1/agreements/GF-2024-MATGILLE").json()
    assert [k["name"] for k in data["key_figures"]] == [
        "Antal deltagande livsmedelsföretag",
        "Antal genomförda aktiviteter",
    ]
    assert data["key_figures"][0]["target"] == "60.00"
    half_year, final = data["reporting_requirements"]
    assert (half_year["report_status"], half_year["overdue"]) == ("submitted", False)
    assert [v["value"] for v in half_year["key_figures"]] == ["33.00", "7.00"]
    assert (final["report_status"], final["overdue"]) == ("not_started", True)
    second = data["instalments"][1]
    assert (second["status"], second["after_report_due_date"]) == ("planned", "2024-08-31")


def test_a_draft_report_shows_its_status_and_nothing_of_its_content(
    official_api: ApiClient, matgille_api: ApiClient
) -> None:
    final = ReportingRequirement.objects.filter(agreement__reference="GF-2024-MATGILLE").latest(
        "due_date"
    )
    services.save_report(
        requirement=final,
        narrative="Hemligt utkast",
        values={i.pk: Decimal(5) for i in final.agreement.indicators.all()},
        by=User.objects.get(username="matgille"),
    )
    for client in (official_api, matgille_api):
        row = client.get("/api/v1/agreements/GF-2024-MATGILLE").json()["reporting_requirements"][1]
        assert (row["report_status"], row["key_figures"], row["overdue"]) == ("draft", [], True)


def test_the_schema_names_the_report_statuses(official_api: ApiClient) -> None:
    schemas = official_api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    status = schemas["ReportingRequirementOut"]["properties"]["report_status"]
    assert status["enum"] == ["not_started", "draft", "submitted", "returned", "approved"]
