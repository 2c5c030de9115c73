"""The open post as a QObject: edits, dirty state, saving, and what its
file on disk is doing.

``Document`` owns one ``core.post.Post``. Widgets push edits into it (a body
text, a field value, raw front-matter text) and listen to its signals; the
bytes on disk change only through ``save()``.

When the file changes on disk (``check_disk``, called when the folder
watcher reports it): with no unsaved edits the post is reloaded; with
unsaved edits the document enters the "changed" state and waits for the
user (reload, or keep theirs so the next save overwrites knowingly); a
deleted file leaves the text in place in the "deleted" state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from editor.core.atomic import FileSignature, digest
from editor.core.errors import GalleyError
from editor.core.post import Head, Post

#: The file is what Galley last read or wrote.
IN_STEP = "in step"
#: The file changed on disk while there are unsaved edits.
CHANGED = "changed"
#: The file is gone from disk.
DELETED = "deleted"


class Document(QObject):
    """An open post.

    Signals:
        modified_changed(bool): the unsaved-changes state flipped.
        front_matter_changed(): the front matter text or values changed.
        front_matter_edited(object, object): the user changed the front
            matter, from the first ``Post.head()`` to the second (an undo step).
        saved(str): the post was written to the given path.
        save_failed(str): saving failed; the message says why (file intact).
        saving(str, bytes): about to write these bytes to this path (the
            folder watcher learns them first, so the save is not news).
        disk_state_changed(str): IN_STEP, CHANGED or DELETED.
        reloaded(): the post was read again from disk (the body and front
            matter may differ; the window shows the new ones).
        moved(str): the file was renamed or moved; the post follows it.
    """

    modified_changed = Signal(bool)
    front_matter_changed = Signal()
    front_matter_edited = Signal(object, object)
    saved = Signal(str)
    save_failed = Signal(str)
    saving = Signal(str, bytes)
    disk_state_changed = Signal(str)
    reloaded = Signal()
    moved = Signal(str)

    def __init__(self, post: Post, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.post = post
        self._modified = False
        self.disk_state = IN_STEP
        #: The bytes on disk while CHANGED (for Compare and Reload).
        self.disk_data: bytes | None = None

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
        """Write the post; return whether it was saved (else save_failed fired).

        While the file is DELETED, saving writes it again; while CHANGED it
        is refused (the conflict check sees the other version) until the user
        chose Reload or Keep mine."""
        try:
            if self.post.path is not None:
                self.saving.emit(str(self.post.path), self.post.to_bytes())
            self.post.save(force=force or self.disk_state == DELETED)
        except GalleyError as exc:
            self.save_failed.emit(str(exc))
            return False
        self._set_disk_state(IN_STEP)
        self._update_modified()
        self.saved.emit(str(self.post.path))
        return True

    def save_as(self, path: Path) -> bool:
        """Write the post to ``path`` and carry on editing it there."""
        try:
            self.saving.emit(str(path), self.post.to_bytes())
            self.post.save(path)
        except GalleyError as exc:
            self.save_failed.emit(str(exc))
            return False
        self._set_disk_state(IN_STEP)
        self._update_modified()
        self.moved.emit(str(path))
        self.saved.emit(str(path))
        return True

    # -- the file on disk -----------------------------------------------------

    def check_disk(self) -> None:
        """Compare the file with what was last read or written, and act: no
        change (Galley's own save, a touch) does nothing; a change with no
        unsaved edits reloads; with unsaved edits it waits in CHANGED; a
        missing file is DELETED. The caller brings the body up to date first."""
        path = self.post.path
        if path is None:
            return
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self._set_disk_state(DELETED)
            return
        except OSError:
            return  # unreadable for a moment (a sync client at work): look again later
        known = self.post.signature
        # A different size is a change: only the same size needs the hash.
        if known is not None and len(data) == known.size and digest(data) == known.sha256:
            # The same bytes: refresh the time so the next save's quick check passes.
            self.post.signature = FileSignature.of(path, data)
            self.disk_data = None
            self._set_disk_state(IN_STEP)
            return
        if not self.modified and self.disk_state != CHANGED:
            self._reload(data)
            return
        self.disk_data = data
        self._set_disk_state(CHANGED)

    def reload_from_disk(self) -> None:
        """Take the disk's version, dropping unsaved edits (the window keeps
        the previous text in its undo history)."""
        path = self.post.path
        data = self.disk_data
        if data is None and path is not None:
            try:
                data = path.read_bytes()
            except OSError as exc:
                self.save_failed.emit(str(GalleyError(f"cannot read: {exc.strerror}", path)))
                return
        if data is not None:
            self._reload(data)

    def keep_mine(self) -> None:
        """Keep the unsaved edits over the disk's version: the next save
        overwrites the version seen now (and only that one)."""
        path = self.post.path
        if self.disk_data is not None and path is not None:
            try:
                self.post.signature = FileSignature.of(path, self.disk_data)
            except OSError:  # gone meanwhile: a save writes it again
                self.post.signature = None
        self.disk_data = None
        self._set_disk_state(IN_STEP)

    def follow_move(self, new_path: Path) -> None:
        """The file was renamed or moved with the same content: edit it there."""
        self.post.path = new_path
        self._set_disk_state(IN_STEP)
        self.moved.emit(str(new_path))

    def _reload(self, data: bytes) -> None:
        path = self.post.path
        before = self.post.head()
        try:
            post = Post.from_bytes(data, path)
            if path is not None:
                post.signature = FileSignature.of(path, data)
        except (GalleyError, OSError) as exc:
            self.disk_data = data
            self._set_disk_state(CHANGED)
            self.save_failed.emit(str(exc))
            return
        self.post = post
        self.disk_data = None
        self._set_disk_state(IN_STEP)
        self.reloaded.emit()
        after = post.head()
        if after != before:
            self.front_matter_edited.emit(before, after)
            self.front_matter_changed.emit()
        self._update_modified()

    def _set_disk_state(self, state: str) -> None:
        if state != self.disk_state:
            self.disk_state = state
            self.disk_state_changed.emit(state)
