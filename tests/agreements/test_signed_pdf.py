"""The signed agreement PDF: rendered once, sealed, stored, and checkable (design §8)."""

import hashlib
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from django.core.exceptions import ValidationError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from accounts.models import User
from agreements import services as agreements
from agreements.models import Agreement, AgreementStatus, Party, SignedDocument
from agreements.pdf import render_agreement_pdf
from core.certificates import make_certificate
from core.sealing import check_seal
from funding import services as funding
from funding.models import Allocation, Programme
from partners.models import Partner
from tests import pdfa
from tests.conftest import SealingAuthority
from tests.funding.helpers import decide_allocations


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[\u00a0\u202f]", " ", text)


def _root(authority: SealingAuthority) -> asn1_x509.Certificate:
    _type, _headers, der = asn1_pem.unarmor(authority.ca_pem.read_bytes())
    return asn1_x509.Certificate.load(der)


@pytest.fixture
def signed(
    programme: Programme,
    partner_a: Partner,
    official: User,
    secretary: User,
    signatory_a: User,
) -> Agreement:
    User.objects.filter(pk=signatory_a.pk).update(first_name="Testa", last_name="Firmatecknare")
    signatory_a.refresh_from_db()
    Partner.objects.filter(pk=partner_a.pk).update(
        legal_name="Alfa Innovation ekonomisk förening", organisation_number="232100-0115"
    )
    funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("1200001")}, by=official
    )
    decide_allocations(list(programme.allocations.all()), by=secretary, paragraph=101)
    agreement = agreements.create_agreement(
        allocation=Allocation.objects.get(),
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        purpose="Att bidra till Hallands strategi för hållbar tillväxt.",
        conditions="Medlen används till verksamhetens löpande kostnader.",
        by=official,
    )
    agreements.set_payment_plan(
        agreement=agreement,
        instalments=agreements.even_payment_plan(
            agreement.amount, [date(2024, 1, 31), date(2024, 7, 31)]
        ),
        by=official,
    )
    agreements.set_reporting_requirements(
        agreement=agreement,
        requirements=[agreements.PlannedReport("Slutrapport", date(2025, 3, 31))],
        by=official,
    )
    agreements.send_for_signing(agreement=agreement, by=official)
    agreements.sign_agreement(agreement=agreement, party=Party.PARTNER, by=signatory_a)
    agreements.sign_agreement(agreement=agreement, party=Party.REGION, by=official)
    return Agreement.objects.get(pk=agreement.pk)


@pytest.fixture
def sealed_pdf(signed: Agreement) -> bytes:
    document = signed.signed_documents.get()
    with document.file.open("rb") as f:
        return f.read()


def test_signing_by_both_stores_one_sealed_document(signed: Agreement, sealed_pdf: bytes) -> None:
    assert signed.status == AgreementStatus.SIGNED
    document = SignedDocument.objects.get()
    assert document.agreement_version == 1
    assert document.sha256 == hashlib.sha256(sealed_pdf).hexdigest()
    assert document.size == len(sealed_pdf)


def test_pyhanko_validates_the_seal_against_the_configured_root(
    sealed_pdf: bytes, sealing_authority: SealingAuthority
) -> None:
    (signature,) = PdfFileReader(io.BytesIO(sealed_pdf)).embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[_root(sealing_authority)])
    )
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert "Region Halland sigill (test)" in status.signing_cert.subject.human_friendly
    assert pdfa.signature_ends_at_revision_end(sealed_pdf)


def test_one_flipped_byte_fails(sealed_pdf: bytes, sealing_authority: SealingAuthority) -> None:
    assert check_seal(sealed_pdf).authentic_seal
    # Flip a byte inside the signed content (the page content), not the signature itself.
    position = sealed_pdf.index(b"stream") + 40
    tampered = bytearray(sealed_pdf)
    tampered[position] ^= 0x01
    result = check_seal(bytes(tampered))
    assert not result.authentic_seal
    assert not result.intact
    (signature,) = PdfFileReader(io.BytesIO(bytes(tampered)), strict=False).embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[_root(sealing_authority)])
    )
    assert not status.intact


