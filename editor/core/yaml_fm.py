"""YAML front matter: safe round-trip parsing and minimal, line-level edits.

Parsing uses ruamel.yaml in round-trip mode (YAML 1.2, nothing executed:
``!!python/...`` tags become plain tagged values). Before the real parse an
event pass measures nesting depth and how many nodes aliases would expand to,
so alias bombs and absurd nesting are refused quickly instead of exhausting
memory or the stack.

Edits never re-serialise the document. Setting a field finds the lines that
hold it and replaces only those; every other byte (comments, order, quoting,
the spelling of untouched values) stays as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from io import StringIO
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    ScalarEvent,
)
from ruamel.yaml.reader import ReaderError

MAX_BYTES = 256 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """Why front matter could not be read; line and column are 1-based
    positions inside the front-matter text (``None`` when unknown).

    ``limit`` is true when a safety limit (size, nesting depth, alias
    expansion) was exceeded: any longer text starting the same way exceeds
    it too, so a caller looking for where front matter ends can stop there.
    """

    message: str
    line: int | None = None
    column: int | None = None
    limit: bool = False


@dataclass(frozen=True, slots=True)
class Raw:
    """A value already spelled as YAML, written exactly as given."""

    text: str


def raw_value(value: Any) -> Any:
    """The Python value a ``Raw`` spelling stands for (other values as is)."""
    if not isinstance(value, Raw):
        return value
    data, problem = load("v: " + value.text if "\n" not in value.text else "v:\n" + value.text)
    if problem is not None or data is None:
        return value.text
    return data["v"]


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def load(text: str) -> tuple[CommentedMap | None, ParseProblem | None]:
    """Parse front-matter text; return the mapping, or the problem with it.

    Empty front matter (or only comments) is an empty mapping.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None, ParseProblem(f"front matter is larger than {MAX_BYTES // 1024} KB", limit=True)
    yaml = _yaml()
    try:
        problem = _check_shape(yaml.parse(text))
        if problem is not None:
            return None, problem
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        return None, _marked_problem(exc)
    except ReaderError as exc:
        return None, _reader_problem(text, exc)
    except YAMLError as exc:
        return None, ParseProblem(str(exc).strip().splitlines()[0])
    except RecursionError:
        return None, ParseProblem("front matter is nested too deeply")
    if data is None:
        return CommentedMap(), None
    if not isinstance(data, CommentedMap):
        kind = "a list" if isinstance(data, list) else "a single value"
        return None, ParseProblem(f"front matter is {kind}, not a mapping of keys to values", 1, 1)
    return data, None


def _check_shape(events: Iterable[Any]) -> ParseProblem | None:
    """Refuse documents nested deeper than MAX_DEPTH or expanding (through
    aliases) to more than MAX_NODES nodes; parsing events is iterative, so
    this is safe on any input."""
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = [[None, 0]]
    total = 0
    for event in events:
        if isinstance(event, CollectionStartEvent):
            stack.append([event.anchor, 1])
            if len(stack) - 1 > MAX_DEPTH:
                mark = event.start_mark
                return ParseProblem(
                    f"front matter is nested more than {MAX_DEPTH} levels deep",
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                    limit=True,
                )
            continue
        if isinstance(event, CollectionEndEvent):
            anchor, size = stack.pop()
        elif isinstance(event, AliasEvent):
            anchor, size = None, sizes.get(event.anchor, 1)
        elif isinstance(event, ScalarEvent):
            anchor, size = event.anchor, 1
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        stack[-1][1] += size
        total = stack[0][1]
        if total > MAX_NODES or size > MAX_NODES:
            return ParseProblem(
                f"front matter expands to more than {MAX_NODES:,} values (alias bomb?)",
                limit=True,
            )
    return None


