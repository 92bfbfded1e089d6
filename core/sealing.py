"""Sealing PDFs with the region's certificate (PAdES, pyHanko) and checking such seals.

Facts from `../shared/pdf-notes.md`: PAdES B-B with SHA-256 in one incremental update; an RSA
key (ECDSA would raise the file to PDF 2.0, contradicting PDF/A-3); an invisible signature
outside the page (visible widgets are untagged and pyHanko's stamp font is not embedded); the
seal covers the whole file, so any later change is detected. With SEAL_TSA_URL set, a timestamp
from that authority is added (PAdES B-T).

The key comes from a PKCS#12 file named by SEAL_PKCS12_PATH with the passphrase in
SEAL_PKCS12_PASSPHRASE; `manage.py create_dev_seal_certificate` makes a self-signed one for
development. Trust anchors for checking are SEAL_TRUST_ROOTS (PEM or DER files), or else the
certificates in that PKCS#12 file.
"""

import asyncio
import functools
import math
import multiprocessing
import resource
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SEAL_FIELD = "Regionens_sigill"


class SealingUnavailable(ImproperlyConfigured):
    """No usable sealing certificate is configured."""


@functools.cache
def _signer_class() -> type:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign import signers
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeyReusingSigner(signers.SimpleSigner):
        """SimpleSigner re-parses (and re-validates) the RSA key for every signature, which
        costs ≈ 120 ms for a 3072-bit key, twice per seal (a dry run sizes the signature).
        Parse it once per process instead; other mechanisms take the library's path."""

        _pyca_key: RSAPrivateKey | None = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                algorithm = mechanism.signature_algo
            except ValueError:
                algorithm = mechanism["algorithm"].native
            if algorithm != "rsassa_pkcs1v15":
                return bytes(super().sign_raw(data, digest_algorithm))
            if self._pyca_key is None:
                key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
                assert isinstance(key, RSAPrivateKey)  # noqa: S101 - mechanism says RSA
                self._pyca_key = key
            return self._pyca_key.sign(
                data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)
            )

    return KeyReusingSigner


@functools.cache
def _signer(path: str, passphrase: str, mtime: float) -> Any:
    del mtime  # part of the cache key: a replaced certificate file is read again
    from pyhanko.sign import signers

    try:
        loaded = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
            pfx_file=path, passphrase=passphrase.encode()
        )
        if loaded is None:
            raise ValueError("no key material in the file")
        return _signer_class()(
            signing_cert=loaded.signing_cert,
            signing_key=loaded.signing_key,
            cert_registry=loaded.cert_registry,
        )
    except Exception as exc:  # pyHanko raises several kinds for a bad file or passphrase
        raise SealingUnavailable(f"Cannot load the sealing certificate {path}: {exc}") from exc


def get_signer() -> Any:
    path = settings.SEAL_PKCS12_PATH
    if not path or not Path(path).is_file():
        raise SealingUnavailable(
            "SEAL_PKCS12_PATH does not name a PKCS#12 file. For development run "
            "`python manage.py create_dev_seal_certificate` (make run does)."
        )
    signer = _signer(str(path), settings.SEAL_PKCS12_PASSPHRASE, Path(path).stat().st_mtime)
    return signer


def _outside_event_loop[T](work: Callable[[], T]) -> T:
    """pyHanko's sync API calls asyncio.run(); inside a running event loop (an async server, a
    browser test driver) that is refused, so run the work in a thread of its own then."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def seal_pdf(pdf: bytes, *, reason: str, location: str = "Halmstad") -> bytes:
    """Return `pdf` with the region's PAdES seal appended as one incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.sign.general import SigningError

    signer = get_signer()
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=settings.REGION_NAME,
    )
    spec = fields.SigFieldSpec(
        sig_field_name=SEAL_FIELD,
        invis_sig_settings=fields.InvisSigSettings(box_out_of_bounds=True),
    )
    timestamper = (
        timestamps.HTTPTimeStamper(settings.SEAL_TSA_URL) if settings.SEAL_TSA_URL else None
    )
    # Without a size to reserve, pyHanko signs a dummy first to estimate it: a third of the
    # seal's time (bench/signed_pdf.py). The size depends only on the certificate and the
    # timestamp authority, so estimate on the first seal and reserve the same from then on.
    key = (id(signer), settings.SEAL_TSA_URL)
    reserved = _reserved_sizes.get(key)

    def sign(bytes_reserved: int | None) -> bytes:
        out = _outside_event_loop(
            lambda: signers.sign_pdf(
                IncrementalPdfFileWriter(BytesIO(pdf)),
                meta,
                signer=signer,
                new_field_spec=spec,
                timestamper=timestamper,
                bytes_reserved=bytes_reserved,
            )
        )
        return bytes(out.getvalue())

    if reserved is not None:
        try:
            return sign(reserved)
        except SigningError:  # a timestamp reply larger than the first: estimate again
            del _reserved_sizes[key]
    sealed = sign(None)
    _reserved_sizes[key] = _reserved_size(sealed)
    return sealed


