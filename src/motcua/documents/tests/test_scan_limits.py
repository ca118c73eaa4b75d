"""Scan validation (documents.scans): the signature must be at offset 0, and an image whose
dimensions exceed ``MOTCUA_SCAN_MAX_MEGAPIXELS`` is refused from its header, before a pixel is
decoded (a black 48-megapixel PNG is a few kilobytes; decoded it would be ~150 MB)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from motcua.documents import scans
from motcua.documents.tests.scan_files import minimal_pdf, png

HTML_WITH_PDF_COMMENT = b"<!DOCTYPE html>\n<!-- %PDF- -->\n<html><body>hi</body></html>\n"


def large_png(width: int, height: int) -> bytes:
    """A 1-bit PNG: width * height / 8 bytes in memory while built (6 MB for 48 MP), a few KB
    compressed."""
    buffer = io.BytesIO()
    Image.new("1", (width, height), 0).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_signature_must_be_at_the_start():
    assert scans.sniff(HTML_WITH_PDF_COMMENT) is None
    assert scans.sniff(b"  " + minimal_pdf()) is None
    assert scans.sniff(minimal_pdf()) == "pdf"
    with pytest.raises(scans.ScanRefused) as refused:
        scans.read_scan(HTML_WITH_PDF_COMMENT + minimal_pdf())
    assert refused.value.problem == "type"


def test_an_image_over_the_pixel_limit_is_refused_before_decoding(settings):
    settings.MOTCUA_SCAN_MAX_MEGAPIXELS = 40
    data = large_png(8000, 6000)  # 48 MP: under Pillow's own bomb limit (~89 MP)
    assert len(data) < 100_000
    with pytest.raises(scans.ScanRefused) as refused:
        scans.read_scan(data)
    assert refused.value.problem == "pixels"
    # Refused from the header alone: the same file cut just after the start of its pixel data is
    # refused the same way (decoding it would have failed with "image").
    header = data[: data.index(b"IDAT") + 16]
    with pytest.raises(scans.ScanRefused) as refused:
        scans.read_scan(header)
    assert refused.value.problem == "pixels"


def test_the_limit_is_a_setting(settings):
    settings.MOTCUA_SCAN_MAX_MEGAPIXELS = 1
    with pytest.raises(scans.ScanRefused) as refused:
        scans.read_scan(png(1001, 1000))
    assert refused.value.problem == "pixels"
    assert scans.read_scan(png(1000, 1000)) == "png"
