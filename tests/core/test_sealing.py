"""The seal reserves the signature's space from the first estimate (a third of its time)."""

from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader
from weasyprint import HTML

from core import sealing
from core.sealing import check_seal, seal_pdf
from tests.conftest import SealingAuthority


def _reserved(pdf: bytes) -> int:
    (signature,) = PdfFileReader(BytesIO(pdf)).embedded_signatures
    return len(signature.sig_object.raw_get("/Contents"))


def test_later_seals_reserve_the_first_estimate_and_still_validate(
    sealing_authority: SealingAuthority,
) -> None:
    pdf = HTML(string="<p>Överenskommelse</p>").write_pdf()
    sealing._reserved_sizes.clear()

    first = seal_pdf(pdf, reason="första")
    assert len(sealing._reserved_sizes) == 1  # the estimate is remembered
    second = seal_pdf(pdf, reason="andra")

    assert _reserved(second) == _reserved(first)
    assert 2 * _reserved(first) == next(iter(sealing._reserved_sizes.values()))
    for sealed in (first, second):
        assert check_seal(sealed).authentic_seal


def test_a_reservation_too_small_falls_back_to_estimating(
    sealing_authority: SealingAuthority,
) -> None:
    pdf = HTML(string="<p>Beslut</p>").write_pdf()
    sealing._reserved_sizes.clear()
    seal_pdf(pdf, reason="första")
    key = next(iter(sealing._reserved_sizes))
    sealing._reserved_sizes[key] = 64  # as if a timestamp reply had grown

    sealed = seal_pdf(pdf, reason="andra")

    assert check_seal(sealed).authentic_seal
    assert sealing._reserved_sizes[key] > 64