_reserved_sizes: dict[tuple[int, str], int] = {}


def _reserved_size(sealed: bytes) -> int:
    """The space pyHanko reserved for the signature container (hex digits, as it counts)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    signature = PdfFileReader(BytesIO(sealed)).embedded_signatures[0]
    return 2 * len(signature.sig_object.raw_get("/Contents"))


def _load_certificate(path: Path) -> Any:
    from asn1crypto import pem, x509

    data = path.read_bytes()
    if pem.detect(data):
        _type, _headers, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def trust_roots() -> list[Any]:
    if settings.SEAL_TRUST_ROOTS:
        return [_load_certificate(Path(p)) for p in settings.SEAL_TRUST_ROOTS]
    signer = get_signer()
    return [signer.signing_cert, *signer.cert_registry]


@dataclass
class SealCheck:
    """What a seal check found. `authentic_seal` is the one answer that matters."""

    readable: bool
    signed: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer: str = ""
    signed_at: datetime | None = None
    problem: str = ""
    # Sealed with a development or test certificate: the seal may be sound, but it is not the
    # region's real one (/verify/ says so).
    test_certificate: bool = False

    @property
    def authentic_seal(self) -> bool:
        return (
            self.signed and self.intact and self.valid and self.trusted and self.covers_whole_file
        )


def _signer_name(certificate: Any) -> str:
    subject = certificate.subject.native
    name = subject.get("common_name", "")
    organisation = subject.get("organization_name", "")
    return f"{name} ({organisation})" if organisation and organisation not in name else name


def is_test_certificate(certificate: Any) -> bool:
    """Made for development or tests: by `core.certificates` (which marks its subjects), or
    self-signed, which the region's real sealing certificate, issued by a CA, never is."""
    from core.certificates import TEST_CERTIFICATE_UNIT

    unit = certificate.subject.native.get("organizational_unit_name", "")
    units = unit if isinstance(unit, list) else [unit]
    return TEST_CERTIFICATE_UNIT in units or certificate.self_signed in ("yes", "maybe")


def check_seal(pdf: bytes) -> SealCheck:
    """Validate the last signature of `pdf` against our trust anchors (no network access)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:
        # Whatever a hostile file makes the parser raise (PdfReadError, ValueError, KeyError...
        # and RecursionError for 100 000 nested arrays) means one thing: we cannot read it.
        return SealCheck(readable=False, problem=f"{type(exc).__name__}: {exc}"[:500])
    if not signatures:
        return SealCheck(readable=True, problem="no signature")
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    try:
        status = _outside_event_loop(lambda: validate_pdf_signature(signatures[-1], context))
    except Exception as exc:  # a damaged signature can fail in many ways; report, never crash
        return SealCheck(readable=True, signed=True, problem=f"{type(exc).__name__}: {exc}")
    return SealCheck(
        readable=True,
        signed=True,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=_signer_name(status.signing_cert),
        signed_at=status.signer_reported_dt,
        test_certificate=is_test_certificate(status.signing_cert),
    )


def check_seal_within(pdf: bytes, *, seconds: float) -> SealCheck:
    """`check_seal` in a child process that may spend at most `seconds` of CPU.

    The public verification page parses whatever anyone uploads. A PDF's structure can make the
    parser work for a long time (20 MB of whitespace before %%EOF took 20-40 s of CPU), which
    would tie up an app server's worker per upload. The child is forked (no start-up cost),
    limited by RLIMIT_CPU and killed when it runs over; a file that cannot be read in time is
    "unreadable". Nothing in the child touches the database.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_check_in_child, args=(pdf, sender, seconds), daemon=True)
    child.start()
    sender.close()
    result: SealCheck | None = None
    try:
        if receiver.poll(seconds + 2):  # CPU time is limited in the child; this bounds the wait
            result = receiver.recv()
    except (EOFError, OSError):
        result = None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if result is None:
        return SealCheck(readable=False, problem=f"not readable within {seconds} s of CPU")
    return result


def _check_in_child(pdf: bytes, sender: Any, seconds: float) -> None:
    limit = max(1, math.ceil(seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))
    try:
        sender.send(check_seal(pdf))
    finally:
        sender.close()
