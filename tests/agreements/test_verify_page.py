"""/verify/'s three answers and what an authentic one shows (issue 19)."""

from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from agreements.models import Agreement
from agreements.verification import Verdict, verify_pdf
from core.certificates import make_certificate
from core.sealing import is_test_certificate
from partners.models import Partner
from tests.agreements.test_views import stored_bytes
from tests.helpers import text

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """The demo's signed agreements, sealed with the tests' certificate."""


def _verify(client: Client, content: bytes) -> "_MonkeyPatchedWSGIResponse":
    return client.post(
        "/verify/", {"file": SimpleUploadedFile("x.pdf", content, "application/pdf")}
    )


def _changed(pdf: bytes) -> bytes:
    data = bytearray(pdf)
    data[data.index(b"stream") + 40] ^= 0x01
    return bytes(data)


def test_the_three_answers_differ_in_class_icon_and_heading(client: Client) -> None:
    from weasyprint import HTML

    pdf = stored_bytes("GF-2024-MATGILLE")
    pages = {
        "authentic": text(_verify(client, pdf)),
        "broken": text(_verify(client, _changed(pdf))),
        "appended": text(_verify(client, pdf + b"\n% appended\n")),
        "unknown": text(_verify(client, HTML(string="<p>Falsk</p>").write_pdf())),
        "not a pdf": text(_verify(client, b"%PDF-1.7\ngarbage\n%%EOF\n")),
    }
    expected = {
        "authentic": ("verify-authentic", "✓", "Äkta: dokumentet är oförändrat"),
        "broken": ("verify-broken", "✗", "Inte äkta: dokumentet har ändrats"),
        "appended": ("verify-broken", "✗", "Inte äkta: dokumentet har ändrats"),
        "unknown": ("verify-unknown", "?", "Inte bekräftat äkta: okänt dokument"),
        "not a pdf": ("verify-unknown", "?", "Inte bekräftat äkta: okänt dokument"),
    }
    for name, (css_class, icon, heading) in expected.items():
        page = pages[name]
        assert f"verify-result {css_class}" in page, name
        assert f'aria-hidden="true">{icon}</span> {heading}' in page, name
        for other_class, _icon, other_heading in expected.values():
            if other_class != css_class:
                assert other_heading not in page, name
    assert "Sigillet täcker inte hela filen" in pages["appended"]
    assert "Lita inte på innehållet" in pages["broken"]


def test_verdicts_from_the_service() -> None:
    pdf = stored_bytes("GF-2024-MATGILLE")
    assert verify_pdf(pdf).verdict == Verdict.AUTHENTIC
    assert verify_pdf(_changed(pdf)).verdict == Verdict.BROKEN
    assert verify_pdf(b"not a pdf").verdict == Verdict.UNKNOWN


def test_an_authentic_agreement_shows_what_to_compare_with_the_paper(client: Client) -> None:
    agreement = Agreement.objects.select_related("partner").get(reference="GF-2024-MATGILLE")
    page = text(_verify(client, stored_bytes("GF-2024-MATGILLE")))
    assert "Det här står i det förseglade dokumentet" in page
    assert "GF-2024-MATGILLE, version 1" in page
    assert f"Region Halland (232100-0115) och {agreement.partner.legal_name}" in page
    assert f"{agreement.amount:,.0f} kr".replace(",", " ") in page
    assert f"{agreement.period_start.day} januari {agreement.period_start.year}" in page
    assert f"{agreement.period_end.day} december {agreement.period_end.year}" in page
    assert "Status i dag" in page
    assert agreement.get_status_display() in page


def test_the_partner_name_is_the_one_sealed(client: Client) -> None:
    agreement = Agreement.objects.select_related("partner").get(reference="GF-2024-MATGILLE")
    sealed_name = agreement.partner.legal_name
    Partner.objects.filter(pk=agreement.partner_id).update(
        legal_name="Nytt Namn Ekonomisk förening"
    )
    page = text(_verify(client, stored_bytes("GF-2024-MATGILLE")))
    facts = page[page.index("Det här står i det förseglade") : page.index("Status i dag")]
    assert sealed_name in facts
    assert "Nytt Namn" not in facts


def test_the_status_today_follows_the_agreement(client: Client) -> None:
    Agreement.objects.filter(reference="GF-2024-MATGILLE").update(
        status="terminated", termination_reason="Verksamheten upphör."
    )
    page = text(_verify(client, stored_bytes("GF-2024-MATGILLE")))
    assert "Status i dag</dt><dd>Hävd" in page


def test_a_test_certificate_is_named_as_one(client: Client) -> None:
    page = text(_verify(client, stored_bytes("GF-2024-MATGILLE")))
    assert "Sigillet är äkta men utfärdat med ett testcertifikat" in page
    assert "Giltigt sigill, helt intakt" not in page


def test_which_certificates_are_test_certificates() -> None:
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    def asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))

    ca, ca_key = make_certificate(common_name="CA", is_ca=True, key_size=2048)
    marked, _key = make_certificate(common_name="Sigill", issuer=(ca, ca_key), key_size=2048)
    assert is_test_certificate(asn1(marked))
    assert is_test_certificate(asn1(ca))  # self-signed

    # Like the region's real one: issued by a CA, no test marking.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Region Halland sigill")])
    real = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(ca.not_valid_before_utc)
        .not_valid_after(ca.not_valid_after_utc)
        .sign(ca_key, hashes.SHA256())
    )
    assert not is_test_certificate(asn1(real))
