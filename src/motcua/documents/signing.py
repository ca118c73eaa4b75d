"""PAdES signing with pyHanko.

- Baseline B-B; B-T (an RFC 3161 signature timestamp) when ``MOTCUA_TSA_URL`` is set or a
  timestamper is passed (tests pass pyHanko's DummyTimeStamper or a local TSA).
- Every signature is an incremental update, so earlier signatures stay valid.
- Visible appearance per Decree 30/2020 Appendix I: the signer's image (blue signature), the
  seal image placed over the left third of it, the signing time in ISO 8601 (Vietnam time).
- Keys: a PKCS#12 archive decrypted in memory (documents/keystore.py), or a PKCS#11 token/HSM
  when ``MOTCUA_SIGNING_BACKEND=pkcs11``.
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper, TimestampRequestError
from pyhanko.stamp import TextStampStyle

from motcua.core.errors import DomainError
from motcua.documents import keystore

# Signature box of the signer on the last page, in PDF points from the bottom-left corner.
# Integers: pyHanko's layout arithmetic uses fractions of ints.
SIGNER_BOX = (340, 110, 520, 190)
SEAL_SIDE = 96
BYTES_RESERVED = 12288
ISO_FORMAT = "%Y-%m-%dT%H:%M:%S%z"

_cache_lock = threading.Lock()
_signer_cache: dict[tuple[int, str], signers.Signer] = {}
_pkcs11_lock = threading.Lock()


@dataclass(frozen=True)
class Placement:
    page: int
    box: tuple[int, int, int, int]


def signer_placement(page: int) -> Placement:
    return Placement(page=page, box=SIGNER_BOX)


def seal_placement(page: int) -> Placement:
    """The seal overlaps about a third of the signer's image on the left (Decree 30/2020)."""
    x1, y1, x2, y2 = SIGNER_BOX
    right = x1 + (x2 - x1) // 3
    middle = (y1 + y2) // 2
    half = SEAL_SIDE // 2
    return Placement(page=page, box=(right - SEAL_SIDE, middle - half, right, middle + half))


def _pkcs12_signer(credential: Any) -> signers.Signer:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    key_cache = (credential.pk, credential.updated_at.isoformat())
    with _cache_lock:
        cached = _signer_cache.get(key_cache)
    if cached is not None:
        return cached
    if not credential.pkcs12:
        raise ImproperlyConfigured(f"Credential {credential.pk} has no stored key.")
    key, certificate, chain = keystore.unwrap(bytes(credential.pkcs12), bytes(credential.salt))
    # Hand pyHanko an unencrypted in-memory archive (no second key derivation per signature).
    plain = pkcs12.serialize_key_and_certificates(
        None,
        key,  # type: ignore[arg-type]
        certificate,
        chain or None,
        serialization.NoEncryption(),
    )
    signer = signers.SimpleSigner.load_pkcs12_data(plain, other_certs=[], passphrase=None)
    with _cache_lock:
        _signer_cache[key_cache] = signer
    return signer


class SigningUnavailable(DomainError):
    """The token or the timestamp server could not be used: nothing was signed or stored."""

    status_code = 503
    code = "signing_unavailable"


def _pkcs11_library(module: str) -> Any:
    import pkcs11

    try:
        return pkcs11.lib(module)
    except Exception as exc:  # a missing file, a wrong architecture, a failing C_Initialize
        raise ImproperlyConfigured(
            f"Cannot load the PKCS#11 module MOTCUA_PKCS11_MODULE={module}: {exc!r}"
        ) from exc


