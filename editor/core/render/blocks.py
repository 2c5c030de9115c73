"""Cutting a post body into top-level source blocks.

Blocks are separated by blank lines, except where a blank line does not end
the construct it is in: fenced code, Liquid block tags (``{% highlight %}``
... ``{% endhighlight %}``, ``{% if %}`` ... ``{% endif %}``), HTML blocks
and comments, lists whose items are separated by blank lines, indented
continuations and indented code. Footnote definitions and link/abbreviation
definitions are blocks of their own kinds, because they affect the whole
document rather than the place they stand.

This runs on every keystroke over the whole body, so it works on stretches
between blank lines (found by one regular expression) and looks at single
lines only in stretches that contain a fence, a Liquid tag or HTML. A blank
line is one of spaces and tabs only, as for kramdown and Python-Markdown (a
line of ideographic spaces is text).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Literal

from editor.core.textdiff import common_prefix, common_suffix

BlockKind = Literal["normal", "footnote", "definitions"]

_SEPARATOR = re.compile(r"\n(?:[ \t]*\n)+")
_LEADING_BLANK = re.compile(r"(?:[ \t]*\n)+")
_TRAILING_BLANK = re.compile(r"(?:\n[ \t]*)+\Z")
_SPECIAL = re.compile(r"```|~~~|\{%|<")
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
_LIST_ITEM = re.compile(r" {0,3}(?:[*+-]|\d{1,9}[.)])[ \t]+\S")
_FOOTNOTE_DEF = re.compile(r" {0,3}\[\^[^\]\s]+\]:")
_DEFINITION = re.compile(r" {0,3}(?:\[[^\]^][^\]]*\]:[ \t]*\S|\*\[[^\]]+\]:)")
_DEF_LIST = re.compile(r" {0,3}:[ \t]+\S")
_NOT_CODE_INDENTED = re.compile(r"^(?! {4}|\t)[ \t]*\S", re.M)


@dataclass(frozen=True, slots=True)
class SourceBlock:
    """A piece of the body: its text (no trailing blank lines), the 1-based
    file line it starts on, and what kind of block it is."""

    text: str
    line: int
    kind: BlockKind = "normal"


class _Scanner:
    """Line-by-line state of the constructs a blank line does not end."""

    def __init__(self) -> None:
        self.fence: str | None = None
        self.liquid_depth = 0
        self.in_raw = False
        self.html_tag: str | None = None
        self.html_depth = 0
        self.in_comment = False
        self.first = True

    @property
    def open(self) -> bool:
        return (
            self.fence is not None
            or self.liquid_depth > 0
            or self.html_tag is not None
            or self.in_comment
        )

    def scan(self, text: str) -> None:
        for line in text.split("\n"):
            self._line(line)
            self.first = False

    def _line(self, line: str) -> None:
        if self.fence is not None:
            stripped = line.strip()
            if stripped.startswith(self.fence) and set(stripped) == {self.fence[0]}:
                self.fence = None
            return
        if self.liquid_depth == 0 and self.html_tag is None and not self.in_comment:
            match = _FENCE.match(line)
            if match is not None:
                self.fence = match.group(1)
                return
        self._liquid(line)
        if self.in_comment:
            self.in_comment = "-->" not in line
        elif self.first and line.lstrip().startswith("<!--") and "-->" not in line:
            self.in_comment = True
        if self.html_tag is None and self.first:
            match = _HTML_OPEN.match(line)
            if match is not None and match.group(1).lower() not in _HTML_VOID:
                self.html_tag = match.group(1).lower()
                self.html_depth = 0
        if self.html_tag is not None:
            tag = self.html_tag
            self.html_depth += len(re.findall(rf"<{tag}(?=[\s>/])", line, re.I))
            self.html_depth -= len(re.findall(rf"</{tag}\s*>", line, re.I))
            if self.html_depth <= 0:
                self.html_tag = None

    def _liquid(self, line: str) -> None:
        if "{%" not in line:
            return
        for tag in _LIQUID_TAG.finditer(line):
            end, name = tag.group(1), tag.group(2)
            if self.in_raw:
                if end and name == "raw":
                    self.in_raw = False
                    self.liquid_depth -= 1
                continue
            if name in _LIQUID_BLOCKS:
                self.liquid_depth += -1 if end else 1
                self.in_raw = name == "raw" and not end
        self.liquid_depth = max(self.liquid_depth, 0)


def _stretches(body: str, pos: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of the text between blank lines, from ``pos``
    (which must be the start of a line)."""
    leading = _LEADING_BLANK.match(body, pos)
    pos = leading.end() if leading else pos
    for separator in _SEPARATOR.finditer(body, pos):
        if separator.start() > pos:
            yield pos, separator.start()
        pos = separator.end()
    if pos < len(body):
        tail = _TRAILING_BLANK.search(body, pos)
        end = tail.start() if tail else len(body)
        if body[pos:end].strip(" \t\n"):
            yield pos, end


