"""The render pipeline: body -> Liquid -> Markdown -> sanitised blocks.

``Pipeline.render`` cuts the body into source blocks, renders each one
(Liquid as Jekyll, Markdown as kramdown, cleaned with nh3) and returns them
with the file line they start on. Results are cached by everything a block's
output depends on (its text, the Liquid state and page it sees, the link and
footnote definitions of the document), so after an edit only blocks whose
inputs changed are rendered again, and the result is exactly what a full
render would give.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from editor.core.render.blocks import SourceBlock, Splitter
from editor.core.render.markdown_stage import RenderState, build_markdown
from editor.core.render.sanitize import sanitize
from editor.core.render.types import Block, Diagnostic, RenderResult

_HAS_LIQUID = re.compile(r"\{[{%]")
_FOOTNOTE_LABEL = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]?")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
_HEADER_ID = re.compile(r'(<h[1-6]\b[^>]*\bid=")([^"]*)(")')
_DEFINITION_LINE = re.compile(
    r"""^ {0,3}(?:\[[^\]]+\]:[ \t]*\S+(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*"""
    r"""|\*\[[^\]]+\]:.*)$"""
)


@dataclass(frozen=True, slots=True)
class _LiquidOut:
    """A block after Liquid: Markdown text, the HTML fragments its
    placeholders stand for, what Liquid reported, and the variables after it."""

    text: str
    fragments: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    assigns: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Rendered:
    """A block's final HTML, or the source shown as text with the error."""

    html: str
    error: str | None = None


