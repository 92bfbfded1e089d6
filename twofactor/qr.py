"""The enrolment QR code, drawn here: no image service ever sees the secret it carries."""

import base64
import io

import segno


def qr_data_uri(text: str) -> str:
    """`text` as a QR code in an SVG image, as a data: URI for <img src> (the CSP allows
    images from data: and no inline styles, so the SVG is not put in the page itself)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer, kind="svg", scale=5, border=4, dark="#000", light="#fff", xmldecl=False
    )
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
