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
from editor.core.post import Head, Post


class Document(QObject):
    """An open post.

    Signals:
        modified_changed(bool): the unsaved-changes state flipped.
        front_matter_changed(): the front matter text or values changed.
        front_matter_edited(object, object): the user changed the front
            matter, from the first ``Post.head()`` to the second (an undo step).
        saved(str): the post was written to the given path.
        save_failed(str): saving failed; the message says why (file intact).
    """

    modified_changed = Signal(bool)
    front_matter_changed = Signal()
    front_matter_edited = Signal(object, object)
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
        before = self.post.head()
        self.post.set(key, value)
        self._front_matter_changed(before)

    def unset_field(self, key: str) -> None:
        before = self.post.head()
        self.post.unset(key)
        self._front_matter_changed(before)

    def set_front_matter_text(self, text: str) -> None:
        """Take raw front-matter text (re-parsed; errors are kept as raw)."""
        before = self.post.head()
        if text != before[2]:
            self.post.set_front_matter_text(text)
            self._front_matter_changed(before)

    def restore_front_matter(self, head: Head) -> None:
        """Put back front matter as ``Post.head()`` gave it (an undo or redo:
        not itself an edit to record)."""
        if head != self.post.head():
            self.post.restore_head(head)
            self.front_matter_changed.emit()
            self._update_modified()

    def _front_matter_changed(self, before: Head) -> None:
        after = self.post.head()
        if after == before:
            return
        self.front_matter_edited.emit(before, after)
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
