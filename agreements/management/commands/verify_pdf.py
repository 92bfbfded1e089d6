from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agreements.verification import verify_pdf


class Command(BaseCommand):
    help = (
        "Check that a PDF is an authentic, unaltered signed document from this system. "
        "Exit status 0 when it is, 1 when it is not."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        result = verify_pdf(path.read_bytes())
        seal = result.seal
        lines = [
            f"file:       {path}",
            f"sha256:     {result.sha256}",
            f"pdf:        {'yes' if seal.readable else 'no'}",
            f"sealed:     {'yes' if seal.signed else 'no'}",
            f"intact:     {'yes' if seal.intact else 'no'}",
            f"trusted:    {'yes' if seal.trusted else 'no'}",
            f"whole file: {'yes' if seal.covers_whole_file else 'no'}",
            f"sealed by:  {seal.signer or '-'}",
            f"test cert:  {'yes: not the real seal' if seal.test_certificate else 'no'}",
            f"sealed at:  {seal.signed_at.isoformat() if seal.signed_at else '-'}",
        ]
        if result.agreement_document is not None:
            lines.append(
                f"document:   {result.agreement_document.agreement.reference} "
                f"version {result.agreement_document.agreement_version}"
            )
        elif result.decision_document is not None:
            decision = result.decision_document.decision
            lines.append(
                f"document:   decision extract {decision.registration_number} "
                f"§ {decision.paragraph} ({decision.meeting_date})"
            )
        else:
            lines.append("document:   not issued by this system")
        self.stdout.write("\n".join(lines))
        if result.authentic:
            self.stdout.write(self.style.SUCCESS("AUTHENTIC"))
        else:
            self.stdout.write(self.style.ERROR("NOT AUTHENTIC"))
            raise SystemExit(1)
