"""Ruby and Jekyll text behaviour the Liquid stage has to reproduce.

Jekyll is Ruby: its templates print values the way Ruby does (``nil`` as
nothing, a hash as ``{"a"=>1}``, a time as ``2010-07-21 10:00:00 +0800``),
format dates with Ruby's ``strftime`` (which has ``%-d`` and ``%e`` on every
platform, unlike Python's on Windows), and slugify, escape and count words
with Ruby regular expressions whose ``\\s`` and ``\\w`` are ASCII only.
These helpers are pure functions so they can be tested without Liquid.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

from liquid.undefined import is_undefined

# --------------------------------------------------------------------------
# Times


class JekyllTime(dt.datetime):
    """A datetime that prints like Ruby's ``Time#to_s``.

    Jekyll exposes dates as Ruby ``Time`` objects; ``{{ page.date }}`` prints
    ``2010-07-21 10:00:00 +0800``. Subclassing keeps every datetime operation
    (filters, comparisons) working while output matches Jekyll's.
    """

    def __str__(self) -> str:
        # The hot path of jsonify and sorting: plain fields, no strftime parse.
        return (
            f"{self.year:04d}-{self.month:02d}-{self.day:02d} "
            f"{self.hour:02d}:{self.minute:02d}:{self.second:02d} {_offset(self, 0)}"
        )


def as_jekyll_time(value: dt.datetime) -> JekyllTime:
    """``value`` as a :class:`JekyllTime` (same moment, same zone)."""
    if isinstance(value, JekyllTime):
        return value
    return JekyllTime(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        value.tzinfo,
        fold=value.fold,
    )


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_STRFTIME = re.compile(r"%([-_0^#]*)(\d*)(:{0,2}[a-zA-Z%+])")


def _zone_name(value: dt.datetime) -> str:
    tz = value.tzinfo
    if tz is None:
        return ""
    if isinstance(tz, dt.timezone):
        # Ruby has no name for a time with a written offset (Python would say
        # "UTC+08:00"); only a UTC time ("Z") is called "UTC".
        return "UTC" if value.tzname() == "Z" else ""
    return value.tzname() or ""


def _offset(value: dt.datetime, colons: int) -> str:
    delta = value.utcoffset() or dt.timedelta(0)
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if colons == 0:
        return f"{sign}{hours:02d}{minutes:02d}"
    if colons == 1:
        return f"{sign}{hours:02d}:{minutes:02d}"
    return f"{sign}{hours:02d}:{minutes:02d}:{secs:02d}"


def _directive(value: dt.datetime, conv: str) -> tuple[str, str]:
    """Return (text, kind) for one conversion; kind says how width pads:
    ``"0"`` numbers padded with zeros, ``" "`` with spaces, ``""`` text."""
    if conv == "Y":
        return str(value.year), ""
    numeric: dict[str, tuple[int, int, str]] = {
        "C": (value.year // 100, 2, "0"),
        "y": (value.year % 100, 2, "0"),
        "m": (value.month, 2, "0"),
        "d": (value.day, 2, "0"),
        "e": (value.day, 2, " "),
        "j": (value.timetuple().tm_yday, 3, "0"),
        "H": (value.hour, 2, "0"),
        "k": (value.hour, 2, " "),
        "I": ((value.hour % 12) or 12, 2, "0"),
        "l": ((value.hour % 12) or 12, 2, " "),
        "M": (value.minute, 2, "0"),
        "S": (value.second, 2, "0"),
        "L": (value.microsecond // 1000, 3, "0"),
        "u": (value.isoweekday(), 1, "0"),
        "w": (value.isoweekday() % 7, 1, "0"),
        "U": (int(value.strftime("%U")), 2, "0"),
        "W": (int(value.strftime("%W")), 2, "0"),
        "V": (value.isocalendar()[1], 2, "0"),
        "G": (value.isocalendar()[0], 4, "0"),
        "g": (value.isocalendar()[0] % 100, 2, "0"),
    }
    if conv in numeric:
        number, width, pad = numeric[conv]
        return str(number).rjust(width, pad), pad
    texts = {
        "B": _MONTHS[value.month - 1],
        "b": _MONTHS[value.month - 1][:3],
        "h": _MONTHS[value.month - 1][:3],
        "A": _DAYS[value.weekday()],
        "a": _DAYS[value.weekday()][:3],
        "p": "AM" if value.hour < 12 else "PM",
        "P": "am" if value.hour < 12 else "pm",
        "Z": _zone_name(value),
        "z": _offset(value, 0),
        ":z": _offset(value, 1),
        "::z": _offset(value, 2),
        "N": f"{value.microsecond:06d}000",
        "s": str(int(value.timestamp())),
        "n": "\n",
        "t": "\t",
        "%": "%",
    }
    if conv in texts:
        return texts[conv], ""
    composite = {
        "F": "%Y-%m-%d",
        "T": "%H:%M:%S",
        "D": "%m/%d/%y",
        "x": "%m/%d/%y",
        "R": "%H:%M",
        "r": "%I:%M:%S %p",
        "X": "%H:%M:%S",
        "c": "%a %b %e %H:%M:%S %Y",
        "v": "%e-%^b-%Y",
        "+": "%a %b %e %H:%M:%S %Z %Y",
    }
    if conv in composite:
        return ruby_strftime(value, composite[conv]), ""
    return "%" + conv, ""


def ruby_strftime(value: dt.datetime | dt.date, fmt: str) -> str:
    """Format like Ruby's ``Time#strftime``, on every platform.

    Supports the flags ``-`` (no padding), ``_`` (spaces), ``0`` (zeros),
    ``^`` (upper case), ``#`` (swap case) and a width, as Ruby does.
    """
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)

    def replace(match: re.Match[str]) -> str:
        flags, width, conv = match.groups()
        text, pad = _directive(value, conv)
        if "-" in flags and pad:
            text = text.lstrip(pad) or "0"
        elif "_" in flags and pad:
            text = text.replace("0", " ", len(text) - len(text.lstrip("0")))
            if text.strip() == "":
                text = text[:-1] + "0"
        elif "0" in flags and pad == " ":
            text = text.replace(" ", "0")
        if width:
            fill = "0" if ("0" in flags or (pad == "0" and "_" not in flags)) else " "
            text = text.rjust(int(width), fill)
        if "^" in flags:
            text = text.upper()
        elif "#" in flags:
            text = text.swapcase()
        return text

    return _STRFTIME.sub(replace, fmt)


# --------------------------------------------------------------------------
# Ruby's to_s and inspect


def _float_to_s(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        sign = exponent[0] if exponent[0] in "+-" else "+"
        digits = exponent.lstrip("+-").rjust(2, "0")
        return f"{mantissa}e{sign}{digits}"
    return text


def ruby_to_s(value: Any) -> str:
    """``value.to_s`` as Ruby would write it (``nil`` is empty)."""
    if value is None or is_undefined(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return _float_to_s(value)
    if isinstance(value, dt.datetime):
        return str(as_jekyll_time(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (Mapping, list, tuple)):
        return ruby_inspect(value)
    if isinstance(value, range):
        return f"{value.start}..{value.stop - 1}"
    return str(value)


def _ruby_string_literal(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\x1b":
            out.append("\\e")
        elif ch == "#":
            out.append("#")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def ruby_inspect(value: Any, _depth: int = 0) -> str:
    """``value.inspect`` as Ruby 3.1 writes it: ``{"a"=>[1, nil]}``."""
    if _depth > 50:
        return "[...]"
    if value is None or is_undefined(value):
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _ruby_string_literal(value)
    if isinstance(value, float):
        return _float_to_s(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return str(as_jekyll_time(value))
    if isinstance(value, dt.date):
        return f"#<Date: {value.isoformat()}>"
    if isinstance(value, Mapping):
        items = ", ".join(
            f"{ruby_inspect(k, _depth + 1)}=>{ruby_inspect(v, _depth + 1)}"
            for k, v in value.items()
        )
        return "{" + items + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(ruby_inspect(v, _depth + 1) for v in value) + "]"
    if isinstance(value, range):
        return f"{value.start}..{value.stop - 1}"
    return _ruby_string_literal(str(value))


def to_output(value: Any) -> str:
    """What ``{{ value }}`` prints in Jekyll's Liquid: arrays are joined
    without separator, hashes inspected, ``nil`` empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "".join(to_output(v) for v in value)
    return ruby_to_s(value)


