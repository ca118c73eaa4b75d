"""Scanned files (PDF, JPEG, PNG) recognised by their content **and parsed**: a file is a PDF
when pyHanko can read its cross-reference table and catalogue, an image when Pillow decodes it.
A file that only *starts* like a PDF or an image is refused.

Used for the digitised documents of this app and for the desk's scans (records intake form)."""

from __future__ import annotations

import io
import warnings

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class ScanRefused(ValueError):
    """``problem``: ``type`` (not a PDF, JPEG or PNG), ``pdf`` (a PDF that cannot be read) or
    ``image`` (an image that does not decode)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def sniff(data: bytes) -> str | None:
    """``pdf``, ``jpg`` or ``png`` by the first bytes (the PDF header may come within the first
    1024 bytes, ISO 32000's tolerance); None for anything else."""
    if data.startswith(JPEG_MAGIC):
        return "jpg"
    if data.startswith(PNG_MAGIC):
        return "png"
    if PDF_MAGIC in data[:1024]:
        return "pdf"
    return None


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

    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.verify()  # the structure (PNG chunk checksums)
            with Image.open(io.BytesIO(data)) as image:
                if image.format == "JPEG":
                    image.draft("L", (1, 1))  # decode at 1/8 scale: every block is read
                image.load()  # the pixels
    except Exception as exc:  # UnidentifiedImageError, OSError (truncated), bombs, ...
        raise ScanRefused("image") from exc