def _marked_problem(exc: MarkedYAMLError) -> ParseProblem:
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or exc.context or "invalid YAML"
    if "found duplicate key" in message:
        message = message.split(" with value")[0]
    if "cannot start any token" in message and "\\t" in message:
        message = "a tab is used for indentation (YAML allows only spaces)"
    if mark is None:
        return ParseProblem(message)
    return ParseProblem(message, mark.line + 1, mark.column + 1)


def _reader_problem(text: str, exc: ReaderError) -> ParseProblem:
    """A character YAML does not allow (form feed, other C0 controls), with
    its position: the reader reports only an index into the text."""
    code = exc.character if isinstance(exc.character, int) else None
    message = (
        f"the character U+{code:04X} is not allowed in YAML"
        if code is not None
        else str(exc).strip().splitlines()[0]
    )
    position = exc.position
    if not isinstance(position, int) or not 0 <= position <= len(text):
        return ParseProblem(message)
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return ParseProblem(message, line, column)


# --------------------------------------------------------------------------
# YAML 1.1 traps: Jekyll reads front matter with Psych (YAML 1.1), which
# turns some plain values into something else than the text says.

_TRAP_BOOL = re.compile(r"(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)")
_TRAP_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_TRAP_OCTAL = re.compile(r"[-+]?0[0-7_]+")


def yaml11_warnings(text: str, data: CommentedMap) -> list[ParseProblem]:
    """Return a warning per top-level plain value that Jekyll's YAML 1.1
    reader would turn into a boolean, a sexagesimal or an octal number."""
    lines = text.split("\n")
    out: list[ParseProblem] = []
    for key in _own_keys(data):
        value = data[key]
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            continue
        line_no, col = data.lc.value(key)
        if line_no >= len(lines):
            continue
        spelled, _ = _split_comment(lines[line_no][col:])
        if not spelled or spelled[0] in "\"'":
            continue
        if _TRAP_BOOL.fullmatch(spelled):
            meaning = "true" if spelled.lower() in ("y", "yes", "on") else "false"
            how = f"the boolean {meaning}"
        elif _TRAP_SEXAGESIMAL.fullmatch(spelled):
            how = "a base-60 number"
        elif _TRAP_OCTAL.fullmatch(spelled):
            how = "an octal number"
        else:
            continue
        out.append(
            ParseProblem(
                f"Jekyll reads {key}: {spelled} as {how}; quote it to keep the text",
                line_no + 1,
                col + 1,
            )
        )
    return out


# --------------------------------------------------------------------------
# Edits


def _own_keys(data: CommentedMap) -> list[Any]:
    """Keys written in this mapping (not merged in through ``<<``)."""
    return [key for key in data if key in data.lc.data]


def _extent(lines: list[str], data: CommentedMap, key: Any) -> tuple[int, int]:
    """Return [first, last) line indexes holding ``key`` and its value.

    Blank lines and column-0 comments after the value belong to the gap
    before the next key, not to this field.
    """
    keys = _own_keys(data)
    first, col = data.lc.key(key)
    later = [data.lc.key(k)[0] for k in keys if data.lc.key(k)[0] > first]
    end = min(later) if later else len(lines)
    if end == len(lines) and lines and lines[-1] == "":
        end -= 1  # the empty string after the final newline
    while end - 1 > first:
        stripped = lines[end - 1].strip()
        indent = len(lines[end - 1]) - len(lines[end - 1].lstrip())
        if stripped == "" or (stripped.startswith("#") and indent <= col):
            end -= 1
        else:
            break
    return first, end


def _value_end(lines: list[str], data: CommentedMap, key: Any, first: int, end: int) -> int:
    """Return where ``key``'s value ends within its extent [first, end):
    indented comment lines after the value are kept by an edit, unless they
    are part of the value (lines of a block scalar can start with ``#``)."""
    tail = end
    while tail - 1 > first and lines[tail - 1].lstrip()[:1] in ("#", ""):
        tail -= 1
    if tail == end:
        return end
    without, problem = load("\n".join(lines[first:tail]) + "\n")
    if problem is None and without is not None and key in without and without[key] == data[key]:
        return tail
    return end


