"""Hostile input to issue 15's forms: the partner's report (text, key figures, attachments),
the official's return, the drafting page's key figures and report ties, the partner's data,
payment details and contacts, and the finance system's file of paid rows.

Each case changes one field of a valid submission and expects its message next to the field,
no 5xx, the typed text escaped, and nothing saved (common.snapshot covers the new rows).
"""

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from agreements.models import ReportingRequirement
from tests.bad_input import specs
from tests.bad_input.common import NUL, SCRIPT, Case, as_params, post_case
from tests.bad_input.test_text_fields import text_cases

pytestmark = pytest.mark.django_db

REPORT = "/agreements/<reference:reference>/reports/<id:pk>/"


def _requirement(reference: str, latest: bool) -> ReportingRequirement:
    rows = ReportingRequirement.objects.filter(agreement__reference=reference)
    return rows.order_by("-due_date" if latest else "due_date")[0]


def _report(client: Client) -> tuple[str, dict[str, Any]]:
    """Hallands Matgille's final report (late, not started), saved as a draft."""
    requirement = _requirement("GF-2024-MATGILLE", latest=True)
    data: dict[str, Any] = {"narrative": "Vi har gjort det vi lovade.", "action": "save"}
    data.update({f"value_{i.pk}": "12" for i in requirement.agreement.indicators.all()})
    return f"/agreements/GF-2024-MATGILLE/reports/{requirement.pk}/", data


def _return(client: Client) -> tuple[str, dict[str, Any]]:
    requirement = _requirement("GF-2024-MATGILLE", latest=False)  # submitted
    return (
        f"/agreements/GF-2024-MATGILLE/reports/{requirement.pk}/return/",
        {"comment": "Komplettera."},
    )


def _partner_edit(client: Client) -> tuple[str, dict[str, Any]]:
    return "/partners/coompanion/edit/", {
        "legal_name": "Coompanion Halland",
        "organisation_number": "",
        "legal_form": "ekonomisk_forening",
        "payment_method": "bankgiro",
        "payment_account": "999-0011",
        "payment_reason": "",
    }


def _contacts(client: Client) -> tuple[str, dict[str, Any]]:
    return "/partners/coompanion/contacts/", {
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "Demo Verksamhetsledare",
        "contacts-0-role": "Verksamhetsledare",
        "contacts-0-email": "verksamhetsledare@example.se",
        "contacts-0-phone": "035-10 00 00",
    }


REPORT_WRITE = specs.Form("report", "matgille", REPORT, _report)
REPORT_RETURN = specs.Form("report return", "handlaggare", REPORT + "return/", _return)
PARTNER_EDIT = specs.Form(
    "partner edit", "handlaggare", "/partners/<slug:slug>/edit/", _partner_edit
)
CONTACTS = specs.Form("contacts", "handlaggare", "/partners/<slug:slug>/contacts/", _contacts)


def _with(form: specs.Form, field: str, value: Any) -> Any:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        url, data = form.base(client)
        if field.startswith("value_*"):
            key = next(k for k in data if k.startswith("value_"))
            return url, {**data, key: value}
        return url, {**data, field: value}

    return build


def cases(form: specs.Form, field: str, groups: dict[str, list[tuple[str, Any]]]) -> list[Case]:
    return [
        Case(
            id=f"{form.name} {field} {name}",
            username=form.username,
            pattern=form.pattern,
            field=field,
            value=value,
            build=_with(form, field, value),
            message=message,
        )
        for message, values in groups.items()
        for name, value in values
    ]


NUMBER = "Fyll i ett tal"
QUANTITIES = {
    NUMBER: [
        ("letters", "många"),
        ("two commas", "1,2,3"),
        ("formula", "=1+1"),
        ("script", SCRIPT),
        ("NUL", NUL),
        ("NaN", "NaN"),
        ("infinity", "Infinity"),
        ("unit", "12 företag"),
    ],
    "större än eller lika med 0": [("negative", "-1"), ("negative decimal", "-0,5")],
    "mer än 2 decimaler": [("three decimals", "1,005")],
    "mer än 14 siffror": [("huge", "9" * 20)],
}


def _upload(name: str, content: bytes) -> Any:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        url, data = _report(client)
        return url, {**data, "attachments": SimpleUploadedFile(name, content)}

    return build


