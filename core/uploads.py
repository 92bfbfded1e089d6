"""Uploaded documents: what a file is, decided by its content, and a name safe to show.

Report attachments (issue 15) are PDF, Word or Excel. A file's name and the browser's
Content-Type are the sender's claims; the bytes are checked instead ("magic bytes", then the
structure): a PDF starts with `%PDF-` and ends with `%%EOF`; a .docx/.xlsx is a ZIP (Office
Open XML) whose `[Content_Types].xml` names a Word document or an Excel workbook. Macro-enabled
Office files (.docm, .xlsm: a different main content type, or a vbaProject part) and the
legacy binary formats (.doc, .xls, which cannot be told apart from other OLE files without
parsing them) are refused with a message asking for the ordinary format. Only the ZIP's
directory and one small part are read, never the whole archive, so a ZIP bomb costs nothing.
"""

import re
import unicodedata
import zipfile
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO

# How far from the end of a PDF its %%EOF marker may be (PDF 1.7 §7.5.5 puts it on the last
# line; some writers add a few bytes of whitespace or padding after it).
PDF_TAIL_BYTES = 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
MAX_ZIP_ENTRIES = 10_000
CONTENT_TYPES_MAX_BYTES = 256 * 1024

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


class UnsupportedFile(ValueError):
    """The file is not one of the accepted kinds; the message says why, for the person."""


def check_pdf(file: IO[bytes], size: int) -> None:
    """A whole PDF: `%PDF-` first and `%%EOF` near the end (after a signature too: it is an
    incremental update), or UnsupportedFile "unknown" / "truncated_pdf". Only the head and the
    last kilobyte are read: a file of zeros after "%PDF-" once cost the parser seconds of CPU
    before it gave up (issue 13, finding 2)."""
    try:
        file.seek(0)
        if not file.read(5).startswith(b"%PDF-"):
            raise UnsupportedFile("unknown")
        file.seek(max(size - PDF_TAIL_BYTES, 0))
        if b"%%EOF" not in file.read():
            raise UnsupportedFile("truncated_pdf")
    finally:
        file.seek(0)


def detect_kind(file: IO[bytes], size: int) -> str:
    """ "pdf", "docx" or "xlsx", from the content; UnsupportedFile otherwise."""
    file.seek(0)
    head = file.read(8)
    try:
        if head.startswith(b"%PDF-"):
            check_pdf(file, size)
            return "pdf"
        if head.startswith(OLE_MAGIC):
            raise UnsupportedFile("legacy_office")
        if head.startswith(ZIP_MAGIC):
            return _office_kind(file)
        raise UnsupportedFile("unknown")
    finally:
        file.seek(0)


def _office_kind(file: IO[bytes]) -> str:
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise UnsupportedFile("unknown")
            names = {e.filename.lower(): e for e in entries}
            if any(name.endswith("vbaproject.bin") for name in names):
                raise UnsupportedFile("macros")
            types = names.get("[content_types].xml")
            if types is None or types.file_size > CONTENT_TYPES_MAX_BYTES:
                raise UnsupportedFile("unknown")
            with archive.open(types) as part:
                content = part.read(CONTENT_TYPES_MAX_BYTES).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        raise UnsupportedFile("unknown") from None
    if "macroEnabled" in content:
        raise UnsupportedFile("macros")
    if DOCX_MAIN in content:
        return "docx"
    if XLSX_MAIN in content:
        return "xlsx"
    raise UnsupportedFile("unknown")


MAX_NAME_CHARS = 100
_UNSAFE = re.compile(r"[^\w .()+,-]+")


def safe_filename(name: str, *, kind: str) -> str:
    """The uploaded name, reduced to something safe to show and to put in a download header.

    No directories (either separator), no control or format characters, no leading dots, at
    most 100 characters, and the extension the content says (a PDF named "x.exe" becomes
    "x.pdf"). Never used as a storage path: files are stored under generated names.
    """
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("_", stem).strip(" ._-")[: MAX_NAME_CHARS - len(kind) - 1]
    return f"{stem or 'bilaga'}.{kind}"