def _split_comment(rest: str) -> tuple[str, str]:
    """Split the text after a key's colon into (value, trailing comment)."""
    if rest[:1] == '"':
        i = 1
        while i < len(rest):
            if rest[i] == "\\":
                i += 2
                continue
            if rest[i] == '"':
                break
            i += 1
        end = i + 1
    elif rest[:1] == "'":
        i = 1
        while i < len(rest):
            if rest[i] == "'":
                if rest[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                break
            i += 1
        end = i + 1
    else:
        match = re.search(r"[ \t]#", rest)
        end = match.start() if match else len(rest)
    # Only spaces and tabs separate a comment: a trailing NBSP is part of a
    # plain value (str.rstrip would take it off and leave it behind).
    value = rest[:end].rstrip(" \t")
    return value, rest[len(value) :]


def _key_prefix(line: str, col: int) -> str:
    """Return the key as spelled, with indentation and the colon: ``'a b':``."""
    i = col
    if line[i : i + 1] in ("'", '"'):
        quote = line[i]
        i = line.index(quote, i + 1) + 1
        while line[i : i + 1] == quote and quote == "'":  # '' escape
            i = line.index(quote, i + 1) + 1
        return line[:i] + line[i:].split(":", 1)[0] + ":"
    match = re.compile(r":(?=[ \t]|$)").search(line, col)
    if match is None:
        raise ValueError("no colon after key")
    return line[: match.end()]


def set_field(text: str, data: CommentedMap, key: str, value: Any) -> str:
    """Return ``text`` with ``key`` set to ``value``, touching only its lines.

    A new key is appended after the last line. Values keep the style of the
    one they replace: quoting, flow or block lists and their indentation.
    """
    lines = text.split("\n")
    if key not in _own_keys(data):
        block = render_field(key, value, style=None)
        head = text if text.endswith("\n") or text == "" else text + "\n"
        return head + block + "\n"

    first, end = _extent(lines, data, key)
    end = _value_end(lines, data, key, first, end)
    key_line, key_col = data.lc.key(key)
    value_line, value_col = data.lc.value(key)
    prefix = _key_prefix(lines[key_line], key_col)
    style = _style_of(lines, data, key)

    single_line = end - first == 1 and value_line == key_line
    one_line_value = not isinstance(value, dict) and not (
        isinstance(value, list) and style.startswith("block:")
    )
    if single_line and one_line_value:
        spelled, comment = _split_comment(lines[key_line][value_col:])
        if comment and isinstance(data[key], (list, dict)) and not _spells(spelled, data[key]):
            comment = ""  # a " #" inside a quoted flow item, not a comment
        gap = lines[key_line][len(prefix) : value_col] or " "
        new_value = _flow_list(value) if isinstance(value, list) else render_scalar(value, style)
        new_line = prefix + (gap + new_value if new_value else "") + comment
        lines[first] = new_line.rstrip(" \t") if not comment else new_line
        return "\n".join(lines)

    indent = lines[key_line][:key_col]
    block = render_field(prefix[key_col:-1], value, style=style, raw_key=True, indent=indent)
    lines[first:end] = block.split("\n")
    return "\n".join(lines)


def _spells(text: str, value: Any) -> bool:
    """Whether ``text`` is the whole YAML spelling of ``value``."""
    data, problem = load("v: " + text + "\n")
    return problem is None and data is not None and data.get("v") == value


def _flow_list(value: list[Any]) -> str:
    return "[" + ", ".join(render_scalar(v, None, flow=True) for v in value) + "]"


def remove_field(text: str, data: CommentedMap, key: str) -> str:
    """Return ``text`` without ``key``'s lines (unchanged if it is absent)."""
    if key not in _own_keys(data):
        return text
    lines = text.split("\n")
    first, end = _extent(lines, data, key)
    del lines[first:end]
    return "\n".join(lines)


def _style_of(lines: list[str], data: CommentedMap, key: Any) -> str:
    """Describe how a value is written: ``double``, ``single``, ``plain``,
    ``flow``, ``block:<indent>`` (lists), or ``other``."""
    value = data[key]
    line_no, col = data.lc.value(key)
    line = lines[line_no] if line_no < len(lines) else ""
    first_char = line[col : col + 1]
    if isinstance(value, list):
        if first_char == "[":
            return "flow"
        item_line = lines[line_no] if line_no < len(lines) else "- "
        return "block:" + item_line[: len(item_line) - len(item_line.lstrip())]
    if first_char == '"':
        return "double"
    if first_char == "'":
        return "single"
    if isinstance(value, dict):
        return "other"
    return "plain"


def render_field(
    key: str,
    value: Any,
    style: str | None,
    raw_key: bool = False,
    indent: str = "",
) -> str:
    """Return the YAML lines (no final newline) for ``key: value``."""
    key_text = key if raw_key else render_scalar(key, None)
    head = f"{indent}{key_text}:"
    if isinstance(value, Raw):
        if "\n" in value.text:
            return head + "\n" + value.text.rstrip("\n")
        return head + (" " + value.text if value.text else "")
    if isinstance(value, list):
        if style is not None and style.startswith("block:"):
            item_indent = style.split(":", 1)[1]
            if not value:
                return head + " []"
            items = [f"{item_indent}- {render_scalar(v, None)}" for v in value]
            return head + "\n" + "\n".join(items)
        # Flow style also when the value it replaces was not a list (a
        # category string becoming two categories).
        return head + " " + _flow_list(value)
    if isinstance(value, dict):
        return head + "\n" + _dump_block(value, indent + "  ")
    rendered = render_scalar(value, style)
    return head + (" " + rendered if rendered != "" else "")


def _dump_block(value: dict[str, Any], indent: str) -> str:
    stream = StringIO()
    yaml = _yaml()
    yaml.default_flow_style = False
    yaml.dump(value, stream)
    return "\n".join(indent + line for line in stream.getvalue().rstrip("\n").split("\n"))


_PLAIN_UNSAFE_START = set("-?:,[]{}#&*!|>'\"%@`")
_NUMERIC_LIKE = re.compile(r"[-+.]?[0-9]|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$")
_SPECIAL_WORDS = re.compile(
    r"(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|"
    r"y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|=|<<)"
)


def plain_ok(text: str, flow: bool = False) -> bool:
    """Whether ``text`` can be written as a plain scalar and read back as
    the same string by YAML 1.2 and by Jekyll's YAML 1.1 alike."""
    if text == "" or text != text.strip() or "\n" in text or "\r" in text:
        return False
    if (
        text[0] in _PLAIN_UNSAFE_START
        or _NUMERIC_LIKE.match(text)
        or _SPECIAL_WORDS.fullmatch(text)
    ):
        return False
    if ": " in text or " #" in text or "\t" in text or text.endswith(":"):
        return False
    if flow and any(ch in text for ch in ",[]{}"):
        return False
    return all(ch.isprintable() for ch in text)


# Characters a double-quoted YAML scalar cannot hold raw (DEL, C1 controls,
# non-characters), or that Jekyll's YAML 1.1 reader takes for line breaks.
# json.dumps already escapes C0 controls.
_ESCAPE_IN_QUOTES = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _double_quoted(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    return _ESCAPE_IN_QUOTES.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def render_scalar(value: Any, style: str | None, flow: bool = False) -> str:
    """Spell one scalar as YAML, in ``style`` where that style can hold it."""
    if isinstance(value, Raw):
        return value.text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    text = str(value)
    if style == "single" and "\n" not in text and text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    if style == "double" or not plain_ok(text, flow):
        return _double_quoted(text)
    return text
