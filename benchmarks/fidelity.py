"""How close Galley's rendering of each corpus post is to what Jekyll publishes.

For every site under the corpus (any folder with a ``_config.yml``), real
Jekyll builds a copy whose layouts are reduced to ``{{ content }}`` (see
``jekyll_reference``). Each post, draft and collection document is then
rendered by a candidate renderer and by the ``plain`` baseline
(``markdown.markdown(body, extensions=["extra", "codehilite"])``), and both
are compared with Jekyll's output:

- *block for block*: each fragment is cut into top-level blocks (top-level
  elements; top-level text that is not whitespace is a text block), each
  keyed by (tag name, text with whitespace collapsed and entities decoded,
  typographic characters kept). A post matches when the key sequences are
  equal. ``--strict`` adds the top-level element's ``id`` and ``class``.
- *similarity*: ``difflib.SequenceMatcher`` ratio over the text's tokens
  (words, single CJK characters, single punctuation marks) and over the
  block keys.

Run ``python benchmarks/fidelity.py --help`` from a checkout.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol

# Runs from a checkout without installing: the repository root holds both
# `editor` and this `benchmarks` folder.
REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.jekyll_reference import (
    ReferenceBuild,
    ReferenceBuildError,
    Source,
    build_reference,
    find_sites,
)

TARGET = 0.95
MAX_DIFF_LINES = 40
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
PLAIN_EXTENSIONS = ["extra", "codehilite"]

# -- blocks and comparison ----------------------------------------------------

BlockKey = tuple[str, ...]
"""(tag, normalised text), or (tag, text, "#id", ".class ...") with --strict;
top-level text is tagged ``#text``."""

VOID_ELEMENTS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_SPACE = re.compile(r"\s+")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|[^\w\s]")


def normalise(text: str) -> str:
    """Whitespace collapsed to single spaces and trimmed (entities are
    already decoded by the parser; typographic characters stay)."""
    return _SPACE.sub(" ", text).strip()


