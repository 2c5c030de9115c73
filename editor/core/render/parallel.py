"""Markdown for many blocks at once, on the other core.

Opening a large post renders thousands of blocks from scratch. After Liquid
(which must run in order), each block's Markdown depends only on its own
inputs, so half of them can be converted in a helper process while the
render process converts the other half. Used by the render worker; the
helper is started once, in advance, so a render never waits for it to boot.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

# (Markdown text, HTML fragments, definitions, footnote numbers, references before)
Job = tuple[str, tuple[str, ...], str, dict[str, int], dict[str, int]]

_helper_pipeline: Any = None


def _start(config: Mapping[str, Any], clean: bool) -> None:
    global _helper_pipeline
    from editor.core.render.pipeline import Pipeline

    _helper_pipeline = Pipeline(config=config, liquid=False, clean=clean)


def _convert(jobs: Sequence[Job]) -> list[tuple[str, str | None]]:
    return _helper_pipeline.convert_jobs(jobs)  # type: ignore[no-any-return]


def _ready() -> bool:
    return _helper_pipeline is not None


class ParallelMarkdown:
    """A helper process converting batches of blocks."""

    def __init__(self, config: Mapping[str, Any], clean: bool = True) -> None:
        self._executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(dict(config), clean),
        )

    def warm(self, wait: bool = True) -> None:
        """Start the helper now (and wait until it can convert)."""
        future = self._executor.submit(_ready)
        if wait:
            future.result()

    def submit(self, jobs: Sequence[Job]) -> Future[list[tuple[str, str | None]]]:
        return self._executor.submit(_convert, list(jobs))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
