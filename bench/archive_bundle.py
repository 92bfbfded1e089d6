"""Benchmark: the archive bundle of a budget year with 300 and with 3 000 signed agreements.

Time and peak Python memory of building the ZIP, on PostgreSQL with the large dataset's real
sealed PDFs (bench/dataset.py; the 3 000-agreement year is a database of its own). Time should
grow linearly with the documents and memory stay flat (the bundle streams). Each size runs in
a process of its own; the memory run (tracemalloc slows Python down) is separate from the
timed run. `make bench` runs it.
"""

import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dataset

SIZES = {300: ("halland_bench", 10, 300), 3000: ("halland_bench_3000", 1, 3000)}


def measure(agreements: int) -> dict[str, float]:
    database, years, partners = SIZES[agreements]
    dataset.prepare(database, years=years, partners=partners)
    from accounts.models import User
    from archive.models import ArchiveBundle
    from archive.services import build_bundle
    from funding.models import BudgetYear

    year = BudgetYear.objects.get(year=2023)
    secretary = User.objects.get(username="sekreterare")

    def build() -> ArchiveBundle:
        bundle = ArchiveBundle.objects.create(budget_year=year, requested_by=secretary)
        return build_bundle(bundle.pk)

    build()  # warm: imports, storage, the database's caches
    start = time.perf_counter()
    bundle = build()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    build()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "agreements": agreements,
        "documents": bundle.total,
        "zip_mb": bundle.size / 1e6,
        "seconds": elapsed,
        "peak_mib": peak / 2**20,
    }


def main() -> None:
    rows = []
    for agreements in SIZES:
        out = subprocess.run(
            [sys.executable, __file__, str(agreements)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    small, large = rows
    lines = [
        f"Built on PostgreSQL from the stored sealed PDFs, {time.strftime('%Y-%m-%d')}. "
        "Growth = the large row over the small one.",
        "",
        "| agreements | documents | ZIP | build time | per document | peak Python memory |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['agreements']} | {r['documents']} | {r['zip_mb']:.1f} MB "
            f"| {r['seconds']:.2f} s | {1000 * r['seconds'] / r['documents']:.2f} ms "
            f"| {r['peak_mib']:.2f} MiB |"
        )

    def per_doc(r: dict[str, float]) -> float:
        return r["seconds"] / r["documents"]

    lines.append(
        f"| growth | {large['documents'] / small['documents']:.1f} × "
        f"| {large['zip_mb'] / small['zip_mb']:.1f} × "
        f"| {large['seconds'] / small['seconds']:.1f} × "
        f"| {per_doc(large) / per_doc(small):.2f} × "
        f"| {large['peak_mib'] / small['peak_mib']:.2f} × |"
    )
    table = "\n".join(lines)
    print(table)
    dataset.write_section("archive-bundle", table)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print(json.dumps(measure(int(sys.argv[1]))))
    else:
        main()
