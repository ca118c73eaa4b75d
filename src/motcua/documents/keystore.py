"""Signing keys at rest: PKCS#12 archives encrypted with a password derived from
``MOTCUA_KEY_ENCRYPTION_KEY`` (HKDF-SHA256 with a random per-credential salt).

The database holds the archive and the salt, never the password: a copy of the database without
the key-encryption key yields no private key."""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import Certificate
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

INFO = b"motcua/documents/pkcs12-password/v1"
MIN_KEY_LENGTH = 32


def key_encryption_key() -> bytes:
    key = settings.MOTCUA_KEY_ENCRYPTION_KEY or ""
    if len(key) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            "Set MOTCUA_KEY_ENCRYPTION_KEY (at least 32 random characters, kept out of the "
            "repository) to store or use signing keys."
        )
    return key.encode()


def new_salt() -> bytes:
    return os.urandom(16)


def password(salt: bytes) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=INFO).derive(
        key_encryption_key()
    )
    return base64.urlsafe_b64encode(derived)


def wrap(
    *, key: PrivateKeyTypes, certificate: Certificate, chain: list[Certificate], salt: bytes
) -> bytes:
    """A PKCS#12 archive of the key, its certificate and chain, encrypted (AES-256)."""
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(2048)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(password(salt))
    )
    return pkcs12.serialize_key_and_certificates(
        None,
        key,  # type: ignore[arg-type]
        certificate,
        chain or None,
        encryption,
    )


def unwrap(archive: bytes, salt: bytes) -> tuple[PrivateKeyTypes, Certificate, list[Certificate]]:
    key, certificate, chain = pkcs12.load_key_and_certificates(archive, password(salt))
    if key is None or certificate is None:
        raise ValueError("PKCS#12 archive without key or certificate")
    return key, certificate, list(chain)
