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

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.stamp import TextStampStyle

from motcua.documents import keystore

# Signature box of the signer on the last page, in PDF points from the bottom-left corner.
# Integers: pyHanko's layout arithmetic uses fractions of ints.
SIGNER_BOX = (340, 110, 520, 190)
SEAL_SIDE = 96
BYTES_RESERVED = 12288
ISO_FORMAT = "%Y-%m-%dT%H:%M:%S%z"

_cache_lock = threading.Lock()
_signer_cache: dict[tuple[int, str], signers.Signer] = {}


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


@contextmanager
def _pkcs11_signer(credential: Any) -> Iterator[signers.Signer]:
    """A signer on the configured PKCS#11 token (USB token or HSM)."""
    module = settings.MOTCUA_PKCS11_MODULE
    if not module:
        raise ImproperlyConfigured(
            "MOTCUA_SIGNING_BACKEND=pkcs11 needs MOTCUA_PKCS11_MODULE (the token's PKCS#11 library)."
        )
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    try:
        session = open_pkcs11_session(
            module,
            token_criteria=TokenCriteria(label=settings.MOTCUA_PKCS11_TOKEN_LABEL or None),
            user_pin=settings.MOTCUA_PKCS11_PIN or None,
        )
    except Exception as exc:  # python-pkcs11 raises many types; report them as configuration
        raise ImproperlyConfigured(f"Cannot open the PKCS#11 token ({module}): {exc}") from exc
    try:
        yield PKCS11Signer(
            session,
            key_label=credential.pkcs11_key_label or None,
            cert_label=credential.pkcs11_key_label or None,
        )
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


def configured_timestamper() -> TimeStamper | None:
    url = settings.MOTCUA_TSA_URL
    return HTTPTimeStamper(url, timeout=10) if url else None


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
    pdf_signer.sign_pdf(
        writer,
        output=output,
        bytes_reserved=BYTES_RESERVED if timestamper is None else BYTES_RESERVED * 2,
    )
    return output.getvalue()
