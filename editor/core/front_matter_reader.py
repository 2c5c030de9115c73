"""Reading a post's front matter fast, for the library index.

Only the start of the file is read; YAML goes through PyYAML's C loader
after a cheap check that refuses deep nesting and alias bombs (PyYAML has
no caps of its own), TOML through tomllib; whatever the fast path cannot
settle (JSON, UTF-16/32, front matter that does not parse or never closes)
goes through the editor's own splitter, so problem messages match. The
open post itself is always parsed by the round-trip parser (yaml_fm).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

import yaml  # type: ignore[import-untyped, unused-ignore]  # no types-PyYAML in the test extras

from editor.core import textcodec
from editor.core.errors import GalleyError
from editor.core.split import split
from editor.core.yaml_fm import MAX_BYTES, MAX_DEPTH, MAX_NODES, ParseProblem

# The first read; most front matter closes well inside it.
_CHUNK = 8 * 1024
# Front matter is refused beyond yaml_fm.MAX_BYTES, as in the editor; the
# margin covers a BOM and the delimiter lines.
_LIMIT = MAX_BYTES + 1024
# What the slow path reads at most, so that split() can tell "too large"
# from "never closed".
_SLOW_LIMIT = 1024 * 1024
# Closing-delimiter candidates tried by the fast path before handing over to
# split(), which tries its own (a "---" inside a block scalar is not a close).
_FAST_CANDIDATES = 8
_O_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
_O_BINARY: int = getattr(os, "O_BINARY", 0)
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_WIDE_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
_NARROW_BOMS = (codecs.BOM_UTF8, b"\x84\x31\x95\x33")  # GB18030's mark
_OPEN = re.compile(rb"(---|\+\+\+)[ \t]*(?:\r\n|\r|\n)")
_CLOSE = {
    b"---": re.compile(rb"^(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|\Z)", re.M),
    b"+++": re.compile(rb"^\+\+\+[ \t]*(?:\r\n|\r|\n|\Z)", re.M),
}
# Block nesting deeper than MAX_DEPTH needs a node far to the right: some
# line starts with many spaces or compact "- - -"/"? ?" indicators. Flow
# nesting needs brackets. Front matter with neither, and without anchors
# (so without aliases), is safe to load as it is; the rest is measured by an
# event pass first.
_DEEP_LINE = re.compile(r"^[ \t?-]{16,}", re.M)
_MAX_BRACKETS = 16
# The front-matter keys rows are made of (lower case: Hugo's keys are
# case-insensitive).
_WANTED = frozenset(
    ("title", "date", "categories", "category", "tags", "tag", "published", "draft", "publishdate")
)
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """What :func:`read_front_matter` found at the start of a file.

    ``data`` holds the parsed front matter, at least the keys rows are made
    of ({} when there is none or it is invalid); ``problem`` says why the
    file or its front matter cannot be read. ``size`` and ``mtime_ns`` are
    those of the bytes read. ``cacheable`` is false when the problem may go
    away without the file changing (a permission denied).
    """

    data: Mapping[Any, Any]
    problem: str | None
    size: int
    mtime_ns: int
    cacheable: bool = True


class _Head:
    """The start of an open file, read further on demand."""

    __slots__ = ("_handle", "complete", "data")

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.data = handle.read(_CHUNK)
        self.complete = len(self.data) < _CHUNK

    def more(self, limit: int) -> bool:
        """Read more (doubling what is held, up to ``limit`` bytes); return
        whether anything was added."""
        if self.complete or len(self.data) >= limit:
            return False
        want = min(len(self.data), limit - len(self.data))
        extra = self._handle.read(want)
        self.data += extra
        if len(extra) < want:
            self.complete = True
        return bool(extra)


def read_front_matter(path: str) -> FrontMatter:
    """Read and parse the front matter at the start of the file ``path``.

    Never raises: every failure becomes a ``problem``.
    """
    try:
        # Non-blocking, so that a FIFO named like a post cannot stall the
        # scan in open(); it is then refused as not a regular file.
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_BINARY)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return FrontMatter({}, "not a regular file", 0, info.st_mtime_ns, False)
            try:
                data, problem = _front_matter(_Head(handle))
            except OSError:
                raise
            except Exception as exc:
                # The last line of defence: a parser bug or an input no
                # guard foresaw must cost one row, never the scan.
                data, problem = {}, f"cannot read the front matter ({type(exc).__name__})"
            return FrontMatter(data, problem, info.st_size, info.st_mtime_ns)
    except OSError as exc:
        try:
            info = os.stat(path)
            size, mtime_ns = info.st_size, info.st_mtime_ns
        except OSError:
            size = mtime_ns = 0
        return FrontMatter({}, f"cannot read: {exc.strerror or exc}", size, mtime_ns, False)


def _front_matter(head: _Head) -> tuple[Mapping[Any, Any], str | None]:
    data = head.data
    if data.startswith(_WIDE_BOMS) or b"\x00" in data:
        return _slow(head)  # UTF-16/32, or binary
    offset = next((len(bom) for bom in _NARROW_BOMS if data.startswith(bom)), 0)
    opening = _OPEN.match(data, offset)
    if opening is None:
        if data[offset : offset + 1] == b"{":
            return _slow(head)  # JSON front matter (Hugo)
        return _no_front_matter(head)
    delimiter = opening.group(1)
    closing = _CLOSE[delimiter]
    fmt = "yaml" if delimiter == b"---" else "toml"
    position = opening.end()
    tried = 0
    while True:
        match = closing.search(head.data, position)
        if match is None or (match.end() == len(head.data) and not head.complete):
            if head.more(_LIMIT):
                continue
            break
        if match.start() - opening.end() > MAX_BYTES:
            break
        tried += 1
        try:
            text, _ = textcodec.decode(head.data[: match.end()])
        except GalleyError as exc:
            return {}, exc.message
        parsed, refusal = _parse(fmt, _block(text))
        if refusal is not None:
            return {}, refusal
        if parsed is not None:
            return parsed, None
        if tried >= _FAST_CANDIDATES:
            break
        position = match.end()
    return _slow(head)


def _block(text: str) -> str:
    """The front matter between the opening and the closing line of
    ``text`` (which ends with the closing line)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    start = text.index("\n") + 1
    end = text.rfind("\n", 0, len(text) - 1 if text.endswith("\n") else len(text)) + 1
    return text[start:end] if end > start else ""


