"""The TrueType fonts embedded in the printed forms, resolved at run time.

Vietnamese needs precomposed glyphs such as "Ấ", "Ở", "ự"; the 14 PDF core fonts have none and
several common system fonts lack them too (the Liberation fonts shipped with Debian 12, for
instance). Resolution order:

1. ``settings.MOTCUA_PDF_FONT`` / ``MOTCUA_PDF_FONT_BOLD`` when set (a set font that is missing
   or has no Vietnamese glyphs is a configuration error, never silently replaced);
2. known paths of serif then sans fonts that cover Vietnamese (Times New Roman, the font of
   Vietnamese administrative documents, when installed; then DejaVu and Noto from Debian's
   ``fonts-dejavu-core`` / ``fonts-noto-core``);
3. ``fc-match`` for any installed font with Vietnamese coverage.

Every candidate is checked for the glyphs in ``VIETNAMESE_SAMPLE`` before it is used.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Every letter with a diacritic Vietnamese uses, upper and lower case.
VIETNAMESE_SAMPLE = (
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
)

# (regular, bold, italic) candidates, best first. Times New Roman is the font Decree 30/2020
# prescribes for administrative documents; DejaVu Serif is the closest free font that ships with
# Debian and covers Vietnamese.
KNOWN_FONTS: tuple[tuple[str, str, str], ...] = (
    (
        "/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf",
        "/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman_Bold.ttf",
        "/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman_Italic.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Italic.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf",
    ),
)

# fontconfig patterns tried last: (regular, bold, italic).
FC_PATTERNS = ("serif:lang=vi", "serif:lang=vi:weight=bold", "serif:lang=vi:slant=italic")

HELP = (
    "Install a font with Vietnamese glyphs (Debian: apt-get install fonts-dejavu-core or "
    "fonts-noto-core) or set MOTCUA_PDF_FONT and MOTCUA_PDF_FONT_BOLD to .ttf files that have them."
)


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    italic: str  # the regular font when no italic is available


@functools.lru_cache(maxsize=64)
def _covers_vietnamese(path: str, mtime: float) -> bool:
    """Whether the TrueType/OpenType file has a glyph for every Vietnamese letter (cached per
    file version)."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            cmap = font.getBestCmap() or {}
    except (OSError, TTLibError, AssertionError):
        return False
    return all(ord(char) in cmap for char in VIETNAMESE_SAMPLE)


def usable(path: str) -> bool:
    """An existing, readable font file that covers Vietnamese."""
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return False
    return Path(path).is_file() and _covers_vietnamese(path, mtime)


def _from_setting(name: str) -> str:
    path = getattr(settings, name, "") or ""
    if not path:
        return ""
    if not Path(path).is_file():
        raise ImproperlyConfigured(f"{name}={path!r}: no such font file. {HELP}")
    if not usable(path):
        raise ImproperlyConfigured(
            f"{name}={path!r} is not a TrueType font with Vietnamese glyphs (e.g. “Ấ”, “ự”). {HELP}"
        )
    return path


def _fc_match(pattern: str) -> str:
    executable = shutil.which("fc-match")
    if not executable:
        return ""
    try:
        # A fixed argument list without a shell; the pattern is one of FC_PATTERNS.
        completed = subprocess.run(  # noqa: S603
            [executable, "-f", "%{file}", pattern],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    path = completed.stdout.strip()
    return path if completed.returncode == 0 and path.lower().endswith((".ttf", ".otf")) else ""


def resolve_fonts() -> FontSet:
    """The fonts to embed, or ``ImproperlyConfigured`` naming the settings to fix."""
    regular = _from_setting("MOTCUA_PDF_FONT")
    bold = _from_setting("MOTCUA_PDF_FONT_BOLD")
    if regular:
        # A configured regular font without a configured bold one: headings use the regular
        # font rather than a bold face of another family.
        return FontSet(regular=regular, bold=bold or regular, italic=regular)
    if bold:
        raise ImproperlyConfigured(
            f"MOTCUA_PDF_FONT_BOLD is set but MOTCUA_PDF_FONT is not. {HELP}"
        )
    for regular_path, bold_path, italic_path in KNOWN_FONTS:
        if usable(regular_path) and usable(bold_path):
            return FontSet(
                regular=regular_path,
                bold=bold_path,
                italic=italic_path if usable(italic_path) else regular_path,
            )
    matched = [_fc_match(pattern) for pattern in FC_PATTERNS]
    if matched[0] and usable(matched[0]):
        bold_match = matched[1] if matched[1] and usable(matched[1]) else matched[0]
        italic_match = matched[2] if matched[2] and usable(matched[2]) else matched[0]
        return FontSet(regular=matched[0], bold=bold_match, italic=italic_match)
    raise ImproperlyConfigured(
        f"No TrueType font with Vietnamese glyphs was found for the printed forms. {HELP}"
    )
