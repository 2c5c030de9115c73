"""The render worker's side: a loop that renders requests from a pipe.

Runs in a separate process (started by ``services.render_worker``) so that a
pathological post can be stopped by killing the process, never freezing the
window. It keeps one ``SiteRenderer`` per site, so its block cache makes
re-renders after an edit cheap, and it sends only the HTML of blocks the
window does not have yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from editor.core.post import Post
from editor.core.render.document import SiteRenderer
from editor.core.render.parallel import ParallelMarkdown
from editor.core.render.types import Block, Diagnostic


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
    """The blocks of a render, in order, as (id, line); ``html`` holds the
    markup of every block the previous update did not list."""

    generation: int
    order: tuple[tuple[str, int], ...]
    html: dict[str, str] = field(default_factory=dict)
    diagnostics: tuple[Diagnostic, ...] = ()
    front_matter: dict[str, Any] = field(default_factory=dict)
    #: The render failed as a whole; keep showing the last good blocks.
    failed: bool = False
    #: CJK characters and Latin words of the body.
    cjk: int = 0
    words: int = 0


class RenderHost:
    """Turns requests into updates; the state a worker process keeps."""

    def __init__(self, helper: Connection | None = None) -> None:
        self._helper = helper
        self._renderers: dict[str | None, SiteRenderer] = {}
        self._previous: set[str] = set()

    def close(self) -> None:
        """Let go of the site (its caches)."""
        self._renderers = {}

    def forget(self) -> None:
        """Send every block's HTML next time (the window starts afresh)."""
        self._previous = set()

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
        order = tuple((block.id, block.line) for block in result.blocks)
        fresh = {block.id: block.html for block in result.blocks if block.id not in self._previous}
        self._previous = {block.id for block in result.blocks}
        problems = result.diagnostics
        if post.problem is not None:
            problems = (
                Diagnostic(post.problem.message, post.problem.line, post.problem.column, "error"),
                *problems,
            )
        return RenderUpdate(
            request.generation,
            order,
            fresh,
            problems,
            post.fields(),
            cjk=result.cjk,
            words=result.words,
        )


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
                request.generation, (), {}, (Diagnostic(message, severity="error"),), failed=True
            )
            host.forget()
        connection.send(update)


class BlockMirror:
    """The window's copy of the worker's blocks, rebuilt from updates.

    Follows the same rule as ``RenderHost``: after each update exactly the
    listed blocks are kept, so HTML sent once is not sent again.
    """

    def __init__(self) -> None:
        self._html: dict[str, str] = {}
        self.blocks: tuple[Block, ...] = ()

    def apply(self, update: RenderUpdate) -> tuple[Block, ...] | None:
        """Take ``update``; return the new blocks, or None when it failed
        (the last good blocks stay)."""
        if update.failed:
            self._html = {}
            return None
        known = self._html
        known.update(update.html)
        self.blocks = tuple(
            Block(block_id, known[block_id], line) for block_id, line in update.order
        )
        self._html = {block.id: block.html for block in self.blocks}
        return self.blocks
