"""Long-term identities: an EC P-256 key and a self-signed certificate, held as PEM bytes."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

# A Pi has no real-time clock and may boot with a wrong date, so validity is as wide as X.509
# allows: trust comes from pinning, never from dates.
_NOT_BEFORE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_NOT_AFTER = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)


@dataclass(frozen=True, repr=False)
class Identity:
    """A private key and its certificate, both PEM. `repr` never shows the key."""

    key_pem: bytes
    certificate_pem: bytes

    @property
    def fingerprint(self) -> str:
        return certificate_fingerprint(self.certificate_pem)

    def __repr__(self) -> str:
        return f"Identity(fingerprint={self.fingerprint})"


def generate_identity(common_name: str) -> Identity:
    """A new key and self-signed certificate (a few milliseconds of CPU: use an executor)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "indoor-voice")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Identity(
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
    )


def certificate_der(certificate_pem: bytes) -> bytes:
    """The DER form of a PEM certificate; ValueError if it is not one."""
    return x509.load_pem_x509_certificate(certificate_pem).public_bytes(serialization.Encoding.DER)


def certificate_fingerprint(certificate: bytes) -> str:
    """SHA-256 of the certificate's DER form, as 64 lowercase hex digits (PEM or DER input)."""
    der = certificate_der(certificate) if certificate.lstrip().startswith(b"-----") else certificate
    return hashlib.sha256(der).hexdigest()
