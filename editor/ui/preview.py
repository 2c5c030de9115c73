"""The HTML preview: QtWebEngine when it can start, plain text otherwise.

The page is loaded once per post (a small shell) and then patched block by
block by a script in Qt's isolated application world, so it never reloads,
flickers or loses its scroll position, and no huge HTML string is pushed
through ``setHtml`` (whose data: URL is capped at 2 MB).

Private by default: an off-the-record profile, the page's own JavaScript
disabled, site files only through ``galley-site:`` (confined to the site
folder), and a request interceptor that refuses everything else, so a
tracking pixel in a draft is never fetched.
"""

from __future__ import annotations

import json
from pathlib import Path

import shiboken6
from PySide6.QtCore import QFile, QIODevice, QObject, QUrl, Signal, Slot
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from editor.core.preview_page import build_page, build_shell
from editor.core.render.host import BlockMirror, BlockPatch, RenderUpdate
from editor.core.render.types import Block
from editor.core.resources import resource_path

try:
    from PySide6.QtWebChannel import QWebChannel
    from PySide6.QtWebEngineCore import (
        QWebEnginePage,
        QWebEngineProfile,
        QWebEngineScript,
        QWebEngineSettings,
        QWebEngineUrlRequestInfo,
        QWebEngineUrlRequestInterceptor,
    )
    from PySide6.QtWebEngineWidgets import QWebEngineView

    from editor.services.site_scheme import BASE_URL, SCHEME, SiteSchemeHandler
except ImportError as exc:  # a Qt build without QtWebEngine, or missing system libraries
    WEBENGINE_ERROR: str | None = str(exc)
else:
    WEBENGINE_ERROR = None

_ALLOWED_SCHEMES = frozenset({"data", "about", "galley-site"})