# --------------------------------------------------------------------------
# Slugs and words

_SLUG_MODES = ("raw", "default", "pretty", "ascii", "latin")
_PRETTY_KEEP = frozenset("._~!$&'()+,;=@")
# Letters I18n.transliterate turns into more than the base letter.
_LATIN_SPECIAL = {
    "ß": "ss",
    "Æ": "AE",
    "æ": "ae",
    "Ø": "O",
    "ø": "o",
    "Œ": "OE",
    "œ": "oe",
    "Ð": "D",
    "ð": "d",
    "Þ": "TH",
    "þ": "th",
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "Ħ": "H",
    "ħ": "h",
    "ı": "i",
}


def _keeps_default(ch: str) -> bool:
    # Ruby's [\p{M}\p{L}\p{Nd}]: marks, letters (Chinese included), digits.
    category = unicodedata.category(ch)
    return category[0] in "LM" or category == "Nd"


def _transliterate(text: str) -> str:
    """Like Ruby I18n's default transliteration: accented Latin letters lose
    their accents, everything else outside ASCII becomes ``?``."""
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
        elif ch in _LATIN_SPECIAL:
            out.append(_LATIN_SPECIAL[ch])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            )
            out.append(base if base and all(ord(c) < 128 for c in base) else "?")
    return "".join(out)


