import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.certificates import make_certificate, pem, pkcs12_bytes


class Command(BaseCommand):
    help = (
        "Create a self-signed sealing certificate (PKCS#12) for development and print the "
        "settings that use it. Refuses when DEBUG is off: production uses the region's real "
        "certificate."
    )

    requires_system_checks: list[str] = []  # needs no database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "var" / "seal"))
        parser.add_argument(
            "--env-file",
            help="Append SEAL_PKCS12_PATH and SEAL_PKCS12_PASSPHRASE to this .env file.",
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing if the file already exists."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Refusing to make a development certificate with DEBUG off.")
        out = Path(options["out"])
        p12 = out / "dev-seal.p12"
        env_file = Path(options["env_file"]) if options["env_file"] else None
        configured = env_file is None or (
            env_file.exists() and f"SEAL_PKCS12_PATH={p12}" in env_file.read_text()
        )
        if p12.exists() and options["if_missing"] and configured:
            self.stdout.write(f"{p12} exists; leaving it.")
            return
        out.mkdir(parents=True, exist_ok=True)
        passphrase = secrets.token_urlsafe(24)
        cert, key = make_certificate(
            common_name="Region Halland – sigill (utvecklingscertifikat, ej giltigt)"
        )
        p12.write_bytes(pkcs12_bytes(cert, key, passphrase))
        p12.chmod(0o600)
        (out / "dev-seal.pem").write_bytes(pem(cert))
        lines = [f"SEAL_PKCS12_PATH={p12}", f"SEAL_PKCS12_PASSPHRASE={passphrase}"]
        if env_file is not None:
            kept = [
                line
                for line in (env_file.read_text().splitlines() if env_file.exists() else [])
                if not line.startswith(("SEAL_PKCS12_PATH=", "SEAL_PKCS12_PASSPHRASE="))
            ]
            env_file.write_text("\n".join([*kept, *lines]) + "\n")
            self.stdout.write(self.style.SUCCESS(f"Wrote {p12} and its settings to {env_file}."))
        else:
            self.stdout.write("\n".join(lines))