def _pkcs11_session(module: str) -> Any:
    """Log in to the configured token; every failure is a message naming what to fix."""
    from pkcs11 import exceptions as p11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import find_token

    library = _pkcs11_library(module)
    label = settings.MOTCUA_PKCS11_TOKEN_LABEL or ""
    try:
        token = find_token(
            library.get_slots(token_present=True),
            token_criteria=TokenCriteria(label=label) if label else None,
        )
    except p11.PKCS11Error as exc:
        token = None
        detail = str(exc) or type(exc).__name__
    else:
        detail = ""
    if token is None:
        raise SigningUnavailable(
            _(
                "The signing token “%(label)s” is not present (MOTCUA_PKCS11_TOKEN_LABEL). "
                "%(detail)s"
            )
            % {"label": label, "detail": detail}
        )
    try:
        return token.open(user_pin=settings.MOTCUA_PKCS11_PIN or None)
    except (p11.PinIncorrect, p11.PinInvalid, p11.PinLenRange, p11.ArgumentsBad) as exc:
        raise SigningUnavailable(
            _("The signing token refused the PIN (MOTCUA_PKCS11_PIN); nothing was signed.")
        ) from exc
    except p11.PinLocked as exc:
        raise SigningUnavailable(
            _("The signing token's PIN is locked; unlock it with the security officer's PIN.")
        ) from exc
    except p11.PKCS11Error as exc:
        raise SigningUnavailable(
            _("The signing token cannot be opened (%(error)s).") % {"error": type(exc).__name__}
        ) from exc


def _chain(credential: Any) -> list[Any]:
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509

    text = (credential.chain_pem or "").encode()
    if not text.strip():
        return []
    return [asn1_x509.Certificate.load(der) for _type, _h, der in asn1_pem.unarmor(text, True)]


def _registered_certificate(credential: Any) -> bytes:
    from asn1crypto import pem as asn1_pem

    _type, _headers, der = asn1_pem.unarmor(credential.certificate_pem.encode())
    return bytes(der)


@contextmanager
def _pkcs11_signer(credential: Any) -> Iterator[signers.Signer]:
    """A signer on the configured PKCS#11 token (USB token or HSM).

    The credential's ``pkcs11_key_label`` names both the private key and its certificate on the
    token; the certificate must be the one registered for the credential. The registered issuer
    chain is embedded in the signature. One signature at a time per process: PKCS#11 logins are
    per application, not per session."""
    from pkcs11 import exceptions as p11
    from pyhanko.sign.pkcs11 import PKCS11Signer

    module = settings.MOTCUA_PKCS11_MODULE
    if not module:
        raise ImproperlyConfigured(
            "MOTCUA_SIGNING_BACKEND=pkcs11 needs MOTCUA_PKCS11_MODULE (the token's PKCS#11 library)."
        )
    _pkcs11_library(module)  # a broken module is a configuration error, whatever the key
    label = credential.pkcs11_key_label or ""
    if not label:
        raise SigningUnavailable(
            _("The signing certificate “%(label)s” has no PKCS#11 key label.")
            % {"label": credential.label}
        )
    with _pkcs11_lock:
        session = _pkcs11_session(module)
        try:
            # Raw mechanisms (CKM_ECDSA, CKM_RSA_PKCS): the digest of the signed attributes is
            # computed here and the token only signs it. Every token has them; many (SoftHSM2,
            # most USB tokens) have no hash-then-sign mechanism such as CKM_ECDSA_SHA256.
            signer = PKCS11Signer(
                session,
                key_label=label,
                cert_label=label,
                ca_chain=_chain(credential),
                use_raw_mechanism=True,
            )
            try:
                on_token = signer.signing_cert  # loads the key and certificate now
            except p11.PKCS11Error as exc:
                raise SigningUnavailable(
                    _(
                        "The key or certificate “%(key)s” is not on the signing token; "
                        "nothing was signed."
                    )
                    % {"key": label}
                ) from exc
            if on_token.dump() != _registered_certificate(credential):
                raise SigningUnavailable(
                    _(
                        "The certificate “%(key)s” on the signing token is not the one "
                        "registered for “%(label)s”; nothing was signed."
                    )
                    % {"key": label, "label": credential.label}
                )
            yield signer
        except p11.PKCS11Error as exc:
            raise SigningUnavailable(
                _("The signing token failed while signing (%(error)s); nothing was signed.")
                % {"error": str(exc) or type(exc).__name__}
            ) from exc
        finally:
            session.close()