def _parse(fmt: str, block: str) -> tuple[Mapping[Any, Any] | None, str | None]:
    """(mapping, None) when ``block`` parses; (None, reason) when it is
    refused outright (alias bomb, nesting); (None, None) when it does not
    parse, for the slow path to explain."""
    if fmt == "toml":
        try:
            return tomllib.loads(block), None
        except (tomllib.TOMLDecodeError, RecursionError, ValueError):
            return None, None
    refusal = _yaml_refusal(block)
    if refusal is not None:
        return None, refusal
    try:
        return _load_yaml(block), None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError, OverflowError):
        # ValueError: a timestamp such as 2025-02-30; TypeError: an
        # unhashable key.
        return None, None


def _load_yaml(block: str) -> Mapping[Any, Any] | None:
    """The fields the library uses from YAML front matter; None when it is
    not a mapping.

    The whole text is parsed (libyaml, in C) so a syntax error anywhere is
    found, but only the wanted top-level values become Python objects:
    building the rest (descriptions, image paths) was a quarter of a cold
    scan. Like Jekyll's Psych, a bad value under another key does not make
    the post unreadable.
    """
    loader = _LOADER(block)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            return None
        loader.flatten_mapping(node)
        data: dict[str, Any] = {}
        for key, value in node.value:
            if (
                isinstance(key, yaml.ScalarNode)
                and key.tag == _STR_TAG
                and key.value.lower() in _WANTED
            ):
                data[key.value] = loader.construct_object(value, deep=True)
        return data
    finally:
        loader.dispose()


def _yaml_refusal(block: str) -> str | None:
    """Why ``block`` is refused before loading: nested more than MAX_DEPTH
    levels, or aliases expanding to more than MAX_NODES values. PyYAML has
    no alias limit: a billion-laughs document loads as a small graph of
    shared lists, but anything that walks it (a title turned into text)
    would not finish."""
    if (
        "&" not in block
        and block.count("[") + block.count("{") < _MAX_BRACKETS
        and _DEEP_LINE.search(block) is None
    ):
        return None
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = [[None, 0]]
    try:
        for event in yaml.parse(block, Loader=_LOADER):
            if isinstance(event, yaml.CollectionStartEvent):
                stack.append([event.anchor, 1])
                if len(stack) - 1 > MAX_DEPTH:
                    mark = event.start_mark
                    where = f"line {mark.line + 2}: " if mark is not None else ""
                    return f"{where}front matter is nested more than {MAX_DEPTH} levels deep"
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                anchor, size = stack.pop()
            elif isinstance(event, yaml.AliasEvent):
                anchor, size = None, sizes.get(event.anchor, 1)
            elif isinstance(event, yaml.ScalarEvent):
                anchor, size = event.anchor, 1
            else:
                continue
            if anchor is not None:
                sizes[anchor] = size
            stack[-1][1] += size
            if stack[0][1] > MAX_NODES or size > MAX_NODES:
                return f"front matter expands to more than {MAX_NODES:,} values (alias bomb?)"
    except (yaml.YAMLError, ValueError, RecursionError):
        return None  # does not parse: the load fails too, and says where
    return None


def _no_front_matter(head: _Head) -> tuple[Mapping[Any, Any], str | None]:
    """A file that does not start with front matter: fine, unless it is
    not text at all."""
    try:
        _decode_prefix(head.data, head.complete)
    except GalleyError as exc:
        return {}, exc.message
    return {}, None


def _slow(head: _Head) -> tuple[Mapping[Any, Any], str | None]:
    """Settle what the fast path cannot (JSON, UTF-16/32, front matter that
    does not parse or is never closed) the way the editor does."""
    try:
        _decode_prefix(head.data, head.complete)  # binary? say so before reading on
        while head.more(_SLOW_LIMIT):
            pass
        text = _decode_prefix(head.data, head.complete)
    except GalleyError as exc:
        return {}, exc.message
    parts = split(text.replace("\r\n", "\n").replace("\r", "\n"))
    if parts.problem is not None:
        return {}, _problem_text(parts.problem)
    if parts.format is None or not isinstance(parts.data, Mapping):
        return {}, None
    return parts.data, None


def _decode_prefix(data: bytes, complete: bool) -> str:
    """Decode the start of a file; raises GalleyError for what is not text.

    A prefix may end inside a character: it is cut after its last newline
    (never inside a character in UTF-8, GB18030 or Big5), and up to three
    more bytes are dropped for UTF-16/32.
    """
    if complete:
        return textcodec.decode(data)[0]
    cut = data.rfind(b"\n")
    if cut > 0:
        data = data[: cut + 1]
    failure: GalleyError | None = None
    for drop in range(4):
        try:
            return textcodec.decode(data[: len(data) - drop])[0]
        except GalleyError as exc:
            failure = failure or exc
    assert failure is not None
    raise failure


def _problem_text(problem: ParseProblem) -> str:
    if problem.line is None or "line" in problem.message:
        return problem.message
    where = f"line {problem.line}"
    if problem.column is not None:
        where += f", column {problem.column}"
    return f"{where}: {problem.message}"


# --------------------------------------------------------------------------
# From front matter to row
