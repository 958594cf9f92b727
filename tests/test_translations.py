"""The Arabic catalogue is whole: every string of the code is in it, translated, not fuzzy,
with its placeholders, and the committed .mo says what the .po says.

Half-translated is worse than English for an Arabic reader (English words in a right-to-left
frame, punctuation on the wrong side), so a new string without its Arabic fails here.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings

from .conftest import need_service

ROOT = Path(settings.BASE_DIR)
PO_PATH = ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# What `make messages` leaves out of makemessages (keep the two lists the same), and what
# makemessages skips anyway (hidden directories such as .venv) or has no strings.
NOT_SCANNED = ("var", "bench", "tests", "staticfiles", ".*", "__pycache__", "*.sqlite3")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]")
# A gettext call in a Jinja2 template as Django's makemessages reads it (Jinja2 files are
# read as Django templates): a string and nothing after it, first in a {{ }}, filters
# allowed. It misses calls with keyword arguments, such as _('Select %(code)s', code=...).
JINJA_GETTEXT = re.compile(r"""\{\{\s*_\((["'])(.+?)(?<!\\)\1\)\s*(?:\||\}\})""")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str | None, str]:
    return (entry.msgctxt or None, entry.msgid)


def _live(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def test_catalogue_declares_arabic_plural_forms():
    plural_forms = _catalogue().metadata["Plural-Forms"].replace(" ", "")
    assert plural_forms.startswith("nplurals=6;"), plural_forms


def test_every_string_is_translated_and_none_is_fuzzy():
    po = _catalogue()
    assert len(_live(po)) > 600, "the catalogue looks truncated"
    untranslated = [entry.msgid for entry in _live(po) if not entry.translated()]
    # translated() counts a plural entry with some forms filled; Arabic needs all six.
    untranslated += [
        entry.msgid
        for entry in _live(po)
        if entry.msgid_plural
        and (len(entry.msgstr_plural) != 6 or not all(entry.msgstr_plural.values()))
    ]
    fuzzy = [entry.msgid for entry in _live(po) if "fuzzy" in entry.flags]
    assert not untranslated, f"untranslated in {PO_PATH.name}: {untranslated}"
    assert not fuzzy, f"fuzzy in {PO_PATH.name}: {fuzzy}"


def test_translations_keep_their_placeholders():
    wrong = []
    for entry in _live(_catalogue()):
        if entry.msgid_plural:
            expected = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
            # A form may leave the number out ("one item", "two items" are words in
            # Arabic), but may not bring a placeholder the code does not pass.
            for form in entry.msgstr_plural.values():
                if not set(PLACEHOLDER.findall(form)) <= expected:
                    wrong.append(entry.msgid)
        elif set(PLACEHOLDER.findall(entry.msgstr)) != set(PLACEHOLDER.findall(entry.msgid)):
            wrong.append(entry.msgid)
    assert not wrong, f"placeholders differ from the English: {wrong}"


def test_compiled_catalogue_matches_the_po():
    po = {_key(entry): entry for entry in _live(_catalogue()) if entry.msgid}
    mo = {_key(entry): entry for entry in polib.mofile(str(MO_PATH)) if entry.msgid}
    assert po.keys() == mo.keys(), "the .mo is stale: run make messages"
    stale = [
        key[1]
        for key, entry in po.items()
        if (entry.msgstr_plural or entry.msgstr)
        != (
            {int(n): text for n, text in mo[key].msgstr_plural.items()}
            if entry.msgid_plural
            else mo[key].msgstr
        )
    ]
    assert not stale, f"the .mo is stale (run make messages): {stale}"


def test_jinja2_strings_are_in_the_catalogue():
    """makemessages reads a Jinja2 template's ``_("…")`` only as Django's own pattern finds
    it (a string and nothing after it): each call must be one that pattern reads, and its
    words must be in the catalogue."""
    msgids = {entry.msgid for entry in _live(_catalogue())}
    used: set[str] = set()
    templates = ROOT / "templates" / "jinja2"
    for path in [*templates.rglob("*.html"), *templates.rglob("*.txt")]:
        text = path.read_text()
        found = [match.group(2) for match in JINJA_GETTEXT.finditer(text)]
        calls = len(re.findall(r"\b_\(", text))
        assert len(found) == calls, f"{path.name}: a _() call makemessages would not read"
        used |= set(found)
    assert used <= msgids, f"not in the catalogue: {sorted(used - msgids)}"


def test_catalogue_has_every_string_of_the_code(tmp_path):
    """makemessages over a copy of the project: what it finds must be what is committed."""
    need_service(bool(shutil.which("xgettext") and shutil.which("msgmerge")), "gettext")
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_SCANNED))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ar", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = {_key(entry) for entry in _live(polib.pofile(str(copy / PO_PATH.relative_to(ROOT))))}
    committed = {_key(entry) for entry in _live(_catalogue())}
    assert not fresh - committed, (
        f"strings of the code missing from {PO_PATH.name} (run make messages and translate "
        f"them): {sorted(msgid for _, msgid in fresh - committed)}"
    )
    assert not committed - fresh, (
        f"strings no longer in the code (run make messages): "
        f"{sorted(msgid for _, msgid in committed - fresh)}"
    )
