"""A catalogue of malformed input across every form and upload (issue 6, design §9).

Each case posts one bad value (everything else valid) as the user who may use the form, and
checks: a clear message comes back (next to the field or at the top), never a server error, and
nothing already saved changes (no history row is written, no counts move).
"""

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from accounts.models import User
from agreements.models import Agreement
from audit.models import AuditEvent
from funding.models import Allocation, Decision, Programme
from partners.models import Partner
from tests.helpers import login, text

pytestmark = pytest.mark.django_db

ERROR_MARKERS = ("errorlist", "field-error", "error-summary", "message-error", 'role="alert"')
SCRIPT = "<script>alert(1)</script>"
NUL = "abc\x00def"


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def _editor_data(client: Client, **amounts: str) -> dict[str, str]:
    page = client.get("/budget/2025/grundfinansiering/allocations/").content.decode()
    data = dict(re.findall(r'name="((?:amount|version)_\d+)"[^>]*?value="([^"]*)"', page))
    data.update(dict(re.findall(r'type="hidden" name="(version_\d+)" value="(\d+)"', page)))
    for slug, value in amounts.items():
        data[f"amount_{Partner.objects.get(slug=slug).pk}"] = value
    return data


def allocation(value: str) -> Callable[[Client], tuple[str, dict[str, Any]]]:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        return "/budget/2025/grundfinansiering/allocations/", _editor_data(client, matgille=value)

    return build


def allocation_reason(value: str) -> Callable[[Client], tuple[str, dict[str, Any]]]:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        data = _editor_data(client, matgille="3 100 000")
        data["reason"] = value
        return "/budget/2025/grundfinansiering/allocations/", data

    return build


def allocation_version(value: str) -> Callable[[Client], tuple[str, dict[str, Any]]]:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        data = _editor_data(client, matgille="3 100 000")
        key = next(k for k in data if k.startswith("version_"))
        data[key] = value
        return "/budget/2025/grundfinansiering/allocations/", data

    return build


DECISION = {
    "body": "Regionstyrelsens tillväxtutskott",
    "meeting_date": "2024-10-22",
    "paragraph": "88",
    "registration_number": "RS240088",
    "title": "Grundfinansiering 2025",
    "text": "Beslut.",
    "legal_basis": "",
}


def decision(field: str, value: str) -> Callable[[Client], tuple[str, dict[str, Any]]]:
    return lambda client: ("/decisions/new/", {**DECISION, field: value})


def plan_data(**changes: str) -> dict[str, str]:
    data = {
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "purpose": "Syfte",
        "conditions": "",
        "plan-TOTAL_FORMS": "2",
        "plan-INITIAL_FORMS": "0",
        "plan-0-due_date": "2024-01-31",
        "plan-0-amount": "1 100 000",
        "plan-1-due_date": "2024-07-31",
        "plan-1-amount": "1 100 000",
        "reports-TOTAL_FORMS": "1",
        "reports-INITIAL_FORMS": "0",
        "reports-0-description": "Rapport",
        "reports-0-due_date": "2024-12-31",
    }
    data.update(changes)
    return data


def edit(**changes: str) -> Callable[[Client], tuple[str, dict[str, Any]]]:
    return lambda client: ("/agreements/GF-2024-LEAP-FOR-LIFE/edit/", plan_data(**changes))


def sign(**changes: str) -> Callable[[Client], tuple[str, dict[str, Any]]]:
    data = {
        "signer_name": "Demo",
        "signer_title": "VD",
        "password": "halland-demo",
        "confirm": "on",
    }
    data.update(changes)
    return lambda client: ("/agreements/GF-2024-HIGHFIVE/sign/", data)


def upload(content: bytes, name: str = "x.pdf") -> Callable[[Client], tuple[str, dict[str, Any]]]:
    return lambda client: (
        "/verify/",
        {"file": SimpleUploadedFile(name, content, "application/pdf")},
    )


def simple(url: str, data: dict[str, Any]) -> Callable[[Client], tuple[str, dict[str, Any]]]:
    return lambda client: (url, data)


