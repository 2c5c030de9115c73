"""Typed views of front-matter values for the form, and their spelling.

Values are read from the parsed front matter and written back through
minimal edits. Each view remembers how the original was written so a change
keeps the author's style: a date keeps its layout and offset notation,
categories written as a space-separated string stay a string.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

_DATE = re.compile(
    r"""(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})
        (?:(?P<sep>[Tt]|[ \t]+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?P<frac>\.\d+)?)?)?
        (?:(?P<osep>[ \t]*)(?P<off>Z|z|[+-]\d{2}(?::?\d{2})?))?$""",
    re.X,
)


@dataclass(frozen=True, slots=True)
class DateSpelling:
    """How a date was written, so a new value can be written the same way."""

    separator: str = " "
    time: bool = True
    seconds: bool = True
    fraction_digits: int = 0
    offset: Literal["", "Z", "+hhmm", "+hh:mm", "+hh"] = "+hhmm"
    offset_separator: str = " "


JEKYLL_SPELLING = DateSpelling()


@dataclass(frozen=True, slots=True)
class DateValue:
    """A front-matter date: the moment (aware when an offset was written,
    naive otherwise, a ``date`` when only the day was) and its spelling."""

    value: dt.datetime | dt.date
    spelling: DateSpelling

    def spell(self) -> str:
        """The date written in its own spelling."""
        return spell_date(self.value, self.spelling)


def parse_date(text: str) -> DateValue | None:
    """Read a Jekyll/Hugo date string; None if it is not one."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    g = match.groupdict()
    try:
        day = dt.date(int(g["y"]), int(g["m"]), int(g["d"]))
    except ValueError:
        return None
    if g["H"] is None:
        return DateValue(day, DateSpelling(time=False, offset=""))
    fraction = g["frac"] or ""
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    tz: dt.tzinfo | None = None
    offset: Literal["", "Z", "+hhmm", "+hh:mm", "+hh"] = ""
    off = g["off"]
    if off:
        if off in ("Z", "z"):
            tz, offset = dt.UTC, "Z"
        else:
            sign = -1 if off[0] == "-" else 1
            digits = off[1:].replace(":", "")
            minutes = int(digits[:2]) * 60 + (int(digits[2:]) if len(digits) > 2 else 0)
            if minutes >= 24 * 60:
                return None
            tz = dt.timezone(sign * dt.timedelta(minutes=minutes))
            offset = "+hh:mm" if ":" in off else ("+hh" if len(off) == 3 else "+hhmm")
    try:
        moment = dt.datetime(
            day.year, day.month, day.day, int(g["H"]), int(g["M"]), int(g["S"] or 0), micro, tz
        )
    except ValueError:
        return None
    spelling = DateSpelling(
        separator=g["sep"],
        seconds=g["S"] is not None,
        fraction_digits=len(fraction) - 1 if fraction else 0,
        offset=offset,
        offset_separator=g["osep"] or "",
    )
    return DateValue(moment, spelling)


def spell_date(value: dt.datetime | dt.date, spelling: DateSpelling = JEKYLL_SPELLING) -> str:
    """Write ``value`` the way ``spelling`` says."""
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    text = value.strftime("%Y-%m-%d")
    if not spelling.time:
        return text
    text += spelling.separator + value.strftime("%H:%M")
    if spelling.seconds:
        text += value.strftime(":%S")
        if spelling.fraction_digits:
            text += "." + f"{value.microsecond:06d}"[: spelling.fraction_digits].ljust(
                spelling.fraction_digits, "0"
            )
    offset = value.utcoffset()
    if offset is None or not spelling.offset:
        return text
    if spelling.offset == "Z" and offset == dt.timedelta(0):
        return text + spelling.offset_separator + "Z"
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    if spelling.offset == "+hh:mm" or spelling.offset == "Z":
        zone = f"{sign}{hours:02d}:{mins:02d}"
    elif spelling.offset == "+hh" and mins == 0:
        zone = f"{sign}{hours:02d}"
    else:
        zone = f"{sign}{hours:02d}{mins:02d}"
    return text + spelling.offset_separator + zone


def date_of(value: Any) -> DateValue | None:
    """Typed view of a ``date`` value however YAML/TOML delivered it."""
    if isinstance(value, dt.datetime):
        spelled = parse_date(_datetime_text(value))
        return DateValue(value, spelled.spelling if spelled else JEKYLL_SPELLING)
    if isinstance(value, dt.date):
        return DateValue(value, DateSpelling(time=False, offset=""))
    if isinstance(value, str):
        return parse_date(value)
    return None


def _datetime_text(value: dt.datetime) -> str:
    """The datetime as its parser saw it written, as far as it remembers.

    tomlkit keeps the text. ruamel's TimeStamp records whether a ``T``
    separated date and time and how the offset was written (``Z``,
    ``+08:00``, ``+08``); ruamel gives a plain datetime only for a
    space-separated time (naive, or in UTC written ``Z``). Fraction digits
    and spaces before the offset are not recorded and come out normalised.
    """
    as_string = getattr(value, "as_string", None)
    if callable(as_string):
        return str(as_string())
    info = getattr(value, "_yaml", None)
    info = info if isinstance(info, dict) else {}
    separator = "T" if info.get("t") else " "
    text = value.replace(tzinfo=None).isoformat(separator)
    if info.get("tz"):
        return text + str(info["tz"])
    if value.tzinfo is None:
        return text
    if value.tzname() == "Z":  # ruamel's zone for a space-separated "... Z"
        return text + "Z"
    return value.isoformat(separator)


ListStyle = Literal["string", "list", "absent"]


def list_of(value: Any) -> tuple[list[str], ListStyle]:
    """Categories/tags as a list, and whether they were a list or a
    space-separated string (Jekyll accepts both)."""
    if value is None:
        return [], "absent"
    if isinstance(value, str):
        return value.split(), "string"
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value if item is not None], "list"
    return [str(value)], "string"


def list_value(items: list[str], style: ListStyle) -> str | list[str]:
    """The value to write for ``items`` in ``style``: a string only when the
    original was a string and every item is one word."""
    if style == "string" and all(item and not re.search(r"\s", item) for item in items):
        return " ".join(items)
    return list(items)


def bool_of(value: Any) -> bool | None:
    """A boolean field (``published``); None when it is not a boolean."""
    return value if isinstance(value, bool) else None


def to_plain(value: Any) -> Any:
    """Turn parsed front matter (ruamel, tomlkit) into JSON-friendly values;
    dates become ISO strings."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return str(value)
