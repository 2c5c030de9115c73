"""Feeds the preview: sends the open post to the render worker and turns its
updates into pages for the preview widget."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal

from editor.core.preview_page import build_page
from editor.core.render.host import BlockMirror, RenderUpdate
from editor.services.render_worker import RenderWorker


class PreviewFeed(QObject):
    """Renders the open post off the UI thread.

    Signals:
        page_ready(str, bool): a whole preview page, and whether it shows the
            newest text requested.
        problems(list): messages about the last render (may be empty).
    """

    page_ready = Signal(str, bool)
    problems = Signal(list)

    def __init__(self, time_limit: float = 5.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = RenderWorker(time_limit, self)
        self._mirror = BlockMirror()
        self._latest = 0
        self.lang = "zh-CN"
        self.worker.updated.connect(self._on_update)
        self.worker.timed_out.connect(self._on_timeout)

    def request(self, site: Path | None, path: Path | None, text: str) -> None:
        """Render ``text`` (the whole post, ``\\n`` newlines)."""
        self._latest = self.worker.request(
            str(site) if site else None, str(path) if path else None, text
        )

    def shutdown(self) -> None:
        self.worker.shutdown()

    def _on_update(self, update: RenderUpdate) -> None:
        blocks = self._mirror.apply(update)
        messages = [str(d) for d in update.diagnostics]
        self.problems.emit(messages)
        if blocks is None:
            return
        content = "\n".join(block.html for block in blocks)
        page = build_page(content, update.front_matter, self.lang)
        self.page_ready.emit(page, update.generation == self._latest)

    def _on_timeout(self, seconds: float) -> None:
        self.problems.emit(
            [
                QCoreApplication.translate(
                    "PreviewFeed",
                    "The preview took longer than {0:g} s and was stopped; showing the last good version.",
                ).format(seconds)
            ]
        )
