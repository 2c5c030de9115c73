"""A helper process converting half of a big render gives the same result."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from editor.core.render.parallel import ParallelMarkdown, start_helper
from editor.core.render.pipeline import Pipeline


class CountingHelper(ParallelMarkdown):
    sent = 0

    def submit(self, jobs):  # type: ignore[no-untyped-def]
        self.sent += len(jobs)
        return super().submit(jobs)


@pytest.fixture(scope="module")
def helper() -> Iterator[CountingHelper]:
    process, connection = start_helper()
    yield CountingHelper(connection, {})
    connection.send(None)
    process.join(timeout=10)


def big_post() -> str:
    parts = []
    for i in range(Pipeline.PARALLEL_MIN + 50):
        parts.append(
            f"## 第{i}节\n\n段落 {i}，有*强调*和[链接][x]与脚注[^n{i % 7}]。\n\n- 项 {i}\n- 项"
        )
    parts.append("[x]: https://example.com")
    parts.extend(f"[^n{i}]: 注 {i}" for i in range(7))
    return "\n\n".join(parts)


def test_a_big_render_shared_with_the_helper_equals_one_made_alone(
    helper: ParallelMarkdown,
) -> None:
    body = big_post()
    shared = Pipeline(config={})
    shared.parallel = helper
    assert shared.render(body, {"title": "t"}) == Pipeline(config={}).render(body, {"title": "t"})
    assert helper.sent > Pipeline.PARALLEL_MIN // 2  # the helper converted its half
    assert shared.parallel is helper  # and is still in service


def test_a_dead_helper_is_dropped_and_the_render_completes() -> None:
    process, connection = start_helper()
    process.kill()
    process.join()
    pipeline = Pipeline(config={})
    pipeline.parallel = ParallelMarkdown(connection, {})
    body = big_post()
    assert pipeline.render(body) == Pipeline(config={}).render(body)
    assert pipeline.parallel is None
