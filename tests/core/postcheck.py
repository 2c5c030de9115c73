"""Helpers for the core tests: where the corpus is, and a line-by-line
comparison of two versions of a file that keeps every line ending.

The comparison is written here, independently of ``editor.core.newlines``,
so the tests do not check the core against itself.
"""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = (REPO_ROOT / ".." / "shared" / "corpus").resolve()
POST_LIKE = (".md", ".markdown", ".html")

# A line with its ending: CRLF, a lone CR or LF, or nothing at the very end.
_RAW_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def corpus_posts() -> list[Path]:
    """Every post-like file in the corpus, sorted (empty if it is absent)."""
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() in POST_LIKE)


def raw_lines(text: str) -> list[str]:
    """Split ``text`` into lines that keep their endings (CR, LF or CRLF)."""
    return _RAW_LINE.findall(text)


def replaced_lines(old: str, new: str, start: int, end: int) -> list[str]:
    """Check that ``new`` is ``old`` with its lines [start, end) replaced and
    every other line identical, line ending included; return the lines that
    took their place."""
    a, b = raw_lines(old), raw_lines(new)
    kept_after = len(a) - end
    assert b[:start] == a[:start], "a line before the edit changed"
    assert len(b) >= start + kept_after, "lines after the edit are missing"
    assert b[len(b) - kept_after :] == a[end:], "a line after the edit changed"
    return b[start : len(b) - kept_after]


def decode_as(data: bytes, codec: str, bom: bytes) -> str:
    """Decode bytes written by the post in a known encoding."""
    assert data.startswith(bom), "the byte-order mark was lost"
    return data[len(bom) :].decode(codec)


def value_lines(front_matter: str, key: str) -> range:
    """The 0-based lines of ``front_matter`` that hold ``key`` and its value
    (not comments or blank lines after it), found by re-parsing growing
    prefixes of the field with a plain ruamel loader."""
    yaml = YAML(typ="rt")
    data = yaml.load(front_matter)
    first = data.lc.key(key)[0]
    lines = front_matter.split("\n")
    for end in range(first + 1, len(lines) + 1):
        try:
            part = yaml.load("\n".join(lines[first:end]) + "\n")
        except Exception:  # a prefix of a multi-line value does not parse yet
            continue
        if isinstance(part, dict) and key in part and part[key] == data[key]:
            rest = "\n".join(lines[end:])
            if not rest.strip() or not _continues(lines, end):
                return range(first, end)
    raise AssertionError(f"could not find the lines of {key!r}")


def _continues(lines: list[str], end: int) -> bool:
    """Whether the next non-blank line still belongs to the value (is
    indented and is not a comment)."""
    for line in lines[end:]:
        if not line.strip():
            continue
        return line[:1] in (" ", "\t") and not line.lstrip().startswith("#")
    return False