CASES: list[tuple[str, str, Callable[[Client], tuple[str, dict[str, Any]]], str]] = [
    # amounts, as typed in the allocation editor
    ("amount mnkr", "handlaggare", allocation("3,5 mnkr"), "utan enhet"),
    ("amount negative", "handlaggare", allocation("-1"), "negativt"),
    ("amount unicode minus", "handlaggare", allocation("−500"), "negativt"),
    ("amount exponent", "handlaggare", allocation("1e6"), "med siffror"),
    ("amount öre", "handlaggare", allocation("3 000 000,50"), "hela kronor"),
    ("amount US grouping", "handlaggare", allocation("3,000,000"), "med siffror"),
    ("amount dots", "handlaggare", allocation("3.000.000"), "med siffror"),
    ("amount letters", "handlaggare", allocation("tre miljoner"), "med siffror"),
    ("amount huge", "handlaggare", allocation("9" * 20), "orimligt stort"),
    ("amount overlong", "handlaggare", allocation("1" * 41), "för långt"),
    ("amount NaN", "handlaggare", allocation("NaN"), "med siffror"),
    ("amount Infinity", "handlaggare", allocation("Infinity"), "med siffror"),
    ("amount script", "handlaggare", allocation(SCRIPT), "med siffror"),
    ("amount NUL", "handlaggare", allocation("12\x0034"), "med siffror"),
    ("amount tab", "handlaggare", allocation("12\t000"), "med siffror"),
    ("amount arabic digits", "handlaggare", allocation("٣٠٠"), "med siffror"),
    ("reason overlong", "handlaggare", allocation_reason("x" * 1001), "som mest 1000"),
    ("reason NUL", "handlaggare", allocation_reason(NUL), "Null"),
    ("version tampered", "handlaggare", allocation_version("abc"), "Ladda om"),
    ("version negative", "handlaggare", allocation_version("-1"), "Ladda om"),
    # decisions
    (
        "decision number short",
        "sekreterare",
        decision("registration_number", "RS12"),
        "sex siffror",
    ),
    (
        "decision number letters",
        "sekreterare",
        decision("registration_number", "RSABCDEF"),
        "sex siffror",
    ),
    (
        "decision number script",
        "sekreterare",
        decision("registration_number", SCRIPT),
        "sex siffror",
    ),
    ("decision date words", "sekreterare", decision("meeting_date", "igår"), "giltigt datum"),
    (
        "decision date impossible",
        "sekreterare",
        decision("meeting_date", "2024-02-30"),
        "giltigt datum",
    ),
    (
        "decision date swedish",
        "sekreterare",
        decision("meeting_date", "22/10 2024"),
        "giltigt datum",
    ),
    (
        "decision paragraph zero",
        "sekreterare",
        decision("paragraph", "0"),
        "större än eller lika med 1",
    ),
    ("decision paragraph text", "sekreterare", decision("paragraph", "§ 88"), "heltal"),
    (
        "decision paragraph huge",
        "sekreterare",
        decision("paragraph", "9" * 12),
        "mindre än eller lika med",
    ),
    ("decision title empty", "sekreterare", decision("title", ""), "måste fyllas i"),
    ("decision title overlong", "sekreterare", decision("title", "x" * 301), "som mest 300"),
    ("decision text overlong", "sekreterare", decision("text", "x" * 20001), "som mest 20000"),
    ("decision text NUL", "sekreterare", decision("text", NUL), "Null"),
    ("decision body overlong", "sekreterare", decision("body", "x" * 201), "som mest 200"),
    (
        "decision legal basis overlong",
        "sekreterare",
        decision("legal_basis", "x" * 5001),
        "som mest 5000",
    ),
    (
        "approve date bad",
        "sekreterare",
        simple("/decisions/{decision}/approve/", {"approved_on": "snart"}),
        "ÅÅÅÅ-MM-DD",
    ),
    (
        "add no allocation",
        "sekreterare",
        simple("/decisions/{decision}/add/", {"allocations": ["abc"]}),
        "Välj minst",
    ),
    # agreements: terms, payment plan, reporting
    ("terms end before start", "handlaggare", edit(period_end="2023-01-01"), "före den börjar"),
    ("terms date bad", "handlaggare", edit(period_start="första januari"), "giltigt datum"),
    ("terms purpose empty", "handlaggare", edit(purpose=""), "måste fyllas i"),
    ("terms purpose overlong", "handlaggare", edit(purpose="x" * 10001), "som mest 10000"),
    ("plan not adding up", "handlaggare", edit(**{"plan-1-amount": "1 000 000"}), "summera exakt"),
    ("plan öre", "handlaggare", edit(**{"plan-0-amount": "1 100 000,50"}), "hela kronor"),
    ("plan negative", "handlaggare", edit(**{"plan-0-amount": "-5"}), "negativt"),
    ("plan amount without date", "handlaggare", edit(**{"plan-1-due_date": ""}), "när beloppet"),
    ("plan empty", "handlaggare", edit(**{"plan-TOTAL_FORMS": "0"}), "minst en utbetalning"),
    ("plan too many rows", "handlaggare", edit(**{"plan-TOTAL_FORMS": "500"}), "som mest 24"),
    ("formset count tampered", "handlaggare", edit(**{"plan-TOTAL_FORMS": "x"}), "ManagementForm"),
    ("report without date", "handlaggare", edit(**{"reports-0-due_date": ""}), "när rapporten"),
    (
        "report description overlong",
        "handlaggare",
        edit(**{"reports-0-description": "x" * 501}),
        "som mest 500",
    ),
    # signing
    ("sign wrong password", "highfive", sign(password="fel"), "stämmer inte"),
    ("sign without confirming", "highfive", sign(confirm=""), "måste fyllas i"),
    ("sign name empty", "highfive", sign(signer_name=""), "måste fyllas i"),
    ("sign name overlong", "highfive", sign(signer_name="x" * 201), "som mest 200"),
    (
        "terminate without reason",
        "handlaggare",
        simple("/agreements/GF-2024-HIGHFIVE/terminate/", {"reason": ""}),
        "skälet",
    ),
    # uploads to /verify/
    ("upload not a pdf", "", upload(b"GIF89a\x01\x02"), "inte en PDF"),
    ("upload empty", "", upload(b""), "tom"),
    ("upload html", "", upload(SCRIPT.encode(), "x.html"), "inte en PDF"),
    ("upload no file", "", simple("/verify/", {}), "måste fyllas i"),
    # archive
    (
        "archive unknown year",
        "sekreterare",
        simple("/archive/", {"budget_year": "99999"}),
        "giltigt",
    ),
    ("archive year text", "sekreterare", simple("/archive/", {"budget_year": SCRIPT}), "giltigt"),
    # login and second step
    (
        "login wrong password",
        "",
        simple("/accounts/login/", {"username": "handlaggare", "password": "x"}),
        "korrekt",
    ),
    ("login NUL", "", simple("/accounts/login/", {"username": NUL, "password": "x"}), "Null"),
]


