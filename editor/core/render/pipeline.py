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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from editor.core.render.blocks import SourceBlock, Splitter
from editor.core.render.context import SiteContext
from editor.core.render.liquid import JekyllLiquid
from editor.core.render.markdown_stage import RenderState, build_markdown
from editor.core.render.parallel import Job, ParallelMarkdown
from editor.core.render.sanitize import sanitize
from editor.core.render.types import Block, BlockChange, Diagnostic, RenderResult
from editor.core.wordcount import count

_NO_REFS: list[str] = []
_NO_NUMBERS: Mapping[str, int] = {}
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
    """A block's final HTML, or the source shown as text with the error;
    ``digest`` names the HTML (block ids are made from it)."""

    html: str
    error: str | None = None
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", _digest(self.html))


@dataclass(frozen=True, slots=True)
class _Previous:
    """What the last render left for the next one to start from.

    ``normal_before[i]`` is how many normal blocks come before source block
    ``i`` (so also the index of its rendered block); ``digests`` counts the
    rendered blocks by digest and ``header_ids`` the header ids they carry
    before numbering, over the whole body; ``notes`` holds, per rendered
    block, the footnote references it makes (label, number, references to
    the label before it), and ``numbers`` the footnote numbers."""

    sources: list[SourceBlock]
    result: RenderResult
    page_sig: str
    definitions: str
    numbers: dict[str, int]
    footnote_labels: frozenset[str]
    notes: list[tuple[tuple[str, int, int], ...] | None]
    normal_before: list[int]
    digests: dict[str, int]
    header_ids: dict[str, int]
    has_section: bool


