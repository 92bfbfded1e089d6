"""axe-core (WCAG 2.0/2.1 A and AA) on every page, for every role, in real Chromium."""

from datetime import date
from typing import Any

import pytest

# axe-playwright-python ships no type information (no py.typed, no stubs).
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

from accounts.models import User
from agreements import services as agreements
from agreements.models import Agreement, AgreementAmendment, ReportingRequirement
from funding import services as funding
from funding.models import Decision, Programme
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

DECISION = "/decisions/{decision}/"
# Coompanion's final report (returned: the partner's form, the official's read view) and
# Hallands Matgille's half-year report (submitted: the official's review forms).
RETURNED = "/agreements/GF-2024-COOMPANION/reports/{returned}/"
SUBMITTED = "/agreements/GF-2024-MATGILLE/reports/{submitted}/"

# Every page each role can open (the Django admin's own pages are not ours and not checked).
PAGES = {
    "anonymous": ["/accounts/login/", "/verify/", "/accessibility/"],
    "handlaggare": [
        "/budget/",
        "/budget/2024/",
        "/budget/2025/",
        "/budget/2025/grundfinansiering/allocations/",
        "/budget/2024/grundfinansiering/allocations/",
        "/budget/2025/grundfinansiering/allocations/upload/",
        "/budget/2025/grundfinansiering/history/",
        "/agreements/",
        "/agreements/GF-2024-COOMPANION/",
        "/agreements/GF-2024-LEAP-FOR-LIFE/",
        "/agreements/GF-2024-LEAP-FOR-LIFE/edit/",
        # Amendments (issue 17): Coompanion's version 3 in draft, Matgille's version 2 sent.
        "/agreements/GF-2024-COOMPANION/amendment/",
        "/agreements/GF-2024-COOMPANION/amendment/edit/",
        "/agreements/GF-2024-COOMPANION/amendment/discard/",
        "/agreements/GF-2024-TEK-KOMPETENS/amendment/new/",
        "/agreements/GF-2024-MATGILLE/",
        "/agreements/GF-2024-MATGILLE/amendment/",
        "/decisions/",
        DECISION,
        "/payments/",
        "/payments/import/",
        "/",
        "/partners/",
        "/partners/coompanion/",
        "/partners/coompanion/edit/",
        "/partners/coompanion/contacts/",
        RETURNED,
        SUBMITTED,
        "/accounts/password/",
        "/verify/",
        "/accessibility/",
    ],
    "sekreterare": [
        "/budget/2024/",
        "/budget/2025/grundfinansiering/allocations/",
        "/decisions/",
        "/decisions/new/",
        DECISION,
        # Issue 19: the confirmation before deciding, and justering.
        "/decisions/{draft}/decide/",
        "/decisions/{decided}/approve/",
        "/agreements/",
        "/agreements/GF-2024-CONNECT-VAST/",
        "/archive/",
        "/",
    ],
    "coompanion": [
        "/",
        "/agreements/",
        "/agreements/GF-2024-COOMPANION/",
        "/partners/",
        "/partners/coompanion/",
        RETURNED,
        "/accounts/password/",
        "/verify/",
    ],
    "matgille": [
        "/",
        SUBMITTED,
        "/agreements/GF-2024-MATGILLE/amendment/",
        "/agreements/GF-2024-MATGILLE/amendment/sign/",
    ],
    "highfive": ["/", "/agreements/GF-2024-HIGHFIVE/", "/agreements/GF-2024-HIGHFIVE/sign/"],
}


def _open_amendments() -> None:
    """Coompanion's next version in draft, Matgille's sent to the partner."""
    official = User.objects.get(username="handlaggare")
    agreements.draft_amendment(
        agreement=Agreement.objects.get(reference="GF-2024-COOMPANION"), reason="Ny", by=official
    )
    sent = agreements.draft_amendment(
        agreement=Agreement.objects.get(reference="GF-2024-MATGILLE"), reason="Ny", by=official
    )
    AgreementAmendment.objects.filter(pk=sent.pk).update(conditions="Nya villkor.")
    agreements.send_amendment(amendment=sent, by=official)


def _ids() -> dict[str, int]:
    def report(reference: str, position: int) -> int:
        rows = ReportingRequirement.objects.filter(agreement__reference=reference)
        return rows.order_by("due_date")[position].pk

    _open_amendments()
    return {
        "decision": Decision.objects.get(paragraph=101).pk,
        "returned": report("GF-2024-COOMPANION", 1),
        "submitted": report("GF-2024-MATGILLE", 0),
    }


