"""The committed Vietnamese catalogue: compiled (.mo committed and up to date) and complete."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def po_entries(path: Path) -> list[tuple[str, str, bool, bool]]:
    """(msgid, msgstr, fuzzy, plural) of every active entry of a .po file (header excluded)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) (".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if "msgid" not in fields or fields["msgid"] == "":
            continue
        plural = "msgid_plural" in fields
        msgstr = fields.get("msgstr[0]" if plural else "msgstr", "")
        entries.append((fields["msgid"], msgstr, fuzzy, plural))
    return entries


def test_vietnamese_mo_matches_the_po():
    po = po_entries(LOCALE / "vi" / "LC_MESSAGES" / "django.po")
    assert len(po) > 100
    with (LOCALE / "vi" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, msgstr, fuzzy, plural in po
        if msgstr and not fuzzy and not plural and mo.gettext(msgid) != msgstr
    ]
    assert stale == [], "run tools/i18n --compile and commit the .mo files"


def test_vietnamese_catalogue_has_no_untranslated_entry():
    missing = [
        msgid
        for msgid, msgstr, fuzzy, _plural in po_entries(LOCALE / "vi" / "LC_MESSAGES" / "django.po")
        if not msgstr or fuzzy
    ]
    assert missing == [], "translate these in src/motcua/locale/vi/LC_MESSAGES/django.po"


def test_english_catalogue_exists_compiled():
    assert (LOCALE / "en" / "LC_MESSAGES" / "django.mo").is_file()


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("Reception officer (one-stop desk)", "Cán bộ tiếp nhận (Bộ phận Một cửa)"),
        ("Agency", "Cơ quan"),
        ("Unit", "Đơn vị"),
        ("working days", "ngày làm việc"),
        ("Records", "Hồ sơ"),
    ],
)
def test_domain_terms_in_vietnamese(english, vietnamese):
    with translation.override("vi"):
        assert translation.gettext(english) == vietnamese
    with translation.override("en"):
        assert translation.gettext(english) == english
