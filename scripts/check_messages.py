"""Fail when a UI string lacks its Chinese translation or the compiled .mo is older than its .po."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "jxc" / "locale"
problems = []
for po_path in sorted(ROOT.glob("*/LC_MESSAGES/*.po")):
    catalogue = polib.pofile(str(po_path))
    for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries():
        problems.append(f"{po_path.name}: untranslated or fuzzy: {entry.msgid!r}")
    mo_path = po_path.with_suffix(".mo")
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))} if mo_path.exists() else {}
    for entry in catalogue.translated_entries():
        if not entry.msgid_plural and compiled.get((entry.msgctxt, entry.msgid)) != entry.msgstr:
            problems.append(f"{mo_path.name} is out of date (run `make messages`): {entry.msgid!r}")
            break
for problem in problems[:50]:
    print(problem)
if problems:
    print(f"{len(problems)} translation problem(s)")
    sys.exit(1)