class _BlockParser(HTMLParser):
    """Cuts an HTML fragment into top-level blocks.

    Forgiving like a browser where it matters for raw HTML in posts: an end
    tag closes every element opened after its start tag, a stray end tag is
    ignored, and what is still open at the end is closed. ``<br>`` counts as
    whitespace. Comments are ignored.
    """

    def __init__(self, strict: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.strict = strict
        self.blocks: list[BlockKey] = []
        self._stack: list[str] = []
        self._attrs: tuple[str, ...] = ()
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._stack:
            if tag == "br":
                self._parts.append(" ")
            elif tag not in VOID_ELEMENTS:
                self._stack.append(tag)
            return
        self._flush_text()
        self._attrs = _attr_key(attrs) if self.strict else ()
        if tag in VOID_ELEMENTS:
            self.blocks.append((tag, "", *self._attrs))
        else:
            self._stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._stack:
            return
        while self._stack.pop() != tag:
            pass
        if not self._stack:
            self._close_block(tag)

    def handle_data(self, data: str) -> None:
        self._parts.append(data)

    def close(self) -> None:
        super().close()
        if self._stack:
            self._close_block(self._stack[0])
            self._stack.clear()
        self._flush_text()

    def _close_block(self, tag: str) -> None:
        self.blocks.append((tag, normalise("".join(self._parts)), *self._attrs))
        self._parts.clear()

    def _flush_text(self) -> None:
        text = normalise("".join(self._parts))
        self._parts.clear()
        if text:
            self.blocks.append(("#text", text))


def _attr_key(attrs: list[tuple[str, str | None]]) -> tuple[str, ...]:
    found = dict(attrs)
    classes = " ".join(sorted((found.get("class") or "").split()))
    return ("#" + (found.get("id") or ""), "." + classes)


def html_blocks(fragment: str, strict: bool = False) -> list[BlockKey]:
    """The top-level block keys of an HTML fragment, in order."""
    parser = _BlockParser(strict)
    parser.feed(fragment)
    parser.close()
    return parser.blocks


def _tokens(blocks: Sequence[BlockKey]) -> list[str]:
    return _TOKEN.findall(" ".join(key[1] for key in blocks))


def _ratio(a: Sequence[Any], b: Sequence[Any]) -> float:
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def text_similarity(reference: Sequence[BlockKey], rendered: Sequence[BlockKey]) -> float:
    """SequenceMatcher's ratio (2 * matched / total) over the text tokens.

    Tokens are matched region by region between the blocks that are equal
    in both: one SequenceMatcher over the 30,000 tokens of a long changelog
    takes seconds (without autojunk, which would ignore every frequent
    word), the regions take milliseconds, and the alignment is the same
    wherever whole blocks agree.
    """
    ours = [_tokens([key]) for key in reference]
    theirs = [_tokens([key]) for key in rendered]
    total = sum(map(len, ours)) + sum(map(len, theirs))
    if not total:
        return 1.0
    matched = 0
    blocks = difflib.SequenceMatcher(None, reference, rendered, autojunk=False)
    for op, i1, i2, j1, j2 in blocks.get_opcodes():
        if op == "equal":
            matched += sum(map(len, ours[i1:i2]))
            continue
        a = [token for tokens in ours[i1:i2] for token in tokens]
        b = [token for tokens in theirs[j1:j2] for token in tokens]
        if a and b:
            region = difflib.SequenceMatcher(None, a, b, autojunk=False)
            matched += sum(match.size for match in region.get_matching_blocks())
    return 2 * matched / total


@dataclass(slots=True)
class Comparison:
    """One rendering of one post against Jekyll's."""

    reference: list[BlockKey]
    rendered: list[BlockKey]
    error: str | None = None
    match: bool = field(init=False)
    text_similarity: float = field(init=False)
    block_similarity: float = field(init=False)

    def __post_init__(self) -> None:
        self.match = self.error is None and self.reference == self.rendered
        self.text_similarity = text_similarity(self.reference, self.rendered)
        self.block_similarity = _ratio(self.reference, self.rendered)

    def diff(self) -> list[tuple[str, list[BlockKey], list[BlockKey]]]:
        """difflib opcodes over the block keys: (op, jekyll blocks, ours)."""
        matcher = difflib.SequenceMatcher(None, self.reference, self.rendered, autojunk=False)
        return [
            (op, self.reference[i1:i2], self.rendered[j1:j2])
            for op, i1, i2, j1, j2 in matcher.get_opcodes()
        ]


def compare(reference_html: str, rendered_html: str, strict: bool = False) -> Comparison:
    """Compare a rendered body with Jekyll's, block for block and as text."""
    return Comparison(html_blocks(reference_html, strict), html_blocks(rendered_html, strict))


# -- renderers ----------------------------------------------------------------


class RendererUnavailableError(RuntimeError):
    """The renderer cannot run at all here (e.g. the CLI lacks ``render``)."""


class Renderer(Protocol):
    """Turns one source file into the HTML of its body (Jekyll's ``{{ content }}``)."""

    name: str

    def render(self, source: Source) -> str: ...


class PlainRenderer:
    """The baseline: what a generic Markdown previewer shows."""

    name = "plain"

    def __init__(self) -> None:
        import markdown

        from editor.core.post import Post

        # Same output as markdown.markdown(body, extensions=...) per post,
        # without building the Markdown instance every time.
        self._md = markdown.Markdown(extensions=PLAIN_EXTENSIONS)
        self._load = Post.load

    def render(self, source: Source) -> str:
        return self._md.reset().convert(self._load(source.path).body)


def _render_argv(source: Source) -> list[str]:
    return ["render", "--body-only", str(source.path), "--site", str(source.site)]


def _missing_render(detail: str) -> RendererUnavailableError:
    return RendererUnavailableError(
        "galley-cli has no working `render --body-only` subcommand yet "
        "(issue 3: editor/core/render/pipeline.py and `galley-cli render`); "
        f"run with --renderer plain for the baseline alone.\n  {detail.strip()[:300]}"
    )


class GalleyRenderer:
    """What ``galley-cli render --body-only`` runs, in-process, with one
    ``SiteRenderer`` per site as the preview keeps one (so its site context
    and caches are built once, not per post)."""

    name = "galley"

    def __init__(self) -> None:
        try:
            from editor.core.post import Post
            from editor.core.render.document import SiteRenderer
        except ImportError as exc:
            raise _missing_render(f"cannot import the render pipeline: {exc}") from None
        self._post = Post
        self._factory = SiteRenderer
        self._sites: dict[Path, Any] = {}

    def render(self, source: Source) -> str:
        renderer = self._sites.get(source.site)
        if renderer is None:
            renderer = self._sites[source.site] = self._factory(source.site)
        html: str = renderer.render(self._post.load(source.path)).html
        return html


class GalleyCliRenderer:
    """``python -m editor.cli render --body-only`` as a subprocess per post:
    slower, but exactly what another program driving galley-cli gets."""

    name = "galley-cli"

    def __init__(self) -> None:
        self._env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        }
        done = self._run(["render", "--help"])
        if done.returncode != 0:
            raise _missing_render(done.stderr)

    def _run(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "editor.cli", *argv],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=self._env,
            cwd=REPO,
            check=False,
        )

    def render(self, source: Source) -> str:
        done = self._run(_render_argv(source))
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip() or f"exit status {done.returncode}")
        return done.stdout