def _office(main_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml", f'<Types><Default ContentType="{main_type}"/></Types>'
        )
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
UPLOADS = {
    "inte en PDF, ett Word-dokument": [
        ("program named pdf", "rapport.pdf", b"MZ\x90\x00\x03"),
        ("html named pdf", "rapport.pdf", b"<html><script>alert(1)</script></html>"),
        ("svg", "bild.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("zip without content types", "arkiv.docx", _office(DOCX)[:30] + b"garbage"),
        ("odt", "rapport.odt", _office("application/vnd.oasis.opendocument.text")),
        ("png", "bild.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        ("text", "rapport.txt", b"Bara text"),
    ],
    "äldre Office-format": [
        ("doc", "rapport.doc", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512)
    ],
    "innehåller makron": [
        ("docm", "rapport.docm", _office("application/vnd.ms-word.document.macroEnabled.main+xml")),
        ("vba part", "rapport.docx", _office(DOCX, {"word/vbaProject.bin": b"x"})),
    ],
    "PDF-filen är inte hel": [("no end", "rapport.pdf", b"%PDF-1.7\n" + b"0" * 5000)],
    "filen är tom": [("empty", "tom.pdf", b"")],
}
UPLOAD_CASES = [
    Case(
        id=f"report file {name}",
        username="matgille",
        pattern=REPORT,
        field="attachments",
        value=(content, filename),
        build=_upload(filename, content),
        message=message,
    )
    for message, values in UPLOADS.items()
    for name, filename, content in values
]

EMAILS = {
    "giltig e-postadress": [
        ("no at", "verksamhetsledare.example.se"),
        ("two ats", "a@b@example.se"),
        ("space", "a b@example.se"),
        ("script", SCRIPT),
        ("header injection", "a@example.se\r\nBcc: x@example.se"),
    ],
}
PHONES = {
    "Skriv telefonnumret med siffror": [
        ("letters", "ring mig"),
        ("formula", "=HYPERLINK(1)"),
        ("short", "12"),
        ("script", SCRIPT),
    ],
}
GIRO = "Kontrollsiffran"

CASES: list[Case] = [
    *text_cases(
        REPORT_WRITE,
        [specs.TextField("narrative", "narrative", 50000, required=False, multiline=True)],
    ),
    *cases(REPORT_WRITE, "value_*", QUANTITIES),
    *UPLOAD_CASES,
    *text_cases(
        REPORT_RETURN,
        [specs.TextField("comment", "comment", 10000, multiline=True)],
        messages={"måste fyllas i": "Skriv vad partnern behöver komplettera"},
    ),
    *text_cases(
        specs.AGREEMENT_EDIT,
        [
            specs.TextField("indicators-0-name", "key figure name", 200, required=False),
            specs.TextField("indicators-0-unit", "key figure unit", 40, required=False),
        ],
    ),
    *cases(specs.AGREEMENT_EDIT, "indicators-0-target", QUANTITIES),
    *cases(
        specs.AGREEMENT_EDIT,
        "plan-0-after_report",
        {"giltigt alternativ": [("zero", "0"), ("25", "25"), ("word", "två"), ("NUL", NUL)]},
    ),
    *cases(
        specs.AGREEMENT_EDIT,
        "plan-1-after_report",
        {"ingen återrapport nummer 2": [("beyond the reports", "2")]},
    ),
    *text_cases(
        PARTNER_EDIT,
        [
            specs.TextField("legal_name", "legal name", 200),
            specs.TextField("street_address", "street", 200, required=False),
            specs.TextField("city", "city", 100, required=False),
            specs.TextField("description", "description", 2000, required=False, multiline=True),
        ],
    ),
    *cases(
        PARTNER_EDIT,
        "payment_account",
        {
            "Skriv hur de nya uppgifterna kontrollerades": [
                ("changed without a reason", "999-0029")
            ],
        },
    ),
    *text_cases(
        CONTACTS, [specs.TextField("contacts-0-role", "contact role", 200, required=False)]
    ),
    *cases(CONTACTS, "contacts-0-email", EMAILS),
    *cases(CONTACTS, "contacts-0-phone", PHONES),
    *cases(
        CONTACTS, "contacts-0-name", {"Ange kontaktpersonens namn": [("empty with details", "")]}
    ),
]


@pytest.mark.parametrize("case", as_params(CASES))
def test_follow_up_form(client: Client, case: Case) -> None:
    post_case(client, case)


def _payment_with_reason(account: str) -> Any:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        url, data = _partner_edit(client)
        return url, {**data, "payment_account": account, "payment_reason": "Kontrollerat"}

    return build


GIRO_CASES = [
    Case(
        id=f"partner edit giro {name}",
        username="handlaggare",
        pattern=PARTNER_EDIT.pattern,
        field="payment_account+reason",
        value=value,
        build=_payment_with_reason(value),
        message=message,
    )
    for message, name, value in [
        (GIRO, "bad check digit", "999-0012"),
        ("bankgiro", "letters", "abc-defg"),
        ("bankgiro", "too short", "12"),
        ("bankgiro", "NUL", "999\x00-0011"),
        ("bankgiro", "script", SCRIPT),
    ]
]


@pytest.mark.parametrize("case", as_params(GIRO_CASES))
def test_payment_details(client: Client, case: Case) -> None:
    post_case(client, case)
