"""The Liquid stage of the render pipeline, configured like Jekyll 4.3.

:class:`JekyllLiquid` renders a post body (or one block of it) with
Jekyll's tags and filters and the ``site``/``page`` variables of a
:class:`~editor.core.render.context.SiteContext`. It never raises for
what an author writes: a tag that does not parse is kept as written and
reported with its file line, a plugin tag or filter Galley does not know
shows as a marked placeholder with a warning, and loops, output and time
are bounded so hostile input finishes quickly with a diagnostic.

One instance keeps one python-liquid ``Environment`` and a cache of parsed
templates keyed by source text, since the preview renders the same blocks
again and again. An instance is not meant to be shared between threads
(like a Python-Markdown instance); the worker process owns one.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from liquid.output import LimitedStringIO

from editor.core import textcodec
from editor.core.errors import EncodingError, UnreadableFileError
from editor.core.render.context import SiteContext
from editor.core.render.liquid_env import (
    OUTPUT_LIMIT_BYTES,
    JekyllContext,
    JekyllEnvironment,
    ParseCache,
    Parsed,
    RenderState,
    parse_tolerant,
    render_nodes,
    rendering,
)
from editor.core.render.liquid_filters import default_markdownify, register_filters
from editor.core.render.liquid_tags import register_tags
from editor.core.render.types import Diagnostic

__all__ = ["ASSIGN_STATE_KEYS", "JekyllLiquid", "LiquidOutput"]

# Keys of ``LiquidOutput.assigns`` that carry tag state rather than
# variables; they start with "@", which no Liquid variable name can.
COUNTERS_KEY = "@counters"
CYCLES_KEY = "@cycles"
STOPINDEX_KEY = "@stopindex"
IFCHANGED_KEY = "@ifchanged"
ASSIGN_STATE_KEYS = (COUNTERS_KEY, CYCLES_KEY, STOPINDEX_KEY, IFCHANGED_KEY)

JEKYLL_VARIABLE = {"version": "4.3.1", "environment": "development"}


@dataclass(frozen=True, slots=True)
class LiquidOutput:
    """What rendering one piece of Liquid gave.

    ``assigns`` holds the variables the piece left set (``assign``,
    ``capture``) and, under the ``@``-keys of :data:`ASSIGN_STATE_KEYS`,
    the state of ``increment``/``decrement``/``cycle``/``for ... offset:
    continue``: pass it to the next block's render to get the same result
    as rendering the document in one pass.
    """

    text: str
    diagnostics: tuple[Diagnostic, ...] = ()
    assigns: dict[str, Any] = field(default_factory=dict)


class JekyllLiquid:
    """Renders Liquid like Jekyll 4.3 for one site.

    ``markdownify`` converts Markdown for the ``markdownify`` filter
    (default: plain Python-Markdown). ``raw_html`` receives HTML that tags
    produce (``highlight``, placeholders) so the Markdown stage can keep it
    out of Markdown processing; it may return a placeholder (default: the
    HTML unchanged). ``time_limit`` bounds one render, in seconds.
    """

    def __init__(
        self,
        context: SiteContext,
        *,
        markdownify: Callable[[str], str] | None = None,
        raw_html: Callable[[str], str] | None = None,
        time_limit: float = 0.5,
        cache_size: int = 512,
    ) -> None:
        self.context = context
        self._markdownify = markdownify or default_markdownify
        self._raw_html = raw_html or _identity
        self._time_limit = time_limit
        self._env = JekyllEnvironment()
        register_tags(self._env)
        register_filters(self._env)
        self._cache = ParseCache(cache_size)
        self._includes: OrderedDict[tuple[Path, int, int], Parsed] = OrderedDict()

    def render(
        self,
        source: str,
        page: Mapping[str, Any],
        *,
        first_line: int = 1,
        assigns: dict[str, Any] | None = None,
    ) -> LiquidOutput:
        """Render ``source`` (file lines from ``first_line``) with ``page``
        as the page variables; never raises for bad Liquid."""
        carried = dict(assigns) if assigns else {}
        if "{{" not in source and "{%" not in source:
            return LiquidOutput(source, (), carried)
        parsed = self._cache.get(self._env, source)
        diagnostics = [
            Diagnostic(
                f"Liquid syntax error: {p.message}; shown as written",
                first_line + p.line - 1,
                p.column,
                "error",
            )
            for p in parsed.problems
        ]
        if parsed.template is None:
            return LiquidOutput(source, tuple(diagnostics), carried)

        state = RenderState(
            site=self.context,
            source=parsed.source,
            first_line=first_line,
            raw_html=self._raw_html,
            markdownify=self._markdownify,
            deadline=time.monotonic() + self._time_limit,
            load_include=self._load_include,
        )
        context = JekyllContext(
            parsed.template,
            globals={
                "site": self.context.site_vars(),
                "page": page,
                "jekyll": JEKYLL_VARIABLE,
                "paginator": None,
            },
        )
        _restore(context, carried)
        # Roughly what a post could legitimately print, with room to spare;
        # more than that is a runaway loop.
        buffer = LimitedStringIO(limit=max(OUTPUT_LIMIT_BYTES, 8 * len(source.encode())))
        with rendering(state):
            try:
                render_nodes(parsed.template.nodes, context, buffer, state)
            except Exception as exc:  # never lose the preview to a bug
                state.report(f"Liquid render failed: {type(exc).__name__}: {exc}", None, "error")
        diagnostics.extend(state.diagnostics)
        diagnostics.sort(key=lambda d: (d.line or 0, d.column or 0))
        return LiquidOutput(buffer.getvalue(), tuple(diagnostics), _saved(context))

    def _load_include(self, path: Path) -> Parsed:
        """Parse an include file, cached until it changes on disk."""
        try:
            stat = path.stat()
            key = (path, stat.st_mtime_ns, stat.st_size)
        except OSError:
            key = (path, 0, 0)
        parsed = self._includes.get(key)
        if parsed is not None:
            self._includes.move_to_end(key)
            return parsed
        try:
            text, _ = textcodec.decode(path.read_bytes(), path)
        except (OSError, EncodingError, UnreadableFileError) as exc:
            text = f"<!-- cannot read {path.name}: {exc} -->"
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        parsed = parse_tolerant(self._env, text)
        self._includes[key] = parsed
        if len(self._includes) > 128:
            self._includes.popitem(last=False)
        return parsed


def _identity(html: str) -> str:
    return html


def _restore(context: JekyllContext, carried: Mapping[str, Any]) -> None:
    for key, value in carried.items():
        if not key.startswith("@"):
            context.locals[key] = value
    context.counters.update(carried.get(COUNTERS_KEY) or {})
    context.tag_namespace["cycles"].update(carried.get(CYCLES_KEY) or {})
    context.tag_namespace["stopindex"].update(carried.get(STOPINDEX_KEY) or {})
    if IFCHANGED_KEY in carried:
        context.tag_namespace["ifchanged"] = carried[IFCHANGED_KEY]


def _saved(context: JekyllContext) -> dict[str, Any]:
    saved: dict[str, Any] = dict(context.locals)
    if context.counters:
        saved[COUNTERS_KEY] = dict(context.counters)
    if context.tag_namespace["cycles"]:
        saved[CYCLES_KEY] = dict(context.tag_namespace["cycles"])
    if context.tag_namespace["stopindex"]:
        saved[STOPINDEX_KEY] = dict(context.tag_namespace["stopindex"])
    if context.tag_namespace["ifchanged"]:
        saved[IFCHANGED_KEY] = context.tag_namespace["ifchanged"]
    return saved