RENDERERS: dict[str, Callable[[], Renderer]] = {
    "galley": GalleyRenderer,
    "galley-cli": GalleyCliRenderer,
    "plain": PlainRenderer,
}


# -- running --------------------------------------------------------------------


@dataclass(slots=True)
class PostResult:
    """Every renderer's comparison for one source with Jekyll output."""

    site: str
    source: Source
    results: dict[str, Comparison]


@dataclass(slots=True)
class RendererTotals:
    """Aggregate figures of one renderer over a group of posts."""

    posts: int = 0
    matched: int = 0
    text_similarity: float = 0.0
    block_similarity: float = 0.0
    seconds: float = 0.0

    def add(self, comparison: Comparison) -> None:
        self.posts += 1
        self.matched += comparison.match
        self.text_similarity += comparison.text_similarity
        self.block_similarity += comparison.block_similarity

    @property
    def share(self) -> float:
        return self.matched / self.posts if self.posts else 0.0

    def as_dict(self) -> dict[str, Any]:
        n = self.posts or 1
        return {
            "posts": self.posts,
            "matched": self.matched,
            "share_matched": round(self.share, 4),
            "mean_text_similarity": round(self.text_similarity / n, 4),
            "mean_block_similarity": round(self.block_similarity / n, 4),
        }


def render_site(
    reference: ReferenceBuild,
    renderers: Sequence[Renderer],
    strict: bool,
    timings: dict[str, float],
) -> list[PostResult]:
    """Render and compare every source of ``reference`` that Jekyll output."""
    results: list[PostResult] = []
    for source in reference.sources:
        jekyll_html = reference.bodies.get(source.rel)
        if jekyll_html is None:
            continue
        jekyll_blocks = html_blocks(jekyll_html, strict)
        per_renderer: dict[str, Comparison] = {}
        for renderer in renderers:
            started = time.perf_counter()
            error: str | None = None
            try:
                html = renderer.render(source)
            except Exception as exc:  # one broken post must not end the benchmark
                html, error = "", f"{type(exc).__name__}: {exc}"
            timings[renderer.name] = timings.get(renderer.name, 0.0) + time.perf_counter() - started
            comparison = Comparison(jekyll_blocks, html_blocks(html, strict), error=error)
            per_renderer[renderer.name] = comparison
        results.append(PostResult(reference.name, source, per_renderer))
    return results


def make_renderers(primary: str) -> list[Renderer]:
    """The chosen renderer and the plain baseline (once); a renderer that
    cannot run is reported on stderr and left out."""
    renderers: list[Renderer] = []
    for name in dict.fromkeys([primary, "plain"]):
        try:
            renderers.append(RENDERERS[name]())
        except RendererUnavailableError as exc:
            print(f"fidelity: renderer {name!r} unavailable: {exc}", file=sys.stderr)
    return renderers


# -- reporting --------------------------------------------------------------------


def _groups(results: Sequence[PostResult]) -> Iterator[tuple[str, str, list[PostResult]]]:
    """(site, kind, results) rows: per site and kind, per site, overall."""
    sites = list(dict.fromkeys(r.site for r in results))
    for site in sites:
        in_site = [r for r in results if r.site == site]
        kinds = list(dict.fromkeys(r.source.kind for r in in_site))
        for kind in kinds:
            yield site, kind, [r for r in in_site if r.source.kind == kind]
        if len(kinds) > 1:
            yield site, "all", in_site
    if len(sites) > 1:
        yield "all sites", "all", list(results)


def totals(results: Sequence[PostResult], renderer: str) -> RendererTotals:
    """Aggregate figures of ``renderer`` over ``results``."""
    total = RendererTotals()
    for result in results:
        if renderer in result.results:
            total.add(result.results[renderer])
    return total


