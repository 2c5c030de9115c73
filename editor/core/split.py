"""Find where front matter ends and the body begins.

Works on text with ``\\n`` newlines and without a BOM. Formats: YAML between
``---`` lines (closed by ``---`` or ``...``), TOML between ``+++`` lines, and
a JSON object at the very start (Hugo).

A closing delimiter counts only if the text before it parses, so a ``---``
inside a value does not end the front matter. A file that opens with a
``---`` horizontal rule followed by prose has no front matter at all; one
whose block looks like front matter but does not parse keeps that block as
raw front matter together with the parse problem, so it is shown and saved
unchanged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import tomlkit
import tomlkit.exceptions

from editor.core import yaml_fm
from editor.core.yaml_fm import ParseProblem

Format = Literal["yaml", "toml", "json"]

_MAX_CANDIDATES = 50
_YAML_OPEN = re.compile(r"---[ \t]*\n")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.M)
_TOML_OPEN = re.compile(r"\+\+\+[ \t]*\n")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*(?:\n|\Z)", re.M)
# What a first line of YAML front matter looks like (a key, a list item, a
# flow collection, a tag or anchor), as opposed to prose after a rule.
_LOOKS_YAML = re.compile(
    r"""\s*(?:-(?:\s|$)|[\[{!&*%]|"[^"]*"\s*:(?:\s|$)|'[^']*'\s*:(?:\s|$)|[^\s:#][^:]*:(?:\s|$))"""
)


@dataclass(frozen=True, slots=True)
class Split:
    """A post's text cut into ``opening + front_matter + closing + body``.

    ``format`` is None when the file has no front matter (then only ``body``
    is non-empty). ``problem`` says why a recognised block does not parse,
    or that an opened block is never closed; ``problem_line`` is 1-based in
    the whole file.
    """

    format: Format | None
    opening: str
    front_matter: str
    closing: str
    body: str
    problem: ParseProblem | None = None
    #: The parsed front matter (ruamel CommentedMap, tomlkit document or
    #: dict) when it parses, so callers need not parse it a second time.
    data: Any = field(default=None, compare=False, repr=False)

    @property
    def body_line(self) -> int:
        """1-based file line on which the body starts."""
        return (self.opening + self.front_matter + self.closing).count("\n") + 1

    @property
    def text(self) -> str:
        return self.opening + self.front_matter + self.closing + self.body


def split(text: str) -> Split:
    """Cut ``text`` into front matter and body; never raises."""
    if text.startswith("---"):
        return _split_delimited(text, "yaml", _YAML_OPEN, _YAML_CLOSE)
    if text.startswith("+++"):
        return _split_delimited(text, "toml", _TOML_OPEN, _TOML_CLOSE)
    if text.startswith("{"):
        return _split_json(text)
    return Split(None, "", "", "", text)


def parse(fmt: Format, front_matter: str) -> tuple[Any, ParseProblem | None]:
    """Parse ``front_matter`` in ``fmt``; return (mapping, None) or (None, why)."""
    if fmt == "yaml":
        return yaml_fm.load(front_matter)
    if len(front_matter) > yaml_fm.MAX_BYTES:
        return None, ParseProblem(
            f"front matter is larger than {yaml_fm.MAX_BYTES // 1024} KB", limit=True
        )
    if fmt == "toml":
        try:
            return tomlkit.parse(front_matter), None
        except tomlkit.exceptions.ParseError as exc:
            message = str(exc).rsplit(" at line ", 1)[0]
            return None, ParseProblem(message, exc.line, exc.col)
        except RecursionError:
            return None, ParseProblem("front matter is nested too deeply")
    try:
        value = json.loads(front_matter, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        return None, ParseProblem(exc.msg, exc.lineno, exc.colno)
    except (ValueError, RecursionError) as exc:
        return None, ParseProblem(str(exc) or "front matter is nested too deeply")
    if not isinstance(value, dict):
        return None, ParseProblem("front matter is not a JSON object", 1, 1)
    return value, None


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    seen: dict[str, object] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f'found duplicate key "{key}"')
        seen[key] = value
    return seen


def _split_delimited(
    text: str, fmt: Format, opening: re.Pattern[str], closing: re.Pattern[str]
) -> Split:
    open_match = opening.match(text)
    if open_match is None:
        return Split(None, "", "", "", text)
    start = open_match.end()
    # Candidates are looked for lazily and only within the size limit: the
    # usual post closes its front matter at the first one, and scanning a
    # 1 MB body for "---" lines on every keystroke would be wasted.
    candidates = []
    first_problem: ParseProblem | None = None
    limit = start + yaml_fm.MAX_BYTES + 8
    for match in closing.finditer(text, start, limit):
        candidates.append(match)
        if len(candidates) > _MAX_CANDIDATES:
            break
        block = text[start : match.start()]
        data, problem = parse(fmt, block)
        if problem is None:
            return Split(fmt, text[:start], block, match.group(), text[match.end() :], None, data)
        if first_problem is None:
            first_problem = problem
        if problem.limit:
            # Every later candidate starts with this block and hits the same
            # limit; parsing them all would multiply the cost (half a second
            # per candidate for deep flow nesting).
            break
    if not candidates:
        # Closed only past the limit: too large to read, not unclosed.
        beyond = closing.search(text, limit)
        if beyond is not None:
            candidates.append(beyond)
            first_problem = ParseProblem(
                f"front matter is larger than {yaml_fm.MAX_BYTES // 1024} KB", limit=True
            )

    if not _looks_like_front_matter(fmt, text[start:]):
        return Split(None, "", "", "", text)
    if not candidates:
        problem = ParseProblem(
            f"the front matter opened on line 1 is never closed ({open_match.group().strip()} missing)",
            1,
            1,
        )
        return Split(None, "", "", "", text, problem)
    match = candidates[0]
    assert first_problem is not None
    return Split(
        fmt,
        text[:start],
        text[start : match.start()],
        match.group(),
        text[match.end() :],
        _shift(first_problem, 1),
    )


def _looks_like_front_matter(fmt: Format, rest: str) -> bool:
    for line in rest.split("\n", 20)[:20]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if fmt == "toml":
            return re.match(r"""[\w"'.-]+\s*=|\[""", stripped) is not None
        return _LOOKS_YAML.match(line) is not None
    return False


def _split_json(text: str) -> Split:
    decoder = json.JSONDecoder()
    try:
        _, end = decoder.raw_decode(text)
    except (json.JSONDecodeError, RecursionError):
        end = -1
    if end > 0:
        rest = text[end:]
        tail = re.match(r"[ \t]*(?:\n|\Z)", rest)
        if tail is not None:
            block = text[:end]
            # Valid JSON up to here: any problem (a duplicate key) is this
            # block's, not a missing brace.
            data, problem = parse("json", block)
            return Split("json", "", block, tail.group(), rest[tail.end() :], problem, data)
    if re.match(r"\{\s*(\"|\})", text) is None:
        return Split(None, "", "", "", text)
    # Looks like JSON front matter but does not parse: keep up to the first
    # line that is a lone closing brace as the raw block.
    close = re.search(r"^\}[ \t]*(?:\n|\Z)", text, re.M)
    if close is None:
        problem = ParseProblem("the JSON front matter opened on line 1 is never closed", 1, 1)
        return Split(None, "", "", "", text, problem)
    block = text[: close.start() + 1]
    problem = parse("json", block)[1] or ParseProblem("invalid JSON front matter", 1, 1)
    return Split(
        "json", "", block, text[close.start() + 1 : close.end()], text[close.end() :], problem
    )


def _shift(problem: ParseProblem, lines: int) -> ParseProblem:
    """Turn a position inside the front matter into a position in the file."""
    if problem.line is None:
        return problem
    return replace(problem, line=problem.line + lines)
