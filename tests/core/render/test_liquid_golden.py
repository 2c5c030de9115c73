"""Golden tests: Galley's Liquid stage against real Jekyll 4.3's output.

Each ``liquid_golden/NAME.md`` is rendered in a copy of the mini site
``site/`` (placed where ``regen_liquid_golden.py`` placed it for Jekyll)
and must give ``liquid_golden/NAME.html`` exactly.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from regen_liquid_golden import destination

from editor.core.render.context import SiteContext
from editor.core.render.liquid import JekyllLiquid
from editor.core.split import split

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "liquid_golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.md"))
# Pygments and Rouge cut some languages into tokens differently (Rouge's
# `print` is a keyword, Pygments' a builtin): there only the text and the
# wrappers must match.
TOKENS_MAY_DIFFER = {"highlight"}
_SPAN = re.compile(r"</?span[^>]*>")


@pytest.fixture(scope="module")
def golden_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, JekyllLiquid]:
    root = tmp_path_factory.mktemp("liquid") / "site"
    shutil.copytree(HERE / "site", root)
    for source in GOLDEN.glob("*.md"):
        target = root / destination(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return root, JekyllLiquid(SiteContext.load(root))


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str, golden_site: tuple[Path, JekyllLiquid]) -> None:
    root, liquid = golden_site
    source = GOLDEN / f"{name}.md"
    parts = split(source.read_text(encoding="utf-8"))
    page = liquid.context.page_vars(parts.data or {}, root / destination(source))
    out = liquid.render(parts.body, page, first_line=parts.body_line)
    expected = (GOLDEN / f"{name}.html").read_text(encoding="utf-8")
    if name in TOKENS_MAY_DIFFER:
        assert _SPAN.sub("", out.text) == _SPAN.sub("", expected)
        assert out.text.count("<figure") == expected.count("<figure")
    else:
        assert out.text == expected
    assert [d for d in out.diagnostics if d.severity == "error"] == []


def test_every_golden_has_expected_output() -> None:
    assert CASES
    for name in CASES:
        assert (GOLDEN / f"{name}.html").is_file(), name
