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

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "21"))


def main() -> list[tuple[str, float, float]]:
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
    from agreements.pdf import (
        agreement_context,
        current_version,
        load_for_pdf,
        render_agreement_pdf,
    )
    from core import pdf as core_pdf
    from core.sealing import seal_pdf

    agreement = load_for_pdf(Agreement.objects.get(reference="GF-2024-COOMPANION"))
    # The floor: the same HTML (already rendered by Django) through WeasyPrint, no archival
    # variant, no attachment, no seal, reusing the same fonts and fetcher.
    font_config, fetcher, stylesheet = core_pdf._tools()
    context = agreement_context(current_version(agreement), draft=False)
    html = render_to_string("pdf/agreement.html", context)

    def floor() -> bytes:
        return HTML(
            string=html, base_url=core_pdf.PDF_ASSETS.as_uri() + "/", url_fetcher=fetcher
        ).write_pdf(stylesheets=[stylesheet], font_config=font_config)

    def pdfa_render() -> bytes:
        return HTML(
            string=html, base_url=core_pdf.PDF_ASSETS.as_uri() + "/", url_fetcher=fetcher
        ).write_pdf(
            stylesheets=[stylesheet], font_config=font_config, pdf_variant=core_pdf.PDF_VARIANT
        )

    def production_render() -> bytes:
        return render_agreement_pdf(agreement, draft=False)

    def render_and_seal() -> bytes:
        return seal_pdf(render_agreement_pdf(agreement, draft=False), reason="bench")

    stages = [
        ("bare WeasyPrint render (floor)", floor),
        ("+ PDF/A-3a (tags, XMP, sRGB)", pdfa_render),
        ("+ loading the record, JSON attachment", production_render),
        ("+ PAdES seal = what signing does", render_and_seal),
    ]
    # Round-robin, so a slow spell of the machine hits every stage alike.
    samples: dict[str, list[float]] = {name: [] for name, _fn in stages}
    for _name, fn in stages:
        fn()  # warm up (fonts, templates, the seal's size estimate)
    for _ in range(ROUNDS):
        for name, fn in stages:
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    base = statistics.median(samples[stages[0][0]])
    return [(name, statistics.median(samples[name]), base) for name, _fn in stages]


if __name__ == "__main__":
    rows = main()
    lines = [
        f"One agreement overview, median of {ROUNDS} interleaved rounds, "
        f"{time.strftime('%Y-%m-%d')}. Each row adds one step to the row above.",
        "",
        "| stage | median ms | × floor |",
        "| --- | ---: | ---: |",
    ]
    for name, value, base in rows:
        lines.append(f"| {name} | {value * 1000:.1f} | {value / base:.2f} |")
    table = "\n".join(lines)
    print(table)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import dataset

    dataset.write_section("signed-pdf", table)
