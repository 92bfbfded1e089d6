"""Open data: the year's decided grants in the 360Giving Data Standard (design §9).

Validated against the standard's own JSON schema, version 1.4.3, copied into `schema/` (no
network at test time), with formats checked: without format checks the schema's
`oneOf: [date-time, YYYY-MM-DD]` would refuse every plain date, or pass any string.
"""

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext

from funding.models import Allocation, Decision
from partners import services as partners
from partners.models import Partner
from tests.exports.test_views import grow_2024
from tests.helpers import login

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).parent / "schema"
URL = "/open-data/2024/360giving.json"


def validator() -> jsonschema_rs.Validator:
    grant = json.loads((SCHEMA / "360-giving-schema.json").read_text())
    package = json.loads((SCHEMA / "360-giving-package-schema.json").read_text())
    # The package schema (1.4.3) names the grant schema by its 1.4.2 address: both are ours.
    grant_urls = {grant["$id"], grant["$id"].replace("/1.4.3/", "/1.4.2/")}
    assert package["properties"]["grants"]["items"]["$ref"] in grant_urls
    registry = jsonschema_rs.Registry([(url, grant) for url in grant_urls])
    return jsonschema_rs.Draft202012Validator(package, validate_formats=True, registry=registry)


def errors(document: dict[str, Any]) -> list[str]:
    return [f"{list(e.instance_path)}: {e.message}" for e in validator().iter_errors(document)]


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def package(client: Client, url: str = URL) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_the_years_grants_validate_against_the_360giving_schema(client: Client) -> None:
    data = package(client)
    assert errors(data) == []
    assert data["version"] == "1.4"
    assert len(data["grants"]) == 6
    assert sum(g["amountAwarded"] for g in data["grants"]) == 11_900_000


def test_the_validator_refuses_what_the_standard_refuses(client: Client) -> None:
    """The check above can fail: each of these breaks one rule of the standard."""
    good = package(client)
    grant = good["grants"][0]
    broken = [
        {**grant, "awardDate": "24 oktober 2023"},
        {**grant, "fromOpenCall": "no"},
        {**grant, "currency": "kr"},
        {**grant, "amountAwarded": "3000000"},
        {**grant, "dateModified": "2024-01-01"},  # must be a full date-time
        {key: value for key, value in grant.items() if key != "fundingOrganization"},
    ]
    for bad in broken:
        assert errors({**good, "grants": [bad]}), bad
    assert errors({**good, "grants": []})  # a package holds at least one grant


def test_grant_fields_follow_the_decision(client: Client) -> None:
    grants = {g["recipientOrganization"][0]["name"]: g for g in package(client)["grants"]}
    matgille = grants["Hallands Matgille"]
    assert matgille["amountAwarded"] == 3_000_000
    assert matgille["currency"] == "SEK"
    assert matgille["fromOpenCall"] == "No"
    assert matgille["awardDate"] == "2023-10-24"  # the growth committee's meeting
    assert matgille["id"] == "360G-regionhalland-2024-grundfinansiering-matgille"
    assert matgille["fundingOrganization"] == [
        {
            "id": "SE-BLV-2321000115",
            "name": "Region Halland",
            "department": "Regionstyrelsens tillväxtutskott",
        }
    ]
    assert matgille["grantProgramme"][0]["code"] == "grundfinansiering"
    assert matgille["plannedDates"] == [{"startDate": "2024-01-01", "endDate": "2024-12-31"}]
    assert "RS230001" in matgille["description"]
    # The demo's split per partner is invented; the open data says so.
    assert "Exempeldata" in matgille["description"]
    # Amounts are JSON integers, written exactly.
    raw = Client().get(URL).content.decode()
    assert '"amountAwarded": 3000000,' in raw


def test_organisation_ids_come_from_organisation_numbers_where_known(client: Client) -> None:
    partners.update_partner(
        partner=Partner.objects.get(slug="coompanion"),
        organisation_number="769600-1234",
        legal_details_are_example_data=False,  # a real number, no longer the demo's invented one
        by=None,
    )
    grants = {g["title"]: g["recipientOrganization"][0] for g in package(client)["grants"]}
    assert grants["Grundfinansiering 2024: Coompanion"]["id"] == "SE-BLV-7696001234"
    # Unknown number: an identifier of ours under the publisher's prefix, stable across renames.
    assert grants["Grundfinansiering 2024: HighFive"]["id"] == "360G-regionhalland-partner-highfive"
    assert grants["Grundfinansiering 2024: Coompanion"]["addressLocality"] == "Halmstad"
    assert errors(package(client)) == []


def test_only_decided_grants_are_published(client: Client) -> None:
    # 2025's allocations are drafts: nothing decided yet, so there is no file (the standard
    # requires at least one grant) rather than an empty or invalid one.
    assert Allocation.objects.filter(programme__budget_year__year=2025).exists()
    assert client.get("/open-data/2025/360giving.json").status_code == 404
    assert client.get("/open-data/1999/360giving.json").status_code == 404
    data = json.dumps(package(client), ensure_ascii=False)
    assert "Utkast" not in data
    assert "draft" not in data


def test_open_to_everyone_and_in_swedish_whatever_the_language(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200  # anonymous
    assert response["Access-Control-Allow-Origin"] == "*"
    login(client, "coompanion")
    client.post("/i18n/setlang/", {"language": "en"})
    grant = package(client)["grants"][0]
    assert grant["description"].startswith("Grundfinansiering")
    assert "Beslut:" in grant["description"]


def test_query_count_does_not_grow_with_grants(client: Client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    with_six = count()
    grow_2024(40)
    assert Decision.objects.count() == 2  # the demo's decision and its amending decision
    assert count() == with_six == 2  # the year, then the grants with all they show
    assert len(package(client)["grants"]) == 46
    assert errors(package(client)) == []


def test_an_agreements_text_is_published_only_once_it_is_signed(client: Client) -> None:
    """Finding 8: the purpose of a draft agreement appeared as soon as it was typed."""
    from agreements.models import Agreement, AgreementStatus

    secret = "Hemligt utkast: förhandlas fortfarande"
    for agreement in Agreement.objects.filter(partner__slug__in=["leap-for-life", "highfive"]):
        Agreement.objects.filter(pk=agreement.pk).update(purpose=secret)
    statuses = dict(
        Agreement.objects.filter(partner__slug__in=["leap-for-life", "highfive"]).values_list(
            "partner__slug", "status"
        )
    )
    assert statuses == {"leap-for-life": AgreementStatus.DRAFT, "highfive": AgreementStatus.SENT}
    data = json.dumps(package(client), ensure_ascii=False)
    assert secret not in data
    grants = {g["title"]: g for g in package(client)["grants"]}
    # The decided grant is still there, described by its decision.
    assert "Beslut:" in grants["Grundfinansiering 2024: Leap for Life"]["description"]
    # A signed agreement's purpose is public: it is what both parties signed.
    signed = Agreement.objects.get(status=AgreementStatus.SIGNED, partner__slug="coompanion")
    assert signed.purpose in grants["Grundfinansiering 2024: Coompanion"]["description"]


def test_an_amendments_draft_is_not_published_either(client: Client) -> None:
    """The sealed document must be of the version in force (a review's finding)."""
    from agreements.models import Agreement, AgreementStatus

    signed = Agreement.objects.get(status=AgreementStatus.SIGNED, partner__slug="coompanion")
    Agreement.objects.filter(pk=signed.pk).update(
        version=F("version") + 1, purpose="Utkast till tillägg"
    )
    data = json.dumps(package(client), ensure_ascii=False)
    assert "Utkast till tillägg" not in data
