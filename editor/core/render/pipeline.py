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
_DEFINITION_LINE = re.compile(
    r"""^ {0,3}(?:\[[^\]]+\]:[ \t]*\S+(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*"""
    r"""|\*\[[^\]]+\]:.*)$"""
)
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
        self._liquid = _make_liquid(context, self._state) if liquid else None
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
        definitions = self._definitions(
            "\n".join(b.text for b in blocks if b.kind == "definitions"), page
        )
        footnotes = _footnote_defs(b for b in blocks if b.kind == "footnote")
        numbers, counts = self._footnote_numbers(normal, footnotes)
        page_sig = _signature(page)

        assigns: dict[str, Any] = {}
        out: list[Block] = []
        diagnostics: list[Diagnostic] = []
        seen: dict[str, int] = {}
        seen_refs: dict[str, int] = {}
        for block in normal:
            rendered = self._block(block, page, page_sig, assigns, definitions, numbers, seen_refs)
            if rendered.assigns is not None:
                assigns = rendered.assigns
            diagnostics.extend(rendered.diagnostics)
            out.append(_block(rendered.html, block.line, seen))
        if numbers:
            section = self._footnote_section(
                footnotes, numbers, counts, page, page_sig, definitions
            )
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
        seen_refs: dict[str, int],
    ) -> _Rendered:
        """Render one block (cached); ``seen_refs`` counts footnote
        references before it and is advanced past its own."""
        text = block.text
        refs = (
            [label for label in _FOOTNOTE_REF.findall(text) if label in numbers]
            if "[^" in text
            else []
        )
        before = {label: seen_refs.get(label, 0) for label in refs}
        for label in refs:
            seen_refs[label] = seen_refs.get(label, 0) + 1
        liquid = self._liquid is not None and _HAS_LIQUID.search(text) is not None
        links = "[" in text
        key = (
            text,
            block.line if liquid else None,  # diagnostics carry the line
            (page_sig, _signature(assigns)) if liquid else None,
            definitions if links else None,
            tuple((label, numbers[label], before[label]) for label in refs) if refs else None,
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
            definitions if links else "",
            numbers,
            before,
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
        seen_before: Mapping[str, int],
    ) -> _Rendered:
        md = self._md
        md.reset()
        self._state.raw_html = []
        diagnostics: tuple[Diagnostic, ...] = ()
        assigns_out = None
        try:
            if assigns is not None and self._liquid is not None:
                result = self._liquid.render(text, page, first_line=line, assigns=dict(assigns))
                text, diagnostics = result.text, tuple(result.diagnostics)
                if _STATE_TAGS.search(text) is None:
                    assigns_out = dict(result.assigns)
            self._state.footnotes = numbers
            self._state.footnote_seen = dict(seen_before)
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

    def _definitions(self, text: str, page: Mapping[str, Any]) -> str:
        """Link and abbreviation definitions, with their Liquid run (Jekyll
        runs Liquid over the whole post first: ``[1]: {{ site.url }}/x``).
        Lines that do not read as definitions are left out, so they can
        never show up as text in every block they are added to."""
        if not text:
            return ""
        if self._liquid is not None and _HAS_LIQUID.search(text):
            key = ("definitions", text, _signature(page))
            cached = self._cache.get(key)
            if cached is None:
                self._state.raw_html = []
                rendered_text = self._liquid.render(text, page, assigns={}).text
                cached = _Rendered(rendered_text, (), None)
                self._cache[key] = cached
            text = cached.html
        return "\n".join(line for line in text.split("\n") if _DEFINITION_LINE.match(line))

    # -- footnotes -----------------------------------------------------------------

    def _footnote_numbers(
        self, blocks: list[SourceBlock], footnotes: Mapping[str, tuple[str, int]]
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Footnote numbers in order of first reference, and how often each
        is referenced."""
        numbers: dict[str, int] = {}
        counts: dict[str, int] = {}
        if not footnotes:
            return numbers, counts
        for block in blocks:
            if "[^" not in block.text:
                continue
            for label in _FOOTNOTE_REF.findall(block.text):
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
        page: Mapping[str, Any],
        page_sig: str,
        definitions: str,
    ) -> str:
        items = []
        for label in sorted(numbers, key=numbers.__getitem__):
            text, line = footnotes[label]
            rendered = self._block(
                SourceBlock(text, line), page, page_sig, {}, definitions, numbers, {}
            )
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
        while len(self._cache) > self.CACHE_SIZE:
            self._cache.popitem(last=False)


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


def _failed(text: str, line: int, message: str, diagnostics: tuple[Diagnostic, ...]) -> _Rendered:
    shown = f'<pre class="galley-error">{html.escape(text[:20_000])}</pre>'
    return _Rendered(shown, (*diagnostics, Diagnostic(message, line, None, "error")), None)
