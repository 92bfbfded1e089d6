"""The application as separate processes on a private PostgreSQL cluster, for the fault tests
(each module gets its own cluster: the fixtures are module-scoped)."""

import os
from collections.abc import Iterator

import pytest

from tests.conftest import SealingAuthority
from tests.faults.harness import Cluster, Processes, Site, postgres_bindir


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    bindir = postgres_bindir()
    if bindir is None:
        message = "needs PostgreSQL's server programs (/usr/lib/postgresql/<version>/bin/initdb)"
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(f"SKIPPED: {message}")
    with Cluster.running(bindir) as running:
        yield running


@pytest.fixture(scope="module")
def site(
    cluster: Cluster,
    sealing_authority: SealingAuthority,
    tmp_path_factory: pytest.TempPathFactory,
) -> Site:
    root = tmp_path_factory.mktemp("faults")
    site = Site(cluster=cluster, media=root / "media", logs=root / "logs", seal=sealing_authority)
    site.media.mkdir()
    site.logs.mkdir()
    site.manage("migrate", "--no-input", "-v0")
    # As bin/serve loads it: base settings with DEBUG on, which load_demo insists on.
    site.manage(
        "load_demo",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="on",
        SECRET_KEY="faults-only-not-secret",
    )
    return site


@pytest.fixture
def processes(site: Site) -> Iterator[Processes]:
    started = Processes(site)
    yield started
    for process in started.started:
        process.stop()
