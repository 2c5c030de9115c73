"""Golden tests: each ``markdown_golden/NAME.md`` renders to ``NAME.html``.

The expected files were checked block for block against real Jekyll 4.3
(kramdown, GFM input) when they were written; ``sanitize`` deliberately
differs (no script, embeds shown as cards). Regenerate after an intended
change with ``GALLEY_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from editor.core.render.pipeline import Pipeline

GOLDEN = Path(__file__).parent / "markdown_golden"
CASES = sorted(path.stem for path in GOLDEN.glob("*.md"))
CONFIG = {"kramdown": {"syntax_highlighter_opts": {"default_lang": "plaintext"}}}


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    source = (GOLDEN / f"{name}.md").read_text(encoding="utf-8")
    html = Pipeline(config=CONFIG, liquid=False).render(source).html + "\n"
    expected_path = GOLDEN / f"{name}.html"
    if os.environ.get("GALLEY_UPDATE_GOLDEN"):
        expected_path.write_text(html, encoding="utf-8")
    assert html == expected_path.read_text(encoding="utf-8")