def _replace_runs(text: str, keep: Any) -> str:
    out: list[str] = []
    in_run = False
    for ch in text:
        if keep(ch):
            out.append(ch)
            in_run = False
        elif not in_run:
            out.append("-")
            in_run = True
    return "".join(out)


def slugify(text: str | None, mode: str | None = None, cased: bool = False) -> str | None:
    """Jekyll's ``Utils.slugify``: ``"The _config.yml file"`` ->
    ``"the-config-yml-file"``; Chinese letters are kept (except in ``ascii``
    and ``latin`` modes, as in Jekyll)."""
    if text is None:
        return None
    mode = mode or "default"
    if mode not in _SLUG_MODES:
        return text if cased else text.lower()
    if mode == "latin":
        text = _transliterate(text)
    if mode == "raw":
        slug = re.sub(r"[ \t\n\v\f\r]+", "-", text)
    elif mode == "pretty":
        slug = _replace_runs(text, lambda ch: _keeps_default(ch) or ch in _PRETTY_KEEP)
    elif mode == "ascii":
        slug = re.sub(r"[^A-Za-z0-9]+", "-", text)
    else:
        slug = _replace_runs(text, _keeps_default)
    # Ruby's gsub(/^-|-$/) works per line: a hyphen at either end of any line.
    slug = re.sub(r"^-|-$", "", slug, flags=re.M)
    return slug if cased else slug.lower()


def titleize_slug(slug: str) -> str:
    """``"my-first-post"`` -> ``"My First Post"`` (Ruby's ``capitalize``)."""
    return " ".join(part[:1].upper() + part[1:].lower() for part in slug.split("-"))


