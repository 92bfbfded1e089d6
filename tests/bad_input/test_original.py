"""The first catalogue of malformed input across every form and upload (issue 6, design §9).

Moved here from tests/test_bad_input.py unchanged in substance: each case posts one bad value
(everything else valid) as the user who may use the form, and checks that a clear message comes
back (next to the field or at the top), never a server error, that what was typed comes back
escaped, and that nothing already saved changes.
"""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from funding.models import Decision
from tests.bad_input import specs
from tests.bad_input.common import NUL, SCRIPT, Builder, Case, as_params, enter, post_case

pytestmark = pytest.mark.django_db


def allocation(value: str) -> Builder:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        return specs.EDITOR_URL, specs.editor_data(client, matgille=value)

    return build


def allocation_reason(value: str) -> Builder:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        data = specs.editor_data(client, matgille="3 100 000")
        data["reason"] = value
        return specs.EDITOR_URL, data

    return build


def allocation_version(value: str) -> Builder:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        data = specs.editor_data(client, matgille="3 100 000")
        key = next(k for k in data if k.startswith("version_"))
        data[key] = value
        return specs.EDITOR_URL, data

    return build


def decision(field: str, value: str) -> Builder:
    return lambda client: ("/decisions/new/", {**specs.DECISION, field: value})


def edit(**changes: str) -> Builder:
    return lambda client: (specs.EDIT_URL, specs.plan_data(**changes))


def sign(**changes: str) -> Builder:
    return lambda client: ("/agreements/GF-2024-HIGHFIVE/sign/", {**specs.SIGN, **changes})


def upload(content: bytes, name: str = "x.pdf") -> Builder:
    return lambda client: (
        "/verify/",
        {"file": SimpleUploadedFile(name, content, "application/pdf")},
    )


def on_decision_101(path: str, data: dict[str, Any]) -> Builder:
    """`path` under the demo's decision § 101 (approved)."""
    return lambda client: (
        f"/decisions/{Decision.objects.get(paragraph=101).pk}/{path}",
        data,
    )


def simple(url: str, data: dict[str, Any]) -> Builder:
    return lambda client: (url, data)


def case(
    id: str, username: str, pattern: str, field: str, value: Any, build: Builder, message: str
) -> Case:
    return Case(id, username, pattern, field, value, build, message)


AMOUNT = ("handlaggare", specs.EDITOR, "amount_<partner>")
NEW = ("sekreterare", "/decisions/new/")
EDIT = ("handlaggare", specs.AGREEMENT_EDIT.pattern)
SIGN = ("highfive", specs.AGREEMENT_SIGN.pattern)
VERIFY = ("", "/verify/", "file")

