"""Feeds the preview: sends the open post to the render worker and passes
its updates on (the preview applies them to the blocks it shows)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal

from editor.core.render.host import RenderUpdate
from editor.services.render_worker import RenderWorker


class PreviewFeed(QObject):
    """Renders the open post off the UI thread.

    Signals:
        rendered(object): a render.host.RenderUpdate that did not fail; the
            blocks it changes and the post's front matter.
        problems(list): messages about the last render (may be empty).
        counted(int, int): the body's CJK characters and Latin words.
    """

    rendered = Signal(object)
    problems = Signal(list)
    counted = Signal(int, int)

    def __init__(self, time_limit: float = 5.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = RenderWorker(time_limit, self)
        self.latest = 0
        self.worker.updated.connect(self._on_update)
        self.worker.timed_out.connect(self._on_timeout)
        self.worker.failed.connect(
            lambda reason: self.problems.emit(
                [
                    QCoreApplication.translate(
                        "PreviewFeed", "The preview could not render: {0}"
                    ).format(reason)
                ]
            )
        )

    def request(self, site: Path | None, path: Path | None, text: str) -> None:
        """Render ``text`` (the whole post, ``\\n`` newlines)."""
        self.latest = self.worker.request(
            str(site) if site else None, str(path) if path else None, text
        )

    def shutdown(self) -> None:
        self.worker.shutdown()

    def _on_update(self, update: RenderUpdate) -> None:
        self.problems.emit([str(d) for d in update.diagnostics])
        if update.failed:
            return
        self.counted.emit(update.cjk, update.words)
        self.rendered.emit(update)

    def _on_timeout(self, seconds: float) -> None:
        self.problems.emit(
            [
                QCoreApplication.translate(
                    "PreviewFeed",
                    "The preview took longer than {0:g} s and was stopped; showing the last good version.",
                ).format(seconds)
            ]
        )
