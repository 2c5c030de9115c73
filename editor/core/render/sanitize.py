"""Cleaning rendered HTML before the preview shows it.

nh3 (Ammonia) runs after every other step: no scripts, no event handlers, no
``javascript:``/``file:``/unknown-scheme URLs, no ``srcdoc``; article markup
(classes, ids, inline styles, tables, figures, footnotes) stays. Embedded
frames become a card naming their source instead of loading it.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3

_TAGS = frozenset(nh3.ALLOWED_TAGS) | {
    "article", "aside", "audio", "caption", "col", "colgroup", "details", "div", "dl", "dd",
    "dt", "figcaption", "figure", "footer", "header", "hr", "img", "kbd", "main", "mark",
    "nav", "picture", "pre", "section", "source", "span", "summary", "sup", "sub", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "video", "var", "samp", "abbr",
    "small", "del", "ins", "s", "u", "q", "cite", "dfn", "ruby", "rt", "rp", "bdi", "bdo",
    "wbr", "center", "font", "input",
}  # fmt: skip
_GENERIC = {
    "class", "id", "style", "title", "lang", "dir", "role", "align", "width", "height",
    "hidden", "tabindex", "aria-label", "aria-hidden", "aria-describedby",
}  # fmt: skip
_ATTRIBUTES: dict[str, set[str]] = {
    "*": _GENERIC,
    "a": {"href", "name", "rel", "target", "hreflang"},
    "img": {"src", "alt", "srcset", "sizes", "loading", "decoding"},
    "source": {"src", "srcset", "type", "media", "sizes"},
    "video": {"src", "poster", "controls", "loop", "muted", "playsinline", "preload"},
    "audio": {"src", "controls", "loop", "muted", "preload"},
    "td": {"colspan", "rowspan", "headers", "valign"},
    "th": {"colspan", "rowspan", "scope", "headers", "valign"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "details": {"open"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "font": {"color", "face", "size"},
    "code": {"data-lang"},
    "input": {"type", "checked", "disabled"},
}
_SCHEMES = {"http", "https", "mailto", "tel", "data", "galley-site"}
_ATTRS = r"""(?:"[^"]*"|'[^']*'|[^'">])*"""
_IFRAME = re.compile(
    rf"<iframe\b(?P<attrs>{_ATTRS})>(?:.*?</iframe\s*>)?"
    rf"|<(?:embed|object)\b(?P<attrs2>{_ATTRS})>(?:.*?</object\s*>)?",
    re.I | re.S,
)
_SRC = re.compile(r"""(?<![\w-])(?:src|data)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def _embed_card(match: re.Match[str]) -> str:
    attrs = match.group("attrs") or match.group("attrs2") or ""
    found = _SRC.search(attrs)
    url = html.unescape(next((g for g in found.groups() if g), "")) if found else ""
    scheme = urlsplit(url).scheme.lower()
    parts = urlsplit(url if scheme or url.startswith("//") else "//" + url)
    if scheme not in ("", "http", "https") or not parts.hostname:
        return '<div class="galley-embed"><strong>Embedded content (blocked)</strong></div>'
    host = parts.hostname
    return (
        '<div class="galley-embed">'
        f"<strong>Embedded content from {html.escape(host)}</strong><br>"
        f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a></div>'
    )


_STYLE_HOSTILE = re.compile(r"url\s*\(|expression\s*\(|javascript:|@import|behavior\s*:", re.I)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Inline styles stay (articles use them) but may not load anything:
    # url(...) would fetch from the network, expression() is old-IE script.
    if attribute == "style":
        return None if _STYLE_HOSTILE.search(value) else value
    # data: is for inline images only; a data: link could carry a page.
    if value.lstrip().lower().startswith("data:"):
        if tag in ("img", "source") and value.lstrip().lower().startswith("data:image/"):
            return value
        return None
    return value


# Removed together with everything inside them.
_DROP_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "frame", "frameset"}
)
_cleaner: nh3.Cleaner | None = None


def _get_cleaner() -> nh3.Cleaner:
    # Building the cleaner once makes each call several times cheaper than
    # nh3.clean with the same options.
    global _cleaner
    if _cleaner is None:
        _cleaner = nh3.Cleaner(
            tags=set(_TAGS),
            clean_content_tags=set(_DROP_WITH_CONTENT),
            attributes=_ATTRIBUTES,
            attribute_filter=_filter_attribute,
            strip_comments=True,
            link_rel=None,
            url_schemes=set(_SCHEMES),
            generic_attribute_prefixes={"data-"},
        )
    return _cleaner


def sanitize(fragment: str) -> str:
    """Return ``fragment`` safe to show: nothing in it can run or navigate
    anywhere but http(s)/mailto/tel and the site's own files."""
    fragment = _IFRAME.sub(_embed_card, fragment)
    return _get_cleaner().clean(fragment)
