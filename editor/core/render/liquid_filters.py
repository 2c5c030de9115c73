"""The filters Jekyll 4.3 adds to Liquid, and Ruby-faithful versions of a
few standard ones (``date``, ``escape``, ``sort``, ``where``).

Each follows ``lib/jekyll/filters.rb`` and ``lib/jekyll/filters/*.rb``;
comments note where Ruby semantics needed care (``nil``, ``to_s``,
``<=>``). Filters that need the site read it from the current render.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import json
import random
import re
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from liquid import Environment, RenderContext
from liquid.builtin.expressions import BooleanExpression, FilteredExpression, tokenize
from liquid.exceptions import FilterArgumentError, LiquidTypeError
from liquid.filter import num_arg, with_context
from liquid.stream import TokenStream
from liquid.token import TOKEN_EXPRESSION, Token
from liquid.undefined import is_undefined

from editor.core import fields as fm_fields
from editor.core.render import liquid_text as text
from editor.core.render.context import DocumentDrop, SiteContext
from editor.core.render.liquid_env import current_state
from editor.core.render.liquid_text import JekyllTime, as_jekyll_time, ruby_to_s


def _nil(value: Any) -> Any:
    """Undefined variables are Ruby's nil."""
    return None if is_undefined(value) else value


_NO_SITE: SiteContext | None = None


def _site() -> SiteContext:
    global _NO_SITE
    state = current_state()
    if state is not None:
        return state.site
    if _NO_SITE is None:
        _NO_SITE = SiteContext(None)
    return _NO_SITE


# --------------------------------------------------------------------------
# URLs


def _url_of(value: Any) -> Any:
    if isinstance(value, DocumentDrop):
        return value.url
    return value


def site_relative_url(site: SiteContext, value: Any) -> str | None:
    """Jekyll's ``relative_url``: ``baseurl`` + value, normalised."""
    value = _nil(_url_of(value))
    if value is None:
        return None
    value = ruby_to_s(value)
    if text.is_absolute_url(value):
        return str(value)
    baseurl = site.config.get("baseurl")
    base = "" if baseurl is None else ruby_to_s(baseurl)
    base = base[:-1] if base.endswith("/") else base
    parts = [p if (not p or p.startswith("/")) else "/" + p for p in (base, value)]
    return text.normalize_uri("".join(parts))


def site_absolute_url(site: SiteContext, value: Any) -> str | None:
    """Jekyll's ``absolute_url``: ``url`` + ``baseurl`` + value."""
    value = _nil(_url_of(value))
    if value is None:
        return None
    value = ruby_to_s(value)
    if text.is_absolute_url(value):
        return str(value)
    site_url = site.config.get("url")
    relative = site_relative_url(site, value) or ""
    if site_url is None or site_url == "":
        return relative
    return text.normalize_uri(ruby_to_s(site_url) + relative)


def relative_url(value: Any) -> str | None:
    """``{{ "/about/" | relative_url }}`` -> ``/blog/about/``."""
    return site_relative_url(_site(), value)


def absolute_url(value: Any) -> str | None:
    """``{{ "/about/" | absolute_url }}`` -> ``https://example.com/blog/about/``."""
    return site_absolute_url(_site(), value)


def strip_index(value: Any) -> Any:
    """``/a/index.html`` -> ``/a/``."""
    value = _nil(value)
    if value is None or ruby_to_s(value) == "":
        return value
    return re.sub(r"/index\.html?$", "/", ruby_to_s(value))


# --------------------------------------------------------------------------
# Dates

_TIME_FORMATS = (
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%b %d %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%a, %d %b %Y",
)


