import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.large import AlreadyGenerated, Size, generate


class Command(BaseCommand):
    help = (
        "Add a large dataset to the demo for benchmarks: N closed budget years before 2024 in "
        "which every one of M partners has a decided allocation and a completed agreement with "
        "its sealed PDF (default 10 years × 300 partners = 3 000 agreements). Only with DEBUG on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=int, default=Size.years)
        parser.add_argument("--partners", type=int, default=Size.partners)
        parser.add_argument(
            "--no-documents",
            action="store_true",
            help="Skip rendering and sealing a PDF for every agreement (the slow part).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes that render and seal the PDFs (default: one per core).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "generate_large_dataset refuses to run with DEBUG off: it loads the demo, whose "
                "accounts share a published password."
            )
        if not 1 <= options["years"] <= 50 or not 6 <= options["partners"] <= 10_000:
            raise CommandError("Choose 1–50 years and 6–10 000 partners.")
        try:
            result = generate(
                size=Size(years=options["years"], partners=options["partners"]),
                seal=not options["no_documents"],
                jobs=max(1, options["jobs"]),
                progress=lambda message: self.stdout.write(f"  {message}"),
            )
        except AlreadyGenerated as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.years[0]}–{result.years[-1]}: {result.partners} partners, "
                f"{result.agreements} agreements, {result.documents} sealed PDFs."
            )
        )
