"""In a real browser (issue 19): the agreement list's search form keeps its choices in the
address and on the pager; the allocation upload shows the differences, passes axe, and saves
only when confirmed."""

from decimal import Decimal
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import expect

from funding.models import Allocation
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in
from tests.e2e.test_accessibility import WCAG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UPLOAD = "/budget/2025/grundfinansiering/allocations/upload/"


def violations(page: Any) -> list[str]:
    return [v["id"] for v in Axe().run(page, options=WCAG).response["violations"]]


def coompanion_2025() -> Decimal | None:
    found = Allocation.objects.filter(
        programme__budget_year__year=2025, partner__slug="coompanion"
    ).first()
    return found.amount if found else None


def test_the_agreement_search_form_keeps_its_choices_in_the_address(page: Any) -> None:
    log_in(page, "handlaggare")
    page.goto("/agreements/")
    page.get_by_label("Sök", exact=True).fill("matgille")
    page.get_by_label("Status").select_option("signed")
    page.get_by_label("Sortera").select_option("-belopp")
    page.get_by_role("button", name="Visa").click()
    assert "q=matgille" in page.url
    assert "status=signed" in page.url
    expect(page.get_by_role("link", name="GF-2024-MATGILLE")).to_be_visible()
    expect(page.get_by_role("link", name="GF-2024-COOMPANION")).to_have_count(0)
    expect(page.get_by_label("Sök", exact=True)).to_have_value("matgille")
    assert violations(page) == []


def test_an_upload_is_shown_then_saved_as_a_draft(page: Any) -> None:
    log_in(page, "handlaggare")
    page.goto("/budget/2025/grundfinansiering/allocations/")
    page.get_by_role("link", name="Ladda upp fördelningen från en fil (CSV eller Excel)").click()
    good = "Partner;Belopp\nCoompanion;1 850 000\n"
    content = (good + "Okänd AB;5\n").encode()
    page.get_by_label("Fil med fördelningen (CSV eller Excel)").set_input_files(
        {"name": "fordelning.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Visa skillnaderna").click()
    # Next to the file field, in the design system's error message ("Fel:" for screen readers).
    expect(page.locator(".govuk-error-message")).to_contain_text("Rad 3: okänd partner: Okänd AB.")
    assert violations(page) == []
    before = coompanion_2025()

    page.get_by_label("Fil med fördelningen (CSV eller Excel)").set_input_files(
        {"name": "fordelning.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.get_by_role("button", name="Visa skillnaderna").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bekräfta uppladdad fördelning")
    screenshot(page, "allocation-upload-confirm")
    assert violations(page) == []
    assert coompanion_2025() == before  # shown, not saved

    page.get_by_label("Motivering (valfri)").fill("Beredningens förslag")
    page.get_by_role("button", name="Spara som utkast").click()
    expect(page).to_have_url(UPLOAD.removesuffix("upload/"))
    assert coompanion_2025() == Decimal(1_850_000)
