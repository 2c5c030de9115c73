"""Cutting a post body into top-level source blocks.

Blocks are separated by blank lines, except where a blank line does not end
the construct it is in: fenced code, Liquid block tags (``{% highlight %}``
... ``{% endhighlight %}``, ``{% if %}`` ... ``{% endif %}``), HTML blocks
and comments, lists whose items are separated by blank lines, indented
continuations and indented code. Footnote definitions and link/abbreviation
definitions are blocks of their own kinds, because they affect the whole
document rather than the place they stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["normal", "footnote", "definitions"]

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIQUID_TAG = re.compile(r"\{%-?\s*(end)?(\w+)")
_LIQUID_BLOCKS = frozenset(
    {"highlight", "raw", "if", "unless", "for", "case", "capture", "comment", "tablerow"}
)
_HTML_OPEN = re.compile(r"^ {0,3}<([A-Za-z][A-Za-z0-9-]*)[\s>/]")
_HTML_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
_LIST_ITEM = re.compile(r"^ {0,3}(?:[*+-]|\d{1,9}[.)])[ \t]+\S")
_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^[^\]\s]+\]:")
_DEFINITION = re.compile(r"^ {0,3}(?:\[[^\]^][^\]]*\]:[ \t]*\S|\*\[[^\]]+\]:)")
_DEF_LIST = re.compile(r"^ {0,3}:[ \t]+\S")


@dataclass(frozen=True, slots=True)
class SourceBlock:
    """A piece of the body: its text (no trailing blank lines), the 1-based
    file line it starts on, and what kind of block it is."""

    text: str
    line: int
    kind: BlockKind = "normal"


def _is_blank(line: str) -> bool:
    return not line.strip()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def split_blocks(body: str, first_line: int = 1) -> list[SourceBlock]:
    """Cut ``body`` (``\\n`` newlines) whose first line is file line
    ``first_line`` into blocks."""
    lines = body.split("\n")
    chunks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    fence: str | None = None
    liquid_depth = 0
    in_raw = False
    html_tag: str | None = None
    html_depth = 0
    in_comment = False

    for index, line in enumerate(lines):
        if not current:
            if _is_blank(line):
                continue
            start = index
        current.append(line)

        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = None
        elif liquid_depth == 0 and html_tag is None and not in_comment and _FENCE.match(line):
            fence = _FENCE.match(line).group(1)  # type: ignore[union-attr]
        else:
            liquid_depth, in_raw = _liquid_depth(line, liquid_depth, in_raw)
            if in_comment:
                in_comment = "-->" not in line
            elif len(current) == 1 and line.lstrip().startswith("<!--") and "-->" not in line:
                in_comment = True
            if html_tag is None and len(current) == 1:
                match = _HTML_OPEN.match(line)
                if match is not None and match.group(1).lower() not in _HTML_VOID:
                    html_tag = match.group(1).lower()
                    html_depth = 0
            if html_tag is not None:
                html_depth += len(re.findall(rf"<{html_tag}(?=[\s>/])", line, re.I))
                html_depth -= len(re.findall(rf"</{html_tag}\s*>", line, re.I))
                if html_depth <= 0:
                    html_tag = None

        next_blank = index + 1 >= len(lines) or _is_blank(lines[index + 1])
        if (
            next_blank
            and fence is None
            and liquid_depth == 0
            and html_tag is None
            and not in_comment
        ):
            chunks.append((start, current))
            current = []
    if current:
        chunks.append((start, current))
    return _merge(chunks, lines, first_line)


def _liquid_depth(line: str, depth: int, in_raw: bool) -> tuple[int, bool]:
    """Track Liquid block tags open at the end of ``line``."""
    for tag in _LIQUID_TAG.finditer(line):
        end, name = tag.group(1), tag.group(2)
        if in_raw:
            if end and name == "raw":
                in_raw = False
                depth -= 1
            continue
        if name in _LIQUID_BLOCKS:
            depth += -1 if end else 1
            in_raw = name == "raw" and not end
    return max(depth, 0), in_raw


def _kind(first: str, chunk: list[str]) -> BlockKind:
    if _FOOTNOTE_DEF.match(first):
        return "footnote"
    if all(_DEFINITION.match(line) or _indent(line) > 0 for line in chunk) and _DEFINITION.match(
        first
    ):
        return "definitions"
    return "normal"


def _merge(
    chunks: list[tuple[int, list[str]]], lines: list[str], first_line: int
) -> list[SourceBlock]:
    """Join chunks a blank line does not really separate: list items,
    indented continuations, indented code, definition-list definitions."""
    merged: list[tuple[int, int, BlockKind, bool]] = []  # start, end (exclusive), kind, is_list
    for start, chunk in chunks:
        end = start + len(chunk)
        first = chunk[0]
        kind = _kind(first, chunk)
        is_list = _LIST_ITEM.match(first) is not None
        if merged:
            p_start, p_end, p_kind, p_list = merged[-1]
            indented = _indent(first) >= 2
            joins = (
                (p_list and (is_list or indented))
                or (p_kind == "footnote" and indented)
                or (indented and _indent(first) >= 4 and _all_indented(lines, p_start, p_end))
                or (_DEF_LIST.match(first) is not None and p_kind == "normal")
            )
            if joins and kind == "normal":
                merged[-1] = (p_start, end, p_kind, p_list)
                continue
        merged.append((start, end, kind, is_list))
    return [
        SourceBlock("\n".join(lines[start:end]).rstrip("\n"), first_line + start, kind)
        for start, end, kind, _ in merged
    ]


def _all_indented(lines: list[str], start: int, end: int) -> bool:
    return all(_is_blank(line) or _indent(line) >= 4 for line in lines[start:end])