CASES: list[Case] = [
    # amounts, as typed in the allocation editor
    case("amount mnkr", *AMOUNT, "3,5 mnkr", allocation("3,5 mnkr"), "utan enhet"),
    case("amount negative", *AMOUNT, "-1", allocation("-1"), "negativt"),
    case("amount unicode minus", *AMOUNT, "−500", allocation("−500"), "negativt"),
    case("amount exponent", *AMOUNT, "1e6", allocation("1e6"), "med siffror"),
    case("amount öre", *AMOUNT, "3 000 000,50", allocation("3 000 000,50"), "hela kronor"),
    case("amount US grouping", *AMOUNT, "3,000,000", allocation("3,000,000"), "med siffror"),
    case("amount dots", *AMOUNT, "3.000.000", allocation("3.000.000"), "med siffror"),
    case("amount letters", *AMOUNT, "tre miljoner", allocation("tre miljoner"), "med siffror"),
    case("amount huge", *AMOUNT, "9" * 20, allocation("9" * 20), "orimligt stort"),
    case("amount overlong", *AMOUNT, "1" * 41, allocation("1" * 41), "för långt"),
    case("amount NaN", *AMOUNT, "NaN", allocation("NaN"), "med siffror"),
    case("amount Infinity", *AMOUNT, "Infinity", allocation("Infinity"), "med siffror"),
    case("amount script", *AMOUNT, SCRIPT, allocation(SCRIPT), "med siffror"),
    case("amount NUL", *AMOUNT, "12\x0034", allocation("12\x0034"), "med siffror"),
    case("amount tab", *AMOUNT, "12\t000", allocation("12\t000"), "med siffror"),
    case("amount arabic digits", *AMOUNT, "٣٠٠", allocation("٣٠٠"), "med siffror"),
    case(
        "reason overlong",
        "handlaggare",
        specs.EDITOR,
        "reason",
        "x" * 1001,
        allocation_reason("x" * 1001),
        "som mest 1000",
    ),
    case("reason NUL", "handlaggare", specs.EDITOR, "reason", NUL, allocation_reason(NUL), "Null"),
    case(
        "version tampered",
        "handlaggare",
        specs.EDITOR,
        "version_<partner>",
        "abc",
        allocation_version("abc"),
        "Ladda om",
    ),
    case(
        "version negative",
        "handlaggare",
        specs.EDITOR,
        "version_<partner>",
        "-1",
        allocation_version("-1"),
        "Ladda om",
    ),
    # decisions
    *(
        case(f"decision {name}", *NEW, field, value, decision(field, value), message)
        for name, field, value, message in [
            ("number short", "registration_number", "RS12", "sex siffror"),
            ("number letters", "registration_number", "RSABCDEF", "sex siffror"),
            ("number script", "registration_number", SCRIPT, "sex siffror"),
            ("date words", "meeting_date", "igår", "giltigt datum"),
            ("date impossible", "meeting_date", "2024-02-30", "giltigt datum"),
            ("date swedish", "meeting_date", "22/10 2024", "giltigt datum"),
            ("paragraph zero", "paragraph", "0", "större än eller lika med 1"),
            ("paragraph text", "paragraph", "§ 88", "heltal"),
            ("paragraph huge", "paragraph", "9" * 12, "mindre än eller lika med"),
            ("title empty", "title", "", "måste fyllas i"),
            ("title overlong", "title", "x" * 301, "som mest 300"),
            ("text overlong", "text", "x" * 20001, "som mest 20000"),
            ("text NUL", "text", NUL, "Null"),
            ("body overlong", "body", "x" * 201, "som mest 200"),
            ("legal basis overlong", "legal_basis", "x" * 5001, "som mest 5000"),
        ]
    ),
    case(
        "approve date bad",
        "sekreterare",
        "/decisions/<id:pk>/approve/",
        "approved_on",
        "snart",
        # Justering's page (issue 19) answers on a decided decision, next to the field.
        lambda client: (
            f"/decisions/{specs.decided_decision().pk}/approve/",
            {**specs.JUSTERING, "approved_on": "snart"},
        ),
        "giltigt datum",
    ),
    case(
        "add no allocation",
        "sekreterare",
        "/decisions/<id:pk>/add/",
        "allocations",
        ("abc",),
        on_decision_101("add/", {"allocations": ["abc"]}),
        "Välj minst",
    ),
    # agreements: terms, payment plan, reporting
    *(
        case(name, *EDIT, field, value, edit(**{field: value}), message)
        for name, field, value, message in [
            ("terms end before start", "period_end", "2023-01-01", "före den börjar"),
            ("terms date bad", "period_start", "första januari", "giltigt datum"),
            ("terms purpose empty", "purpose", "", "måste fyllas i"),
            ("terms purpose overlong", "purpose", "x" * 10001, "som mest 10000"),
            ("plan not adding up", "plan-1-amount", "1 000 000", "summera exakt"),
            ("plan öre", "plan-0-amount", "1 100 000,50", "hela kronor"),
            ("plan negative", "plan-0-amount", "-5", "negativt"),
            ("plan amount without date", "plan-1-due_date", "", "när beloppet"),
            ("plan empty", "plan-TOTAL_FORMS", "0", "minst en utbetalning"),
            ("plan too many rows", "plan-TOTAL_FORMS", "500", "som mest 24"),
            ("formset count tampered", "plan-TOTAL_FORMS", "x", "ManagementForm"),
            ("report without date", "reports-0-due_date", "", "när rapporten"),
            ("report description overlong", "reports-0-description", "x" * 501, "som mest 500"),
        ]
    ),
    # signing
    case("sign wrong password", *SIGN, "password", "fel", sign(password="fel"), "stämmer inte"),
    case("sign without confirming", *SIGN, "confirm", "", sign(confirm=""), "måste fyllas i"),
    case("sign name empty", *SIGN, "signer_name", "", sign(signer_name=""), "måste fyllas i"),
    case(
        "sign name overlong",
        *SIGN,
        "signer_name",
        "x" * 201,
        sign(signer_name="x" * 201),
        "som mest 200",
    ),
    case(
        "terminate without reason",
        "handlaggare",
        "/agreements/<reference:reference>/terminate/",
        "reason",
        "",
        simple("/agreements/GF-2024-MATGILLE/terminate/", {"reason": ""}),
        "skälet",
    ),
    # uploads to /verify/
    case("upload not a pdf", *VERIFY, b"GIF89a\x01\x02", upload(b"GIF89a\x01\x02"), "inte en PDF"),
    case("upload empty", *VERIFY, b"", upload(b""), "tom"),
    case("upload html", *VERIFY, SCRIPT.encode(), upload(SCRIPT.encode(), "x.html"), "inte en PDF"),
    case("upload no file", *VERIFY, None, simple("/verify/", {}), "måste fyllas i"),
    # archive
    case(
        "archive unknown year",
        "sekreterare",
        "/archive/",
        "budget_year",
        "99999",
        simple("/archive/", {"budget_year": "99999"}),
        "giltigt",
    ),
    case(
        "archive year text",
        "sekreterare",
        "/archive/",
        "budget_year",
        SCRIPT,
        simple("/archive/", {"budget_year": SCRIPT}),
        "giltigt",
    ),
    # login and second step
    case(
        "login wrong password",
        "",
        "/accounts/login/",
        "password",
        "x",
        simple("/accounts/login/", {"username": "handlaggare", "password": "x"}),
        "korrekt",
    ),
    case(
        "login NUL",
        "",
        "/accounts/login/",
        "username",
        NUL,
        simple("/accounts/login/", {"username": NUL, "password": "x"}),
        "Null",
    ),
]