# Unicode scripts Han, Katakana, Hiragana and Hangul (Ruby's \p{...}),
# as code point ranges: Python's re has no script properties.
_CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x2E80, 0x2E99),
    (0x2E9B, 0x2EF3),
    (0x2F00, 0x2FD5),
    (0x3005, 0x3005),
    (0x3007, 0x3007),
    (0x3021, 0x3029),
    (0x302E, 0x302F),
    (0x3038, 0x303B),
    (0x3041, 0x3096),
    (0x309D, 0x309F),
    (0x30A1, 0x30FA),
    (0x30FD, 0x30FF),
    (0x3131, 0x318E),
    (0x31F0, 0x31FF),
    (0x3200, 0x321E),
    (0x3260, 0x327E),
    (0x32D0, 0x32FE),
    (0x3300, 0x3357),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xA960, 0xA97C),
    (0xAC00, 0xD7A3),
    (0xD7B0, 0xD7C6),
    (0xD7CB, 0xD7FB),
    (0xF900, 0xFA6D),
    (0xFA70, 0xFAD9),
    (0xFF66, 0xFF6F),
    (0xFF71, 0xFF9D),
    (0xFFA0, 0xFFBE),
    (0xFFC2, 0xFFDC),
    (0x1B000, 0x1B11F),
    (0x1F200, 0x1F200),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2EBE0),
    (0x2F800, 0x2FA1D),
    (0x30000, 0x323AF),
)
_CJK_CLASS = "".join(f"{chr(a)}-{chr(b)}" if a != b else chr(a) for a, b in _CJK_RANGES)
_CJK_CHAR = re.compile(f"[{_CJK_CLASS}]")
_NON_CJK_WORD = re.compile(f"[^{_CJK_CLASS} \t\n\v\f\r]+")
_RUBY_SPACE = re.compile(r"[ \t\n\v\f\r]+")


def _ruby_split(text: str) -> list[str]:
    return [part for part in _RUBY_SPACE.split(text) if part]


def number_of_words(text: str, mode: str | None = None) -> int:
    """Jekyll 4.3's ``number_of_words``: whitespace-separated words, or with
    ``"cjk"`` each Chinese/Japanese/Korean character counts as a word, and
    ``"auto"`` does that only when the text has such characters."""
    if mode == "cjk":
        return len(_CJK_CHAR.findall(text)) + len(_NON_CJK_WORD.findall(text))
    if mode == "auto":
        cjk = len(_CJK_CHAR.findall(text))
        return len(_ruby_split(text)) if cjk == 0 else cjk + len(_NON_CJK_WORD.findall(text))
    return len(_ruby_split(text))


def normalize_whitespace(text: str) -> str:
    """Runs of ASCII whitespace become one space; the ends are stripped."""
    return _RUBY_SPACE.sub(" ", text).strip(" \t\n\v\f\r\0")


# --------------------------------------------------------------------------
# Escaping


def html_escape(text: str) -> str:
    """Ruby's ``CGI.escapeHTML`` (Liquid's ``escape``)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


_ESCAPE_ONCE = re.compile(r"[\"><']|&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)")


def html_escape_once(text: str) -> str:
    """Liquid's ``escape_once``: like ``escape`` but leaves entities alone."""
    table = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
    return _ESCAPE_ONCE.sub(lambda m: table[m.group()[0]], text)


def xml_escape(text: str) -> str:
    """Jekyll's ``xml_escape`` (Ruby's ``encode(xml: :attr)``)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def cgi_escape(text: str) -> str:
    """Ruby's ``CGI.escape``: spaces become ``+``, ``~`` is kept."""
    return quote_plus(text, safe="~")


# RFC 3986 character classes, as Addressable uses them.
_UNRESERVED = "-._~"
_SUB_DELIMS = "!$&'()*+,;="
_PCHAR = _UNRESERVED + _SUB_DELIMS + ":@"
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")


def _normalize_component(text: str, safe: str) -> str:
    """Addressable's ``normalize_component``: decode percent escapes of
    unreserved characters, encode what must be, upper-case the hex."""
    out: list[str] = []
    position = 0
    for match in _PERCENT.finditer(text):
        out.append(quote(text[position : match.start()], safe=safe))
        ch = chr(int(match.group(1), 16))
        if ch.isascii() and (ch.isalnum() or ch in _UNRESERVED):
            out.append(ch)
        else:
            out.append("%" + match.group(1).upper())
        position = match.end()
    out.append(quote(text[position:], safe=safe))
    return "".join(out)


