"""Scanned files (PDF, JPEG, PNG) recognised by their content **and parsed**: a file is a PDF
when pyHanko can read its cross-reference table and catalogue, an image when Pillow decodes it.
A file that only *starts* like a PDF or an image is refused, and so is a file whose signature is
not at its very first byte (an HTML page mentioning ``%PDF-`` is not a PDF). An image is measured
from its header before any pixel is decoded: above ``MOTCUA_SCAN_MAX_MEGAPIXELS`` (default 40, a
600 dpi A4 page is about 35) it is refused, so that a small, highly compressed file cannot make
the server decode hundreds of megabytes (docs/security.md).

Used for the digitised documents of this app and for the desk's scans (records intake form)."""

from __future__ import annotations

import io
import warnings

from django.conf import settings

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class ScanRefused(ValueError):
    """``problem``: ``type`` (not a PDF, JPEG or PNG), ``pdf`` (a PDF that cannot be read),
    ``image`` (an image that does not decode) or ``pixels`` (an image larger than
    :func:`max_megapixels`)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def sniff(data: bytes) -> str | None:
    """``pdf``, ``jpg`` or ``png`` by the signature at offset 0; None for anything else (ISO
    32000 tolerates a PDF header within the first 1024 bytes; we do not, so that a file of
    another type cannot pass for a PDF by mentioning ``%PDF-``)."""
    if data.startswith(JPEG_MAGIC):
        return "jpg"
    if data.startswith(PNG_MAGIC):
        return "png"
    if data.startswith(PDF_MAGIC):
        return "pdf"
    return None


def max_megapixels() -> int:
    """``MOTCUA_SCAN_MAX_MEGAPIXELS``: the largest image accepted, in millions of pixels."""
    return int(getattr(settings, "MOTCUA_SCAN_MAX_MEGAPIXELS", 40))


def pixels_message() -> str:
    """What the desk, the API and the digitised documents say of an image over the limit."""
    from django.utils.translation import gettext as _

    return _(
        "The image is larger than %(max)s megapixels: scan the document again at a lower "
        "resolution (300 dpi is enough)."
    ) % {"max": max_megapixels()}


def read_scan(data: bytes) -> str:
    """The kind of a scan (``pdf``, ``jpg``, ``png``) once parsed; :class:`ScanRefused` else."""
    kind = sniff(data)
    if kind is None:
        raise ScanRefused("type")
    if kind == "pdf":
        _read_pdf(data)
    else:
        _decode_image(data)
    return kind


def _read_pdf(data: bytes) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        PdfFileReader(io.BytesIO(data), strict=False).root  # noqa: B018 - reads the catalogue
    except Exception as exc:  # a damaged or hostile file breaks the parser in many ways
        raise ScanRefused("pdf") from exc


def _decode_image(data: bytes) -> None:
    from PIL import Image

    limit = max_megapixels() * 1_000_000
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # reads the header only
                width, height = image.size
                if width * height > limit:
                    raise ScanRefused("pixels")
                image.verify()  # the structure (PNG chunk checksums)
            with Image.open(io.BytesIO(data)) as image:
                if image.format == "JPEG":
                    image.draft("L", (1, 1))  # decode at 1/8 scale: every block is read
                image.load()  # the pixels
    except ScanRefused:
        raise
    except Exception as exc:  # UnidentifiedImageError, OSError (truncated), bombs, ...
        raise ScanRefused("image") from exc
