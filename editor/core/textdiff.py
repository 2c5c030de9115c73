"""Where two versions of a text start and stop differing, found fast: the
block splitter re-splits only the changed part of a post, and the window
puts a reloaded post into the editor as one edit of the changed part."""

from __future__ import annotations

_STEP = 4096


def common_prefix(a: str, b: str) -> int:
    """Length of the common prefix (compared a page at a time: fast in C)."""
    limit = min(len(a), len(b))
    i = 0
    while i + _STEP <= limit and a[i : i + _STEP] == b[i : i + _STEP]:
        i += _STEP
    while i < limit and a[i] == b[i]:
        i += 1
    return i


def common_suffix(a: str, b: str, prefix: int) -> int:
    """Length of the common suffix not overlapping ``prefix``."""
    limit = min(len(a), len(b)) - prefix
    i = 0
    while (
        i + _STEP <= limit
        and a[len(a) - i - _STEP : len(a) - i] == b[len(b) - i - _STEP : len(b) - i]
    ):
        i += _STEP
    while i < limit and a[len(a) - 1 - i] == b[len(b) - 1 - i]:
        i += 1
    return i
