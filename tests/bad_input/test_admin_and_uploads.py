"""The Django admin's partner form (fields with a format), /verify/ uploads, and actions asked
for in a state that does not allow them."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.bad_input import specs
from tests.bad_input.common import NUL, SCRIPT, Case, as_params, post_case, snapshot
from tests.helpers import text

pytestmark = pytest.mark.django_db


def _partner(field: str, value: Any) -> Any:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        url, data = specs.partner_admin_data(client)
        return url, {**data, field: value}

    return build


SLUG = "giltig &#x27;slug&#x27;"  # Django's message quotes the word; the page escapes the quote
ORG = "tio siffror, NNNNNN-NNNN"
PARTNER = {
    "slug": {
        "måste fyllas i": [("empty", "")],
        SLUG: [
            ("space", "Hej Hopp"),
            ("å", "å"),
            ("slash", "a/b"),
            ("traversal", "../x"),
            ("NUL", NUL),
            ("script", SCRIPT),
            ("VT", "a\x0bb"),
            ("dot", "a.b"),
            ("percent", "a%2Fb"),
        ],
        "som mest 60": [("overlong", "x" * 61)],
        "finns redan": [("another partner's", "matgille")],
    },
    "organisation_number": {
        ORG: [
            ("short", "123"),
            ("letters", "abcdef-ghij"),
            ("arabic digits", "٥٥٦٦٧٧-٨٨٩٩"),
            ("space instead of dash", "232100 0115"),
            ("SQL", "1' OR '1"),
        ],
        "tredje siffran": [("zeros", "000000-0000")],
        "Kontrollsiffran": [("bad check digit", "232100-0116")],
        "som mest 11": [
            ("script", SCRIPT),
            ("plus", "+232100-0115"),
            ("eleven digits", "232100-01155"),
        ],
        "Null": [("NUL", NUL)],
    },
    "legal_form": {
        "giltigt alternativ": [
            ("unknown", "unknown"),
            ("script", SCRIPT),
            ("NUL", NUL),
            ("label", "Aktiebolag"),
            ("upper case", "AKTIEBOLAG"),
        ],
    },
    "website": {
        "giltig URL": [
            ("javascript", "javascript:alert(1)"),
            ("words", "not a url"),
            ("scheme only", "http://"),
            ("space in host", "http://exa mple.com"),
            ("NUL", NUL),
            ("long host label", "http://" + "a" * 300 + ".se"),
            ("file", "file:///etc/passwd"),
            ("data", "data:text/html,<script>alert(1)</script>"),
            ("open bracket", "http://[::1"),
            ("bare punycode", "http://xn--"),
        ],
        "som mest 200": [("overlong", "https://example.se/" + "a" * 190)],
    },
    "display_name": {"finns redan": [("another partner's", "Hallands Matgille")]},
}
CASES = [
    Case(
        f"admin partner {field} {name}",
        "admin",
        specs.PARTNER_ADMIN.pattern,
        field,
        value,
        _partner(field, value),
        message,
    )
    for field, groups in PARTNER.items()
    for message, values in groups.items()
    for name, value in values
]


# --------------------------------------------------------------------------- uploads


def _upload(content: bytes, name: str = "x.pdf", content_type: str = "application/pdf") -> Any:
    return lambda client: ("/verify/", {"file": SimpleUploadedFile(name, content, content_type)})


UPLOADS = {
    "slutet saknas": [
        ("truncated", b"%PDF-1.7\n1 0 obj\n", "x.pdf"),
        ("zeros after the header", b"%PDF-" + b"\0" * 5000, "x.pdf"),
        ("end marker too early", b"%PDF-1.7\n%%EOF\n" + b"x" * 2000, "x.pdf"),
        ("just the header", b"%PDF-", "x.pdf"),
    ],
    "inte en PDF": [
        ("byte order mark", b"\xef\xbb\xbf%PDF-1.7\n%%EOF", "x.pdf"),
        ("lower case header", b"%pdf-1.7\n%%EOF", "x.pdf"),
        ("zip", b"PK\x03\x04" + b"\0" * 20, "x.pdf"),
        ("traversal name", b"GIF89a", "../../etc/passwd.pdf"),
        ("NUL in name", b"GIF89b", "x\x00.pdf"),
        ("script name", b"GIF89c", SCRIPT + ".pdf"),
        ("long name", b"GIF89d", "a" * 1000 + ".pdf"),
        ("RTL override name", b"GIF89e", "fdp.\u202eexe.pdf"),
        ("header late", b" %PDF-1.7\n%%EOF", "x.pdf"),
    ],
}
CASES += [
    Case(
        f"upload {name}",
        "",
        "/verify/",
        "file",
        (content, filename),
        _upload(content, filename),
        message,
    )
    for message, values in UPLOADS.items()
    for name, content, filename in values
]
CASES += [
    Case(
        "upload a string, not a file",
        "",
        "/verify/",
        "file",
        "not a file",
        lambda c: ("/verify/", {"file": "not a file"}),
        "måste fyllas i",
    ),
    Case(
        "upload under another name",
        "",
        "/verify/",
        "document",
        b"%PDF-1.7\n%%EOF",
        lambda c: (
            "/verify/",
            {"document": SimpleUploadedFile("x.pdf", b"%PDF-1.7\n%%EOF", "application/pdf")},
        ),
        "måste fyllas i",
    ),
    Case(
        "upload claiming to be a PDF",
        "",
        "/verify/",
        "file",
        (b"MZ\x90\x00", "x.pdf", "application/pdf; charset=<script>"),
        _upload(b"MZ\x90\x00", "x.pdf", "application/pdf; charset=<script>"),
        "inte en PDF",
    ),
]

# --------------------------------------------------------------------------- actions in a state
# that does not allow them: the button was on a page that is out of date, or the POST is forged.

STATE = "(state)"
REMOVE = "/decisions/<id:pk>/remove/<id:allocation_id>/"
ACTIONS = [
    ("send a signed agreement", "handlaggare", "/agreements/<reference:reference>/send/",
     "/agreements/GF-2024-COOMPANION/send/", "Underskriven kan inte bli"),
    ("withdraw a draft", "handlaggare", "/agreements/<reference:reference>/withdraw/",
     "/agreements/GF-2024-LEAP-FOR-LIFE/withdraw/", "Utkast kan inte bli Utkast"),
    ("complete a draft", "handlaggare", "/agreements/<reference:reference>/complete/",
     "/agreements/GF-2024-LEAP-FOR-LIFE/complete/", "Utkast kan inte bli Avslutad"),
    ("terminate a completed agreement", "handlaggare",
     "/agreements/<reference:reference>/terminate/",
     "/agreements/GF-2024-TEK-KOMPETENS/terminate/", "Avslutad kan inte bli Hävd"),
    ("terminate a sent agreement", "handlaggare",
     "/agreements/<reference:reference>/terminate/",
     "/agreements/GF-2024-HIGHFIVE/terminate/", "Skickad för underskrift kan inte bli Hävd"),
    ("discard a signed agreement", "handlaggare",
     "/agreements/<reference:reference>/discard/",
     "/agreements/GF-2024-MATGILLE/discard/", "Underskriven kan inte bli Makulerad"),
    ("sign a signed agreement", "matgille", "/agreements/<reference:reference>/sign/",
     "/agreements/GF-2024-MATGILLE/sign/", "kan inte skriva under"),
    ("edit a signed agreement", "handlaggare", "/agreements/<reference:reference>/edit/",
     "/agreements/GF-2024-COOMPANION/edit/", "Bara ett utkast"),
    ("decide a decided decision", "sekreterare", "/decisions/<id:pk>/decide/",
     "/decisions/{decision}/decide/", "redan fattat"),
    ("edit an approved decision", "sekreterare", "/decisions/<id:pk>/edit/",
     "/decisions/{decision}/edit/", "kan inte ändras"),
    ("remove from an approved decision", "sekreterare", REMOVE,
     "/decisions/{decision}/remove/{allocation}/", "kan inte ändras"),
    ("decide a draft without its paragraph", "sekreterare", "/decisions/<id:pk>/decide/",
     "/decisions/{draft}/decide/", "Ange beslutets paragraf"),
    ("start a year that exists", "handlaggare", "/budget/<year:year>/start-next/",
     "/budget/2024/start-next/", "2025 finns redan"),
]  # fmt: skip


def _action(url: str) -> Any:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        decision = specs.approved_decision()
        allocation = decision.items.first().allocation_id  # type: ignore[union-attr]
        draft = "{draft}" in url and specs.draft_decision(paragraph=None).pk
        filled = url.format(decision=decision.pk, allocation=allocation, draft=draft)
        return filled, {"reason": "Skäl", "copy_amounts": "on", **specs.DECISION}

    return build


CASES += [
    Case(name, username, pattern, STATE, name, _action(url), message)
    for name, username, pattern, url, message in ACTIONS
]


@pytest.mark.parametrize("case", as_params(CASES))
def test_admin_upload_or_action(client: Client, case: Case) -> None:
    post_case(client, case)


# --------------------------------------------------------------------------- files it can read
# A file that passes the form's checks but is no signed document of ours is a result, not an
# error: the page says it is not confirmed as authentic.

RESULTS = [
    ("minimal PDF", b"%PDF-1.7\n%%EOF\n", "kunde inte läsas som PDF"),
    ("garbage inside", b"%PDF-1.7\n" + b"\xff" * 100 + b"\n%%EOF", "kunde inte läsas som PDF"),
    ("script inside", b"%PDF-1.7\n" + SCRIPT.encode() + b"\n%%EOF", "kunde inte läsas som PDF"),
]
RESULT_KEYS = [("/verify/", "file", repr((content, "x.pdf"))) for _, content, _ in RESULTS]


@pytest.mark.parametrize(("name", "content", "says"), RESULTS, ids=[r[0] for r in RESULTS])
def test_a_file_that_is_no_document_of_ours(
    client: Client, name: str, content: bytes, says: str
) -> None:
    before = snapshot()
    response = client.post("/verify/", {"file": SimpleUploadedFile("x.pdf", content)})
    assert response.status_code == 200
    body = text(response)
    assert "Inte bekräftat äkta" in body
    assert says in body
    assert SCRIPT not in body
    assert snapshot() == before


def test_an_upload_over_the_limit_is_refused(client: Client, settings: Any) -> None:
    settings.VERIFY_MAX_UPLOAD_BYTES = 1024
    before = snapshot()
    content = b"%PDF-1.7\n" + b"x" * 2000 + b"\n%%EOF"
    response = client.post("/verify/", {"file": SimpleUploadedFile("x.pdf", content)})
    assert response.status_code == 400
    assert "för stor" in text(response)
    # Far over the limit: refused before the body is read.
    huge = SimpleUploadedFile("x.pdf", b"%PDF-" + b"x" * 200_000 + b"%%EOF")
    response = client.post("/verify/", {"file": huge})
    assert response.status_code == 413
    assert "för stort" in text(response)
    assert snapshot() == before


LIMIT_KEYS = [("/verify/", "file", "<over the limit>"), ("/verify/", "file", "<far over>")]
