"""The PDF/A checker used by the document tests must be able to say no."""

from weasyprint import HTML

from tests import pdfa


def test_checker_finds_problems_in_a_plain_pdf() -> None:
    plain = HTML(string="<p>Hej</p>").write_pdf()
    found = pdfa.problems(plain)
    assert any("PDF/A" in p for p in found)
    assert "no structure tree" in found
    assert "no document language" in found


def test_checker_sees_bytes_after_eof() -> None:
    plain = HTML(string="<html lang='sv'><p>Hej</p></html>").write_pdf(pdf_variant="pdf/a-3a")
    assert pdfa.problems(plain) == []
    assert "bytes after the last %%EOF" in pdfa.problems(plain + b"junk")
