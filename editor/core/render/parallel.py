"""Markdown for many blocks at once, on the other core.

Opening a large post renders thousands of blocks from scratch. After Liquid
(which must run in order), each block's Markdown depends only on its own
inputs, so half of them can be converted in a helper process while the
render process converts the other half.

The helper is a plain process at the end of a pipe (``helper_main``), started
by whoever starts the render process, next to it: the render process runs as
a daemon, and daemonic processes may not start children of their own.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

# (Markdown text, HTML fragments, definitions, footnote numbers, references before)
Job = tuple[str, tuple[str, ...], str, dict[str, int], dict[str, int]]
Result = list[tuple[str, str | None]]


def helper_main(connection: Connection) -> None:
    """The helper's loop: (config, clean, jobs) in, [(html, error)] out."""
    from editor.core.render.pipeline import Pipeline

    pipelines: dict[str, Any] = {}
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        config, clean, jobs = message
        key = repr(sorted(config.items())) + repr(clean)
        pipeline = pipelines.get(key)
        if pipeline is None:
            pipelines.clear()
            pipeline = pipelines[key] = Pipeline(config=config, liquid=False, clean=clean)
        connection.send(pipeline.convert_jobs(jobs))


class ParallelMarkdown:
    """The render process's side of a helper: send a batch, collect it later.
    One batch is in flight at a time."""

    def __init__(
        self, connection: Connection, config: Mapping[str, Any], clean: bool = True
    ) -> None:
        self._connection = connection
        self._config = dict(config)
        self._clean = clean
        self._busy = False

    def submit(self, jobs: Sequence[Job]) -> ParallelMarkdown:
        """Send ``jobs``; ``result()`` waits for their (html, error) pairs."""
        if self._busy:
            raise RuntimeError("the helper is still busy with the previous batch")
        self._connection.send((self._config, self._clean, list(jobs)))
        self._busy = True
        return self

    def result(self) -> Result:
        self._busy = False
        result: Result = self._connection.recv()
        return result


def start_helper(context: Any = None) -> tuple[BaseProcess, Connection]:
    """Start a helper process; return it and the connection to hand to the
    render process (or to a ``ParallelMarkdown``)."""
    context = context or multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=helper_main, args=(theirs,), name="galley-render-helper", daemon=True
    )
    process.start()
    theirs.close()
    return process, ours
