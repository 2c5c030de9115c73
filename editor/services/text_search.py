"""Full-text search of post bodies, off the UI thread.

The sidebar's filter matches titles, tags and categories as the user types;
searching the text of every post means reading every file, which takes
seconds in a large archive, so it runs in a thread and reports once, with
the paths that match. A newer search makes an older one stop and its result
is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from editor.core import textcodec
from editor.core.errors import GalleyError

#: Files larger than this are not searched (they are not articles).
MAX_BYTES = 8 * 1024 * 1024


class TextSearch(QObject):
    """Searches files for a piece of text.

    Signals:
        finished(str, object): the text searched for and the frozenset of
            paths whose contents contain it (case-insensitively).
    """

    finished = Signal(str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def search(self, paths: Iterable[str], text: str) -> None:
        """Start searching ``paths`` for ``text`` (a search under way stops)."""
        with self._lock:
            self._generation += 1
            generation = self._generation
        needle = text.casefold()
        thread = threading.Thread(
            target=self._run,
            args=(list(paths), text, needle, generation),
            name="galley-text-search",
            daemon=True,
        )
        self._thread = thread
        thread.start()

    def cancel(self) -> None:
        with self._lock:
            self._generation += 1

    def shutdown(self) -> None:
        self.cancel()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _current(self, generation: int) -> bool:
        with self._lock:
            return generation == self._generation

    def _run(self, paths: list[str], text: str, needle: str, generation: int) -> None:
        found: set[str] = set()
        for i, path in enumerate(paths):
            if i % 256 == 0 and not self._current(generation):
                return
            try:
                with open(path, "rb") as file:
                    data = file.read(MAX_BYTES + 1)
            except OSError:
                continue
            if len(data) > MAX_BYTES:
                continue
            if needle in _text_of(data).casefold():
                found.add(path)
        if self._current(generation):
            self.finished.emit(text, frozenset(found))


def _text_of(data: bytes) -> str:
    """The file's text: UTF-8 nearly always; otherwise the encoding Galley
    would open it in (GB18030, Big5, UTF-16...)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return textcodec.decode(data, None)[0]
    except GalleyError:
        return data.decode("utf-8", "replace")
