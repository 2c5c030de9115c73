"""The main window: assembles the sidebar, the form, the body editor and the
preview, and connects them. Logic lives in services and core."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor import __version__
from editor.core.errors import GalleyError
from editor.core.post import Post
from editor.core.preview_page import header_html
from editor.core.render.context import SiteContext
from editor.core.render.host import RenderUpdate
from editor.core.site import Site, find_site_root, open_site
from editor.core.textdiff import common_prefix, common_suffix
from editor.services.document import Document
from editor.services.library import Library
from editor.services.link_resolver import LinkResolver
from editor.services.preview_feed import PreviewFeed
from editor.ui.body_editor import BodyEditor
from editor.ui.disk_bar import CompareDialog, DiskBar
from editor.ui.find_bar import FindBar
from editor.ui.front_matter_form import FrontMatterForm
from editor.ui.post_history import PostHistory, UndoKeysToWindow
from editor.ui.preview import PreviewView
from editor.ui.scroll_sync import ScrollSync
from editor.ui.sidebar import Sidebar
from editor.ui.status_counts import StatusCounts


@dataclass(frozen=True)
class ActionSpec:
    """One menu action: where it goes, what it says, its keys and handler."""

    id: str
    menu: str
    text: str
    shortcut: QKeySequence.StandardKey | str | None
    handler: str


class MainWindow(QMainWindow):
    """Galley's window.

    Signals:
        preview_updated(): the preview shows the newest render of the open post.
        post_opened(str): a post was opened (its path).
    """

    preview_updated = Signal()
    post_opened = Signal(str)

    RESCAN_INTERVAL_MS = 5 * 60 * 1000

    # 0: the next turn of the event loop, so keys pressed together go as one
    # request; the render worker drops requests overtaken by newer ones.
    RENDER_DELAY_MS = 0

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self._settings = settings
        self._shut_down = False
        self.site: Site | None = None
        self._site_config: SiteContext | None = None
        self.document: Document | None = None

        self.sidebar = Sidebar(self)
        self.form = FrontMatterForm(self)
        self.editor = BodyEditor(self)
        self.preview = PreviewView(self)
        self.counts = StatusCounts(self.editor, self)
        self.find_bar = FindBar(self.editor, self)
        self.disk_bar = DiskBar(self)
        self.links = LinkResolver(self)
        self.scroll_sync = ScrollSync(self.editor, self.preview, self)
        self.feed = PreviewFeed(parent=self)
        self.library = Library(parent=self)
        self.history = PostHistory(self.editor.document(), self)
        self.editor.installEventFilter(UndoKeysToWindow(self.editor))
        self._edit_timer = QTimer(self, singleShot=True, interval=self.RENDER_DELAY_MS)

        self._build_layout()
        self._scan_label = QLabel(self)
        self._scan_cancel = QToolButton(self)
        self._scan_cancel.setText(self.tr("Stop"))
        self._scan_cancel.setToolTip(self.tr("Stop reading the site's posts"))
        for widget in (self._scan_label, self._scan_cancel):
            widget.hide()
            self.statusBar().addPermanentWidget(widget)
        self.statusBar().addPermanentWidget(self.counts)
        # watchdog does not say when it dropped events: compare sizes and
        # times with the library now and then (and when the window comes back).
        self._rescan_timer = QTimer(self, interval=self.RESCAN_INTERVAL_MS)
        self.actions_by_id = self._build_actions()
        self._connect_signals()
        self._update_title()
        if self.preview.notice:
            self.statusBar().showMessage(self.preview.notice)

    # -- assembly -------------------------------------------------------------

    def _build_layout(self) -> None:
        middle = QSplitter(Qt.Orientation.Vertical, self)
        middle.addWidget(self.form)
        editing = QWidget(self)
        editing_layout = QVBoxLayout(editing)
        editing_layout.setContentsMargins(0, 0, 0, 0)
        editing_layout.setSpacing(0)
        editing_layout.addWidget(self.disk_bar)
        editing_layout.addWidget(self.editor)
        editing_layout.addWidget(self.find_bar)
        middle.addWidget(editing)
        middle.setStretchFactor(1, 3)
        self._splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self._splitter.setObjectName("main_splitter")
        self._splitter.addWidget(self.sidebar)
        self._splitter.addWidget(middle)
        self._splitter.addWidget(self.preview)
        self._splitter.setSizes([400, 500, 500])
        state = self._settings.value("window/splitter")
        if state is not None:
            self._splitter.restoreState(state)
        self.setCentralWidget(self._splitter)

    #: How many sites File > Recent Sites remembers.
    RECENT_SITES = 8

    def _action_table(self) -> list[ActionSpec]:
        tr = self.tr
        return [
            ActionSpec(
                "open_site",
                tr("&File"),
                tr("Open &Site…"),
                QKeySequence.StandardKey.Open,
                "choose_site",
            ),
            ActionSpec("open_post", tr("&File"), tr("Open &Post…"), "Ctrl+Shift+O", "choose_post"),
            ActionSpec("save", tr("&File"), tr("&Save"), QKeySequence.StandardKey.Save, "save"),
            ActionSpec("quit", tr("&File"), tr("&Quit"), QKeySequence.StandardKey.Quit, "close"),
            ActionSpec("undo", tr("&Edit"), tr("&Undo"), QKeySequence.StandardKey.Undo, "undo"),
            ActionSpec("redo", tr("&Edit"), tr("&Redo"), QKeySequence.StandardKey.Redo, "redo"),
            ActionSpec("find", tr("&Edit"), tr("&Find…"), QKeySequence.StandardKey.Find, "find"),
            ActionSpec("replace", tr("&Edit"), tr("&Replace…"), "Ctrl+H", "replace"),
            ActionSpec("go_to_line", tr("&Edit"), tr("&Go to Line…"), "Ctrl+G", "go_to_line"),
            ActionSpec(
                "load_remote",
                tr("&View"),
                tr("Load &Remote Content for This Post"),
                None,
                "toggle_remote",
            ),
            ActionSpec(
                "toggle_sidebar", tr("&View"), tr("&Library"), "Ctrl+Shift+L", "toggle_sidebar"
            ),
            ActionSpec(
                "toggle_preview", tr("&View"), tr("&Preview"), "Ctrl+Shift+P", "toggle_preview"
            ),
            ActionSpec(
                "line_numbers", tr("&View"), tr("Line &Numbers"), None, "toggle_line_numbers"
            ),
            ActionSpec(
                "site_stylesheet",
                tr("&View"),
                tr("Preview with a Stylesheet of the &Site…"),
                None,
                "choose_stylesheet",
            ),
            ActionSpec(
                "own_stylesheet",
                tr("&View"),
                tr("Preview with &Galley's Stylesheet"),
                None,
                "use_own_stylesheet",
            ),
            ActionSpec("about", tr("&Help"), tr("&About Galley"), None, "about"),
        ]

    def _build_actions(self) -> dict[str, QAction]:
        menus: dict[str, object] = {}
        actions: dict[str, QAction] = {}
        for spec in self._action_table():
            menu = menus.get(spec.menu)
            if menu is None:
                menu = menus[spec.menu] = self.menuBar().addMenu(spec.menu)
            action = QAction(spec.text, self)
            action.setObjectName(spec.id)
            if spec.shortcut is not None:
                action.setShortcut(QKeySequence(spec.shortcut))
            handler: Callable[[], object] = getattr(self, spec.handler)
            action.triggered.connect(lambda _checked=False, h=handler: h())
            menu.addAction(action)  # type: ignore[attr-defined]
            actions[spec.id] = action
        for key in ("toggle_sidebar", "toggle_preview"):
            actions[key].setCheckable(True)
            actions[key].setChecked(True)
        actions["load_remote"].setCheckable(True)
        actions["line_numbers"].setCheckable(True)
        actions["own_stylesheet"].setEnabled(False)
        line_numbers = self._settings.value("editor/line_numbers", False, type=bool)
        actions["line_numbers"].setChecked(bool(line_numbers))
        self.editor.set_line_numbers(bool(line_numbers))
        for key in ("undo", "redo"):
            actions[key].setEnabled(False)
        self.editor.history_actions = (actions["undo"], actions["redo"])
        # File > Recent Sites, after Open Site.
        self.recent_menu = QMenu(self.tr("Recent &Sites"), self)
        self.recent_menu.setObjectName("recent_sites")
        file_menu = menus[self.tr("&File")]
        file_menu.insertMenu(actions["open_post"], self.recent_menu)  # type: ignore[attr-defined]
        self._fill_recent_menu()
        return actions

    def _connect_signals(self) -> None:
        self.sidebar.open_requested.connect(lambda path: self.open_post(Path(path)))
        self.library.rows_found.connect(self.sidebar.add_rows)
        self.library.rows_found.connect(lambda _rows: self._select_open_post())
        self.library.scan_progress.connect(self._scan_progress)
        self.library.values_found.connect(self._offer_site_values)
        self.library.listed.connect(self.sidebar.flush)  # a reopened site, at once
        self.library.scan_finished.connect(self._scan_finished)
        self.library.changed.connect(self._library_changed)
        self.library.moved.connect(self._post_moved_on_disk)
        self.library.notice.connect(lambda message: self.statusBar().showMessage(message, 15000))
        self._scan_cancel.clicked.connect(self.library.cancel_scan)
        self._rescan_timer.timeout.connect(self.library.rescan)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.applicationStateChanged.connect(self._application_state)
        self.editor.textChanged.connect(self._edit_timer.start)
        self.editor.modificationChanged.connect(lambda _m: self._update_title())
        self._edit_timer.timeout.connect(self._sync_body)
        self.feed.rendered.connect(self._show_render)
        self.feed.problems.connect(self._show_problems)
        self.feed.counted.connect(self.counts.set_body_counts)
        self.editor.notice.connect(lambda message: self.statusBar().showMessage(message, 15000))
        self.preview.link_activated.connect(self._follow_link)
        self.links.resolved.connect(self._open_linked_post)
        self.preview.updated.connect(self._on_preview_updated)
        self.form.edit_failed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.history.undo_available.connect(self.actions_by_id["undo"].setEnabled)
        self.disk_bar.compare.connect(self.compare_with_disk)
        self.disk_bar.reload.connect(self._reload_from_disk)
        self.disk_bar.keep_mine.connect(
            lambda: self.document.keep_mine() if self.document is not None else None
        )
        self.disk_bar.save.connect(self.save)
        self.disk_bar.save_as.connect(self.save_as)
        self.disk_bar.close_post.connect(self.close_post)
        # Raw front matter still waiting for its pause can be undone too.
        self.form.raw_pending.connect(lambda: self.actions_by_id["undo"].setEnabled(True))
        self.history.redo_available.connect(self.actions_by_id["redo"].setEnabled)

    # -- opening ----------------------------------------------------------------

    def open_path(self, path: Path) -> bool:
        """Open a site folder, or a post file with the site around it."""
        path = path.expanduser()
        if path.is_dir():
            self.open_site(path)
            return True
        root = find_site_root(path)
        self.open_site(root if root is not None else path.parent)
        return self.open_post(path)

    def _site_lang(self) -> str:
        return str(self.site.config.get("lang") or "zh-CN") if self.site else "zh-CN"

    def open_site(self, root: Path) -> None:
        """Show ``root``'s posts in the sidebar."""
        self.site = open_site(root)
        baseurl = str(self.site.config.get("baseurl") or "")
        self.preview.set_site(self.site.root, baseurl)
        self.form.set_site_root(self.site.root if self.site.kind != "folder" else None, baseurl)
        self.links.set_site(self.site.root if self.site.kind != "folder" else None)
        # The configuration only (cheap at any size): what posts inherit.
        self._site_config = SiteContext.load(
            self.site.root if self.site.kind != "folder" else None, documents=False
        )
        self.sidebar.clear()
        self.library.open(self.site)
        self._rescan_timer.start()
        if self.site.config_problem:
            self.statusBar().showMessage(self.site.config_problem, 10000)
        self._settings.setValue("session/last_site", str(self.site.root))
        self._remember_site(self.site.root)
        stylesheet = self._settings.value(self._stylesheet_key(), None)
        self.preview.set_stylesheet(str(stylesheet) if stylesheet else None, self.feed.latest)
        self.actions_by_id["own_stylesheet"].setEnabled(bool(stylesheet))
        self._update_title()

    def open_post(self, path: Path) -> bool:
        """Open ``path`` in the editor; False if the user cancelled or it failed."""
        if self.document is not None and self.document.path == path:
            return True
        if not self.maybe_save():
            return False
        try:
            document = Document.open(path, self)
        except GalleyError as exc:
            QMessageBox.warning(self, self.tr("Cannot open the post"), str(exc))
            return False
        if self.document is not None:
            self.document.deleteLater()
        self.document = document
        # The folder watcher learns what was read: the same bytes written
        # again are no change, and a rename with them is a move.
        with contextlib.suppress(GalleyError):
            self.library.remember(path, document.post.to_bytes())
        document.modified_changed.connect(lambda _m: self._update_title())
        document.front_matter_changed.connect(self._front_matter_changed)
        document.save_failed.connect(self._on_save_failed)
        document.saving.connect(self.library.remember)
        document.disk_state_changed.connect(self.disk_bar.show_state)
        document.reloaded.connect(self._show_reloaded)
        document.moved.connect(self._on_moved)
        document.saved.connect(
            lambda p: self.statusBar().showMessage(self.tr("Saved {0}").format(p), 4000)
        )
        self.editor.blockSignals(True)
        self.editor.set_text(document.post.body)
        self.editor.blockSignals(False)
        self.history.set_document(document)
        self.scroll_sync.body_line = document.post.body_line
        self.form.set_defaults(self._site_config.defaults_for(path) if self._site_config else {})
        self.form.set_document(document)
        self.disk_bar.show_state(document.disk_state)
        self.actions_by_id["load_remote"].setChecked(False)  # remote content is allowed per post
        self.preview.start_post(str(document.post.fields().get("lang") or self._site_lang()))
        self._update_title()
        self._select_open_post()
        self._request_render()
        problem = document.post.problem
        if problem is not None:
            self.statusBar().showMessage(
                str(GalleyError(problem.message, path, problem.line, problem.column))
            )
        elif document.post.encoding.guessed:
            self.statusBar().showMessage(
                self.tr("Encoding guessed as {0}; it will be saved in the same encoding.").format(
                    document.post.encoding.label
                )
            )
        self.post_opened.emit(str(path))
        return True

    def _offer_site_values(self, categories: list[str], tags: list[str]) -> None:
        """Give the form the site's layouts and every category and tag used
        (gathered by the library's thread: 100,000 rows are not walked here)."""
        if self.site is None:
            return
        layouts_dir = self.site.root / "_layouts"
        layouts = sorted(p.stem for p in layouts_dir.glob("*.html")) if layouts_dir.is_dir() else []
        self.form.set_site_values(layouts, categories, tags)

    def _select_open_post(self) -> None:
        if self.document is not None and self.document.path is not None:
            self.sidebar.select_path(self.document.path)

    # -- editing, rendering, saving ---------------------------------------------

    def _sync_body(self) -> None:
        if self.document is not None:
            self.document.set_body(self.editor.text())
            self._request_render()

    def _front_matter_changed(self) -> None:
        if self.document is not None:
            # Lines added to or taken from the front matter move the body.
            self.scroll_sync.body_line = self.document.post.body_line
        self._request_render()
        self._update_title()

    def _request_render(self) -> None:
        if self.document is None:
            return
        site = self.site.root if self.site and self.site.kind != "folder" else None
        self.feed.request(site, self.document.path, self.document.post.source)

    def _show_render(self, update: RenderUpdate) -> None:
        self.preview.show_update(update, header_html(update.front_matter))

    def _follow_link(self, url: QUrl) -> None:
        """A link clicked in the preview: another post of the site opens in
        the editor; web and mail links open in the system's programs; any
        other scheme is refused."""
        scheme = url.scheme()
        if scheme in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
        elif scheme == "galley-site":
            self.links.resolve(url.path())
        else:
            self.statusBar().showMessage(
                self.tr("Links of the kind “{0}:” are not opened.").format(scheme), 8000
            )

    def _open_linked_post(self, url_path: str, path: str) -> None:
        if path:
            self.open_post(Path(path))
        else:
            self.statusBar().showMessage(
                self.tr("No post of this site is published at {0}.").format(url_path), 8000
            )

    def _show_problems(self, messages: list[str]) -> None:
        if messages:
            self.statusBar().showMessage(messages[0], 10000)

    def _on_preview_updated(self, generation: int) -> None:
        if generation == self.feed.latest:
            self.preview_updated.emit()

    def save(self) -> bool:
        """Save the open post (Ctrl+S); False when it failed or nothing is open."""
        if self.document is None:
            return False
        self.form.commit_pending()
        self._edit_timer.stop()
        self.document.set_body(self.editor.text())
        if not self.document.save():
            return False
        self.editor.document().setModified(False)
        self._update_title()
        return True

    # -- the library ----------------------------------------------------------------

    def _scan_progress(self, found: int) -> None:
        self._scan_label.setText(self.tr("Reading posts… {0:,}").format(found))
        self._scan_label.show()
        self._scan_cancel.show()

    def _scan_finished(self, complete: bool) -> None:
        self.sidebar.flush()
        self._scan_label.hide()
        self._scan_cancel.hide()
        if not complete:
            self.statusBar().showMessage(
                self.tr("Stopped reading the site: {0:,} posts listed.").format(
                    self.sidebar.library.total_count()
                ),
                8000,
            )

    def _library_changed(self, upserts: list[Any], removed: list[str]) -> None:
        self.sidebar.apply_changes(upserts, removed)
        if self.document is None or self.document.path is None:
            return
        open_path = str(self.document.path)
        if open_path in removed or any(row.path == open_path for row in upserts):
            self.check_open_post()
        self._select_open_post()

    def _post_moved_on_disk(self, old: str, new: str) -> None:
        if self.document is not None and str(self.document.path) == old:
            self.document.follow_move(Path(new))

    def _application_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive and self.site is not None:
            self.library.rescan()
            self.check_open_post()

    # -- the file on disk ---------------------------------------------------------

    def check_open_post(self) -> None:
        """Look at the open post's file: reload it, or say it changed or went."""
        if self.document is not None:
            self._edit_timer.stop()
            self.document.set_body(self.editor.text())
            if self.editor.document().isModified() and not self.document.modified:
                # Typed and typed back: nothing unsaved, a reload loses nothing.
                self.editor.document().setModified(False)
            self.document.check_disk()

    def _reload_from_disk(self) -> None:
        if self.document is not None:
            self.document.reload_from_disk()

    def _show_reloaded(self) -> None:
        """Show the body read again from disk as one edit of the editor, so
        the cursor and scroll stay and the previous text is in undo."""
        assert self.document is not None
        new = self.document.post.body
        old = self.editor.text()
        if new != old:
            start = common_prefix(old, new)
            end = common_suffix(old, new, start)
            bar = self.editor.verticalScrollBar()
            scrolled = bar.value()
            cursor = QTextCursor(self.editor.document())
            # Qt counts positions in UTF-16 units: characters beyond the BMP
            # (emoji, rare CJK) take two.
            first = _utf16_length(old[:start])
            cursor.setPosition(first)
            cursor.setPosition(
                first + _utf16_length(old[start : len(old) - end]), QTextCursor.MoveMode.KeepAnchor
            )
            cursor.insertText(new[start : len(new) - end])
            bar.setValue(scrolled)
        self.editor.document().setModified(False)
        self._update_title()
        self.statusBar().showMessage(self.tr("Reloaded: the post was changed on disk."), 6000)

    def _on_moved(self, path: str) -> None:
        self._update_title()
        self._select_open_post()
        self.statusBar().showMessage(self.tr("The post is now at {0}.").format(path), 6000)

    def compare_with_disk(self) -> None:
        """Show the disk's version next to the unsaved one (non-modal)."""
        if self.document is None:
            return
        self.document.set_body(self.editor.text())
        disk = self.document.disk_data
        on_disk = "" if disk is None else Post.from_bytes(disk, self.document.path).text()
        dialog = CompareDialog(on_disk, self.document.post.text(), self._post_name(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.compare_dialog = dialog

    def save_as(self) -> bool:
        if self.document is None:
            return False
        start = str(self.document.path or (self.site.root if self.site else ""))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the post as"), start)
        if not path:
            return False
        self.form.commit_pending()
        self.document.set_body(self.editor.text())
        if not self.document.save_as(Path(path)):
            return False
        self.editor.document().setModified(False)
        self._update_title()
        return True

    def close_post(self) -> None:
        """Close the open post without saving (the bar's Close for a post
        deleted on disk)."""
        if self.document is None:
            return
        self.document.deleteLater()
        self.document = None
        self.form.set_document(None)
        self.history.set_document(None)
        self.editor.blockSignals(True)
        self.editor.set_text("")
        self.editor.blockSignals(False)
        self.disk_bar.hide()
        self._update_title()

    def _on_save_failed(self, message: str) -> None:
        QMessageBox.critical(self, self.tr("The post was not saved"), message)

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; True when it is fine to go on."""
        if not self.is_modified():
            return True
        answer = QMessageBox.question(
            self,
            self.tr("Unsaved changes"),
            self.tr("Save the changes to “{0}”?").format(self._post_name()),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def is_modified(self) -> bool:
        """Whether the open post has changes not yet saved."""
        if self.document is None:
            return False
        return self.document.modified or self.editor.document().isModified()

    # -- chrome -------------------------------------------------------------------

    def _post_name(self) -> str:
        if self.document is None or self.document.path is None:
            return ""
        title = (
            self.document.post.fields().get("title")
            if self.document.post.data is not None
            else None
        )
        return str(title) if title else self.document.path.name

    def _update_title(self) -> None:
        parts = [p for p in (self._post_name(), self.site.title if self.site else "") if p]
        self.setWindowTitle(" — ".join([*parts, "Galley"]).replace("[*]", "") + "[*]")
        self.setWindowModified(self.is_modified())

    def choose_site(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open a site folder"))
        if folder:
            self.open_site(Path(folder))

    def choose_post(self) -> None:
        start = str(self.site.root) if self.site else ""
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open a post"),
            start,
            self.tr("Posts (*.md *.markdown *.html);;All files (*)"),
        )
        if path:
            self.open_path(Path(path))

    def toggle_remote(self) -> None:
        """Fetch (or stop fetching) remote images for the open post only."""
        allowed = self.actions_by_id["load_remote"].isChecked()
        self.preview.set_remote(allowed, self.feed.latest)

    def undo(self) -> None:
        """Undo the post's last edit, in the body or the front matter (Ctrl+Z)."""
        self.form.commit_pending()
        self.history.undo()

    def redo(self) -> None:
        self.form.commit_pending()
        self.history.redo()

    def find(self) -> None:
        self.find_bar.open_bar(replace=False)

    def replace(self) -> None:
        self.find_bar.open_bar(replace=True)

    def go_to_line(self) -> None:
        last = self.editor.document().blockCount()
        line, ok = QInputDialog.getInt(
            self, self.tr("Go to line"), self.tr("Line (1–{0}):").format(last), 1, 1, last
        )
        if ok:
            self.editor.go_to_line(line)

    def toggle_sidebar(self) -> None:
        self.sidebar.setVisible(not self.sidebar.isVisible())

    def toggle_preview(self) -> None:
        self.preview.setVisible(not self.preview.isVisible())

    def toggle_line_numbers(self) -> None:
        on = self.actions_by_id["line_numbers"].isChecked()
        self.editor.set_line_numbers(on)
        self._settings.setValue("editor/line_numbers", on)

    def _stylesheet_key(self) -> str:
        root = str(self.site.root) if self.site else ""
        return "preview/stylesheet/" + hashlib.sha1(root.encode()).hexdigest()[:16]

    def choose_stylesheet(self) -> None:
        """Preview the open site's posts with one of its CSS files."""
        if self.site is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the site's stylesheet"),
            str(self.site.root),
            self.tr("Stylesheets (*.css);;All files (*)"),
        )
        if path:
            self.use_stylesheet(Path(path))

    def use_stylesheet(self, path: Path) -> bool:
        """Preview with the CSS file ``path`` of the open site; False (and a
        message) when it cannot be used."""
        assert self.site is not None
        root = Path(os.path.realpath(self.site.root))
        real = Path(os.path.realpath(path))
        message = None
        if root not in real.parents:
            message = self.tr("The stylesheet must be a file of the site.")
        elif real.suffix.lower() in (".scss", ".sass"):
            message = self.tr(
                "Galley cannot compile Sass. Build the site once and choose the CSS "
                "file Jekyll wrote into _site."
            )
        elif real.suffix.lower() != ".css":
            message = self.tr("Choose a .css file.")
        if message is not None:
            QMessageBox.warning(self, self.tr("Stylesheet not used"), message)
            return False
        site_path = "/" + real.relative_to(root).as_posix()
        self._settings.setValue(self._stylesheet_key(), site_path)
        self.preview.set_stylesheet(site_path, self.feed.latest)
        self.actions_by_id["own_stylesheet"].setEnabled(True)
        return True

    def use_own_stylesheet(self) -> None:
        """Preview with Galley's built-in typography again."""
        self._settings.remove(self._stylesheet_key())
        self.preview.set_stylesheet(None, self.feed.latest)
        self.actions_by_id["own_stylesheet"].setEnabled(False)

    def recent_sites(self) -> list[str]:
        """Sites opened before, newest first."""
        value = self._settings.value("session/recent_sites", [])
        if isinstance(value, str):  # QSettings gives one value back as a string
            value = [value]
        return [str(item) for item in value or []]

    def _remember_site(self, root: Path) -> None:
        sites = [str(root), *(s for s in self.recent_sites() if s != str(root))]
        self._settings.setValue("session/recent_sites", sites[: self.RECENT_SITES])
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for folder in self.recent_sites():
            action = self.recent_menu.addAction(folder)
            action.triggered.connect(lambda _checked=False, f=folder: self._open_recent(f))
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    def _open_recent(self, folder: str) -> None:
        if Path(folder).is_dir():
            self.open_site(Path(folder))
            return
        self.statusBar().showMessage(
            self.tr("The folder {0} is no longer there.").format(folder), 8000
        )
        sites = [s for s in self.recent_sites() if s != folder]
        self._settings.setValue("session/recent_sites", sites)
        self._fill_recent_menu()

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Galley"),
            self.tr(
                "Galley {0}\nAn editor and previewer for Markdown posts in Jekyll and Hugo sites."
            ).format(__version__),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._shut_down:  # closed before: the services are already gone
            event.accept()
            return
        if not self.maybe_save():
            event.ignore()
            return
        self._shut_down = True
        self._settings.setValue("window/splitter", self._splitter.saveState())
        self._settings.setValue("window/geometry", self.saveGeometry())
        # Updates still on their way from the worker must not reach a
        # preview that is being taken down.
        self.feed.rendered.disconnect(self._show_render)
        self.library.shutdown()
        self.sidebar.shutdown()
        self.links.shutdown()
        self.feed.shutdown()
        self.preview.shutdown()
        event.accept()


def _utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units (Qt's text positions)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le", "surrogatepass")) // 2
