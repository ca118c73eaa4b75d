"""Demo signature and seal images (PNG, transparent background), drawn with Pillow.

Decree 30/2020 Appendix I: the signer's image is a blue handwritten signature; the seal is red,
actual size. These are clearly demo drawings with the word "DEMO" in them."""

from __future__ import annotations

import functools
import hashlib
import io
import math

from PIL import Image, ImageDraw, ImageFont

BLUE = (18, 52, 170, 255)
RED = (205, 20, 30, 255)


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    from motcua.records.documents.fonts import resolve_fonts  # lazy: see documents/__init__

    fonts = resolve_fonts()
    return ImageFont.truetype(fonts.bold if bold else fonts.regular, size)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@functools.lru_cache(maxsize=128)
def signature_png(name: str) -> bytes:
    """A blue scribble derived from the name (stable for a name) over the word DEMO."""
    width, height = 480, 180
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    seed = hashlib.sha256(name.encode()).digest()
    points = []
    for index in range(24):
        x = 30 + index * (width - 60) / 23
        wave = math.sin(index * 0.9 + seed[index % 32] / 40) * 45
        points.append((x, height / 2 + wave - (seed[(index + 7) % 32] % 20)))
    draw.line(points, fill=BLUE, width=6, joint="curve")
    draw.line([(40, height - 45), (width - 60, height - 60)], fill=BLUE, width=4)
    draw.text((width - 120, 8), "DEMO", fill=BLUE, font=_font(26, bold=True))
    return _png(image)


@functools.lru_cache(maxsize=128)
def seal_png(agency_name: str) -> bytes:
    """A red round seal with the agency name around a star and the word DEMO."""
    size = 420
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    draw.ellipse([8, 8, size - 8, size - 8], outline=RED, width=12)
    draw.ellipse([70, 70, size - 70, size - 70], outline=RED, width=5)
    star = []
    for index in range(10):
        radius = 60 if index % 2 == 0 else 24
        angle = -math.pi / 2 + index * math.pi / 5
        star.append((centre + radius * math.cos(angle), centre - 20 + radius * math.sin(angle)))
    draw.polygon(star, fill=RED)
    font = _font(40, bold=True)
    text = "DEMO"
    box = draw.textbbox((0, 0), text, font=font)
    draw.text((centre - (box[2] - box[0]) / 2, centre + 50), text, fill=RED, font=font)
    letters = agency_name.upper()[:34]
    small = _font(26, bold=True)
    span = math.pi * 1.5
    for index, letter in enumerate(letters):
        angle = math.pi * 0.75 + span * (index + 0.5) / max(len(letters), 1)
        x = centre + 168 * math.cos(angle)
        y = centre + 168 * math.sin(angle)
        glyph = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((8, 2), letter, fill=RED, font=small)
        rotated = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        image.alpha_composite(rotated, (int(x - 20), int(y - 20)))
    return _png(image)