def to_time(
    value: Any, site: SiteContext | None = None, *, local: bool = True
) -> JekyllTime | None:
    """Liquid's ``Utils.to_date``: a date, time, Unix timestamp or date
    string as a time; None otherwise. With ``local`` (Jekyll's date filters
    call ``localtime``) a time with another offset moves to the site's
    zone; Liquid's own ``date`` filter keeps the offset it was written with."""
    site = site or _site()
    value = _nil(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None and not local:
        return as_jekyll_time(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return site.to_time(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return as_jekyll_time(dt.datetime.fromtimestamp(value, site.timezone))
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    if raw.lower() in ("now", "today"):
        return as_jekyll_time(dt.datetime.now(site.timezone))
    if raw.isdigit():
        return as_jekyll_time(dt.datetime.fromtimestamp(int(raw), site.timezone))
    written = fm_fields.parse_date(raw)
    if written is not None:
        if isinstance(written.value, dt.datetime) and written.value.tzinfo and not local:
            return as_jekyll_time(written.value)
        return site.to_time(written.value)
    try:
        moment = email.utils.parsedate_to_datetime(raw)
        return site.to_time(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _TIME_FORMATS:
        try:
            # Ruby's Time.parse reads a time without offset as local time.
            return site.to_time(dt.datetime.strptime(raw, fmt).replace(tzinfo=site.timezone))
        except ValueError:
            continue
    return None


def _time_or_fail(value: Any) -> JekyllTime:
    moment = to_time(value)
    if moment is None:
        raise FilterArgumentError(
            f"Invalid Date: '{text.ruby_inspect(value)}' is not a valid datetime.", token=None
        )
    return moment


def _ordinal(day: int) -> str:
    if 11 <= day <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _stringify_date(value: Any, month: str, kind: Any, style: Any) -> Any:
    if _nil(value) is None or ruby_to_s(value) == "":
        return _nil(value)
    moment = _time_or_fail(value)
    if kind == "ordinal":
        day = f"{moment.day}{_ordinal(moment.day)}"
        if style == "US":
            return text.ruby_strftime(moment, f"{month} {day}, %Y")
        return text.ruby_strftime(moment, f"{day} {month} %Y")
    return text.ruby_strftime(moment, f"%d {month} %Y")


def date_to_string(value: Any, kind: Any = None, style: Any = None) -> Any:
    """``27 Jan 2011`` (``"ordinal"``: ``27th Jan 2011``; ``"US"``: ``Jan 27th, 2011``)."""
    return _stringify_date(value, "%b", kind, style)


def date_to_long_string(value: Any, kind: Any = None, style: Any = None) -> Any:
    """``27 January 2011``, with the same options as ``date_to_string``."""
    return _stringify_date(value, "%B", kind, style)


def date_to_xmlschema(value: Any) -> Any:
    """``2011-04-24T20:34:46+08:00``."""
    if _nil(value) is None or ruby_to_s(value) == "":
        return _nil(value)
    return text.ruby_strftime(_time_or_fail(value), "%Y-%m-%dT%H:%M:%S%:z")


def date_to_rfc822(value: Any) -> Any:
    """``Sun, 24 Apr 2011 12:34:46 +0000``."""
    if _nil(value) is None or ruby_to_s(value) == "":
        return _nil(value)
    return text.ruby_strftime(_time_or_fail(value), "%a, %d %b %Y %H:%M:%S %z")


def date(value: Any, fmt: Any = None) -> Any:
    """Liquid's ``date`` with Ruby's ``strftime`` (``%-d``, ``%e`` work on
    every platform); input that is not a date comes back unchanged."""
    value = _nil(value)
    if _nil(fmt) is None or ruby_to_s(fmt) == "":
        return value
    moment = to_time(value, local=False)
    if moment is None:
        return value
    return text.ruby_strftime(moment, ruby_to_s(fmt))


# --------------------------------------------------------------------------
# Text


def markdownify(value: Any) -> str:
    """Markdown to HTML with the pipeline's converter."""
    state = current_state()
    source = ruby_to_s(_nil(value))
    if state is None:
        return default_markdownify(source)
    return state.markdownify(source)


@functools.lru_cache(maxsize=1)
def _markdown() -> Any:
    import markdown

    return markdown.Markdown(extensions=["extra", "sane_lists"])


def default_markdownify(source: str) -> str:
    """A plain Python-Markdown conversion (the default ``markdownify``)."""
    md = _markdown()
    return str(md.reset().convert(source)) + "\n"


def smartify(value: Any) -> str:
    """Curly quotes, dashes and ellipses."""
    return text.smartify(ruby_to_s(_nil(value)))


def slugify(value: Any, mode: Any = None) -> str | None:
    """Jekyll's ``slugify`` with modes raw, default, pretty, ascii, latin."""
    value = _nil(value)
    if value is None:
        return None
    return text.slugify(ruby_to_s(value), _nil(mode))


def xml_escape(value: Any) -> str:
    return text.xml_escape(ruby_to_s(_nil(value)))


def cgi_escape(value: Any) -> str:
    return text.cgi_escape(ruby_to_s(_nil(value)))


def uri_escape(value: Any) -> str:
    return text.uri_escape(ruby_to_s(_nil(value)))


def normalize_whitespace(value: Any) -> str:
    return text.normalize_whitespace(ruby_to_s(_nil(value)))


def number_of_words(value: Any, mode: Any = None) -> int:
    """Words, or with ``"cjk"``/``"auto"`` Chinese characters as words."""
    return text.number_of_words(ruby_to_s(_nil(value)), _nil(mode))


def escape(value: Any) -> str | None:
    """Ruby's ``CGI.escapeHTML`` (``"`` as ``&quot;``, ``'`` as ``&#39;``)."""
    value = _nil(value)
    return None if value is None else text.html_escape(ruby_to_s(value))


def escape_once(value: Any) -> str:
    return text.html_escape_once(ruby_to_s(_nil(value)))


def array_to_sentence_string(value: Any, connector: Any = "and") -> str:
    """``["a", "b", "c"]`` -> ``a, b, and c``."""
    items = list(value) if isinstance(value, (list, tuple)) else None
    if items is None:
        return ruby_to_s(_nil(value))
    word = ruby_to_s(_nil(connector)) if _nil(connector) is not None else ""
    strings = [ruby_to_s(i) for i in items]
    if not strings:
        return ""
    if len(strings) == 1:
        return strings[0]
    if len(strings) == 2:
        return f"{strings[0]} {word} {strings[1]}"
    return f"{', '.join(strings[:-1])}, {word} {strings[-1]}"


def _jsonable(value: Any, depth: int = 0) -> Any:
    if depth > 100:
        raise FilterArgumentError("jsonify: value nested too deeply", token=None)
    value = _nil(value)
    if isinstance(value, DocumentDrop):
        return {k: _jsonable(value[k], depth + 1) for k in value if k not in ("next", "previous")}
    if isinstance(value, Mapping):
        return {ruby_to_s(k): _jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, range)):
        return [_jsonable(v, depth + 1) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return ruby_to_s(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return ruby_to_s(value)


def jsonify(value: Any) -> str:
    """JSON as Ruby's ``to_json`` writes it (compact, UTF-8 as is)."""
    return json.dumps(_jsonable(value), ensure_ascii=False, separators=(",", ":"))


def inspect(value: Any) -> str:
    """Ruby's ``inspect``, XML-escaped."""
    return text.xml_escape(text.ruby_inspect(_nil(value)))


_LEADING_INT = re.compile(r"\s*[-+]?\d[\d_]*")


def to_integer(value: Any) -> int:
    """Ruby's ``to_i`` (``true`` is 1, ``false`` 0)."""
    value = _nil(value)
    if value is True:
        return 1
    if value is False or value is None:
        return 0
    if isinstance(value, (int, float)):
        return int(value)
    match = _LEADING_INT.match(ruby_to_s(value))
    return int(match.group().replace("_", "")) if match else 0


# --------------------------------------------------------------------------
# Arrays


_INTEGER_LIKE = re.compile(r"\A\s*-?\d+\s*\Z")
_FLOAT_LIKE = re.compile(r"\A\s*-?(?:\d+\.?\d*|\.\d+)\s*\Z")


def _parse_sort_input(value: Any) -> Any:
    stringified = ruby_to_s(value)
    if _INTEGER_LIKE.match(stringified):
        return int(stringified)
    if _FLOAT_LIKE.match(stringified):
        return float(stringified)
    return value


def _item_property(item: Any, prop: Any) -> Any:
    key = ruby_to_s(prop)
    if not isinstance(item, Mapping):
        return None
    value: Any = item
    for part in key.split(".") if "." in key else [key]:
        if isinstance(value, Mapping):
            try:
                value = value[part]
            except (KeyError, TypeError):
                value = None
        elif isinstance(value, (list, tuple)) and part.lstrip("-").isdigit():
            index = int(part)
            value = value[index] if -len(value) <= index < len(value) else None
        else:
            value = None
    return _parse_sort_input(_nil(value))


def _ruby_array(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, Mapping):
        return [[k, v] for k, v in value.items()]
    return [value]


def _matches(prop: Any, target: Any) -> bool:
    if target is None:
        return prop is None
    wanted = ruby_to_s(target)
    if isinstance(prop, str):
        return prop == wanted
    return any(ruby_to_s(p) == wanted for p in _ruby_array(prop))


def _as_items(value: Any) -> list[Any] | None:
    value = _nil(value)
    if isinstance(value, Mapping):
        return list(value.values())
    if isinstance(value, (list, tuple, range)):
        return list(value)
    return None


def where(value: Any, prop: Any = None, target: Any = None) -> Any:
    """Items whose ``prop`` equals ``target`` (or contains it, for lists)."""
    target = _nil(target)
    if _nil(prop) is None or isinstance(target, (list, tuple, Mapping)):
        return value
    items = _as_items(value)
    if items is None:
        return value
    return [item for item in items if _matches(_item_property(item, prop), target)]


def find(value: Any, prop: Any = None, target: Any = None) -> Any:
    """The first item whose ``prop`` equals ``target``, or nil."""
    target = _nil(target)
    if _nil(prop) is None or isinstance(target, (list, tuple, Mapping)):
        return value
    items = _as_items(value)
    if items is None:
        return value
    for item in items:
        if _matches(_item_property(item, prop), target):
            return item
    return None


@functools.lru_cache(maxsize=256)
def _condition(env: Environment, expression: str) -> BooleanExpression:
    token = Token(TOKEN_EXPRESSION, expression, 0, expression)
    return BooleanExpression.parse(env, TokenStream(tokenize(expression, token)))


@functools.lru_cache(maxsize=256)
def _expression(env: Environment, expression: str) -> FilteredExpression:
    token = Token(TOKEN_EXPRESSION, expression, 0, expression)
    parsed = FilteredExpression.parse(env, TokenStream(tokenize(expression, token)))
    assert isinstance(parsed, FilteredExpression)
    return parsed


def _select(value: Any, variable: Any, expression: Any, context: RenderContext, first: bool) -> Any:
    items = _as_items(value)
    if items is None:
        return value
    condition = _condition(context.env, ruby_to_s(expression))
    name = ruby_to_s(variable)
    found: list[Any] = []
    for item in items:
        with context.extend({name: item}):
            if condition.evaluate(context):
                if first:
                    return item
                found.append(item)
    return None if first else found


@with_context
def where_exp(value: Any, variable: Any, expression: Any, *, context: RenderContext) -> Any:
    """Items for which the Liquid condition holds: ``where_exp: "p", "p.year > 2020"``."""
    return _select(value, variable, expression, context, first=False)


@with_context
def find_exp(value: Any, variable: Any, expression: Any, *, context: RenderContext) -> Any:
    """The first item for which the condition holds, or nil."""
    return _select(value, variable, expression, context, first=True)


def _grouped(groups: dict[Any, list[Any]], names: dict[Any, Any]) -> list[dict[str, Any]]:
    return [{"name": names[k], "items": items, "size": len(items)} for k, items in groups.items()]


def group_by(value: Any, prop: Any) -> Any:
    """``[{"name": ..., "items": [...], "size": n}]`` by ``prop`` (as text)."""
    items = _as_items(value)
    if items is None:
        return value
    groups: dict[Any, list[Any]] = {}
    names: dict[Any, Any] = {}
    for item in items:
        key = ruby_to_s(_item_property(item, prop))
        groups.setdefault(key, []).append(item)
        names[key] = key
    return _grouped(groups, names)


@with_context
def group_by_exp(value: Any, variable: Any, expression: Any, *, context: RenderContext) -> Any:
    """Groups by the value of a Liquid expression: ``"p", "p.date | date: '%Y'"``."""
    items = _as_items(value)
    if items is None:
        return value
    parsed = _expression(context.env, ruby_to_s(expression))
    name = ruby_to_s(variable)
    groups: dict[Any, list[Any]] = {}
    names: dict[Any, Any] = {}
    for item in items:
        with context.extend({name: item}):
            result = _nil(parsed.evaluate(context))
        try:
            key: Any = ("v", result)
            hash(key)
        except TypeError:
            key = ("s", ruby_to_s(result))
        groups.setdefault(key, []).append(item)
        names[key] = result
    return _grouped(groups, names)


def _spaceship(a: Any, b: Any) -> int | None:
    """Ruby's ``<=>``: None when the two cannot be compared."""
    numbers = (int, float)
    if (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        ta, tb = _timestamp(a), _timestamp(b)
        return (ta > tb) - (ta < tb)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        for x, y in zip(a, b, strict=False):
            result = _spaceship(x, y)
            if result != 0:
                return result
        return (len(a) > len(b)) - (len(a) < len(b))
    if a is b or (isinstance(a, bool) and a == b):
        return 0
    return None


def _timestamp(value: dt.datetime) -> float:
    return value.timestamp() if value.tzinfo else value.replace(tzinfo=dt.UTC).timestamp()


def _compare_or_fail(a: Any, b: Any) -> int:
    result = _spaceship(a, b)
    if result is None:
        raise LiquidTypeError(
            f"sort: comparison of {type(a).__name__} with {type(b).__name__} failed", token=None
        )
    return result


def sort(value: Any, prop: Any = None, nils: Any = "first") -> Any:
    """Jekyll's ``sort``: by ``prop`` with nils ``"first"`` or ``"last"``;
    numbers written as text sort as numbers."""
    value = _nil(value)
    if value is None:
        raise FilterArgumentError("Cannot sort a null object.", token=None)
    items = _as_items(value) if not isinstance(value, Mapping) else _ruby_array(value)
    if items is None:
        raise FilterArgumentError(f"cannot sort a {type(value).__name__}", token=None)
    prop = _nil(prop)
    if prop is None:
        return sorted(items, key=functools.cmp_to_key(_compare_or_fail))
    if nils == "first":
        order = -1
    elif nils == "last":
        order = 1
    else:
        raise FilterArgumentError(
            f"Invalid nils order: '{nils}' is not a valid nils order. It must be 'first' or 'last'.",
            token=None,
        )

    def compare(x: tuple[Any, Any], y: tuple[Any, Any]) -> int:
        a, b = x[0], y[0]
        if a is not None and b is None:
            return -order
        if a is None and b is not None:
            return order
        result = _spaceship(a, b)
        if result is None:
            sa, sb = ruby_to_s(a), ruby_to_s(b)
            result = (sa > sb) - (sa < sb)
        return result

    keyed = [(_item_property(item, prop), item) for item in items]
    return [item for _, item in sorted(keyed, key=functools.cmp_to_key(compare))]


def round_(value: Any, digits: Any = None) -> Any:
    """Ruby's ``round``: halves go away from zero (``2.5`` -> ``3``)."""
    number = num_arg(_nil(value), default=0)
    places = to_integer(digits) if _nil(digits) is not None else 0
    if isinstance(number, int):
        return number
    if number != number or number in (float("inf"), float("-inf")):
        return number
    rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(rounded) if places <= 0 else float(rounded)


def _count(num: Any) -> int:
    return max(to_integer(num), 0)


def pop(value: Any, num: Any = 1) -> Any:
    """A copy without the last ``num`` items."""
    if not isinstance(value, (list, tuple)):
        return value
    items = list(value)
    count = _count(num)
    return items[: len(items) - count] if count else items


def push(value: Any, item: Any) -> Any:
    """A copy with ``item`` added at the end."""
    if not isinstance(value, (list, tuple)):
        return value
    return [*value, _nil(item)]


def shift(value: Any, num: Any = 1) -> Any:
    """A copy without the first ``num`` items."""
    if not isinstance(value, (list, tuple)):
        return value
    return list(value)[_count(num) :]


def unshift(value: Any, item: Any) -> Any:
    """A copy with ``item`` added at the start."""
    if not isinstance(value, (list, tuple)):
        return value
    return [_nil(item), *value]


def sample(value: Any, num: Any = 1) -> Any:
    """One random item, or a list of ``num`` of them."""
    items = _as_items(value)
    if items is None or isinstance(_nil(value), Mapping):
        return value
    count = to_integer(num)
    if count == 1:
        return random.choice(items) if items else None
    return random.sample(items, min(max(count, 0), len(items)))


JEKYLL_FILTERS: dict[str, Callable[..., Any]] = {
    "relative_url": relative_url,
    "absolute_url": absolute_url,
    "strip_index": strip_index,
    "date_to_string": date_to_string,
    "date_to_long_string": date_to_long_string,
    "date_to_xmlschema": date_to_xmlschema,
    "date_to_rfc822": date_to_rfc822,
    "date": date,
    "markdownify": markdownify,
    "smartify": smartify,
    "slugify": slugify,
    "xml_escape": xml_escape,
    "cgi_escape": cgi_escape,
    "uri_escape": uri_escape,
    "normalize_whitespace": normalize_whitespace,
    "number_of_words": number_of_words,
    "array_to_sentence_string": array_to_sentence_string,
    "jsonify": jsonify,
    "inspect": inspect,
    "to_integer": to_integer,
    "where": where,
    "where_exp": where_exp,
    "find": find,
    "find_exp": find_exp,
    "group_by": group_by,
    "group_by_exp": group_by_exp,
    "sort": sort,
    "pop": pop,
    "push": push,
    "shift": shift,
    "unshift": unshift,
    "sample": sample,
    "escape": escape,
    "h": escape,
    "escape_once": escape_once,
    "round": round_,
}


def register_filters(env: Environment) -> None:
    """Add Jekyll's filters (replacing python-liquid's of the same name)."""
    for name, func in JEKYLL_FILTERS.items():
        env.add_filter(name, func)
