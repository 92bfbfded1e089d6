"""Archival PDFs (PDF/A-3a: tagged, sRGB, XMP metadata) rendered with WeasyPrint.

Shared by the agreement overview and the decision extract. Facts that shaped this module are in
`../shared/pdf-notes.md`:

* One FontConfiguration, one URL fetcher and the parsed stylesheet are reused per worker thread
  (they are not thread-safe): a fresh set costs ≈ 23 ms each and memory grows render by render.
* The fetcher serves only files under `static/pdf/` (fonts, stylesheet). Anything else — a URL,
  a file elsewhere — stops the rendering, so no document ever depends on the network or on
  whatever a user managed to put into a template. User text is escaped by Django's templates.
* The machine-readable record travels inside the PDF as a JSON attachment with relationship
  `Data`, which PDF/A-3 keeps (PDF/A-2 would silently drop it).
"""

import atexit
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string

PDF_ASSETS = Path(settings.BASE_DIR) / "static" / "pdf"
PDF_VARIANT = "pdf/a-3a"

_local = threading.local()
# Drop this thread's tools while the interpreter is still whole (WeasyPrint's FontConfiguration
# cleans up in __del__ and fails noisily if that runs during interpreter shutdown).
atexit.register(lambda: _local.__dict__.clear())


class PdfRenderingRefused(RuntimeError):
    """A template asked for a resource outside static/pdf/."""


@dataclass(frozen=True)
class PdfAttachment:
    name: str
    content: str
    description: str


def _tools() -> tuple[Any, Any, Any]:
    """This thread's FontConfiguration, fetcher and stylesheet, made once."""
    tools = getattr(_local, "tools", None)
    if tools is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

        class StaticPdfAssetsFetcher(URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
                if not url.startswith("file:"):
                    raise FatalURLFetchingError(f"PDF may not fetch {url!r}")
                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if not path.is_relative_to(PDF_ASSETS.resolve()) or not path.is_file():
                    raise FatalURLFetchingError(f"PDF may not fetch {url!r}")
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, path.read_bytes(), headers={"Content-Type": content_type}
                )

        font_config = FontConfiguration()
        fetcher = StaticPdfAssetsFetcher()
        stylesheet = CSS(
            filename=str(PDF_ASSETS / "print.css"), font_config=font_config, url_fetcher=fetcher
        )
        tools = _local.tools = (font_config, fetcher, stylesheet)
    return tools


def render_pdf(
    template: str, context: dict[str, Any], *, attachments: list[PdfAttachment]
) -> bytes:
    """Render a print template to PDF/A-3a bytes."""
    from weasyprint import HTML, Attachment

    font_config, fetcher, stylesheet = _tools()
    html = render_to_string(template, context)
    document = HTML(string=html, base_url=PDF_ASSETS.as_uri() + "/", url_fetcher=fetcher)
    files = [
        Attachment(
            string=a.content,
            name=a.name,
            description=a.description,
            relationship="Data",
            url_fetcher=fetcher,
            base_url=PDF_ASSETS.as_uri() + "/",
        )
        for a in attachments
    ]
    pdf: bytes = document.write_pdf(
        stylesheets=[stylesheet],
        font_config=font_config,
        pdf_variant=PDF_VARIANT,
        attachments=files,
    )
    return pdf
