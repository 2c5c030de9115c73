"""Body text to preview HTML.

For now: Python-Markdown with the ``extra`` extensions and Pygments
highlighting, one configured ``Markdown`` instance reused with ``reset()``.
The full Jekyll pipeline (Liquid, kramdown behaviour, sanitising, blocks)
replaces this behind the same ``render_body`` call.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass, field

import markdown

_EXTENSIONS = ["extra", "codehilite", "sane_lists"]
_CONFIG = {"codehilite": {"guess_lang": False, "css_class": "highlight"}}


@dataclass(frozen=True, slots=True)
class RenderResult:
    """What rendering a body produced."""

    html: str
    errors: list[str] = field(default_factory=list)


_local = threading.local()


def _markdown() -> markdown.Markdown:
    # One instance per thread: Markdown objects are not thread-safe, and
    # building one costs far more than reset().
    md: markdown.Markdown | None = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_CONFIG)
        _local.md = md
    return md


def render_body(body: str) -> RenderResult:
    """Render Markdown ``body`` to an HTML fragment; never raises."""
    md = _markdown()
    try:
        return RenderResult(md.reset().convert(body))
    except Exception as exc:  # a crash in an extension must not lose the preview
        md.reset()
        message = f"the preview could not render this text: {type(exc).__name__}: {exc}"
        return RenderResult(f"<pre>{html.escape(body)}</pre>", [message])