def test_another_root_is_not_trusted(sealed_pdf: bytes) -> None:
    other_ca, _key = make_certificate(common_name="Någon annan", is_ca=True, key_size=2048)
    from cryptography.hazmat.primitives.serialization import Encoding

    other = asn1_x509.Certificate.load(other_ca.public_bytes(Encoding.DER))
    (signature,) = PdfFileReader(io.BytesIO(sealed_pdf)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[other]))
    assert status.intact
    assert not status.trusted


def test_pdf_text_has_parties_amount_and_decision(sealed_pdf: bytes) -> None:
    text = " ".join(_text(sealed_pdf).split())
    assert "Alfa Innovation ekonomisk förening" in text
    assert "232100-0115" in text
    assert "1 200 001 kr" in text
    assert "en miljon tvåhundratusenett kronor" in text
    assert "RS230101" in text  # the decision's registration number
    assert "§ 101" in text
    assert "Regionstyrelsens tillväxtutskott" in text
    assert "Slutrapport" in text
    assert "600 001 kr" in text  # the payment plan adds up: 600 001 + 600 000
    assert "Testa Firmatecknare, VD" in text  # the partner's signatory, title from the user
    assert "Underskriven av båda parter" in text
    assert "UTKAST" not in text


def test_pdf_is_pdfa_3a_before_and_after_sealing(signed: Agreement, sealed_pdf: bytes) -> None:
    unsealed = render_agreement_pdf(signed, draft=False)
    assert pdfa.problems(unsealed) == []
    assert pdfa.problems(sealed_pdf) == []
    import pikepdf

    with pikepdf.open(io.BytesIO(sealed_pdf)) as doc:
        assert doc.open_metadata().pdfa_status == "3A"
        assert str(doc.Root.Lang) == "sv"
        assert "GF-2024-ALFA" in str(doc.docinfo.get("/Title"))
        assert str(doc.docinfo.get("/Author")) == "Region Halland"


def test_pdf_carries_the_record_as_json(sealed_pdf: bytes, signed: Agreement) -> None:
    reader = PdfReader(io.BytesIO(sealed_pdf))
    (name,) = reader.attachments
    assert name == "GF-2024-ALFA-v1.json"
    record = json.loads(reader.attachments[name][0])
    assert record["reference"] == "GF-2024-ALFA"
    assert record["amount_sek"] == "1200001"
    assert record["decision"]["registration_number"] == "RS230101"
    assert [s["party"] for s in record["signatures"]] == ["partner", "region"]
    assert sum(Decimal(i["amount_sek"]) for i in record["instalments"]) == signed.amount


def test_draft_preview_is_marked_and_not_sealed(signed: Agreement) -> None:
    preview = render_agreement_pdf(signed, draft=True)
    assert "UTKAST" in _text(preview)
    assert not check_seal(preview).signed


def test_sealing_needs_a_certificate(
    programme: Programme,
    partner_a: Partner,
    official: User,
    secretary: User,
    signatory_a: User,
    settings: object,
) -> None:
    funding.set_allocations(programme=programme, amounts={partner_a.pk: Decimal("10")}, by=official)
    decide_allocations(list(programme.allocations.all()), by=secretary)
    agreement = agreements.create_agreement(
        allocation=Allocation.objects.get(),
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        purpose="x",
        by=official,
    )
    agreements.set_payment_plan(
        agreement=agreement,
        instalments=[agreements.PlannedInstalment(date(2024, 1, 31), Decimal("10"))],
        by=official,
    )
    agreements.send_for_signing(agreement=agreement, by=official)
    agreements.sign_agreement(agreement=agreement, party=Party.PARTNER, by=signatory_a)
    settings.SEAL_PKCS12_PATH = ""  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="sigillcertifikatet saknas"):
        agreements.sign_agreement(agreement=agreement, party=Party.REGION, by=official)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.PARTNER_SIGNED  # nothing half-done
    assert not SignedDocument.objects.exists()


def test_the_sealing_key_is_parsed_once_per_process(signed: Agreement) -> None:
    from core.sealing import get_signer, seal_pdf

    signer = get_signer()
    key = signer._pyca_key
    assert key is not None  # the seal made by the fixture parsed it
    seal_pdf(render_agreement_pdf(signed, draft=True), reason="again")
    assert get_signer()._pyca_key is key
