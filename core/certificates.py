"""Making certificates for development and tests (never for production: there the region's
real sealing certificate comes from the environment)."""

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

# Every certificate made here says in its subject that it is for testing, so /verify/ can tell
# a document sealed with one from one sealed with the region's real certificate
# (core.sealing.is_test_certificate).
TEST_CERTIFICATE_UNIT = "Testcertifikat"


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, TEST_CERTIFICATE_UNIT),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_certificate(
    *,
    common_name: str,
    organisation: str = "Region Halland",
    issuer: tuple[x509.Certificate, rsa.RSAPrivateKey] | None = None,
    is_ca: bool = False,
    days: int = 5 * 365,
    key_size: int = 3072,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """An RSA key and its certificate, self-signed unless `issuer` is given."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    subject = _name(common_name, organisation)
    issuer_cert, issuer_key = issuer if issuer else (None, key)
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not is_ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=is_ca,
                crl_sign=is_ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    cert = builder.sign(issuer_key, hashes.SHA256())
    return cert, key


def pkcs12_bytes(
    cert: x509.Certificate,
    key: rsa.RSAPrivateKey,
    passphrase: str,
    chain: list[x509.Certificate] | None = None,
) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        name=b"seal",
        key=key,
        cert=cert,
        cas=chain or None,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)
