"""Font resolution for the printed forms: the settings win, known paths and fontconfig come
next, every candidate must have Vietnamese glyphs, and a missing font is a clear error."""

import os
import re
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from fontTools import subset
from fontTools.ttLib import TTFont

from motcua.records.documents import fonts, receipt_pdf
from motcua.records.documents.layout import FormPDF
from motcua.records.tests.factories import receive, travel
from motcua.records.tests.factories_documents import assert_fonts_embedded, pdf_text
from motcua.records.tests.factories_documents import fonts as used_fonts


@pytest.fixture
def system():
    """The fonts this machine resolves without settings (the forms need one to exist)."""
    return fonts.resolve_fonts()


@pytest.fixture
def ascii_font(system, tmp_path):
    """A real TrueType font stripped of every non-ASCII glyph."""
    path = tmp_path / "ascii-only.ttf"
    font = TTFont(system.regular)
    subsetter = subset.Subsetter()
    subsetter.populate(unicodes=range(0x20, 0x7F))
    subsetter.subset(font)
    font.save(path)
    return str(path)


def embedded_name(path):
    """The base font name fpdf2 gives a TrueType font (its full name without spaces)."""
    with TTFont(path, lazy=True) as font:
        return re.sub("[ ()]", "", font["name"].getBestFullName())


def test_the_configured_fonts_are_the_ones_embedded(settings, system):
    settings.MOTCUA_PDF_FONT = system.bold  # any usable file will do: take the bold one
    settings.MOTCUA_PDF_FONT_BOLD = system.regular
    assert fonts.resolve_fonts() == fonts.FontSet(
        regular=system.bold, bold=system.regular, italic=system.bold
    )
    pdf = FormPDF(title="Thử")
    pdf.paragraph("Chữ thường")
    pdf.paragraph("CHỮ ĐẬM", style="B")
    data = pdf.output_bytes()
    assert_fonts_embedded(data)
    names = {name.split("+", 1)[-1] for name in used_fonts(data)}
    assert names == {embedded_name(system.bold), embedded_name(system.regular)}
    assert "CHỮ ĐẬM" in pdf_text(data)


def test_a_configured_regular_font_alone_serves_every_style(settings, system):
    settings.MOTCUA_PDF_FONT = system.regular
    settings.MOTCUA_PDF_FONT_BOLD = ""
    assert fonts.resolve_fonts() == fonts.FontSet(system.regular, system.regular, system.regular)


def test_a_missing_configured_font_names_the_setting(settings, tmp_path):
    settings.MOTCUA_PDF_FONT = str(tmp_path / "missing.ttf")
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_PDF_FONT=.*no such font file"):
        fonts.resolve_fonts()


def test_a_configured_font_without_vietnamese_glyphs_is_refused(settings, system, ascii_font):
    settings.MOTCUA_PDF_FONT = system.regular
    settings.MOTCUA_PDF_FONT_BOLD = ascii_font
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_PDF_FONT_BOLD=.*Vietnamese glyphs"):
        fonts.resolve_fonts()


def test_a_file_that_is_not_a_font_is_refused(settings, tmp_path):
    path = tmp_path / "notes.ttf"
    path.write_text("not a font")
    settings.MOTCUA_PDF_FONT = str(path)
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_PDF_FONT="):
        fonts.resolve_fonts()


def test_a_bold_font_without_a_regular_one_is_a_configuration_error(settings, system):
    settings.MOTCUA_PDF_FONT = ""
    settings.MOTCUA_PDF_FONT_BOLD = system.bold
    with pytest.raises(
        ImproperlyConfigured, match="MOTCUA_PDF_FONT_BOLD is set but MOTCUA_PDF_FONT is not"
    ):
        fonts.resolve_fonts()


def test_known_fonts_without_vietnamese_glyphs_are_skipped(monkeypatch, system, ascii_font):
    monkeypatch.setattr(
        fonts,
        "KNOWN_FONTS",
        (
            (ascii_font, ascii_font, ascii_font),
            (system.regular, system.bold, "/nonexistent/italic.ttf"),
        ),
    )
    assert fonts.resolve_fonts() == fonts.FontSet(system.regular, system.bold, system.regular)


def test_fontconfig_is_asked_when_no_known_font_exists(monkeypatch, system, tmp_path):
    """A stand-in ``fc-match`` that answers like the real one: the file of the best match."""
    script = tmp_path / "fc-match"
    script.write_text(
        "#!/bin/sh\n"
        'case "$3" in\n'
        f'  *weight=bold*) printf %s "{system.bold}" ;;\n'
        '  *slant=italic*) printf %s "/nonexistent/italic.ttf" ;;\n'
        f'  *) printf %s "{system.regular}" ;;\n'
        "esac\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(fonts, "KNOWN_FONTS", ())
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    assert fonts.resolve_fonts() == fonts.FontSet(system.regular, system.bold, system.regular)


def test_no_font_at_all_is_a_clear_error_naming_the_settings(monkeypatch, world):
    monkeypatch.setattr(
        fonts, "KNOWN_FONTS", (("/nonexistent/r.ttf", "/nonexistent/b.ttf", "/nonexistent/i.ttf"),)
    )
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)  # no fontconfig either
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with pytest.raises(ImproperlyConfigured) as caught:
        receipt_pdf(record)
    message = str(caught.value)
    assert "No TrueType font with Vietnamese glyphs" in message
    assert "MOTCUA_PDF_FONT" in message and "MOTCUA_PDF_FONT_BOLD" in message
    assert "fonts-dejavu-core" in message
