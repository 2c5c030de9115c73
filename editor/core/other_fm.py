"""Minimal edits of TOML (Hugo ``+++``) and JSON front matter.

TOML goes through tomlkit, which keeps every untouched byte. JSON is edited
by locating the member's value in the text and replacing only that slice, so
the author's indentation and key order survive.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

import tomlkit
import tomlkit.items

_SPACE = re.compile(r"\s*")


_NOT_IN_LITERAL = re.compile(r"['\x00-\x08\x0a-\x1f\x7f]")


def toml_set(text: str, key: str, value: Any) -> str:
    """Return TOML ``text`` with ``key`` set (added at the end if new).

    A string written as a literal (``'...'``) stays one when the new text
    can be written that way.
    """
    doc = tomlkit.parse(text)
    old = doc.item(key) if key in doc else None
    if (
        isinstance(old, tomlkit.items.String)
        and old.type == tomlkit.items.StringType.SLL
        and isinstance(value, str)
        and _NOT_IN_LITERAL.search(value) is None
    ):
        value = tomlkit.string(value, literal=True)
    doc[key] = value
    return doc.as_string()


def toml_remove(text: str, key: str) -> str:
    """Return TOML ``text`` without ``key``."""
    doc = tomlkit.parse(text)
    if key in doc:
        del doc[key]
    return doc.as_string()


def _members(text: str) -> list[tuple[str, int, int, int]]:
    """Top-level members of a JSON object: (key, key_start, value_start, value_end)."""
    decoder = json.JSONDecoder()
    members = []
    i = _SPACE.match(text, text.index("{") + 1).end()  # type: ignore[union-attr]
    while text[i] != "}":
        key_start = i
        key, i = scanstring(text, i + 1)
        i = _SPACE.match(text, i).end() + 1  # type: ignore[union-attr]  # past ':'
        value_start = _SPACE.match(text, i).end()  # type: ignore[union-attr]
        _, value_end = decoder.raw_decode(text, value_start)
        members.append((key, key_start, value_start, value_end))
        i = _SPACE.match(text, value_end).end()  # type: ignore[union-attr]
        if text[i] == ",":
            i = _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
    return members


def _json_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def json_set(text: str, key: str, value: Any) -> str:
    """Return JSON ``text`` with ``key`` set, rewriting only its value."""
    members = _members(text)
    for name, _, start, end in members:
        if name == key:
            return text[:start] + _json_value(value) + text[end:]
    entry = json.dumps(key, ensure_ascii=False) + ": " + _json_value(value)
    if not members:
        at = text.index("{") + 1
        return text[:at] + "\n  " + entry + "\n" + text[at:].lstrip(" \t\n")
    _, last_key, _, last_end = members[-1]
    line_start = text.rfind("\n", 0, last_key) + 1
    indent = text[line_start:last_key] if text[line_start:last_key].isspace() else " "
    separator = ",\n" + indent if indent != " " else ", "
    return text[:last_end] + separator + entry + text[last_end:]


def json_remove(text: str, key: str) -> str:
    """Return JSON ``text`` without ``key``."""
    members = _members(text)
    for index, (name, key_start, _, value_end) in enumerate(members):
        if name != key:
            continue
        if index + 1 < len(members):
            return text[:key_start] + text[members[index + 1][1] :]
        if index > 0:
            return text[: members[index - 1][3]] + text[value_end:]
        close = text.index("}", value_end)
        return text[:key_start] + text[close:]
    return text