def uri_escape(text: str) -> str:
    """Jekyll's ``uri_escape`` (Addressable's ``normalize_component`` with
    reserved and unreserved characters allowed)."""
    return _normalize_component(text, _UNRESERVED + _SUB_DELIMS + ":/?#[]@")


def escape_path(path: str) -> str:
    """Jekyll's ``URL.escape_path``: percent-encode what a URL path segment
    cannot hold (spaces, Chinese), keeping ``/``; ``#`` becomes ``%23``."""
    if not path or re.fullmatch(r"[a-zA-Z0-9./-]+", path):
        return path
    encoded = quote(path, safe=_PCHAR + "/%[]#?")
    return encoded.replace("#", "%23", 1)


def _remove_dot_segments(path: str) -> str:
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
            continue
        if segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
            continue
        output.append(segment)
    return "/".join(output)


def normalize_uri(uri: str) -> str:
    """Addressable's ``URI.parse(uri).normalize.to_s`` for the URLs Jekyll's
    ``relative_url``/``absolute_url`` make: lower-case scheme and host, no
    default port, dot segments removed, non-ASCII percent-encoded."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    if netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        host, _, port = hostport.partition(":")
        if (scheme, port) in (("http", "80"), ("https", "443")):
            port = ""
        try:
            host = host.encode("idna").decode("ascii").lower() if host else host
        except UnicodeError:
            host = host.lower()
        netloc = (userinfo + "@" if userinfo else "") + host + (":" + port if port else "")
    path = _normalize_component(parts.path, _PCHAR + "/")
    if scheme or netloc or path.startswith("/"):
        path = _remove_dot_segments(path) or ("/" if netloc else "")
    query = _normalize_component(parts.query, _PCHAR + "/?") if parts.query else parts.query
    fragment = (
        _normalize_component(parts.fragment, _PCHAR + "/?") if parts.fragment else parts.fragment
    )
    rebuilt = urlunsplit((scheme, netloc, path, query, fragment))
    if uri.endswith("?") and not parts.query:
        rebuilt += "?"
    if uri.endswith("#") and not parts.fragment:
        rebuilt += "#"
    return rebuilt


def is_absolute_url(text: str) -> bool:
    """Whether ``text`` has a scheme (Addressable's ``absolute?``)."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", text) is not None


# --------------------------------------------------------------------------
# SmartyPants (Jekyll's smartify, through kramdown's SmartyPants parser)

_SMART_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"---"), "—"),
    (re.compile(r"--"), "–"),
    (re.compile(r"\.\.\.|\. \. \."), "…"),
    (re.compile(r"<<"), "«"),
    (re.compile(r">>"), "»"),
)


def smartify(text: str) -> str:
    """Typographic quotes, dashes and ellipses, as kramdown's SmartyPants
    parser makes them (characters, not entities: Jekyll's default
    ``entity_output`` is ``as_char``). HTML tags are left alone."""
    pieces = re.split(r"(<[^>]*>)", text)
    out: list[str] = []
    previous = ""
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(piece)
            continue
        for pattern, replacement in _SMART_RULES:
            piece = pattern.sub(replacement, piece)
        chars: list[str] = []
        for i, ch in enumerate(piece):
            before = piece[i - 1] if i else previous
            if ch in "\"'":
                opening = before == "" or before.isspace() or before in "([{-–—"
                if ch == '"':
                    chars.append("“" if opening else "”")
                else:
                    chars.append("‘" if opening else "’")
            else:
                chars.append(ch)
        piece = "".join(chars)
        if piece:
            previous = piece[-1]
        out.append(piece)
    return "".join(out)
