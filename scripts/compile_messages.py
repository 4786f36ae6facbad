"""Compile the .po catalogues to .mo in pure Python (polib), so GNU gettext is not needed to run JXC."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "jxc" / "locale"

for po_path in sorted(ROOT.glob("*/LC_MESSAGES/*.po")):
    catalogue = polib.pofile(str(po_path))
    catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"{po_path.relative_to(ROOT)}: {catalogue.percent_translated()}% translated")