class Pipeline:
    """Renders post bodies for one site; keep it and reuse it (it caches).

    ``context`` is the site (a ``render.context.SiteContext``) or None for a
    post outside any site; ``liquid`` and ``clean`` turn those stages off.
    """

    CACHE_SIZE = 20_000
    #: An edit that touches more source blocks than this takes the full pass.
    LOCAL_EDIT_MAX = 64
    #: Below this many blocks to convert, a helper process is not worth it.
    PARALLEL_MIN = 300

    def __init__(
        self,
        context: SiteContext | None = None,
        config: Mapping[str, Any] | None = None,
        *,
        liquid: bool = True,
        clean: bool = True,
    ) -> None:
        if config is None and context is not None:
            config = context.config
        self._config: Mapping[str, Any] = config or {}
        self._state = RenderState()
        self._md = build_markdown(self._state, self._config)
        self._clean = clean
        self._liquid = _make_liquid(context, self._state) if liquid else None
        self._cache: OrderedDict[tuple[Any, ...], _Rendered] = OrderedDict()
        self._liquid_cache: OrderedDict[tuple[Any, ...], _LiquidOut] = OrderedDict()
        self._splitter = Splitter()
        self._counts: dict[str, tuple[int, int]] = {}
        self._previous: _Previous | None = None
        self._serial = 0
        #: A ``parallel.ParallelMarkdown`` to share big renders with (optional).
        self.parallel: ParallelMarkdown | None = None
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
        page_sig = _signature(page)
        local = self._render_local(blocks, page_sig)
        if local is not None:
            return local
        normal = [b for b in blocks if b.kind == "normal"]

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
                        self._state.raw_token.sub("", line)
                        for line in out.text.split("\n")
                        if _DEFINITION_LINE.match(line)
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

        seen_refs: dict[str, int] = {}
        jobs = [self._markdown_job(text, definitions, numbers, seen_refs) for text in texts]
        self._convert_missing(jobs)

        out_blocks: list[Block] = []
        seen: dict[str, int] = {}
        for block, job in zip(normal, jobs, strict=True):
            key = job[0]
            rendered = self._cache[key]
            self._cache.move_to_end(key)
            if rendered.error is not None:
                diagnostics.append(Diagnostic(rendered.error, block.line, None, "error"))
            out_blocks.append(_block(rendered, block.line, seen))
        if numbers:
            section = self._footnote_section(footnotes, numbers, counts, definitions)
            line = min(footnotes[label][1] for label in numbers)
            out_blocks.append(_block(section, line, seen))
        self._trim_cache()
        cjk, words = self._count(blocks)
        header_ids: dict[str, int] = {}
        self._serial += 1
        result = RenderResult(
            _unique_header_ids(out_blocks, header_ids),
            tuple(diagnostics),
            cjk,
            words,
            self._serial,
        )
        self._previous = None
        if not diagnostics:
            normal_before = [0]
            for block in blocks:
                normal_before.append(normal_before[-1] + (block.kind == "normal"))
            self._previous = _Previous(
                blocks, result, page_sig, definitions, numbers, frozenset(footnotes),
                [job[0][3] for job in jobs], normal_before, seen, header_ids, bool(numbers),
            )  # fmt: skip
        return result

    def _render_local(self, blocks: list[SourceBlock], page_sig: str) -> RenderResult | None:
        """The render after an edit confined to a few plain blocks, made from
        the last render without visiting the others; None when the edit
        could change anything outside those blocks (Liquid, which footnotes
        are referenced in what order, link or footnote definitions, repeated
        header ids or blocks, problems), and the full pass must run.

        The result is exactly what the full pass would give (the
        incremental tests hold both to it)."""
        previous = self._previous
        if previous is None or previous.page_sig != page_sig:
            return None
        old = previous.sources
        limit = min(len(old), len(blocks))
        start = 0
        while start < limit and (blocks[start] is old[start] or blocks[start] == old[start]):
            start += 1
        kept = 0
        delta = blocks[-1].line - old[-1].line if limit else 0
        while kept < limit - start:
            new_block, old_block = blocks[-1 - kept], old[-1 - kept]
            if (
                new_block.text != old_block.text
                or new_block.kind != old_block.kind
                or new_block.line - old_block.line != delta
            ):
                break
            kept += 1
        old_end, new_end = len(old) - kept, len(blocks) - kept
        if not kept:
            delta = 0
        old_mid, new_mid = old[start:old_end], blocks[start:new_end]
        if len(old_mid) + len(new_mid) > self.LOCAL_EDIT_MAX:
            return None
        for block in (*old_mid, *new_mid):
            if block.kind != "normal" or _HAS_LIQUID.search(block.text):
                return None

        # The rendered blocks that go: no other block may share their
        # digest or header ids (the others' ids and numbering would change).
        first_out, end_out = previous.normal_before[start], previous.normal_before[old_end]
        gone = previous.result.blocks[first_out:end_out]
        gone_digests: set[str] = set()
        gone_headers: dict[str, int] = {}
        for shown in gone:
            digest = shown.id[1 : shown.id.rfind("-")]
            if shown.id.endswith("-h") or previous.digests.get(digest) != 1:
                return None
            gone_digests.add(digest)
            if "<h" in shown.html:
                for match in _HEADER_ID.finditer(shown.html):
                    gone_headers[match.group(2)] = gone_headers.get(match.group(2), 0) + 1
        if any(previous.header_ids.get(name) != n for name, n in gone_headers.items()):
            return None

        # Footnote references: the same defined labels in the same order, so
        # every number and backlink elsewhere stays (a first reference to a
        # note nobody cited yet adds the note: full pass); counted on from
        # where the first of the blocks that go started.
        defined = previous.footnote_labels
        if defined and _cited(old_mid, defined) != _cited(new_mid, defined):
            return None
        gone_notes = [
            note for notes in previous.notes[first_out:end_out] if notes for note in notes
        ]
        seen_refs: dict[str, int] = {}
        for label, _number, before in gone_notes:
            seen_refs.setdefault(label, before)
        numbers = previous.numbers
        jobs = [
            self._markdown_job(_LiquidOut(block.text), previous.definitions, numbers, seen_refs)
            for block in new_mid
        ]
        fresh_notes = [job[0][3] for job in jobs]
        if [note[0] for note in gone_notes] != [
            note[0] for notes in fresh_notes if notes for note in notes
        ]:
            return None
        self._convert_missing(jobs)
        digests = previous.digests
        header_ids = previous.header_ids
        fresh: list[Block] = []
        fresh_digests: set[str] = set()
        fresh_headers: set[str] = set()
        for block, job in zip(new_mid, jobs, strict=True):
            rendered = self._cache[job[0]]
            self._cache.move_to_end(job[0])
            digest = rendered.digest
            if rendered.error is not None or digest in fresh_digests:
                return None
            if digests.get(digest) and digest not in gone_digests:
                return None
            fresh_digests.add(digest)
            if "<h" in rendered.html:
                for match in _HEADER_ID.finditer(rendered.html):
                    name = match.group(2)
                    if name in fresh_headers or header_ids.get(name, 0) - gone_headers.get(name, 0):
                        return None
                    fresh_headers.add(name)
            fresh.append(Block(f"b{digest}-0", rendered.html, block.line))

        tail = previous.result.blocks[end_out:]
        if delta:
            normal_tail = len(tail) - previous.has_section
            moved = [Block(b.id, b.html, b.line + delta) for b in tail[:normal_tail]]
            if previous.has_section:
                section = tail[-1]
                if section.line < old[old_end].line:
                    return None  # the notes stay while the rest moves: full pass
                moved.append(Block(section.id, section.html, section.line + delta))
            tail = tuple(moved)

        cjk, words = previous.result.cjk, previous.result.words
        for block in old_mid:
            pair = self._counts.get(block.text)
            if pair is None:
                counts = count(block.text)
                pair = (counts.cjk, counts.words)
            cjk, words = cjk - pair[0], words - pair[1]
        for block in new_mid:
            counts = count(block.text)
            self._counts[block.text] = (counts.cjk, counts.words)
            cjk, words = cjk + counts.cjk, words + counts.words

        for digest in gone_digests:
            del digests[digest]
        for digest in fresh_digests:
            digests[digest] = 1
        for name, n in gone_headers.items():
            header_ids[name] -= n
        for name in fresh_headers:
            header_ids[name] = header_ids.get(name, 0) + 1
        counted = previous.normal_before
        grown = len(new_mid) - len(old_mid)
        normal_before = [
            *counted[:start],
            *range(counted[start], counted[start] + len(new_mid)),
            *(n + grown for n in counted[old_end:]),
        ]
        self._trim_cache()
        self._serial += 1
        result = RenderResult(
            previous.result.blocks[:first_out] + tuple(fresh) + tail,
            (),
            cjk,
            words,
            self._serial,
            BlockChange(
                previous.result.serial, first_out, len(gone), len(fresh), delta if tail else 0
            ),
        )
        self._previous = replace(
            previous,
            sources=blocks,
            result=result,
            normal_before=normal_before,
            notes=[*previous.notes[:first_out], *fresh_notes, *previous.notes[end_out:]],
        )
        return result

    def _count(self, blocks: list[SourceBlock]) -> tuple[int, int]:
        """Characters and words of the body, counting only changed blocks."""
        known = self._counts.get
        new: dict[str, tuple[int, int]] = {}
        cjk = words = 0
        for block in blocks:
            text = block.text
            pair = known(text)
            if pair is None:
                counts = count(text)
                pair = (counts.cjk, counts.words)
            new[text] = pair
            cjk += pair[0]
            words += pair[1]
        self._counts = new
        return cjk, words

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

    def _markdown_job(
        self,
        text: _LiquidOut,
        definitions: str,
        numbers: Mapping[str, int],
        seen_refs: dict[str, int],
    ) -> tuple[tuple[Any, ...], _LiquidOut, str, Mapping[str, int], Mapping[str, int]]:
        """The cache key and the inputs of one block's Markdown; ``seen_refs``
        counts footnote references before it and is advanced past its own.
        Runs for every block on every keystroke: allocate little."""
        source = text.text
        if "[^" in source and numbers:
            refs = [label for label in _FOOTNOTE_REF.findall(source) if label in numbers]
        else:
            refs = _NO_REFS
        before: Mapping[str, int]
        used: Mapping[str, int]
        if refs:
            before = {label: seen_refs.get(label, 0) for label in refs}
            for label in refs:
                seen_refs[label] = seen_refs.get(label, 0) + 1
            used = {label: numbers[label] for label in refs}
            notes = tuple((label, used[label], before[label]) for label in refs)
        else:
            before = used = _NO_NUMBERS
            notes = None
        links = "[" in source
        key = (source, text.fragments, definitions if links else None, notes)
        return key, text, definitions if links else "", used, before

    def _markdown_block(
        self,
        text: _LiquidOut,
        definitions: str,
        numbers: Mapping[str, int],
        seen_refs: dict[str, int],
    ) -> _Rendered:
        """Markdown for one block's Liquid output (cached)."""
        job = self._markdown_job(text, definitions, numbers, seen_refs)
        self._convert_missing([job])
        return self._cache[job[0]]

    def _convert_missing(
        self,
        jobs: list[tuple[tuple[Any, ...], _LiquidOut, str, Mapping[str, int], Mapping[str, int]]],
    ) -> None:
        """Convert the jobs not in the cache; with a helper process and many
        of them, half go to the helper while this process does the rest."""
        cache = self._cache
        missing: dict[tuple[Any, ...], Job] = {}
        for key, text, definitions, numbers, before in jobs:
            if key not in cache:
                missing[key] = (text.text, text.fragments, definitions, dict(numbers), dict(before))
        if not missing:
            return
        keys = list(missing)
        helper_keys: list[tuple[Any, ...]] = []
        future = None
        if self.parallel is not None and len(keys) >= self.PARALLEL_MIN:
            helper_keys = keys[len(keys) // 2 :]
            keys = keys[: len(keys) // 2]
            try:
                future = self.parallel.submit([missing[key] for key in helper_keys])
            except (OSError, ValueError, RuntimeError):  # the helper is gone: do it all here
                keys, helper_keys, future = keys + helper_keys, [], None
                self.parallel = None
        local = self.convert_jobs([missing[key] for key in keys])
        for key, (html_text, error) in zip(keys, local, strict=True):
            self._cache[key] = _Rendered(html_text, error)
        if future is not None:
            try:
                results = future.result()
            except (EOFError, OSError):  # the helper died: convert its share here
                results = self.convert_jobs([missing[key] for key in helper_keys])
                self.parallel = None
            for key, (html_text, error) in zip(helper_keys, results, strict=True):
                self._cache[key] = _Rendered(html_text, error)

    def convert_jobs(self, jobs: Sequence[Job]) -> list[tuple[str, str | None]]:
        """(HTML, error) for each job, converted in this process."""
        out = []
        for source, fragments, definitions, numbers, before in jobs:
            rendered = self._convert(_LiquidOut(source, fragments), definitions, numbers, before)
            out.append((rendered.html, rendered.error))
        return out

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
        except Exception as exc:  # an extension crash must not blank the preview
            # Python-Markdown's parser keeps state that reset() does not
            # clear (its block parser's state stack): after an exception
            # the instance is not to be trusted. Build a new one.
            self._md = build_markdown(self._state, self._config)
            if isinstance(exc, RecursionError):
                return _failed(text.text, "nested too deeply to render")
            return _failed(text.text, f"could not render this block ({type(exc).__name__}: {exc})")
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
                rendered_text = self._liquid.render(text, page, assigns={}).text
                # HTML that Liquid made (placeholders) has no place in a URL.
                cached = _LiquidOut(self._state.raw_token.sub("", rendered_text))
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
    ) -> _Rendered:
        """kramdown's footnote section: the referenced notes, in order."""
        key = (
            "footnotes",
            tuple(numbers.items()),
            tuple(counts.items()),
            tuple(footnotes[label][0] for label in numbers),
            definitions,
        )
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
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
        section = _Rendered(
            f'<div class="footnotes" role="doc-endnotes">\n<ol>\n{listing}\n</ol>\n</div>'
        )
        self._cache[key] = section
        return section

    def _trim_cache(self) -> None:
        for cache in (self._cache, self._liquid_cache):
            while len(cache) > self.CACHE_SIZE:
                cache.popitem(last=False)


def _make_liquid(context: SiteContext | None, state: RenderState) -> JekyllLiquid:
    return JekyllLiquid(context or SiteContext.load(None), raw_html=state.raw_placeholder)


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


def _cited(blocks: Sequence[SourceBlock], defined: frozenset[str]) -> list[str]:
    """The labels of defined footnotes that ``blocks`` reference, in order."""
    return [
        label
        for block in blocks
        if "[^" in block.text
        for label in _FOOTNOTE_REF.findall(block.text)
        if label in defined
    ]


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


def _digest(fragment: str) -> str:
    return hashlib.blake2b(fragment.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _block(rendered: _Rendered, line: int, seen: dict[str, int]) -> Block:
    """The block for ``rendered``: its id is the HTML's digest and how many
    equal blocks came before it, so it stays the same while the HTML does."""
    digest = rendered.digest
    count = seen.get(digest, 0)
    seen[digest] = count + 1
    return Block(f"b{digest}-{count}", rendered.html, line)


def _unique_header_ids(blocks: list[Block], counts: dict[str, int]) -> tuple[Block, ...]:
    """kramdown numbers repeated header ids (``x``, ``x-1``, ``x-2``) across
    the whole document; blocks are rendered alone, so settle it here.
    ``counts`` is filled with how often each id was used."""
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