def _snapshot() -> tuple[int, ...]:
    return (
        AuditEvent.objects.count(),
        Allocation.objects.filter(status="decided").count(),
        sum(int(a) for a in Allocation.objects.values_list("amount", flat=True)),
        Decision.objects.count(),
        Agreement.objects.filter(status="draft").count(),
        Programme.objects.count(),
        User.objects.filter(is_active=True).count(),
    )


def test_catalogue_has_at_least_fifty_cases() -> None:
    assert len(CASES) >= 50


@pytest.mark.parametrize(("case", "username", "build", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input(client: Client, case: str, username: str, build: Any, message: str) -> None:
    if username:
        login(client, username)
    url, data = build(client)
    url = url.format(decision=Decision.objects.get(paragraph=101).pk)
    before = _snapshot()
    response = client.post(url, data, follow=True)
    assert response.status_code < 500
    body = text(response)
    assert any(marker in body for marker in ERROR_MARKERS), f"{case}: no error shown"
    assert message in body, f"{case}: expected {message!r}"
    assert SCRIPT not in body  # whatever was typed comes back escaped
    assert _snapshot() == before, f"{case}: something saved"


def test_script_in_saved_text_is_shown_as_text_on_pages_and_in_pdfs(client: Client) -> None:
    login(client, "sekreterare")
    response = client.post("/decisions/new/", {**DECISION, "title": SCRIPT, "text": SCRIPT})
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert SCRIPT not in detail.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail.content.decode()
    pdf = client.get(response["Location"] + "pdf/")
    extracted = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "<script>alert(1)</script>" in extracted  # printed literally, never interpreted


def test_script_in_agreement_texts_is_escaped_on_pages_and_literal_in_pdfs(client: Client) -> None:
    login(client, "handlaggare")
    data = plan_data(purpose=SCRIPT, conditions=f"<img src=x onerror=alert(1)>{SCRIPT}")
    data["reports-0-description"] = SCRIPT
    assert client.post("/agreements/GF-2024-LEAP-FOR-LIFE/edit/", data).status_code == 302
    page = client.get("/agreements/GF-2024-LEAP-FOR-LIFE/").content.decode()
    assert SCRIPT not in page
    assert "<img src=x" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3
    preview = client.get("/agreements/GF-2024-LEAP-FOR-LIFE/preview/")
    extracted = "".join(p.extract_text() for p in PdfReader(io.BytesIO(preview.content)).pages)
    assert SCRIPT in extracted
    assert "<img src=x onerror=alert(1)>" in extracted
