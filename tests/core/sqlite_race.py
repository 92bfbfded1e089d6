"""Two saves of the same allocations racing on a file-backed SQLite database.

Run as a script by tests/core/test_sqlite_concurrency.py (DATABASE_URL names a fresh, migrated
SQLite file): pytest-django's in-memory SQLite would not lock like the file `make run` uses.
Prints one JSON line: what each of the two saves ended with.
"""

import json
import os
import threading
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.db import connection, transaction  # noqa: E402

from funding import services as funding  # noqa: E402
from funding.models import Allocation, ProgrammeKind, SourceKind  # noqa: E402
from partners import services as partners  # noqa: E402


def main() -> None:
    year = funding.create_budget_year(year=2024, status="active", by=None)
    source = funding.create_funding_source(
        budget_year=year,
        kind=SourceKind.REGIONAL_DEVELOPMENT,
        name="Utvecklingsmedel",
        amount=Decimal("39000000"),
        by=None,
    )
    programme = funding.create_programme(
        budget_year=year,
        source=source,
        kind=ProgrammeKind.BASIC_FUNDING,
        name="Grundfinansiering 2024",
        slug="grundfinansiering",
        ceiling=Decimal("11900000"),
        by=None,
    )
    partner = partners.create_partner(
        by=None, display_name="Alfa", legal_name="Alfa AB", slug="alfa"
    )
    funding.set_allocations(programme=programme, amounts={partner.pk: Decimal(100)}, by=None)
    seen = Allocation.objects.get(partner=partner).version  # what both users' pages showed

    first_has_lock = threading.Event()
    outcome: dict[str, str] = {}

    def first() -> None:
        # A save in progress: its transaction has begun and written, and it commits later.
        try:
            with transaction.atomic():
                funding.set_allocations(
                    programme=programme,
                    amounts={partner.pk: Decimal(200)},
                    expected_versions={partner.pk: seen},
                    by=None,
                )
                first_has_lock.set()
                threading.Event().wait(1.0)
            outcome["first"] = "saved"
        except Exception as exc:
            outcome["first"] = f"{type(exc).__name__}: {exc}"
            first_has_lock.set()
        finally:
            connection.close()

    def second() -> None:
        first_has_lock.wait(10)
        try:
            with transaction.atomic():
                # A page's read before its save, as the allocation editor's POST does.
                list(Allocation.objects.filter(programme=programme))
                funding.set_allocations(
                    programme=programme,
                    amounts={partner.pk: Decimal(300)},
                    expected_versions={partner.pk: seen},
                    by=None,
                )
            outcome["second"] = "saved"
        except funding.StaleAllocationsError:
            outcome["second"] = "conflict"
        except Exception as exc:
            outcome["second"] = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    outcome["amount"] = str(Allocation.objects.get(partner=partner).amount)
    print(json.dumps(outcome))


if __name__ == "__main__":
    main()
