"""The render worker's side: a loop that renders requests from a pipe.

Runs in a separate process (started by ``services.render_worker``) so that a
pathological post can be stopped by killing the process, never freezing the
window. It keeps one ``SiteRenderer`` per site, so its block cache makes
re-renders after an edit cheap, and it sends only the HTML of blocks the
window does not have yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from editor.core.post import Post
from editor.core.render.document import SiteRenderer
from editor.core.render.parallel import ParallelMarkdown
from editor.core.render.types import Block, Diagnostic, RenderResult


@dataclass(frozen=True, slots=True)
class RenderRequest:
    """Render ``text`` (a whole post file's text, ``\\n`` newlines) of the
    post at ``path`` in the site at ``site``."""

    generation: int
    site: str | None
    path: str | None
    text: str


@dataclass(frozen=True, slots=True)
class RenderUpdate:
    """How the blocks of a render differ from those of the update before:
    the first ``prefix`` stay, the next ``removed`` go, the blocks listed in
    ``insert`` as (id, line) take their place, and the ones after move by
    ``shift`` lines. ``html`` holds the markup of inserted blocks the window
    does not have yet. With ``reset``, ``insert`` lists every block and
    ``html`` all their markup (the worker does not know what the window
    shows: it started afresh)."""

    generation: int
    prefix: int = 0
    removed: int = 0
    insert: tuple[tuple[str, int], ...] = ()
    shift: int = 0
    html: dict[str, str] = field(default_factory=dict)
    reset: bool = False
    diagnostics: tuple[Diagnostic, ...] = ()
    front_matter: dict[str, Any] = field(default_factory=dict)
    #: The render failed as a whole; keep showing the last good blocks.
    failed: bool = False
    #: CJK characters and Latin words of the body.
    cjk: int = 0
    words: int = 0


def splice(
    old_ids: Sequence[str], old_lines: Sequence[int], ids: Sequence[str], lines: Sequence[int]
) -> tuple[int, int, int, int]:
    """(prefix, removed, inserted, shift) turning the old blocks into the
    new: the longest run of equal blocks at the start, and at the end the
    longest run of equal blocks that all moved by the same number of lines."""
    limit = min(len(old_ids), len(ids))
    prefix = 0
    while prefix < limit and old_ids[prefix] == ids[prefix] and old_lines[prefix] == lines[prefix]:
        prefix += 1
    suffix = 0
    shift = lines[-1] - old_lines[-1] if limit else 0
    while (
        suffix < limit - prefix
        and old_ids[-1 - suffix] == ids[-1 - suffix]
        and lines[-1 - suffix] - old_lines[-1 - suffix] == shift
    ):
        suffix += 1
    return (
        prefix,
        len(old_ids) - prefix - suffix,
        len(ids) - prefix - suffix,
        shift if suffix else 0,
    )


class RenderHost:
    """Turns requests into updates; the state a worker process keeps."""

    def __init__(self, helper: Connection | None = None) -> None:
        self._helper = helper
        self._renderers: dict[str | None, SiteRenderer] = {}
        # What the window was last sent, and the render it came from.
        self._sent: RenderResult | None = None
        self._sent_by: SiteRenderer | None = None

    def close(self) -> None:
        """Let go of the site (its caches)."""
        self._renderers = {}

    def forget(self) -> None:
        """Send every block next time (the window starts afresh)."""
        self._sent = self._sent_by = None

    def handle(self, request: RenderRequest) -> RenderUpdate:
        renderer = self._renderers.get(request.site)
        if renderer is None:
            self.close()
            renderer = SiteRenderer(Path(request.site) if request.site else None)
            # Opening a long post converts thousands of blocks: share them
            # with the helper on the other core.
            if self._helper is not None:
                renderer.pipeline.parallel = ParallelMarkdown(self._helper, renderer.config)
            self._renderers = {request.site: renderer}  # one site at a time
        post = Post.from_text(request.text, request.path)
        result = renderer.render(post)
        problems = result.diagnostics
        if post.problem is not None:
            problems = (
                Diagnostic(post.problem.message, post.problem.line, post.problem.column, "error"),
                *problems,
            )
        update = RenderUpdate(
            request.generation,
            diagnostics=problems,
            front_matter=post.fields(),
            cjk=result.cjk,
            words=result.words,
            **self._changes(renderer, result),
        )
        self._sent, self._sent_by = result, renderer
        return update

    def _changes(self, renderer: SiteRenderer, result: RenderResult) -> dict[str, Any]:
        """The RenderUpdate fields that carry ``result``'s blocks."""
        blocks, sent = result.blocks, self._sent
        if sent is None:
            return {
                "insert": tuple((block.id, block.line) for block in blocks),
                "html": {block.id: block.html for block in blocks},
                "reset": True,
            }
        change = result.change
        if change is not None and self._sent_by is renderer and change.base == sent.serial:
            prefix, removed, inserted, shift = (
                change.prefix, change.removed, change.inserted, change.shift,
            )  # fmt: skip
        else:
            prefix, removed, inserted, shift = splice(
                [b.id for b in sent.blocks],
                [b.line for b in sent.blocks],
                [b.id for b in blocks],
                [b.line for b in blocks],
            )
        inserting = blocks[prefix : prefix + inserted]
        known = {block.id for block in sent.blocks[prefix : prefix + removed]}
        return {
            "prefix": prefix,
            "removed": removed,
            "insert": tuple((block.id, block.line) for block in inserting),
            "shift": shift,
            "html": {block.id: block.html for block in inserting if block.id not in known},
        }


def serve(connection: Connection, helper: Connection | None = None) -> None:
    """Answer requests on ``connection`` until it closes (the worker's main);
    ``helper`` leads to a ``parallel.helper_main`` process."""
    host = RenderHost(helper)
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            host.close()
            return
        try:
            update = host.handle(request)
        except Exception as exc:  # report, keep serving: the window shows the last good render
            message = f"render failed: {type(exc).__name__}: {exc}"
            update = RenderUpdate(
                request.generation,
                diagnostics=(Diagnostic(message, severity="error"),),
                failed=True,
            )
            host.forget()
        try:
            connection.send(update)
        except (BrokenPipeError, OSError):  # the window went away mid-render
            host.close()
            return


@dataclass(frozen=True, slots=True)
class BlockPatch:
    """A change to the shown blocks: the first ``prefix`` stay, the next
    ``removed`` go, ``inserted`` come in their place, and the ones after
    move by ``shift`` lines."""

    prefix: int
    removed: int
    inserted: tuple[Block, ...]
    shift: int


class BlockMirror:
    """The window's copy of the worker's blocks, kept by applying updates.

    Applying one costs in proportion to the blocks it changes (plus moving
    the later blocks' line numbers), not to the length of the post.
    """

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._lines: list[int] = []
        self._html: dict[str, str] = {}
        self._blocks: tuple[Block, ...] | None = ()

    @property
    def blocks(self) -> tuple[Block, ...]:
        """Every block, in order."""
        if self._blocks is None:
            html = self._html
            self._blocks = tuple(
                Block(block_id, html[block_id], line)
                for block_id, line in zip(self._ids, self._lines, strict=True)
            )
        return self._blocks

    def apply(self, update: RenderUpdate) -> BlockPatch | None:
        """Take ``update``; return what changed, or None when the render
        failed (the last good blocks stay)."""
        if update.failed:
            return None
        ids = [block_id for block_id, _ in update.insert]
        lines = [line for _, line in update.insert]
        if update.reset:
            prefix, removed, inserted, shift = splice(self._ids, self._lines, ids, lines)
            self._ids, self._lines, self._html = ids, lines, dict(update.html)
            self._blocks = None
            return BlockPatch(prefix, removed, self.blocks[prefix : prefix + inserted], shift)
        prefix, end = update.prefix, update.prefix + update.removed
        if end > len(self._ids):
            raise ValueError("a render update that does not fit the blocks shown")
        html, fresh = self._html, update.html
        coming = tuple(
            Block(block_id, fresh[block_id] if block_id in fresh else html[block_id], line)
            for block_id, line in zip(ids, lines, strict=True)
        )
        for block_id in self._ids[prefix:end]:
            del html[block_id]
        for block in coming:
            html[block.id] = block.html
        self._ids[prefix:end] = ids
        self._lines[prefix:end] = lines
        if update.shift:
            after = prefix + len(ids)
            self._lines[after:] = [line + update.shift for line in self._lines[after:]]
        self._blocks = None
        return BlockPatch(prefix, update.removed, coming, update.shift)
