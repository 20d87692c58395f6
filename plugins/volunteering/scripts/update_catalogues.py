"""Extract the plugin's messages and rewrite its French and English catalogues.

Run from ``plugins/volunteering`` with the project's virtual environment::

    ../../.venv/bin/python scripts/update_catalogues.py

French comes from ``fr_translations.FR``; English is the source language, so
its catalogue leaves every message as written. Exits 1 when a message has no
French translation.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from fr_translations import FR  # noqa: E402

KEYWORDS = ["-k", "_l", "-k", "_n:1,2", "-k", "_v", "-k", "_vn:1,2"]


def main() -> int:
    pot = ROOT / "build" / "volunteering.pot"
    pot.parent.mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    *KEYWORDS, "--no-location", "--sort-output", "--project", "ptcc-volunteering",
                    "-o", str(pot), "."], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    missing = []
    for locale in ("fr", "en"):
        with pot.open("rb") as handle:
            catalogue = read_po(handle, locale=locale)
        catalogue.fuzzy = False  # a fuzzy header makes `pybabel compile` skip the whole catalogue
        if locale == "fr":
            # gettext's French rule (as the core catalogue has it), whatever Babel's CLDR data says:
            # the table gives two forms, and newer CLDR adds a third for millions.
            catalogue._num_plurals, catalogue._plural_expr = 2, "(n > 1)"
        catalogue.project, catalogue.version = "ptcc-volunteering", "0.1.0"
        catalogue.copyright_holder = "PTCC contributors"
        catalogue.msgid_bugs_address = ""
        catalogue.last_translator = "PTCC contributors"
        catalogue.language_team = "PTCC contributors"
        for message in catalogue:
            if not message.id or locale != "fr":
                continue
            key = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
            if key in FR:
                message.string = FR[key]
            else:
                missing.append(key)
        target = ROOT / "ptcc_volunteering" / "translations" / locale / "LC_MESSAGES" / "volunteering.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            write_po(handle, catalogue, width=100, omit_header=False, sort_output=True)
    for key in missing:
        print(f"no French translation: {key!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
