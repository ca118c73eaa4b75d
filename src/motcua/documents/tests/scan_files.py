"""Real scan files for tests: PDFs whose cross-reference table is right (of an exact size when
asked), and images Pillow decodes; plus files that only look like them."""

from __future__ import annotations

import io

from PIL import Image


def pdf(*objects: bytes, trailer: bytes = b"/Root 1 0 R") -> bytes:
    """A PDF with a correct cross-reference table around the given objects (1, 2, ...)."""
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return out


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def minimal_pdf() -> bytes:
    return pdf(CATALOG, PAGES)


def pdf_of_size(size: int) -> bytes:
    """A readable PDF of exactly ``size`` bytes (a padding stream makes up the difference)."""

    def build(padding: int) -> bytes:
        stream = b"<< /Length %010d >>\nstream\n" % padding + b"0" * padding + b"\nendstream"
        return pdf(CATALOG, PAGES, stream)

    padding = size - len(build(0))
    data = build(padding)
    while len(data) != size:  # the startxref offset has more digits in a bigger file
        padding -= len(data) - size
        data = build(padding)
    return data


def png(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 30, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


# Files that only start like scans.
FAKE_PDF = b"%PDF-1.7\n" + b"not really a PDF\n" * 8
FAKE_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FAKE_JPEG = b"\xff\xd8\xff" + b"\x00" * 64