@contextmanager
def signer_for(credential: Any) -> Iterator[signers.Signer]:
    backend = settings.MOTCUA_SIGNING_BACKEND
    if backend == "pkcs11":
        with _pkcs11_signer(credential) as signer:
            yield signer
    elif backend == "pkcs12":
        yield _pkcs12_signer(credential)
    else:
        raise ImproperlyConfigured(
            f"MOTCUA_SIGNING_BACKEND must be 'pkcs12' or 'pkcs11', not {backend!r}."
        )


class _CheckedHTTPTimeStamper(HTTPTimeStamper):
    """pyHanko's HTTP client, with an unreadable reply reported like any other TSA failure."""

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> Any:
        try:
            return await super().async_timestamp(message_digest, md_algorithm)
        except TimestampRequestError:
            raise
        except (ValueError, TypeError, KeyError, OSError) as exc:
            raise TimestampRequestError("Timestamp server response is malformed") from exc


def configured_timestamper() -> TimeStamper | None:
    url = settings.MOTCUA_TSA_URL
    if not url:
        return None
    headers = {}
    username = settings.MOTCUA_TSA_USERNAME
    if username:  # HTTP basic authentication, as a header (aiohttp deprecates its auth argument)
        pair = f"{username}:{settings.MOTCUA_TSA_PASSWORD}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    return _CheckedHTTPTimeStamper(
        url, timeout=settings.MOTCUA_TSA_TIMEOUT_SECONDS, headers=headers
    )


def last_page_index(data: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data))
    return int(reader.root["/Pages"]["/Count"]) - 1


def sign_pdf(
    data: bytes,
    *,
    signer: signers.Signer,
    field_name: str,
    placement: Placement,
    image_png: bytes = b"",
    reason: str = "",
    timestamper: TimeStamper | None = None,
    show_time: bool = True,
) -> bytes:
    """Add one PAdES signature (B-B, or B-T with a timestamper) as an incremental update.

    The appearance is ``image_png`` with, underneath, the signing time in ISO 8601 when
    ``show_time`` (the seal drawn over the signer's image shows no second time)."""
    from PIL import Image

    style_kwargs: dict[str, Any] = {
        "stamp_text": "%(ts)s" if show_time else "",
        # pyHanko fills ts with the signature's own signing time (Vietnam time, ISO 8601).
        "timestamp_format": ISO_FORMAT,
        "border_width": 0,
        "text_box_style": TextBoxStyle(font_size=7),
        "inner_content_layout": SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MIN,
            margins=Margins(left=0, right=0, top=0, bottom=1),
        ),
        "background_opacity": 1.0,
    }
    if image_png:
        style_kwargs["background"] = PdfImage(Image.open(io.BytesIO(image_png)))
        style_kwargs["background_layout"] = SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MAX,
            margins=Margins(left=2, right=2, top=2, bottom=11 if show_time else 2),
        )
    stamp = TextStampStyle(**style_kwargs)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=settings.MOTCUA_PROVINCE_NAME,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=timestamper,
        stamp_style=stamp,
        new_field_spec=fields.SigFieldSpec(field_name, on_page=placement.page, box=placement.box),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    output = io.BytesIO()
    try:
        pdf_signer.sign_pdf(
            writer,
            output=output,
            bytes_reserved=BYTES_RESERVED if timestamper is None else BYTES_RESERVED * 2,
        )
    except TimestampRequestError as exc:
        raise SigningUnavailable(
            _(
                "The timestamp server did not give a timestamp (%(error)s); nothing was signed. "
                "Try again later."
            )
            % {"error": _timestamp_error(exc)}
        ) from exc
    return output.getvalue()


def _timestamp_error(exc: BaseException) -> str:
    """The TSA failure in a few words: pyHanko's message and the underlying cause."""
    parts = [str(exc)]
    cause = exc.__cause__
    if cause is not None:
        parts.append(str(cause) or type(cause).__name__)
    return ": ".join(part for part in parts if part)[:300]
