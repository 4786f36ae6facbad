"""Fail when a UI string has no Chinese translation, or the compiled .mo is older than its .po.

With GNU gettext installed (a developer tool; JXC itself never needs it), also fail when the sources hold a
string that is missing from the catalogue: run `make messages` and translate it.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "jxc" / "locale"
PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"


def catalogue_problems() -> list[str]:
    problems = []
    catalogue = polib.pofile(str(PO))
    for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries():
        problems.append(f"untranslated or fuzzy: {entry.msgid!r}")
    mo_path = PO.with_suffix(".mo")
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))} if mo_path.exists() else {}
    for entry in catalogue.translated_entries():
        if not entry.msgid_plural and compiled.get((entry.msgctxt, entry.msgid)) != entry.msgstr:
            problems.append(f"{mo_path.name} is out of date (run `make messages`): {entry.msgid!r}")
            break
    return problems


def missing_strings() -> list[str]:
    """Strings in the sources but not in the catalogue (extracted without touching the committed file)."""
    if shutil.which("xgettext") is None:
        print("check_messages: xgettext not installed, skipped the check for new strings")
        return []
    original = PO.read_bytes()
    known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO))}
    try:
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location"],
            cwd=ROOT / "src" / "jxc", check=True, capture_output=True,
        )
        fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete}
    finally:
        PO.write_bytes(original)
    return [f"not in the catalogue (run `make messages`): {msgid!r}" for _ctx, msgid in sorted(fresh - known, key=str)]


problems = catalogue_problems() + missing_strings()
for problem in problems[:50]:
    print(problem)
if problems:
    print(f"{len(problems)} translation problem(s)")
    sys.exit(1)
