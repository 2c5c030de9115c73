"""The render worker process: updates arrive through signals, requests are
coalesced, and a render over the time limit restarts the process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from editor.core.render.host import BlockMirror, RenderUpdate
from editor.services.render_worker import RenderWorker

POST = "---\ntitle: 测试\n---\n# 标题\n\n正文 body[^1]\n\n[^1]: 脚注\n"


@pytest.fixture
def worker(qapp) -> Iterator[RenderWorker]:
    w = RenderWorker(time_limit=30.0)
    yield w
    w.shutdown()


def test_a_request_comes_back_as_blocks_with_file_lines(qtbot, worker: RenderWorker) -> None:
    with qtbot.wait_signal(worker.updated, timeout=30_000) as blocker:
        generation = worker.request(None, "post.md", POST)
    update: RenderUpdate = blocker.args[0]
    assert update.generation == generation
    mirror = BlockMirror()
    assert mirror.apply(update) is not None
    blocks = mirror.blocks
    assert [b.line for b in blocks] == [4, 6, 8]
    assert "标题" in blocks[0].html and 'class="footnotes"' in blocks[2].html
    assert update.front_matter == {"title": "测试"}


def test_only_new_blocks_cross_the_pipe_and_the_mirror_rebuilds_them(
    qtbot, worker: RenderWorker
) -> None:
    mirror = BlockMirror()
    with qtbot.wait_signal(worker.updated, timeout=30_000) as first:
        worker.request(None, None, POST)
    mirror.apply(first.args[0])
    with qtbot.wait_signal(worker.updated, timeout=30_000) as second:
        worker.request(None, None, POST.replace("正文", "新正文"))
    update = second.args[0]
    assert len(update.html) == 1  # only the edited paragraph's HTML was sent
    assert (update.prefix, update.removed, len(update.insert), update.shift) == (1, 1, 1, 0)
    patch = mirror.apply(update)
    assert patch is not None and [b.html for b in patch.inserted] == [mirror.blocks[1].html]
    blocks = mirror.blocks
    assert "新正文" in blocks[1].html and "标题" in blocks[0].html


def test_requests_are_coalesced(qtbot, worker: RenderWorker) -> None:
    updates: list[RenderUpdate] = []
    worker.updated.connect(updates.append)
    last = 0
    for i in range(30):
        last = worker.request(None, None, POST + f"\n段落 {i}\n")
    qtbot.wait_until(lambda: bool(updates) and updates[-1].generation == last, timeout=30_000)
    assert len(updates) < 30


def test_a_render_over_the_time_limit_restarts_the_worker(qtbot, qapp) -> None:
    # A fresh process has to import the pipeline first, which takes far
    # longer than a millisecond: the first request must time out.
    worker = RenderWorker(time_limit=0.001)
    try:
        with qtbot.wait_signal(worker.timed_out, timeout=30_000):
            worker.request(None, None, POST)
        worker.time_limit = 30.0
        with qtbot.wait_signal(worker.updated, timeout=30_000) as blocker:
            worker.request(None, None, POST)
        assert BlockMirror().apply(blocker.args[0]) is not None
    finally:
        worker.shutdown()


def test_a_pathological_post_is_stopped_and_the_worker_recovers(qtbot, qapp) -> None:
    worker = RenderWorker(time_limit=30.0)
    try:
        with qtbot.wait_signal(worker.updated, timeout=30_000):
            worker.request(None, None, POST)  # process started and warm
        worker.time_limit = 2.0
        hostile = "[" * 20_000 + "x" + "]" * 20_000  # about a minute of link parsing
        with qtbot.wait_signal(worker.timed_out, timeout=10_000) as blocker:
            worker.request(None, None, hostile)
        assert blocker.args == [2.0]
        worker.time_limit = 30.0
        with qtbot.wait_signal(worker.updated, timeout=30_000) as recovered:
            worker.request(None, None, POST)
        assert BlockMirror().apply(recovered.args[0]) is not None
    finally:
        worker.shutdown()


def test_the_mirror_follows_any_sequence_of_updates_exactly() -> None:
    """Updates carry only changes; applied in order, the mirror always holds
    exactly the blocks a fresh render gives, whatever was edited (and when
    the worker starts afresh, a reset update brings it back in step)."""
    from editor.core.render.host import RenderHost, RenderRequest
    from editor.core.render.pipeline import Pipeline

    texts = [
        POST,
        POST.replace("正文", "新正文"),
        POST.replace("# 标题\n", "# 标题\n\n新段落\n"),
        POST.replace("正文 body", "正文\n\n第二段 body"),
        POST + "\n## 另一个标题\n\n结尾\n",
        "---\ntitle: x\n---\n",
        POST,
    ]
    host, mirror = RenderHost(), BlockMirror()
    for generation, text in enumerate(texts * 2, 1):
        if generation == len(texts) + 2:
            host = RenderHost()  # the worker process restarted
        update = host.handle(RenderRequest(generation, None, None, text))
        assert mirror.apply(update) is not None
        body = text.split("---\n", 2)[2]
        first_line = text[: len(text) - len(body)].count("\n") + 1
        expected = Pipeline(config={}).render(body, {"title": "测试"}, first_line).blocks
        assert [(b.id, b.line) for b in mirror.blocks] == [(b.id, b.line) for b in expected]
        assert [b.html for b in mirror.blocks] == [b.html for b in expected]