if WEBENGINE_ERROR is None:

    class _Interceptor(QWebEngineUrlRequestInterceptor):
        """Blocks every request that would leave the machine; keeps a log."""

        def __init__(self, parent: QWidget | None = None) -> None:
            super().__init__(parent)
            #: Every request the page made: (address, allowed).
            self.log: list[tuple[str, bool]] = []
            #: The reader allowed remote content for the open post.
            self.remote = False

        def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
            url = info.requestUrl()
            allowed = url.scheme() in _ALLOWED_SCHEMES or (
                self.remote and url.scheme() in ("http", "https")
            )
            self.log.append((url.toString(), allowed))
            if not allowed:
                info.block(True)

    class _Page(QWebEnginePage):
        link_clicked = Signal(QUrl)

        def acceptNavigationRequest(
            self, url: QUrl, kind: QWebEnginePage.NavigationType, main: bool
        ) -> bool:
            # Only our own shell loads. A jump within the page (#fn:1) is
            # allowed; any other link goes to the window to decide, and the
            # preview itself never navigates away.
            if kind == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
                here = self.url().toString().split("#", 1)[0]
                if url.hasFragment() and url.toString().split("#", 1)[0] == here:
                    return True
                self.link_clicked.emit(url)
                return False
            return (
                kind == QWebEnginePage.NavigationType.NavigationTypeTyped or url.scheme() == "data"
            )

        def createWindow(self, kind: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:
            return None

        def javaScriptConsoleMessage(
            self,
            level: QWebEnginePage.JavaScriptConsoleMessageLevel,
            message: str,
            line: int,
            source: str,
        ) -> None:
            # The post's scripts never run; what reaches the console is the
            # engine reporting what the policy blocked, which the interceptor
            # log already records.
            pass


class PreviewBridge(QObject):
    """What the preview's isolated-world script may tell Python.

    Signals:
        link_clicked(str): the reader clicked a link with this address.
        scrolled(float): the reader scrolled; this file line is at the top.
    """

    link_clicked = Signal(str)
    scrolled = Signal(float)

    @Slot(str)
    def report_link(self, href: str) -> None:
        self.link_clicked.emit(href)

    @Slot(float)
    def report_scroll(self, line: float) -> None:
        self.scrolled.emit(line)


def _web_channel_js() -> str:
    """Qt's qwebchannel.js, from Qt's own resources."""
    source = QFile(":/qtwebchannel/qwebchannel.js")
    if not source.open(QIODevice.OpenModeFlag.ReadOnly):
        return ""
    return bytes(source.readAll().data()).decode("utf-8")


class PreviewView(QWidget):
    """Shows rendered posts.

    Signals:
        updated(int): the page now shows the update of this generation.
        link_activated(QUrl): the reader clicked a link (not followed here).
    """

    updated = Signal(int)
    link_activated = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.notice: str | None = None
        self._ready = False
        self._lang: str | None = None
        # The blocks of the newest render; the page shows them once
        # ``_synced`` (after a load it needs them all, later only changes).
        self._mirror = BlockMirror()
        self._synced = False
        self._header: str | None = None
        # A render that came while the page was loading: (generation, header).
        self._pending: tuple[int, str] | None = None
        self._stylesheet: str | None = None
        if WEBENGINE_ERROR is None:
            self._build_web_view(layout)
        else:
            self.notice = self.tr(
                "The web preview is unavailable ({0}); showing a plain preview."
            ).format(WEBENGINE_ERROR)
            self._browser = QTextBrowser(self)
            self._browser.setOpenLinks(False)
            layout.addWidget(self._browser)

    def _build_web_view(self, layout: QVBoxLayout) -> None:
        self._profile = QWebEngineProfile(self)  # no storage name: off the record
        self._interceptor = _Interceptor(self)
        self._profile.setUrlRequestInterceptor(self._interceptor)
        self.scheme_handler = SiteSchemeHandler(self)
        self._profile.installUrlSchemeHandler(SCHEME, self.scheme_handler)
        self._web = QWebEngineView(self)
        self._page = _Page(self._profile, self._web)
        settings = self._page.settings()
        attribute = QWebEngineSettings.WebAttribute
        settings.setAttribute(attribute.JavascriptEnabled, False)
        settings.setAttribute(attribute.LocalContentCanAccessFileUrls, False)
        settings.setAttribute(attribute.LocalContentCanAccessRemoteUrls, False)
        settings.setAttribute(attribute.JavascriptCanOpenWindows, False)
        settings.setAttribute(attribute.NavigateOnDropEnabled, False)
        settings.setUnknownUrlSchemePolicy(
            QWebEngineSettings.UnknownUrlSchemePolicy.DisallowUnknownUrlSchemes
        )
        # Page -> Python messages go through a web channel that exists only
        # in the isolated world: the post's markup cannot reach it.
        self.bridge = PreviewBridge(self)
        self._channel = QWebChannel(self)
        self._channel.registerObject("bridge", self.bridge)
        self._page.setWebChannel(self._channel, QWebEngineScript.ScriptWorldId.ApplicationWorld)
        script = QWebEngineScript()
        script.setName("galley-preview")
        script.setSourceCode(
            _web_channel_js()
            + "\n"
            + resource_path("preview", "preview.js").read_text(encoding="utf-8")
        )
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(QWebEngineScript.ScriptWorldId.ApplicationWorld)
        script.setRunsOnSubFrames(False)
        self._page.scripts().insert(script)
        self._web.setPage(self._page)
        self._page.loadFinished.connect(self._on_loaded)
        self._page.link_clicked.connect(self.link_activated)
        self.bridge.link_clicked.connect(lambda href: self.link_activated.emit(QUrl(href)))
        layout.addWidget(self._web)

    # -- public -------------------------------------------------------------

    @property
    def requests(self) -> list[tuple[str, bool]]:
        """Every request the page made, as (address, allowed), oldest first."""
        return list(self._interceptor.log) if WEBENGINE_ERROR is None else []

    def set_site(self, root: Path | None, baseurl: str = "") -> None:
        """Serve this site's files to the page (``/assets/...``)."""
        if WEBENGINE_ERROR is None:
            self.scheme_handler.set_site(root, baseurl)

    def start_post(self, lang: str, remote: bool = False) -> None:
        """Load a fresh page for a new post (its blocks come with show_update).
        ``remote``: fetch this post's remote images and media."""
        self._lang = lang
        self._header = None
        self._ready = False
        self._synced = False
        self._pending = None
        if WEBENGINE_ERROR is None and self._page is not None:
            self._interceptor.remote = remote
            self._page.setHtml(build_shell(lang, remote, self._stylesheet), BASE_URL)

    def set_remote(self, allowed: bool, generation: int) -> None:
        """Allow or block remote content for the open post: the page is
        loaded again with the same blocks."""
        self._load_again(generation, allowed)

    @property
    def stylesheet(self) -> str | None:
        return self._stylesheet

    def set_stylesheet(self, path: str | None, generation: int) -> None:
        """Style the article with the site's stylesheet at ``path`` (a site
        path such as ``/assets/main.css``), or Galley's own (None); the page
        is loaded again with the same blocks."""
        self._stylesheet = path
        if self._lang is not None:
            self._load_again(generation, self.remote_allowed)

    def _load_again(self, generation: int, remote: bool) -> None:
        header = self._header or ""
        self.start_post(self._lang or "zh-CN", remote)
        self._pending = (generation, header)

    @property
    def remote_allowed(self) -> bool:
        return WEBENGINE_ERROR is None and self._interceptor.remote

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The blocks of the newest render (what the page shows once updated)."""
        return self._mirror.blocks

    def show_update(self, update: RenderUpdate, header: str) -> None:
        """Show a render under ``header``, patching only the blocks it changed."""
        patch = self._mirror.apply(update)
        if patch is None:
            return
        generation = update.generation
        if WEBENGINE_ERROR is not None:
            content = "\n".join(block.html for block in self._mirror.blocks)
            self._browser.setHtml(
                build_page(content, {}, self._lang or "zh-CN").replace(
                    '<header id="galley-header"></header>', header, 1
                )
            )
            self.updated.emit(generation)
            return
        if self._page is None:
            return  # shut down: a late update from the worker has nowhere to go
        if self._lang is None:
            self.start_post("zh-CN")
        if not self._ready:
            self._pending = (generation, header)
        elif not self._synced:
            self._send_all(generation, header)
        else:
            self._send(generation, patch, header)

    def scroll_to_line(self, line: float) -> None:
        """Bring file line ``line`` to the top of the preview."""
        self.run_in_page(f"galley.scrollToLine({float(line)!r})")

    def run_in_page(self, script: str, callback: object = None) -> None:
        """Run JavaScript in the isolated world (where ``galley`` lives);
        nothing once the preview is shut down."""
        if WEBENGINE_ERROR is None and self._page is not None:
            world = QWebEngineScript.ScriptWorldId.ApplicationWorld
            if callback is None:
                self._page.runJavaScript(script, world)
            else:
                self._page.runJavaScript(script, world, callback)

    def shutdown(self) -> None:
        """Delete the page before its profile (Qt warns otherwise)."""
        if WEBENGINE_ERROR is None and self._web is not None:
            # deleteLater would run after the profile is gone at exit; the
            # page is a child of the view, so deleting the view now takes both.
            shiboken6.delete(self._web)
            self._web = None  # type: ignore[assignment]
            self._page = None  # type: ignore[assignment]

    # -- internals ------------------------------------------------------------

    def _on_loaded(self, ok: bool) -> None:
        self._ready = True
        if self.remote_allowed:
            self.run_in_page("galley.remote = true; 0")
        pending, self._pending = self._pending, None
        if pending is not None:
            self._send_all(*pending)

    def _send_all(self, generation: int, header: str) -> None:
        """Fill the freshly loaded page with every block."""
        self._header = None
        self._synced = True
        self._send(generation, BlockPatch(0, -1, self._mirror.blocks, 0), header)

    def _send(self, generation: int, patch: BlockPatch, header: str) -> None:
        """Send the page one change (``removed`` -1: every block goes)."""
        update = {
            "header": header if header != self._header else None,
            "prefix": patch.prefix,
            "remove": patch.removed,
            "insert": [[block.id, block.line, block.html] for block in patch.inserted],
            "shift": patch.shift,
        }
        self._header = header
        payload = json.dumps(update, ensure_ascii=False)
        self.run_in_page(
            f"galley.patch({payload})", lambda _result, g=generation: self.updated.emit(g)
        )
