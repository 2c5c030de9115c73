"""Regenerate the expected output of the Liquid golden tests with real Jekyll.

Usage: python tests/core/render/regen_liquid_golden.py  (needs `jekyll` 4.3)

Each ``liquid_golden/NAME.md`` is placed in a copy of ``site/`` (at
``golden/NAME.html``, or at its ``galley_path:``), the copy is built with
Jekyll, and the output of each is written to ``liquid_golden/NAME.html``.
The ``.html`` extension keeps Jekyll from running Markdown, so the expected
files hold Liquid's output alone. Check the diff before committing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "liquid_golden"
MARKER = "<!--golden:{}-->"


def destination(source: Path) -> str:
    """Where a golden input goes in the site copy (shared with the test)."""
    text = source.read_text(encoding="utf-8")
    match = re.search(r"^galley_path:\s*(\S.*?)\s*$", text, re.M)
    return match.group(1) if match else f"golden/{source.stem}.html"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(HERE / "site", site)
        for source in sorted(GOLDEN.glob("*.md")):
            text = source.read_text(encoding="utf-8")
            head, sep, body = text.partition("\n---\n")
            target = site / destination(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                head + sep + MARKER.format(source.stem) + "\n" + body, encoding="utf-8"
            )
        out = Path(tmp) / "out"
        subprocess.run(["jekyll", "build", "-q", "-s", str(site), "-d", str(out)], check=True)
        outputs = {p: p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
        for source in sorted(GOLDEN.glob("*.md")):
            marker = MARKER.format(source.stem) + "\n"
            found = [text for text in outputs.values() if text.startswith(marker)]
            if len(found) != 1:
                print(f"{source.name}: output not found", file=sys.stderr)
                return 1
            source.with_suffix(".html").write_text(found[0][len(marker) :], encoding="utf-8")
            print(f"wrote {source.with_suffix('.html').relative_to(HERE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