def _decision_ids() -> dict[str, int]:
    """A draft listing five 2025 allocations, and a decided one listing the sixth (issue 19)."""
    secretary = User.objects.get(username="sekreterare")
    allocations = list(Programme.objects.get(budget_year__year=2025).allocations.order_by("pk"))
    ids = {}
    plan = (("decided", 91, allocations[:1]), ("draft", 92, allocations[1:]))
    for key, paragraph, listed in plan:
        decision = funding.create_decision(
            meeting_date=date(2024, 10, 22),
            paragraph=paragraph,
            registration_number=f"RS2400{paragraph}",
            title=f"Grundfinansiering 2025, § {paragraph}",
            text="Tillväxtutskottet beslutar enligt tabellen nedan.",
            legal_bases=["kl_2_1"],
            by=secretary,
        )
        funding.add_allocations_to_decision(decision=decision, allocations=listed, by=secretary)
        ids[key] = decision.pk
    funding.decide(decision=Decision.objects.get(pk=ids["decided"]), by=secretary)
    return ids


def _violations(page: Any) -> list[str]:
    results = Axe().run(page, options=WCAG)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("role", sorted(PAGES))
def test_pages_have_no_wcag_a_or_aa_violations(page: Any, role: str) -> None:
    if role != "anonymous":
        log_in(page, role)
    found = {}
    ids = _ids() | (_decision_ids() if role == "sekreterare" else {})
    for url in (u.format(**ids) for u in PAGES[role]):
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, url
        screenshot(page, f"{role}{url.replace('/', '_').rstrip('_')}")
        problems = _violations(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"scrolls sideways by {overflow}px: {page.evaluate(STICKING_OUT)}")
        if hidden := page.evaluate(SCROLLING_TABLES):
            problems.append(f"a table scrolls sideways in its frame at desktop width: {hidden}")
        if problems:
            found[url] = problems
        assert page.locator("h1").count() == 1, url
        assert page.locator("main#main").count() == 1, url
    assert found == {}


# Tables wider than their scrolling frame (.table-wrap) at the browser's desktop width (1280 px):
# a column out of sight unless one scrolls. On a phone they may scroll; here none should.
SCROLLING_TABLES = """[...document.querySelectorAll('.table-wrap')]
  .filter(w => w.scrollWidth > w.clientWidth + 1)
  .map(w => (w.querySelector('caption, th') || w).textContent.trim().slice(0, 40))"""


# The innermost elements whose right edge is past the window: what makes a page scroll sideways.
STICKING_OUT = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1
               && ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 1))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40))"""


@pytest.mark.parametrize("role", sorted(PAGES))
def test_every_page_reflows_at_320_px(page: Any, role: str) -> None:
    """WCAG 1.4.10: every page, for every role, at 320 CSS pixels: nothing scrolls sideways but
    a table in its own (focusable, labelled) region, and axe finds nothing at that width either."""
    if role != "anonymous":
        log_in(page, role)
    page.set_viewport_size({"width": 320, "height": 800})
    ids = _ids() | (_decision_ids() if role == "sekreterare" else {})
    found: dict[str, object] = {}
    for url in (u.format(**ids) for u in PAGES[role]):
        page.goto(url)
        screenshot(page, f"320/{role}{url.replace('/', '_').rstrip('_')}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            found[url] = f"scrolls sideways by {overflow}px: {page.evaluate(STICKING_OUT)}"
        elif problems := _violations(page):
            found[url] = problems
    assert found == {}


def test_skip_link_is_first_and_visible_on_focus(page: Any) -> None:
    page.goto("/accessibility/")  # the login page focuses its first field by itself
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Hoppa till innehållet" in focused
    box = page.locator(".skip-link").bounding_box()
    assert box is not None
    assert box["x"] >= 0


def test_focus_is_visible_when_tabbing(page: Any) -> None:
    page.goto("/verify/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # first link in the header
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; })()"
    )
    assert style[0] != "none"
    assert style[1] != "0px"


def test_usable_at_200_percent_zoom(page: Any) -> None:
    """A 1280 px wide window at 200 % zoom lays out like 640 CSS pixels."""
    log_in(page, "coompanion")
    page.set_viewport_size({"width": 640, "height": 800})
    for url in ("/agreements/", "/agreements/GF-2024-COOMPANION/"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways at 200 % zoom ({overflow}px)"
