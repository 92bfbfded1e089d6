"""A small checker of the PDF/A-3a rules we can check without veraPDF (see pdf-notes.md).

Each rule returns a message when broken; `problems(pdf)` lists them all. Runs in milliseconds.
"""

import io
import re

import pikepdf

# What `obj.get(key, {})` gives: the PDF dictionary, or the empty default.
type _DictOrDefault = pikepdf.Object | dict[str, pikepdf.Object]


def problems(pdf: bytes) -> list[str]:
    found: list[str] = []
    if not pdf.startswith(b"%PDF-1."):
        found.append("header is not %PDF-1.x")
    elif not re.match(rb"%PDF-1\.\d\r?\n%[\x80-\xff]{4}", pdf):
        found.append("no binary comment after the header")
    if not pdf.rstrip(b"\r\n").endswith(b"%%EOF"):
        found.append("bytes after the last %%EOF")
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        if doc.is_encrypted:
            found.append("encrypted")
        if "/ID" not in doc.trailer:
            found.append("trailer has no /ID")
        version = str(doc.Root.get("/Version", doc.pdf_version)).lstrip("/")
        if float(version) > 1.7:
            found.append(f"catalog version {version} > 1.7")
        meta = doc.open_metadata()
        if meta.pdfa_status != "3A":
            found.append(f"XMP says PDF/A {meta.pdfa_status!r}, not 3A")
        intents: pikepdf.Object | list[pikepdf.Object] = doc.Root.get("/OutputIntents", [])
        if not any(i.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i for i in intents):
            found.append("no GTS_PDFA1 output intent with an ICC profile")
        mark_info: _DictOrDefault = doc.Root.get("/MarkInfo", {})
        # pikepdf's stubs say `get` gives an Object, but it converts PDF booleans to bool.
        if mark_info.get("/Marked") is not True:  # type: ignore[comparison-overlap]
            found.append("not marked as tagged (MarkInfo)")
        if "/StructTreeRoot" not in doc.Root:
            found.append("no structure tree")
        if "/Lang" not in doc.Root:
            found.append("no document language")
        for page_no, page in enumerate(doc.pages, start=1):
            resources: _DictOrDefault = page.get("/Resources", {})
            fonts: _DictOrDefault = resources.get("/Font", {})
            for name, font in fonts.items():
                descendants = font.get("/DescendantFonts", [font])
                for f in descendants:
                    descriptor = f.get("/FontDescriptor")
                    if descriptor is None or not any(
                        k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
                    ):
                        found.append(f"page {page_no}: font {name} not embedded")
        for name, spec in doc.attachments.items():
            obj = spec.obj
            for key in ("/F", "/UF", "/AFRelationship"):
                if key not in obj:
                    found.append(f"attachment {name}: no {key}")
            embedded: _DictOrDefault = obj.get("/EF", {})
            stream = embedded.get("/F")
            if stream is None or "/Subtype" not in stream:
                found.append(f"attachment {name}: no MIME type")
    return found


def signature_ends_at_revision_end(pdf: bytes) -> bool:
    """The last signature's byte range ends exactly where its revision ends (nothing after)."""
    match = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf))
    if not match:
        return False
    _a, _b, c, d = (int(x) for x in match[-1].groups())
    return c + d == len(pdf)