class Pipeline:
    """Renders post bodies for one site; keep it and reuse it (it caches).

    ``context`` is the site (a ``render.context.SiteContext``) or None for a
    post outside any site; ``liquid`` and ``clean`` turn those stages off.
    """

    CACHE_SIZE = 20_000

    def __init__(
        self,
        context: Any | None = None,
        config: Mapping[str, Any] | None = None,
        *,
        liquid: bool = True,
        clean: bool = True,
    ) -> None:
        if config is None and context is not None:
            config = getattr(context, "config", None)
        self._config: Mapping[str, Any] = config or {}
        self._state = RenderState()
        self._md = build_markdown(self._state, self._config)
        self._clean = clean
        self._liquid = _make_liquid(context, self._state) if liquid else None
        self._cache: OrderedDict[tuple[Any, ...], _Rendered] = OrderedDict()
        self._liquid_cache: OrderedDict[tuple[Any, ...], _LiquidOut] = OrderedDict()
        self._splitter = Splitter()
        kramdown = self._config.get("kramdown")
        first = kramdown.get("footnote_nr", 1) if isinstance(kramdown, Mapping) else 1
        self._footnote_start = first if isinstance(first, int) else 1

    # -- public ------------------------------------------------------------

    def render(
        self, body: str, page: Mapping[str, Any] | None = None, first_line: int = 1
    ) -> RenderResult:
        """Render ``body`` whose first line is file line ``first_line``."""
        page = page or {}
        blocks = self._splitter.split(body, first_line)
        normal = [b for b in blocks if b.kind == "normal"]
        page_sig = _signature(page)

        # Liquid first, over every block in order (Jekyll runs it over the
        # whole post before Markdown): its output may define links.
        diagnostics: list[Diagnostic] = []
        texts: list[_LiquidOut] = []
        generated: list[str] = []
        assigns: dict[str, Any] = {}
        for block in normal:
            if self._liquid is not None and _HAS_LIQUID.search(block.text) is not None:
                out = self._liquid_block(block, page, page_sig, assigns)
                assigns = out.assigns
                diagnostics.extend(out.diagnostics)
                if "]:" in out.text:
                    generated.extend(
                        line for line in out.text.split("\n") if _DEFINITION_LINE.match(line)
                    )
            else:
                out = _LiquidOut(block.text)
            texts.append(out)

        definitions = self._definitions(
            "\n".join(b.text for b in blocks if b.kind == "definitions"), page
        )
        if generated:
            definitions = "\n".join([definitions, *generated]).strip("\n")
        footnotes = _footnote_defs(b for b in blocks if b.kind == "footnote")
        numbers, counts = self._footnote_numbers([t.text for t in texts], footnotes)

        out_blocks: list[Block] = []
        seen: dict[str, int] = {}
        seen_refs: dict[str, int] = {}
        for block, text in zip(normal, texts, strict=True):
            rendered = self._markdown_block(text, definitions, numbers, seen_refs)
            if rendered.error is not None:
                diagnostics.append(Diagnostic(rendered.error, block.line, None, "error"))
            out_blocks.append(_block(rendered.html, block.line, seen))
        if numbers:
            section = self._footnote_section(footnotes, numbers, counts, definitions)
            out_blocks.append(_block(section, min(footnotes[label][1] for label in numbers), seen))
        self._trim_cache()
        return RenderResult(_unique_header_ids(out_blocks), tuple(diagnostics))

    def clear_cache(self) -> None:
        self._cache.clear()
        self._liquid_cache.clear()

    # -- blocks ----------------------------------------------------------------

    def _liquid_block(
        self, block: SourceBlock, page: Mapping[str, Any], page_sig: str, assigns: dict[str, Any]
    ) -> _LiquidOut:
        """Liquid's output for one block, given the variables set before it."""
        assert self._liquid is not None
        key = (block.text, block.line, page_sig, _signature(assigns) if assigns else "")
        cached = self._liquid_cache.get(key)
        if cached is not None:
            self._liquid_cache.move_to_end(key)
            return cached
        self._state.raw_html = []
        result = self._liquid.render(block.text, page, first_line=block.line, assigns=dict(assigns))
        out = _LiquidOut(
            result.text,
            tuple(self._state.raw_html),
            tuple(result.diagnostics),
            dict(result.assigns),
        )
        self._liquid_cache[key] = out
        return out

    def _markdown_block(
        self,
        text: _LiquidOut,
        definitions: str,
        numbers: Mapping[str, int],
        seen_refs: dict[str, int],
    ) -> _Rendered:
        """Markdown for one block's Liquid output (cached); ``seen_refs``
        counts footnote references before it and is advanced past its own."""
        source = text.text
        refs = (
            [label for label in _FOOTNOTE_REF.findall(source) if label in numbers]
            if "[^" in source
            else []
        )
        before = {label: seen_refs.get(label, 0) for label in refs}
        for label in refs:
            seen_refs[label] = seen_refs.get(label, 0) + 1
        links = "[" in source
        key = (
            source,
            text.fragments,
            definitions if links else None,
            tuple((label, numbers[label], before[label]) for label in refs) if refs else None,
        )
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        rendered = self._convert(text, definitions if links else "", numbers, before)
        self._cache[key] = rendered
        return rendered

    def _convert(
        self,
        text: _LiquidOut,
        definitions: str,
        numbers: Mapping[str, int],
        seen_before: Mapping[str, int],
    ) -> _Rendered:
        md = self._md
        md.reset()
        self._state.raw_html = list(text.fragments)
        self._state.footnotes = numbers
        self._state.footnote_seen = dict(seen_before)
        try:
            converted = md.convert(text.text + ("\n\n" + definitions if definitions else ""))
        except RecursionError:
            return _failed(text.text, "nested too deeply to render")
        except Exception as exc:  # an extension crash must not blank the preview
            return _failed(text.text, f"could not render this block ({type(exc).__name__}: {exc})")
        finally:
            md.reset()
        return _Rendered(sanitize(converted) if self._clean else converted)

    def _definitions(self, text: str, page: Mapping[str, Any]) -> str:
        """Link and abbreviation definitions, with their Liquid run (Jekyll
        runs Liquid over the whole post first: ``[1]: {{ site.url }}/x``).
        Lines that do not read as definitions are left out, so they can
        never show up as text in every block they are added to."""
        if not text:
            return ""
        if self._liquid is not None and _HAS_LIQUID.search(text):
            key = ("definitions", text, _signature(page))
            cached = self._liquid_cache.get(key)
            if cached is None:
                self._state.raw_html = []
                cached = _LiquidOut(self._liquid.render(text, page, assigns={}).text)
                self._liquid_cache[key] = cached
            text = cached.text
        return "\n".join(line for line in text.split("\n") if _DEFINITION_LINE.match(line))

    # -- footnotes -----------------------------------------------------------------

    def _footnote_numbers(
        self, texts: list[str], footnotes: Mapping[str, tuple[str, int]]
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Footnote numbers in order of first reference, and how often each
        is referenced."""
        numbers: dict[str, int] = {}
        counts: dict[str, int] = {}
        if not footnotes:
            return numbers, counts
        for text in texts:
            if "[^" not in text:
                continue
            for label in _FOOTNOTE_REF.findall(text):
                if label in footnotes:
                    if label not in numbers:
                        numbers[label] = len(numbers) + self._footnote_start
                    counts[label] = counts.get(label, 0) + 1
        return numbers, counts

    def _footnote_section(
        self,
        footnotes: Mapping[str, tuple[str, int]],
        numbers: Mapping[str, int],
        counts: Mapping[str, int],
        definitions: str,
    ) -> str:
        """kramdown's footnote section: the referenced notes, in order."""
        items = []
        for label in sorted(numbers, key=numbers.__getitem__):
            text, _line = footnotes[label]
            rendered = self._markdown_block(_LiquidOut(text), definitions, numbers, {})
            name = html.escape(label, quote=True)
            backlink = "&nbsp;" + " ".join(
                f'<a href="#fnref:{name}{f":{i}" if i else ""}" class="reversefootnote" '
                f'role="doc-backlink">&#8617;{f"<sup>{i + 1}</sup>" if i else ""}</a>'
                for i in range(max(1, counts.get(label, 1)))
            )
            body = rendered.html
            body = body[:-4] + backlink + "</p>" if body.endswith("</p>") else body + backlink
            items.append(
                f'<li id="fn:{html.escape(label, quote=True)}" role="doc-endnote">{body}</li>'
            )
        listing = "\n".join(items)
        return f'<div class="footnotes" role="doc-endnotes">\n<ol>\n{listing}\n</ol>\n</div>'

    def _trim_cache(self) -> None:
        for cache in (self._cache, self._liquid_cache):
            while len(cache) > self.CACHE_SIZE:
                cache.popitem(last=False)


def _make_liquid(context: Any | None, state: RenderState) -> Any | None:
    try:
        from editor.core.render.context import SiteContext
        from editor.core.render.liquid import JekyllLiquid
    except ImportError:
        return None
    if context is None:
        context = SiteContext.load(None)
    return JekyllLiquid(context, raw_html=state.raw_placeholder)


def _footnote_defs(blocks: Any) -> dict[str, tuple[str, int]]:
    """label -> (Markdown text, file line) of every footnote definition; a
    block may hold several, one after the other."""
    defs: dict[str, tuple[str, int]] = {}
    for block in blocks:
        label: str | None = None
        body: list[str] = []
        start = block.line
        for offset, line in enumerate([*block.text.split("\n"), "[^\x00]:"]):
            match = _FOOTNOTE_LABEL.match(line)
            if match is None:
                body.append(line[4:] if line.startswith("    ") else line.lstrip(" \t"))
                continue
            if label is not None:
                defs.setdefault(label, ("\n".join(body), start))
            label, body, start = match.group(1), [line[match.end() :]], block.line + offset
    return defs


def _signature(value: Any) -> str:
    try:
        text = (
            repr(sorted(value.items(), key=lambda item: str(item[0])))
            if isinstance(value, Mapping)
            else repr(value)
        )
    except Exception:  # a value without a usable repr: never equal to another
        return str(id(value))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _block(fragment: str, line: int, seen: dict[str, int]) -> Block:
    digest = hashlib.blake2b(fragment.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    count = seen.get(digest, 0)
    seen[digest] = count + 1
    return Block(f"b{digest}-{count}", fragment, line)


def _unique_header_ids(blocks: list[Block]) -> tuple[Block, ...]:
    """kramdown numbers repeated header ids (``x``, ``x-1``, ``x-2``) across
    the whole document; blocks are rendered alone, so settle it here."""
    counts: dict[str, int] = {}
    out: list[Block] = []
    for block in blocks:
        if "<h" not in block.html:
            out.append(block)
            continue
        changed = False

        def renumber(match: re.Match[str]) -> str:
            nonlocal changed
            base = match.group(2)
            count = counts.get(base, 0)
            counts[base] = count + 1
            if count == 0:
                return match.group(0)
            changed = True
            return f"{match.group(1)}{base}-{count}{match.group(3)}"

        fragment = _HEADER_ID.sub(renumber, block.html)
        out.append(Block(block.id + "-h", fragment, block.line) if changed else block)
    return tuple(out)


def _failed(text: str, message: str) -> _Rendered:
    shown = f'<pre class="galley-error">{html.escape(text[:20_000])}</pre>'
    return _Rendered(shown, message)
