"""The front-matter form: one row per field, or the raw text when it does
not parse (with the error's line and column).

Every edit goes to the Document as a single-field change, so a save rewrites
only that field's lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from editor.core import fields, yaml_fm
from editor.core.errors import GalleyError
from editor.services.document import Document
from editor.ui.field_widgets import DateTimeField, ImageField, TextField, TokenCompleter
from editor.ui.post_history import UndoKeysToWindow

_LIST_KEYS = frozenset({"categories", "category", "tags", "tag"})
#: Jekyll's fields and the common ones, in the order the form shows them.
_KNOWN_FIELDS = (
    "title", "date", "layout", "categories", "tags", "published", "permalink",
    "excerpt", "author", "description", "image",
)  # fmt: skip
#: Shown even when the post does not set them (filling one in adds it).
_ALWAYS_SHOWN = frozenset({"title", "layout", "categories", "tags", "excerpt"})


class FrontMatterForm(QWidget):
    """Edits the open document's front matter.

    Signals:
        edit_failed(str): a value could not be set; the message says why.
        raw_pending(): raw text was typed that ``commit_pending`` would apply.
    """

    edit_failed = Signal(str)
    raw_pending = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("front_matter_form")
        self._document: Document | None = None
        self._widgets: dict[str, QWidget] = {}
        self._site_values: dict[str, list[str]] = {}
        self._defaults: dict[str, Any] = {}
        self._editing = False  # a change made here, not to be rebuilt under the cursor
        self._site_root: tuple[Path | None, str] = (None, "")

        self._stack = QStackedWidget(self)
        self._fields_page = QWidget()
        self._fields_layout = QFormLayout(self._fields_page)
        self._fields_layout.setFieldGrowthPolicy(
            QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow
        )
        self._raw_page = QWidget()
        raw_layout = QVBoxLayout(self._raw_page)
        raw_layout.setContentsMargins(0, 0, 0, 0)
        self._raw_error = QLabel(self._raw_page)
        self._raw_error.setObjectName("raw_error")
        self._raw_error.setWordWrap(True)
        self._raw_error.setStyleSheet("color: #d1242f;")
        self._raw_edit = QPlainTextEdit(self._raw_page)
        self._raw_edit.setObjectName("raw_front_matter")
        # Its edits are steps of the post's one history (see post_history).
        self._raw_edit.setUndoRedoEnabled(False)
        self._raw_edit.installEventFilter(UndoKeysToWindow(self._raw_edit))
        raw_layout.addWidget(self._raw_error)
        raw_layout.addWidget(self._raw_edit)
        self._stack.addWidget(self._fields_page)
        self._stack.addWidget(self._raw_page)

        self._raw_toggle = QPushButton(self.tr("Raw"), self)
        self._raw_toggle.setCheckable(True)
        self._raw_toggle.setToolTip(self.tr("Edit the front matter as text"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._raw_toggle, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self._stack)

        self._raw_timer = QTimer(self, singleShot=True, interval=300)
        self._raw_timer.timeout.connect(self._apply_raw)
        self._raw_edit.textChanged.connect(self._raw_timer.start)
        self._raw_edit.textChanged.connect(self.raw_pending)
        self._raw_toggle.toggled.connect(self._show_raw)

    # -- public -------------------------------------------------------------

    def set_document(self, document: Document | None) -> None:
        """Show ``document``'s front matter (None clears the form)."""
        if self._document is not None:
            self._document.front_matter_changed.disconnect(self._on_changed)
        self._document = document
        if document is not None:
            document.front_matter_changed.connect(self._on_changed)
        self._raw_toggle.setChecked(document is not None and document.post.data is None)
        self._reload()

    def set_site_root(self, root: Path | None, baseurl: str = "") -> None:
        """The open site's folder and ``baseurl``: image fields resolve their
        paths there and choose files from it (None: no site)."""
        self._site_root = (root, baseurl)
        for widget in self._widgets.values():
            if isinstance(widget, ImageField):
                widget.set_site(root, baseurl)

    def field_widget(self, key: str) -> QWidget | None:
        """The editor widget of ``key`` (for tests and scripting)."""
        return self._widgets.get(key)

    # -- building -------------------------------------------------------------

    def _reload(self) -> None:
        document = self._document
        post = document.post if document is not None else None
        in_raw = post is not None and (post.data is None or self._raw_toggle.isChecked())
        self._stack.setCurrentWidget(self._raw_page if in_raw else self._fields_page)
        self._raw_toggle.setEnabled(post is None or post.data is not None)
        self._show_problem()
        if post is not None and self._raw_edit.toPlainText() != post.front_matter:
            self._raw_edit.blockSignals(True)
            self._raw_edit.setPlainText(post.front_matter)
            self._raw_edit.blockSignals(False)
        if not in_raw:
            self._build_fields()

    def set_defaults(self, defaults: dict[str, Any]) -> None:
        """Values the post inherits from ``_config.yml`` ``defaults``: shown as
        placeholders of unset fields, written only when the user sets them."""
        self._defaults = defaults
        if self._widgets:
            self._build_fields()

    def _placeholder(self, key: str) -> str:
        if key in self._defaults:
            inherited = self._display(key, fields.to_plain(self._defaults[key]))
            return self.tr("{0} (from _config.yml)").format(inherited)
        return self.tr("Not set")

    def set_site_values(self, layouts: list[str], categories: list[str], tags: list[str]) -> None:
        """Values to offer: the site's layouts, every category and tag used."""
        self._site_values = {"layout": layouts, "categories": categories, "tags": tags}
        if self._widgets:
            self._build_fields()

    def _build_fields(self) -> None:
        while self._fields_layout.rowCount():
            self._fields_layout.removeRow(0)
        self._widgets.clear()
        if self._document is None or self._document.post.data is None:
            return
        values = self._document.post.fields()
        # Jekyll's own fields first, in a fixed order, shown even when unset
        # (set only when the user fills them in); then everything else.
        for key in _KNOWN_FIELDS:
            if key in values or key in _ALWAYS_SHOWN:
                self._add_row(key, values.get(key), key in values)
        for key, value in values.items():
            if key not in _KNOWN_FIELDS:
                self._add_row(key, value, True)

    def _add_row(self, key: str, value: Any, present: bool) -> None:
        widget = self._make_widget(key, value, present)
        self._widgets[key] = widget
        self._fields_layout.addRow(key, widget)

    def _make_widget(self, key: str, value: Any, present: bool = True) -> QWidget:
        date = fields.date_of(value) if key == "date" and present else None
        if date is not None:
            date_field = DateTimeField(date)
            date_field.committed.connect(lambda text, k=key: self._set(k, yaml_fm.Raw(text)))
            return date_field
        if key in ("excerpt", "description") and (isinstance(value, str) or not present):
            text_field = TextField(value or "")
            text_field.setPlaceholderText(self._placeholder(key))
            text_field.committed.connect(lambda text, k=key: self._set(k, text))
            return text_field
        # An empty ``image:`` is null: edited as a path too, written as a string.
        if key in ("image", "cover", "thumbnail") and (value is None or isinstance(value, str)):
            root, baseurl = self._site_root
            image_field = ImageField(value or "", root, baseurl)
            image_field.edit.setPlaceholderText(self._placeholder(key))
            image_field.committed.connect(lambda text, k=key: self._set(k, text))
            image_field.refused.connect(self.edit_failed)
            return image_field
        if key == "layout" and (isinstance(value, str) or not present):
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItems(self._site_values.get("layout", []))
            combo.setCurrentText(value or "")
            line = combo.lineEdit()
            line.setPlaceholderText(self._placeholder(key))
            line.setProperty("original", combo.currentText())
            line.editingFinished.connect(lambda k=key, e=line: self._line_edited(k, e))
            combo.activated.connect(lambda _i, k=key, e=line: self._line_edited(k, e))
            return combo
        if isinstance(value, bool):
            box = QCheckBox()
            box.setChecked(value)
            box.toggled.connect(lambda checked, k=key: self._set(k, checked))
            return box
        edit = QLineEdit()
        edit.setText(self._display(key, value) if present else "")
        edit.setPlaceholderText(self._placeholder(key))
        edit.setProperty("original", edit.text())
        edit.editingFinished.connect(lambda k=key, e=edit: self._line_edited(k, e))
        if key in _LIST_KEYS:
            _, style = fields.list_of(value)
            words = self._site_values.get("tags" if key.startswith("tag") else "categories", [])
            edit.setCompleter(TokenCompleter(words, " " if style == "string" else ", ", edit))
        return edit

    @staticmethod
    def _display(key: str, value: Any) -> str:
        if key in _LIST_KEYS:
            items, style = fields.list_of(value)
            return " ".join(items) if style == "string" else ", ".join(items)
        if isinstance(value, str):
            return value
        if value is None:
            return ""
        return (
            yaml_fm.render_scalar(value, None)
            if not isinstance(value, (list, dict))
            else _flow(value)
        )

    # -- edits ----------------------------------------------------------------

    def _line_edited(self, key: str, edit: QLineEdit) -> None:
        text = edit.text()
        if text == edit.property("original") or self._document is None:
            return
        value = self._document.post.fields().get(key)
        new: Any
        if key in _LIST_KEYS:
            _, style = fields.list_of(value)
            separator = "," if "," in text or style != "string" else None
            items = [item.strip() for item in text.split(separator) if item.strip()]
            new = fields.list_value(items, style)
        elif isinstance(value, str) and fields.parse_date(value) is None:
            new = text
        elif fields.parse_date(text) is not None or not isinstance(value, str):
            new = yaml_fm.Raw(text.strip())
        else:
            new = text
        if self._set(key, new):
            edit.setProperty("original", text)

    def _set(self, key: str, value: Any) -> bool:
        assert self._document is not None
        self._editing = True
        try:
            self._document.set_field(key, value)
        except GalleyError as exc:
            self.edit_failed.emit(str(exc))
            return False
        finally:
            self._editing = False
        return True

    def _on_changed(self) -> None:
        # A field edited here already shows its value (rebuilding under the
        # user's cursor would lose focus); any other change (raw text, an
        # undo, a redo) rebuilds the form.
        if self._editing and self._stack.currentWidget() is self._fields_page:
            self._show_problem()
        else:
            self._reload()

    def _show_raw(self, on: bool) -> None:
        self._reload()

    def _apply_raw(self) -> None:
        self._raw_timer.stop()
        if self._document is not None:
            self._editing = True
            try:
                self._document.set_front_matter_text(self._raw_edit.toPlainText())
            finally:
                self._editing = False
            self._show_problem()

    def commit_pending(self) -> None:
        """Apply raw text still waiting for its pause (before an undo or a
        save, so nothing typed is lost or undone out of order)."""
        if self._raw_timer.isActive():
            self._apply_raw()

    def _show_problem(self) -> None:
        post = self._document.post if self._document is not None else None
        problem = post.problem if post is not None else None
        if problem is None:
            self._raw_error.hide()
            return
        where = (
            self.tr("Line {0}, column {1}: ").format(problem.line, problem.column)
            if problem.line is not None
            else ""
        )
        self._raw_error.setText(
            where
            + problem.message
            + "\n"
            + self.tr("The front matter is kept as text and saved unchanged.")
        )
        self._raw_error.show()


def _flow(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    return yaml_fm.render_scalar(value, None, flow=True)