def _chunks(body: str, pos: int = 0) -> Iterator[tuple[int, int]]:
    """Stretches joined where a construct stays open across blank lines."""
    stretches = _stretches(body, pos)
    for start, end in stretches:
        if _SPECIAL.search(body, start, end) is None:
            yield start, end
            continue
        scanner = _Scanner()
        scanner.scan(body[start:end])
        while scanner.open:
            following = next(stretches, None)
            if following is None:
                break
            end = following[1]
            scanner.scan(body[following[0] : end])
        yield start, end


# A merged block while splitting: [start, end, kind, is_list].
_Span = list[Any]
_span_start = itemgetter(0)
_span_end = itemgetter(1)


def _joins(body: str, previous: _Span, first: str, is_list: bool) -> bool:
    """Whether a chunk starting with line ``first`` continues ``previous``."""
    indent = _indent(first)
    return bool(
        (previous[3] and (is_list or indent >= 2))
        or (previous[2] == "footnote" and indent >= 2)
        or (indent >= 4 and _NOT_CODE_INDENTED.search(body, previous[0], previous[1]) is None)
        or (_DEF_LIST.match(first) is not None and previous[2] == "normal")
    )


def _spans(body: str, pos: int) -> Iterator[tuple[_Span, bool]]:
    """Merged spans from ``pos``: (span, final). A span is yielded with
    final=False when it starts (it may still grow) and once more, final, when
    the next one starts or the text ends."""
    current: _Span | None = None
    for start, end in _chunks(body, pos):
        first = _first_line(body, start, end)
        kind: BlockKind = (
            _kind(first, body[start:end]) if first.lstrip(" ")[:1] in ("[", "*") else "normal"
        )
        is_list = _LIST_ITEM.match(first) is not None
        if current is not None and kind == "normal" and _joins(body, current, first, is_list):
            current[1] = end
            continue
        if current is not None:
            yield current, True
        current = [start, end, kind, is_list]
        yield current, False
    if current is not None:
        yield current, True


def split_blocks(body: str, first_line: int = 1) -> list[SourceBlock]:
    """Cut ``body`` (``\\n`` newlines) whose first line is file line
    ``first_line`` into blocks."""
    spans = [span for span, final in _spans(body, 0) if final]
    return _blocks(body, spans, first_line)


def _blocks(body: str, spans: list[_Span], first_line: int, position: int = 0) -> list[SourceBlock]:
    """Blocks for ``spans``; ``first_line`` is the file line at ``position``."""
    blocks: list[SourceBlock] = []
    line = first_line
    for start, end, kind, _ in spans:
        line += body.count("\n", position, start)
        position = start
        blocks.append(SourceBlock(body[start:end], line, kind))
    return blocks