def test_catalogue_has_at_least_fifty_cases() -> None:
    assert len(CASES) >= 50


@pytest.mark.parametrize("case", as_params(CASES))
def test_bad_input(client: Client, case: Case) -> None:
    post_case(client, case)


def test_script_in_saved_text_is_shown_as_text_on_pages_and_in_pdfs(client: Client) -> None:
    enter(client, "sekreterare")
    response = client.post("/decisions/new/", {**specs.DECISION, "title": SCRIPT, "text": SCRIPT})
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert SCRIPT not in detail.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail.content.decode()
    pdf = client.get(response["Location"] + "pdf/")
    extracted = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "<script>alert(1)</script>" in extracted  # printed literally, never interpreted


def test_script_in_agreement_texts_is_escaped_on_pages_and_literal_in_pdfs(client: Client) -> None:
    enter(client, "handlaggare")
    data = specs.plan_data(purpose=SCRIPT, conditions=f"<img src=x onerror=alert(1)>{SCRIPT}")
    data["reports-0-description"] = SCRIPT
    assert client.post(specs.EDIT_URL, data).status_code == 302
    page = client.get("/agreements/GF-2024-LEAP-FOR-LIFE/").content.decode()
    assert SCRIPT not in page
    assert "<img src=x" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3
    preview = client.get("/agreements/GF-2024-LEAP-FOR-LIFE/preview/")
    extracted = "".join(p.extract_text() for p in PdfReader(io.BytesIO(preview.content)).pages)
    assert SCRIPT in extracted
    assert "<img src=x onerror=alert(1)>" in extracted
