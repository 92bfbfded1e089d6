"""The demo's history is dated as its story says, not when the demo was loaded (issue 19)."""

import re
from datetime import UTC, datetime

import pytest
from django.test import Client

from agreements.models import Agreement
from audit.models import AuditEvent
from tests.helpers import login, text

pytestmark = pytest.mark.django_db

# The timeline entry that each signature (party, version) makes.
TIMELINE_STATUS = {
    ("Partnern", 1): "Underskriven av partnern",
    ("Region Halland", 1): "Underskriven",
    ("Partnern", 2): "Tillägg, version 2: Underskriven av partnern",
    ("Region Halland", 2): "Tillägg, version 2: Underskriven och gällande",
}


def test_no_demo_event_is_dated_at_load_time(demo: None) -> None:
    assert AuditEvent.objects.exists()
    assert not AuditEvent.objects.filter(at__gte=datetime(2025, 12, 31, tzinfo=UTC)).exists()


def test_the_decision_is_recorded_on_its_meeting_day(demo: None) -> None:
    decided = AuditEvent.objects.get(action="decision.decided", target_repr__contains="§ 101")
    assert decided.at.date().isoformat() == "2023-10-24"


@pytest.mark.parametrize("reference", ["GF-2024-COOMPANION", "GF-2024-MATGILLE"])
def test_timeline_and_signatures_show_the_same_dates(
    client: Client, demo: None, reference: str
) -> None:
    body = text(login(client, "handlaggare").get(f"/agreements/{reference}/"))
    timeline = dict(re.findall(r"<li><strong>([^<]+)</strong> – (\d+ \w+ \d{4} \d\d:\d\d)", body))
    signatures = re.findall(
        r"<li>(Partnern|Region Halland): [^<]*? – (\d+ \w+ \d{4} \d\d:\d\d) \(version (\d)\)",
        body,
    )
    assert len(signatures) == Agreement.objects.get(reference=reference).signatures.count() >= 2
    for party, when, version in signatures:
        assert timeline[TIMELINE_STATUS[(party, int(version))]] == when
    assert "2023" in timeline["Utkast"]  # drafted in the story's autumn, not today