class Splitter:
    """``split_blocks`` that remembers the last body and, for the next one,
    re-splits only around what changed: blocks before the edit are kept, and
    once the new text is back in step with the old after the edit, the old
    blocks are taken over with their lines shifted. Gives exactly what
    ``split_blocks`` gives."""

    def __init__(self) -> None:
        self._body = ""
        self._spans: list[_Span] = []
        self._blocks: list[SourceBlock] = []
        self._first_line = 1

    def split(self, body: str, first_line: int = 1) -> list[SourceBlock]:
        old, old_spans = self._body, self._spans
        if not old_spans or first_line != self._first_line:
            spans = [span for span, final in _spans(body, 0) if final]
            return self._keep(body, spans, _blocks(body, spans, first_line), first_line)
        if body == old:
            return list(self._blocks)
        prefix = common_prefix(old, body)
        suffix = common_suffix(old, body, prefix)
        delta = len(body) - len(old)

        # Keep blocks ending well before the edit; the last kept one may
        # still absorb what follows, so re-split from the one before it.
        # (Searched by key, not by lists built for it: this runs per keystroke
        # over every block of the post. Final spans are never changed, so
        # the kept ones are shared, not copied.)
        keep = max(0, bisect.bisect_left(old_spans, prefix - 1, key=_span_end) - 1)
        kept = old_spans[:keep]
        # Re-split from a line start at or before the first change (the old
        # block start may lie past it when blank lines were edited).
        restart_at = min(old_spans[keep][0], body.rfind("\n", 0, prefix) + 1)
        sync_from = len(body) - suffix

        new_spans: list[_Span] = kept
        tail_index: int | None = None
        for span, final in _spans(body, restart_at):
            if not final:
                start = span[0]
                index = bisect.bisect_left(old_spans, start - delta, key=_span_start)
                if index == len(old_spans) or old_spans[index][0] != start - delta:
                    continue
                if start >= sync_from and index is not None and index > 0 and new_spans:
                    before_old = old_spans[index - 1]
                    before_new = new_spans[-1]
                    if (
                        before_old[2:] == before_new[2:]
                        and before_new[1] - before_new[0] == before_old[1] - before_old[0]
                        and body[before_new[0] : before_new[1]]
                        == old[before_old[0] : before_old[1]]
                    ):
                        tail_index = index
                        break
                continue
            new_spans.append(span)
        if tail_index is None:
            return self._keep(
                body, new_spans, self._head(body, new_spans, keep, first_line), first_line
            )

        # In step again: take the rest of the old blocks, shifted.
        line_delta = body.count("\n", 0, sync_from) - old.count("\n", 0, sync_from - delta)
        head_blocks = self._head(body, new_spans, keep, first_line)
        tail_blocks = [
            SourceBlock(block.text, block.line + line_delta, block.kind) if line_delta else block
            for block in self._blocks[tail_index:]
        ]
        tail_spans = [[s + delta, e + delta, k, li] for s, e, k, li in old_spans[tail_index:]]
        return self._keep(body, new_spans + tail_spans, head_blocks + tail_blocks, first_line)

    def _head(self, body: str, spans: list[_Span], keep: int, first_line: int) -> list[SourceBlock]:
        """Blocks for ``spans``, of which the first ``keep`` are unchanged from
        the last split (same text, same lines): reuse those objects."""
        head = self._blocks[:keep]
        fresh = spans[keep:]
        if not fresh:
            return head
        line = first_line + body.count("\n", 0, fresh[0][0])
        blocks = _blocks(body, fresh, line, fresh[0][0])
        return head + blocks

    def _keep(
        self, body: str, spans: list[_Span], blocks: list[SourceBlock], first_line: int
    ) -> list[SourceBlock]:
        self._body, self._spans, self._blocks, self._first_line = body, spans, blocks, first_line
        return list(blocks)


def _first_line(body: str, start: int, end: int) -> str:
    newline = body.find("\n", start, end)
    return body[start : newline if newline >= 0 else end]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _kind(first: str, text: str) -> BlockKind:
    if _FOOTNOTE_DEF.match(first):
        return "footnote"
    if _DEFINITION.match(first) and all(
        _DEFINITION.match(line) or _indent(line) > 0 for line in text.split("\n")
    ):
        return "definitions"
    return "normal"
