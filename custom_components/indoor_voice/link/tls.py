"""TLS 1.3 contexts for both ends. Trust is pinning, never a certificate authority.

Python's `ssl` loads keys only from files. The key is written, encrypted under a random
one-time password, into a private temporary folder that is removed at once, so no usable
key ever rests outside its owner's store. Building a context reads files: call these from
an executor thread.
"""

from __future__ import annotations

import os
import secrets
import ssl
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from .identity import Identity


def _load_identity(context: ssl.SSLContext, identity: Identity) -> None:
    password = secrets.token_urlsafe(32).encode("ascii")
    key = serialization.load_pem_private_key(identity.key_pem, password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password),
    )
    with tempfile.TemporaryDirectory(prefix="indoor-voice-") as folder:
        path = Path(folder) / "identity.pem"
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
            file.write(identity.certificate_pem + encrypted)
        context.load_cert_chain(path, password=password)


def client_context(identity: Identity | None) -> ssl.SSLContext:
    """For Home Assistant: no CA check (the caller pins the satellite's fingerprint).

    Without an identity the context is for pairing, where Home Assistant's certificate
    travels inside the proof instead of the handshake.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if identity is not None:
        _load_identity(context, identity)
    return context


def server_context(identity: Identity, paired_certificate_pem: bytes | None) -> ssl.SSLContext:
    """For the satellite: a client certificate is requested and must be the paired one.

    A client without a certificate may only pair. The paired certificate is the only trust
    anchor, so any other certificate fails the handshake. No session tickets: every
    connection authenticates in full, and revoking a pairing takes effect at once.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.verify_mode = ssl.CERT_OPTIONAL
    context.num_tickets = 0
    _load_identity(context, identity)
    if paired_certificate_pem is not None:
        context.load_verify_locations(cadata=paired_certificate_pem.decode("ascii"))
    return context
