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
from dataclasses import dataclass
from typing import Any

from editor.core.render.blocks import SourceBlock, Splitter
from editor.core.render.markdown_stage import RenderState, build_markdown
from editor.core.render.sanitize import sanitize
from editor.core.render.types import Block, Diagnostic, RenderResult

_HAS_LIQUID = re.compile(r"\{[{%]")
_FOOTNOTE_LABEL = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]?")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
_HEADER_ID = re.compile(r'(<h[1-6]\b[^>]*\bid=")([^"]*)(")')
_STATE_TAGS = re.compile(r"\{%-?\s*(?:assign|capture|increment|decrement|cycle)\b")


@dataclass(frozen=True, slots=True)
class _Rendered:
    html: str
    diagnostics: tuple[Diagnostic, ...]
    assigns: dict[str, Any] | None


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
        self._liquid = _make_liquid(context, self._md) if liquid else None
        self._cache: OrderedDict[tuple[Any, ...], _Rendered] = OrderedDict()
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
        definitions = "\n".join(b.text for b in blocks if b.kind == "definitions")
        footnotes = _footnote_defs(b for b in blocks if b.kind == "footnote")
        numbers = self._footnote_numbers(normal, footnotes)
        page_sig = _signature(page)

        assigns: dict[str, Any] = {}
        out: list[Block] = []
        diagnostics: list[Diagnostic] = []
        seen: dict[str, int] = {}
        for block in normal:
            rendered = self._block(block, page, page_sig, assigns, definitions, numbers)
            if rendered.assigns is not None:
                assigns = rendered.assigns
            diagnostics.extend(rendered.diagnostics)
            out.append(_block(rendered.html, block.line, seen))
        if numbers:
            section = self._footnote_section(footnotes, numbers, page, page_sig, definitions)
            out.append(_block(section, min(footnotes[label][1] for label in numbers), seen))
        self._trim_cache()
        return RenderResult(_unique_header_ids(out), tuple(diagnostics))

    def clear_cache(self) -> None:
        self._cache.clear()

    # -- blocks ----------------------------------------------------------------

    def _block(
        self,
        block: SourceBlock,
        page: Mapping[str, Any],
        page_sig: str,
        assigns: dict[str, Any],
        definitions: str,
        numbers: Mapping[str, int],
    ) -> _Rendered:
        text = block.text
        liquid = self._liquid is not None and _HAS_LIQUID.search(text) is not None
        refs = "[" in text
        key = (
            text,
            block.line if liquid else None,  # diagnostics carry the line
            (page_sig, _signature(assigns)) if liquid else None,
            definitions if refs else None,
            tuple(
                (label, numbers[label]) for label in _FOOTNOTE_REF.findall(text) if label in numbers
            )
            if refs
            else None,
        )
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        rendered = self._convert(
            text,
            block.line,
            page,
            assigns if liquid else None,
            definitions if refs else "",
            numbers,
        )
        self._cache[key] = rendered
        return rendered

    def _convert(
        self,
        text: str,
        line: int,
        page: Mapping[str, Any],
        assigns: dict[str, Any] | None,
        definitions: str,
        numbers: Mapping[str, int],
    ) -> _Rendered:
        md = self._md
        md.reset()
        diagnostics: tuple[Diagnostic, ...] = ()
        assigns_out = None
        try:
            if assigns is not None and self._liquid is not None:
                result = self._liquid.render(text, page, first_line=line, assigns=dict(assigns))
                text, diagnostics = result.text, tuple(result.diagnostics)
                if _STATE_TAGS.search(text) is None:
                    assigns_out = dict(result.assigns)
            self._state.footnotes = numbers
            source = text + ("\n\n" + definitions if definitions else "")
            converted = md.convert(source)
        except RecursionError:
            return _failed(text, line, "nested too deeply to render", diagnostics)
        except Exception as exc:  # an extension crash must not blank the preview
            return _failed(
                text,
                line,
                f"could not render this block ({type(exc).__name__}: {exc})",
                diagnostics,
            )
        finally:
            md.reset()
        return _Rendered(
            sanitize(converted) if self._clean else converted, diagnostics, assigns_out
        )

    # -- footnotes -----------------------------------------------------------------

    def _footnote_numbers(
        self, blocks: list[SourceBlock], footnotes: Mapping[str, tuple[str, int]]
    ) -> dict[str, int]:
        numbers: dict[str, int] = {}
        if not footnotes:
            return numbers
        for block in blocks:
            for label in _FOOTNOTE_REF.findall(block.text):
                if label in footnotes and label not in numbers:
                    numbers[label] = len(numbers) + self._footnote_start
        return numbers

    def _footnote_section(
        self,
        footnotes: Mapping[str, tuple[str, int]],
        numbers: Mapping[str, int],
        page: Mapping[str, Any],
        page_sig: str,
        definitions: str,
    ) -> str:
        items = []
        for label in sorted(numbers, key=numbers.__getitem__):
            text, line = footnotes[label]
            rendered = self._block(
                SourceBlock(text, line), page, page_sig, {}, definitions, numbers
            )
            backlink = (
                f'&nbsp;<a href="#fnref:{html.escape(label, quote=True)}" class="reversefootnote" '
                f'role="doc-backlink">&#8617;</a>'
            )
            body = rendered.html
            body = body[:-4] + backlink + "</p>" if body.endswith("</p>") else body + backlink
            items.append(
                f'<li id="fn:{html.escape(label, quote=True)}" role="doc-endnote">{body}</li>'
            )
        return f'<div class="footnotes" role="doc-endnotes"><ol>{"".join(items)}</ol></div>'

    def _trim_cache(self) -> None:
        while len(self._cache) > self.CACHE_SIZE:
            self._cache.popitem(last=False)


def _make_liquid(context: Any | None, md: Any) -> Any | None:
    try:
        from editor.core.render.context import SiteContext
        from editor.core.render.liquid import JekyllLiquid
    except ImportError:
        return None
    if context is None:
        context = SiteContext.load(None)
    return JekyllLiquid(context, raw_html=lambda fragment: md.htmlStash.store(fragment))


def _footnote_defs(blocks: Any) -> dict[str, tuple[str, int]]:
    defs: dict[str, tuple[str, int]] = {}
    for block in blocks:
        match = _FOOTNOTE_LABEL.match(block.text)
        if match is None:
            continue
        lines = block.text[match.end() :].split("\n")
        body = [lines[0]] + [
            line[4:] if line.startswith("    ") else line.lstrip(" \t") for line in lines[1:]
        ]
        defs.setdefault(match.group(1), ("\n".join(body), block.line))
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


def _failed(text: str, line: int, message: str, diagnostics: tuple[Diagnostic, ...]) -> _Rendered:
    shown = f'<pre class="galley-error">{html.escape(text[:20_000])}</pre>'
    return _Rendered(shown, (*diagnostics, Diagnostic(message, line, None, "error")), None)