def print_table(results: Sequence[PostResult], names: Sequence[str]) -> None:
    """The per-site table: matched posts, mean text and block similarity."""
    widths = [max(len(name) + 8, 16) for name in names]
    header = f"{'site':<14}{'kind':<6}{'posts':>5} "
    header += "".join(
        f"| {name + ': match':<{w}}{'text':>6}{'blocks':>7} "
        for name, w in zip(names, widths, strict=True)
    )
    header = header.rstrip()
    print(header)
    print("-" * len(header))
    for site, kind, group in _groups(results):
        line = f"{site:<14}{kind:<6}{len(group):>5} "
        for name, w in zip(names, widths, strict=True):
            t = totals(group, name)
            n = t.posts or 1
            matched = f"{t.matched:>4} {t.share:>7.1%}"
            line += f"| {matched:<{w}}{t.text_similarity / n:>6.3f}{t.block_similarity / n:>7.3f} "
        print(line.rstrip())


def _show(key: BlockKey, other: BlockKey | None, width: int = 100) -> str:
    """One block key as a line; the text is cut around its first difference
    from ``other`` so near-misses show what differs."""
    tag, text = key[0], key[1]
    start = 0
    if other is not None:
        common = next(
            (i for i, (x, y) in enumerate(zip(text, other[1], strict=False)) if x != y),
            min(len(text), len(other[1])),
        )
        start = max(0, common - 30) if common < len(text) or common < len(other[1]) else 0
    shown = ("…" if start else "") + text[start : start + width]
    if start + width < len(text):
        shown += "…"
    extra = "".join(" " + attr for attr in key[2:] if len(attr) > 1)
    return f"<{tag}>{extra} “{shown}”"


def diff_lines(comparison: Comparison, renderer: str) -> list[str]:
    """The block-level diff of one comparison as printable lines."""
    lines: list[str] = []
    for op, jekyll, rendered in comparison.diff():
        if op == "equal":
            lines.append(f"    = {len(jekyll)} equal block(s)")
            continue
        for i in range(max(len(jekyll), len(rendered))):
            mine = jekyll[i] if i < len(jekyll) else None
            other = rendered[i] if i < len(rendered) else None
            if mine is not None:
                lines.append(f"  - jekyll {_show(mine, other)}")
            if other is not None:
                lines.append(f"  + {renderer:<6} {_show(other, mine)}")
    return lines


def print_diffs(results: Sequence[PostResult], renderer: str, count: int) -> None:
    """Block-level diffs of the first ``count`` posts ``renderer`` misses,
    each cut at ``MAX_DIFF_LINES`` lines (a changelog can differ in hundreds
    of blocks for one reason)."""
    shown = 0
    for result in results:
        comparison = result.results.get(renderer)
        if comparison is None or comparison.match:
            continue
        if shown == count:
            break
        shown += 1
        print(
            f"\n--- {result.site}/{result.source.rel}  ({renderer}: text {comparison.text_similarity:.3f},"
            f" blocks {comparison.block_similarity:.3f}; {len(comparison.reference)} blocks in Jekyll,"
            f" {len(comparison.rendered)} in {renderer})"
        )
        if comparison.error:
            print(f"  ! {comparison.error}")
            continue
        lines = diff_lines(comparison, renderer)
        print("\n".join(lines[:MAX_DIFF_LINES]))
        if len(lines) > MAX_DIFF_LINES:
            print(f"  ... {len(lines) - MAX_DIFF_LINES} more lines (--json has them all)")


