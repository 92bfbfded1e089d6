"""Benchmark: render + seal of one agreement vs a bare WeasyPrint render of the same HTML.

Prints a ratio measured in one run (machines are shared and noisy: compare ratios, not
seconds). Run with `make bench` or `.venv/bin/python bench/signed_pdf.py`.

Uses a throwaway SQLite test database and a throwaway certificate.
"""

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))


def timed(fn: Callable[[], object], rounds: int = ROUNDS) -> list[float]:
    fn()  # warm up (fonts, templates, imports)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> list[tuple[str, float, float, float]]:
    from core.certificates import make_certificate, pkcs12_bytes

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    work = Path(tempfile.mkdtemp(prefix="bench-seal-"))
    cert, key = make_certificate(common_name="Bench seal", key_size=3072)
    (work / "seal.p12").write_bytes(pkcs12_bytes(cert, key, "bench"))
    settings.SEAL_PKCS12_PATH = str(work / "seal.p12")
    settings.SEAL_PKCS12_PASSPHRASE = "bench"  # noqa: S105 - a throwaway key
    settings.SEAL_TRUST_ROOTS = []
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False

    from weasyprint import HTML

    from agreements.models import Agreement
    from agreements.pdf import agreement_context, load_for_pdf, render_agreement_pdf
    from core import pdf as core_pdf
    from core.sealing import seal_pdf

    agreement = load_for_pdf(Agreement.objects.get(reference="GF-2024-COOMPANION"))
    # The floor: the same HTML (already rendered by Django) through WeasyPrint, no archival
    # variant, no attachment, no seal, reusing the same fonts and fetcher.
    font_config, fetcher, stylesheet = core_pdf._tools()
    html = render_to_string("pdf/agreement.html", agreement_context(agreement, draft=False))

    def floor() -> bytes:
        return HTML(
            string=html, base_url=core_pdf.PDF_ASSETS.as_uri() + "/", url_fetcher=fetcher
        ).write_pdf(stylesheets=[stylesheet], font_config=font_config)

    def render_and_seal() -> bytes:
        return seal_pdf(render_agreement_pdf(agreement, draft=False), reason="bench")

    rows = []
    base = statistics.median(timed(floor))
    full = statistics.median(timed(render_and_seal))
    rows.append(("bare WeasyPrint render (floor)", base, base, 1.0))
    rows.append(("render PDF/A-3a + JSON + seal", full, base, full / base))
    return rows


if __name__ == "__main__":
    rows = main()
    print(f"{'what':<34} {'median ms':>10} {'floor ms':>10} {'ratio':>7}")
    for name, value, floor_value, ratio in rows:
        print(f"{name:<34} {value * 1000:>10.1f} {floor_value * 1000:>10.1f} {ratio:>7.2f}")
