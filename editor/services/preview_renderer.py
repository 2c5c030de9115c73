"""Renders the open post's preview off the UI thread.

Requests are coalesced: while a render runs, only the newest text waits, and
results older than the newest request are dropped.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from editor.core.preview_page import build_page
from editor.core.render_basic import render_body


class _Signals(QObject):
    done = Signal(int, str, list)


class _RenderJob(QRunnable):
    def __init__(self, generation: int, body: str, front_matter: dict[str, Any], lang: str) -> None:
        super().__init__()
        self.signals = _Signals()
        self._args = (generation, body, front_matter, lang)

    def run(self) -> None:
        generation, body, front_matter, lang = self._args
        result = render_body(body)
        page = build_page(result.html, front_matter, lang)
        self.signals.done.emit(generation, page, result.errors)


class PreviewRenderer(QObject):
    """Turns (body, front matter) into a preview page in a worker thread.

    Signals:
        rendered(str): a whole HTML page for the newest request.
        render_errors(list): messages from the last render (may be empty).
    """

    rendered = Signal(str)
    render_errors = Signal(list)

    DEBOUNCE_MS = 120

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._generation = 0
        self._running = False
        self._pending: tuple[str, dict[str, Any], str] | None = None
        self._job: _RenderJob | None = None
        self._timer = QTimer(self, singleShot=True, interval=self.DEBOUNCE_MS)
        self._timer.timeout.connect(self._start)

    def request(
        self, body: str, front_matter: dict[str, Any], lang: str = "zh-CN", now: bool = False
    ) -> None:
        """Ask for a render; only the newest request is rendered."""
        self._generation += 1
        self._pending = (body, front_matter, lang)
        if now:
            self._timer.stop()
            self._start()
        else:
            self._timer.start()

    def _start(self) -> None:
        if self._running or self._pending is None:
            return
        body, front_matter, lang = self._pending
        self._pending = None
        self._running = True
        job = _RenderJob(self._generation, body, front_matter, lang)
        job.setAutoDelete(False)
        job.signals.done.connect(self._finished)
        self._job = job  # keeps the job and its signal object alive until done
        self._pool.start(job)

    @Slot(int, str, list)
    def _finished(self, generation: int, page: str, errors: list[str]) -> None:
        self._running = False
        self._job = None
        if generation == self._generation:
            self.rendered.emit(page)
            self.render_errors.emit(errors)
        self._start()

    def shutdown(self) -> None:
        """Wait for a running render to end (call before the app quits)."""
        self._timer.stop()
        self._pending = None
        self._pool.waitForDone(2000)
