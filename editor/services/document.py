"""The open post as a QObject: edits, dirty state and saving.

``Document`` owns one ``core.post.Post``. Widgets push edits into it (a body
text, a field value, raw front-matter text) and listen to its signals; the
bytes on disk change only through ``save()``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from editor.core.errors import GalleyError
from editor.core.post import Post


class Document(QObject):
    """An open post.

    Signals:
        modified_changed(bool): the unsaved-changes state flipped.
        front_matter_changed(): the front matter text or values changed.
        saved(str): the post was written to the given path.
        save_failed(str): saving failed; the message says why (file intact).
    """

    modified_changed = Signal(bool)
    front_matter_changed = Signal()
    saved = Signal(str)
    save_failed = Signal(str)

    def __init__(self, post: Post, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.post = post
        self._modified = False

    @classmethod
    def open(cls, path: str | Path, parent: QObject | None = None) -> Document:
        """Load ``path``; raises GalleyError (UnreadableFileError) with the reason."""
        return cls(Post.load(path), parent)

    @property
    def path(self) -> Path | None:
        return self.post.path

    @property
    def modified(self) -> bool:
        return self._modified

    def _update_modified(self) -> None:
        modified = self.post.modified
        if modified != self._modified:
            self._modified = modified
            self.modified_changed.emit(modified)

    def set_body(self, body: str) -> None:
        """Take the editor's text as the body."""
        if body != self.post.body:
            self.post.set_body(body)
            self._update_modified()

    def set_field(self, key: str, value: Any) -> None:
        """Set one front-matter field; raises GalleyError if it cannot be set."""
        self.post.set(key, value)
        self.front_matter_changed.emit()
        self._update_modified()

    def unset_field(self, key: str) -> None:
        self.post.unset(key)
        self.front_matter_changed.emit()
        self._update_modified()

    def set_front_matter_text(self, text: str) -> None:
        """Take raw front-matter text (re-parsed; errors are kept as raw)."""
        if text != self.post.front_matter:
            self.post.set_front_matter_text(text)
            self.front_matter_changed.emit()
            self._update_modified()

    def save(self, force: bool = False) -> bool:
        """Write the post; return whether it was saved (else save_failed fired)."""
        try:
            self.post.save(force=force)
        except GalleyError as exc:
            self.save_failed.emit(str(exc))
            return False
        self._update_modified()
        self.saved.emit(str(self.post.path))
        return True
