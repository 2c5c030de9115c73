"""One undo history per post, across the front-matter form, its raw text
and the body editor.

The body keeps its own undo stack in its QTextDocument (typing merged into
words, cursor positions restored, input-method compositions whole); front
matter edits are whole-text snapshots. ``PostHistory`` keeps the order in
which the two were made, so Ctrl+Z undoes the last edit wherever it was made
and Ctrl+Shift+Z redoes it. (PySide6 offers no ``QAbstractUndoItem`` to put
front-matter steps into the text document's own stack.)
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextDocument

from editor.core.post import Head
from editor.services.document import Document


@dataclass(frozen=True, slots=True)
class _FrontMatterStep:
    before: Head
    after: Head


# A body step is one level of the text document's own undo stack.
_BODY = "body"
_Step = _FrontMatterStep | str


class PostHistory(QObject):
    """The undo order of the open post's edits.

    Signals:
        undo_available(bool), redo_available(bool): whether there is
            something to undo or redo.
    """

    undo_available = Signal(bool)
    redo_available = Signal(bool)

    def __init__(self, text: QTextDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = text
        self._document: Document | None = None
        self._done: list[_Step] = []
        self._undone: list[_Step] = []
        text.undoCommandAdded.connect(self._body_step)

    def set_document(self, document: Document | None) -> None:
        """Start a fresh history for ``document`` (the body editor has just
        been given its text, which cleared the text document's stacks)."""
        if self._document is not None:
            self._document.front_matter_edited.disconnect(self._front_matter_step)
        self._document = document
        if document is not None:
            document.front_matter_edited.connect(self._front_matter_step)
        self._done.clear()
        self._undone.clear()
        self._announce()

    def can_undo(self) -> bool:
        return bool(self._done)

    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo(self) -> None:
        """Undo the newest edit, in the body or the front matter."""
        if not self._done:
            return
        step = self._done.pop()
        if step == _BODY:
            self._text.undo()
        elif isinstance(step, _FrontMatterStep) and self._document is not None:
            self._document.restore_front_matter(step.before)
        self._undone.append(step)
        self._announce()

    def redo(self) -> None:
        """Redo the edit undone last."""
        if not self._undone:
            return
        step = self._undone.pop()
        if step == _BODY:
            self._text.redo()
        elif isinstance(step, _FrontMatterStep) and self._document is not None:
            self._document.restore_front_matter(step.after)
        self._done.append(step)
        self._announce()

    # -- recording ----------------------------------------------------------

    def _body_step(self) -> None:
        # The text document dropped its own redo steps when it took this one.
        self._done.append(_BODY)
        self._undone.clear()
        self._announce()

    def _front_matter_step(self, before: Head, after: Head) -> None:
        if _BODY in self._undone:
            # A new edit ends what could be redone, in the body too.
            self._text.clearUndoRedoStacks(QTextDocument.Stacks.RedoStack)
        self._done.append(_FrontMatterStep(before, after))
        self._undone.clear()
        self._announce()

    def _announce(self) -> None:
        self.undo_available.emit(bool(self._done))
        self.redo_available.emit(bool(self._undone))


class UndoKeysToWindow(QObject):
    """An event filter that keeps a text widget from taking Ctrl+Z and
    Ctrl+Shift+Z for its own undo stack, so the window's Undo and Redo
    (the post's one history) get them."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (
                event.matches(QKeySequence.StandardKey.Undo)
                or event.matches(QKeySequence.StandardKey.Redo)
            )
        ):
            event.ignore()
            return True
        return False
