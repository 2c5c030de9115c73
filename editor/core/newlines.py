"""Newline styles: detect them, normalise to ``\\n``, and put them back.

The editor and the front-matter parsers work on ``\\n`` text. When a post is
written back, every line the user did not touch keeps the exact line ending
it had on disk (a file with mixed CRLF and LF endings stays mixed), new lines
get the file's dominant style, and a missing final newline stays missing.

Only CR, LF and CRLF end lines here: ``str.splitlines`` also splits on form
feeds, U+2028 and others, which would corrupt such files.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal

NewlineStyle = Literal["LF", "CRLF", "CR", "mixed", "none"]

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_ENDING = re.compile(r"\r\n|\r|\n")
_NAMES = {"\n": "LF", "\r\n": "CRLF", "\r": "CR"}


def normalize(text: str) -> str:
    """Return ``text`` with every CRLF and lone CR turned into LF."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def endings(text: str) -> Counter[str]:
    """Count each line ending (``\\n``, ``\\r\\n``, ``\\r``) in ``text``."""
    return Counter(_ENDING.findall(text))


def style(text: str) -> NewlineStyle:
    """Name the newline style of ``text``: LF, CRLF, CR, mixed, or none."""
    counts = endings(text)
    if not counts:
        return "none"
    if len(counts) > 1:
        return "mixed"
    name = _NAMES[next(iter(counts))]
    return name  # type: ignore[return-value]


def dominant(text: str) -> str:
    """Return the most frequent line ending of ``text`` (``\\n`` if none)."""
    counts = endings(text)
    if not counts:
        return "\n"
    # Ties go to LF, then CRLF: the styles a new line is least surprising in.
    order = {"\n": 0, "\r\n": 1, "\r": 2}
    return max(counts, key=lambda e: (counts[e], -order[e]))


def _split(text: str) -> list[tuple[str, str]]:
    """Split into (content, ending) pairs; the last ending may be empty."""
    out: list[tuple[str, str]] = []
    for match in _LINE.finditer(text):
        line = match.group()
        if line.endswith("\r\n"):
            out.append((line[:-2], "\r\n"))
        elif line.endswith(("\n", "\r")):
            out.append((line[:-1], line[-1]))
        else:
            out.append((line, ""))
    return out


def restore(original: str, edited: str) -> str:
    """Return ``edited`` (LF text) with the line endings of ``original``.

    Lines shared at the start and at the end keep their original endings
    byte for byte; lines in between (the edit) get the dominant ending of
    ``original``. If nothing changed the original text is returned as is.
    """
    if normalize(original) == edited:
        return original
    counts = endings(original)
    if not counts or set(counts) == {"\n"}:
        return edited
    if len(counts) == 1:
        return edited.replace("\n", next(iter(counts)))

    old = _split(original)
    new = [(line, "\n") for line in edited.split("\n")]
    last_content, _ = new.pop()
    if last_content:
        new.append((last_content, ""))

    def same(a: tuple[str, str], b: tuple[str, str]) -> bool:
        return a[0] == b[0] and bool(a[1]) == bool(b[1])

    head = 0
    limit = min(len(old), len(new))
    while head < limit and same(old[head], new[head]):
        head += 1
    tail = 0
    while tail < limit - head and same(old[-1 - tail], new[-1 - tail]):
        tail += 1

    fill = dominant(original)
    lines = [(content, ending, False) for content, ending in old[:head]]
    lines += [
        (content, fill if ending else "", True) for content, ending in new[head : len(new) - tail]
    ]
    lines += [(content, ending, False) for content, ending in old[len(old) - tail :]]
    return "".join(_keep_apart(lines))


def _keep_apart(lines: list[tuple[str, str, bool]]) -> list[str]:
    """Join (content, ending, is_new) lines so that no CR is followed by an
    LF that starts an empty line: the two would read back as one CRLF and a
    line would vanish. The new line's ending gives way (or, between two old
    lines that an edit made neighbours, the empty line's)."""
    out = [content + ending for content, ending, _ in lines]
    for i in range(len(out) - 1):
        if out[i].endswith("\r") and out[i + 1].startswith("\n"):
            if lines[i][2]:
                out[i] = out[i] + "\n"
            else:
                out[i + 1] = "\r" + out[i + 1]
    return out
