"""The standalone preview page: the article HTML inside Galley's page chrome.

The page template and stylesheet live in ``resources/preview``; front matter
is shown as a compact header (title, date, categories, tags).
"""

from __future__ import annotations

import html
from functools import cache
from typing import Any

from pygments.formatters import HtmlFormatter

from editor.core import fields
from editor.core.resources import resource_path


@cache
def _template() -> str:
    return resource_path("preview", "preview.html").read_text(encoding="utf-8")


@cache
def _style() -> str:
    return resource_path("preview", "preview.css").read_text(encoding="utf-8")


@cache
def _galley_style() -> str:
    return resource_path("preview", "galley.css").read_text(encoding="utf-8")


@cache
def _highlight_css() -> str:
    # Pygments' stubs leave get_style_defs untyped.
    light: str = HtmlFormatter(style="default").get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    dark: str = HtmlFormatter(style="monokai").get_style_defs(".highlight")  # type: ignore[no-untyped-call]
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}"


def header_html(front_matter: dict[str, Any]) -> str:
    """The compact front-matter header shown above the article."""
    title = front_matter.get("title")
    parts = []
    if title:
        parts.append(f"<h1>{html.escape(str(title))}</h1>")
    meta = []
    date = fields.date_of(front_matter.get("date"))
    if date is not None:
        meta.append(f"<time>{html.escape(date.spell())}</time>")
    for key in ("categories", "category", "tags", "tag"):
        items, _ = fields.list_of(front_matter.get(key))
        meta.extend(f'<span class="tag">{html.escape(item)}</span>' for item in items)
    if meta:
        parts.append(f'<div class="meta">{" ".join(meta)}</div>')
    return f'<div class="galley-fm">{"".join(parts)}</div>' if parts else ""


def build_shell(lang: str = "zh-CN", remote: bool = False, stylesheet: str | None = None) -> str:
    """The preview page without content: the preview loads it once per post
    and then fills ``#galley-header`` and ``#galley-article`` block by block.
    ``remote``: the reader allowed this post's remote images and media.
    ``stylesheet``: a site path (``/assets/main.css``) to style the article
    with instead of Galley's own typography."""
    style = (
        f'<link rel="stylesheet" href="{html.escape(stylesheet, quote=True)}">'
        if stylesheet
        else f"<style>{_style()}</style>"
    )
    replacements = {
        "{remote}": " https: http:" if remote else "",
        "{lang}": html.escape(lang, quote=True),
        "{galley}": _galley_style(),
        "{highlight}": _highlight_css(),
        "{style}": style,
    }
    page = _template()
    for placeholder, value in replacements.items():
        page = page.replace(placeholder, value)
    return page


def build_page(content: str, front_matter: dict[str, Any], lang: str = "zh-CN") -> str:
    """A whole standalone HTML page around the rendered ``content``."""
    page = build_shell(lang)
    page = page.replace(
        '<header id="galley-header"></header>',
        f'<header id="galley-header">{header_html(front_matter)}</header>',
        1,
    )
    # Content last, so text in the post that looks like markup of ours stays.
    return page.replace(
        '<article id="galley-article"></article>',
        f'<article id="galley-article">{content}</article>',
        1,
    )
