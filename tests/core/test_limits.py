"""Request limits decided before the body is read, and the client address behind a proxy.

Issue 13, findings 2 and 5: a 1,5 GB upload to the public /verify/ was spooled to disk before
"too large" was answered; a file of zeros after "%PDF-" cost seconds of CPU; the public form had
no rate limit; behind a proxy every client shared the proxy's address.
"""

from typing import TYPE_CHECKING, Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from agreements.views.reports import REPORT_FORM_OVERHEAD
from tests.helpers import text

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

GB = 1024**3


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: Any) -> bytes:
        raise AssertionError("the request body was read")

    readline = read


def _post_unread(client: Client, path: str, length: int) -> "_MonkeyPatchedWSGIResponse":
    unreadable: dict[str, Any] = {"wsgi.input": UnreadableBody()}
    return client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **unreadable,
    )


@pytest.mark.parametrize(
    ("path", "length"),
    [
        ("/verify/", int(1.5 * GB)),
        ("/verify/", 20 * 1024 * 1024 + 64 * 1024 + 1),  # just over the upload's limit
        ("/accounts/login/", 3 * 1024 * 1024),  # any other form: MAX_REQUEST_BODY_BYTES
        ("/agreements/GF-2024-COOMPANION/sign/", 100 * 1024 * 1024),
        ("/no-such-page/", GB),
    ],
)
def test_a_body_over_the_limit_is_refused_unread(path: str, length: int) -> None:
    client = Client(enforce_csrf_checks=True)  # as a browser: CSRF would read the form
    response = _post_unread(client, path, length)
    assert response.status_code == 413
    assert response["Connection"] == "close"
    assert "för stort" in text(response)


def test_the_limits_are_settings() -> None:
    client = Client(enforce_csrf_checks=True)
    with override_settings(VERIFY_MAX_UPLOAD_BYTES=1024 * 1024):
        assert _post_unread(client, "/verify/", 2 * 1024 * 1024).status_code == 413
    with override_settings(MAX_REQUEST_BODY_BYTES=1000):
        assert _post_unread(client, "/accounts/login/", 1001).status_code == 413


def test_a_get_with_a_body_is_not_read_either() -> None:
    unreadable: dict[str, Any] = {"wsgi.input": UnreadableBody()}
    response = Client().generic(
        "GET",
        "/verify/",
        b"",
        CONTENT_LENGTH=str(GB),
        **unreadable,
    )
    assert response.status_code == 413


def test_an_upload_within_the_limit_still_works(client: Client) -> None:
    response = client.post(
        "/verify/", {"file": SimpleUploadedFile("x.pdf", b"not a pdf", "application/pdf")}
    )
    assert response.status_code == 400
    assert "inte en PDF" in text(response)


def _verify(client: Client, content: bytes, **extra: Any) -> "_MonkeyPatchedWSGIResponse":
    upload = SimpleUploadedFile("x.pdf", content, "application/pdf")
    return client.post("/verify/", {"file": upload}, **extra)


def test_zeros_after_the_header_are_refused_without_parsing(client: Client) -> None:
    response = _verify(client, b"%PDF-1.7\n" + bytes(20 * 1024 * 1024 - 100))
    assert response.status_code == 400
    assert "slutet saknas" in text(response)


def nested_pdf(depth: int) -> bytes:
    """A well-formed PDF (correct xref) whose form field list nests `depth` arrays deep."""
    fields = b"[" * depth + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields " + fields + b" >> >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Root 1 0 R /Size %d >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_deeply_nested_objects_are_unreadable_not_a_server_error(client: Client) -> None:
    # pyHanko's parser recursed into each array and raised RecursionError: a 500.
    response = _verify(client, nested_pdf(100_000))
    assert response.status_code == 200
    assert "kunde inte läsas som PDF" in text(response)
    assert "Inte bekräftat äkta" in text(response)


@override_settings(VERIFY_RATE_LIMIT=3)
def test_the_public_form_is_rate_limited_per_client(client: Client) -> None:
    for _ in range(3):
        assert _verify(client, b"GIF89a", REMOTE_ADDR="192.0.2.10").status_code == 400
    limited = _verify(client, b"GIF89a", REMOTE_ADDR="192.0.2.10")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert "För många försök" in text(limited)
    # Another client is not affected; reading the form is not limited.
    assert _verify(client, b"GIF89a", REMOTE_ADDR="192.0.2.11").status_code == 400
    assert client.get("/verify/", REMOTE_ADDR="192.0.2.10").status_code == 200


@override_settings(VERIFY_RATE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_limit_counts_the_forwarded_client(client: Client) -> None:
    def via_proxy(forwarded_for: str) -> int:
        response = _verify(
            client, b"GIF89a", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for
        )
        return int(response.status_code)

    # The proxy appends the address it saw; what the client sent before it is ignored.
    assert [via_proxy(f"10.9.9.{i}, 203.0.113.5") for i in range(4)] == [400, 400, 400, 429]
    assert via_proxy("198.51.100.7") == 400


@override_settings(VERIFY_CHECK_SECONDS=1)
def test_a_costly_file_is_unreadable_within_the_cpu_limit_not_a_tied_up_worker(
    client: Client,
) -> None:
    """A review found %%EOF easy to satisfy: whitespace after the header cost 20-40 s of CPU.

    The parse runs in a child process limited to VERIFY_CHECK_SECONDS of CPU; here 1 s, for
    a file the parser needs far longer for, so the outcome does not depend on machine speed.
    """
    pdf = b"%PDF-1.7\n" + b" " * (20 * 1024 * 1024 - 100) + b"\n%%EOF\n"
    response = _verify(client, pdf)
    assert response.status_code == 200
    assert "kunde inte läsas som PDF" in text(response)
    result = response.context["result"]
    assert "CPU" in result.seal.problem


def test_the_bounded_check_still_finds_an_authentic_seal(demo: None, client: Client) -> None:
    from agreements.models import SignedDocument

    document = SignedDocument.objects.get(
        agreement__reference="GF-2024-COOMPANION", agreement_version=2
    )
    with document.file.open("rb") as f:
        response = _verify(client, f.read())
    assert "Äkta" in text(response)


def test_the_proxy_is_told_the_largest_body_a_view_takes(settings: Any) -> None:
    from core.limits import largest_body_bytes

    settings.REPORT_ATTACHMENT_MAX_BYTES = 30 * 1024 * 1024
    assert largest_body_bytes() == 30 * 1024 * 1024 + REPORT_FORM_OVERHEAD
    settings.REPORT_ATTACHMENT_MAX_BYTES = 1024
    settings.VERIFY_MAX_UPLOAD_BYTES = 1024
    assert largest_body_bytes() == settings.MAX_REQUEST_BODY_BYTES