def json_report(
    references: Sequence[ReferenceBuild], results: Sequence[PostResult], names: Sequence[str]
) -> dict[str, Any]:
    """Everything measured, per site and per post, as JSON-ready data."""
    sites = {
        ref.name: {
            "jekyll": ref.jekyll_version,
            "build_seconds": round(ref.build_seconds, 3),
            "cached": ref.cached,
            "sources": len(ref.sources),
            "rendered_by_jekyll": len(ref.bodies),
            "excluded": ref.excluded,
            "missing": ref.missing,
            "notes": ref.notes,
            "totals": {
                name: totals([r for r in results if r.site == ref.name], name).as_dict()
                for name in names
            },
        }
        for ref in references
    }
    posts = [
        {
            "site": result.site,
            "source": result.source.rel,
            "kind": result.source.kind,
            "renderers": {
                name: {
                    "match": c.match,
                    "text_similarity": round(c.text_similarity, 4),
                    "block_similarity": round(c.block_similarity, 4),
                    "jekyll_blocks": len(c.reference),
                    "rendered_blocks": len(c.rendered),
                    "error": c.error,
                    "diff": []
                    if c.match
                    else [
                        {"op": op, "jekyll": [list(k) for k in a], "rendered": [list(k) for k in b]}
                        for op, a, b in c.diff()
                        if op != "equal"
                    ],
                }
                for name, c in result.results.items()
            },
        }
        for result in results
    ]
    overall = {name: totals(results, name).as_dict() for name in names}
    return {"target_share_matched": TARGET, "overall": overall, "sites": sites, "posts": posts}


# -- command line -------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Compare Galley's rendering of every corpus post with real Jekyll's.",
    )
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of sites (default: %(default)s)"
    )
    parser.add_argument(
        "--site", action="append", metavar="NAME", help="only this site (repeatable)"
    )
    parser.add_argument(
        "--renderer",
        choices=sorted(RENDERERS),
        default="galley",
        help="the renderer measured next to the plain baseline (default: %(default)s;"
        " galley-cli runs the CLI as a subprocess per post)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        help="keep Jekyll builds here and reuse them while the site is unchanged",
    )
    parser.add_argument(
        "--jekyll", default="jekyll", help="the jekyll command (default: %(default)s)"
    )
    parser.add_argument(
        "--show-diffs",
        type=int,
        default=0,
        metavar="N",
        help="block diffs of the first N posts that differ",
    )
    parser.add_argument(
        "--json", type=Path, metavar="OUT", help="write every per-post result to OUT"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="also compare the id and class of each top-level element",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status (1: a site could not be
    built, 2: nothing to measure)."""
    args = _parser().parse_args(argv)
    sites = find_sites(args.corpus)
    if args.site:
        sites = [s for s in sites if s.name in args.site]
    if not sites:
        print(f"fidelity: no site with a _config.yml under {args.corpus}", file=sys.stderr)
        return 2
    renderers = make_renderers(args.renderer)
    if not renderers:
        return 2
    names = [r.name for r in renderers]

    with contextlib.ExitStack() as stack:
        cache = args.cache or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="galley-fidelity-"))
        )
        cache.mkdir(parents=True, exist_ok=True)
        references: list[ReferenceBuild] = []
        results: list[PostResult] = []
        timings: dict[str, float] = {}
        failed = 0
        for site in sites:
            print(f"fidelity: {site.name} ...", file=sys.stderr, flush=True)
            try:
                reference = build_reference(site, cache, args.jekyll)
            except ReferenceBuildError as exc:
                # One site Jekyll cannot build must not hide the others' figures.
                print(f"fidelity: {exc}", file=sys.stderr)
                failed += 1
                continue
            references.append(reference)
            results += render_site(reference, renderers, args.strict, timings)
    if not references:
        return 2

    print(f"Fidelity to {references[0].jekyll_version} (layouts reduced to {{{{ content }}}})")
    print(
        "match: posts whose top-level blocks (tag, text) equal Jekyll's; text/blocks: mean similarity\n"
    )
    print_table(results, names)
    print()
    for ref in references:
        how = "cached build, took" if ref.cached else "built in"
        print(
            f"{ref.name}: {len(ref.bodies)}/{len(ref.sources)} sources rendered by Jekyll ({how} {ref.build_seconds:.2f} s)"
        )
        for rel, why in ref.excluded.items():
            print(f"  excluded {rel}: {why}")
        for rel in ref.missing:
            print(f"  no Jekyll output for {rel}")
        for note in ref.notes:
            print(f"  {note}")
    print("render time: " + ", ".join(f"{name} {timings.get(name, 0.0):.2f} s" for name in names))
    share = totals(results, names[0]).share
    verdict = "met" if share >= TARGET else "not met"
    print(
        f"target: >= {TARGET:.0%} of posts match block for block; {names[0]}: {share:.1%} ({verdict})"
    )
    if args.show_diffs:
        print_diffs(results, names[0], args.show_diffs)
    if args.json:
        report = json_report(references, results, names)
        report["render_seconds"] = {name: round(timings.get(name, 0.0), 3) for name in names}
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
