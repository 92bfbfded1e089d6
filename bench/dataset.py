"""The benchmarks' database: PostgreSQL with the large dataset, made once and reused.

`prepare(name, size)` points this process at the PostgreSQL database `name` (on the server of
BENCH_DATABASE_URL, default the local one), with production settings (DEBUG off), and fills it
with `generate_large_dataset`'s rows and sealed PDFs unless an earlier run did. The first run
renders and seals one PDF per agreement, which takes minutes; later runs start at once.
Delete the database (`dropdb <name>`) and `var/bench/` to start over.
"""

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/halland_bench")


def environment(database: str) -> dict[str, str]:
    """Production settings for a local run: DEBUG off, plain HTTP on 127.0.0.1."""
    url = urlsplit(SERVER)._replace(path=f"/{database}").geturl()
    VAR.mkdir(parents=True, exist_ok=True)
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "DEBUG": "off",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "off",
        "SECURE_COOKIES": "off",
        "SECURE_HSTS_SECONDS": "0",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "text",
        "MEDIA_ROOT": str(VAR / f"{database}-media"),
        "STATIC_ROOT": str(VAR / "static"),
        "SEAL_PKCS12_PATH": str(VAR / "seal" / "dev-seal.p12"),
        "SEAL_PKCS12_PASSPHRASE": "bench-only",
        "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "BENCH_FLOOR_ENDPOINT": "on",
        **shared_cache(),
    }


def shared_cache() -> dict[str, str]:
    """Redis, as production has it (sessions, the session's user, the pages' per-revision
    caches shared by every worker), unless BENCH_REDIS_URL is set empty: then each process
    has its own cache and sessions live in the database. A fresh key prefix per run, since
    the revision numbers of a re-created database start again."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    if not url:
        return {"CACHE_URL": "locmemcache://"}
    return {"REDIS_URL": url, "CACHE_KEY_PREFIX": f"bench-{os.getpid()}-{time.time_ns()}"}


def _create_database(url: str, *, media: Path) -> None:
    """Create the database; drop it first if its documents are gone (a fresh clone finds the
    database of an earlier checkout, but not that checkout's var/bench/ files)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not media.is_dir():
            print(f"{name} exists but its documents are not in {media}: making it again.")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _seal_certificate(path: Path, passphrase: str) -> None:
    if path.is_file():
        return
    from core.certificates import make_certificate, pkcs12_bytes

    path.parent.mkdir(parents=True, exist_ok=True)
    cert, key = make_certificate(common_name="Region Halland – benchmark seal", key_size=3072)
    path.write_bytes(pkcs12_bytes(cert, key, passphrase))


def prepare(database: str, *, years: int, partners: int) -> dict[str, str]:
    """Set up Django in this process on `database` with the dataset; return its environment."""
    env = environment(database)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    _create_database(env["DATABASE_URL"], media=Path(env["MEDIA_ROOT"]))

    import django

    django.setup()
    from django.core.management import call_command

    from demo.large import Size, generate
    from funding.models import BudgetYear

    _seal_certificate(Path(env["SEAL_PKCS12_PATH"]), env["SEAL_PKCS12_PASSPHRASE"])
    call_command("migrate", verbosity=0)
    size = Size(years=years, partners=partners)
    if not BudgetYear.objects.filter(year=size.first_year).exists():
        print(
            f"Generating {years} years × {partners} partners into {database} "
            "(once; later runs reuse it)...",
            flush=True,
        )
        start = time.perf_counter()
        result = generate(
            size=size,
            seal=True,
            jobs=os.cpu_count() or 1,
            progress=lambda message: print(f"  {message}", flush=True),
        )
        print(
            f"  {result.agreements} agreements, {result.documents} sealed PDFs in "
            f"{time.perf_counter() - start:.0f} s",
            flush=True,
        )
    # Fresh statistics, as autovacuum would have by the time a real database held a decade:
    # bulk-inserted rows without them made PostgreSQL sort a decade of payments for a page.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return env


def write_section(name: str, markdown: str) -> None:
    """Replace the block between `<!-- bench:name -->` markers in docs/performance.md."""
    doc = ROOT / "docs" / "performance.md"
    text = doc.read_text()
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    doc.write_text(text)
