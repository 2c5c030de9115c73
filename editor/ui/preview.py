"""The HTML preview: QtWebEngine when it can start, plain text otherwise.

Private by default: an off-the-record profile, page JavaScript disabled, and
a request interceptor that refuses everything but the page itself, so a
tracking pixel in a draft is never fetched.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

try:
    from PySide6.QtWebEngineCore import (
        QWebEnginePage,
        QWebEngineProfile,
        QWebEngineSettings,
        QWebEngineUrlRequestInfo,
        QWebEngineUrlRequestInterceptor,
    )
    from PySide6.QtWebEngineWidgets import QWebEngineView
except ImportError as exc:  # a Qt build without QtWebEngine, or missing system libraries
    WEBENGINE_ERROR: str | None = str(exc)
else:
    WEBENGINE_ERROR = None

_ALLOWED_SCHEMES = frozenset({"data", "about"})


if WEBENGINE_ERROR is None:

    class _Interceptor(QWebEngineUrlRequestInterceptor):
        """Blocks every request that would leave the page; keeps a log."""

        def __init__(self, parent: QWidget | None = None) -> None:
            super().__init__(parent)
            #: Every request the page made: (address, allowed).
            self.log: list[tuple[str, bool]] = []

        def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
            url = info.requestUrl()
            allowed = url.scheme() in _ALLOWED_SCHEMES or url.toString() == _PAGE_URL.toString()
            self.log.append((url.toString(), allowed))
            if not allowed:
                info.block(True)

    class _Page(QWebEnginePage):
        def acceptNavigationRequest(
            self, url: QUrl, kind: QWebEnginePage.NavigationType, main: bool
        ) -> bool:
            # Only our own setHtml loads; links are not followed inside the preview.
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


_PAGE_URL = QUrl("galley-preview:///")


class PreviewView(QWidget):
    """Shows rendered pages.

    Signals:
        loaded(): a page finished loading (the preview shows the newest render).
    """

    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.notice: str | None = None
        self._view: QWidget
        if WEBENGINE_ERROR is None:
            self._profile = QWebEngineProfile(self)  # no storage name: off the record
            self._interceptor = _Interceptor(self)
            self._profile.setUrlRequestInterceptor(self._interceptor)
            self._web = QWebEngineView(self)
            self._page = _Page(self._profile, self._web)
            settings = self._page.settings()
            settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptEnabled, False)
            settings.setAttribute(
                QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, False
            )
            settings.setAttribute(
                QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False
            )
            settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)
            settings.setAttribute(QWebEngineSettings.WebAttribute.NavigateOnDropEnabled, False)
            self._web.setPage(self._page)
            self._page.loadFinished.connect(lambda _ok: self.loaded.emit())
            self._view = self._web
        else:
            self.notice = self.tr(
                "The web preview is unavailable ({0}); showing a plain preview."
            ).format(WEBENGINE_ERROR)
            self._browser = QTextBrowser(self)
            self._browser.setOpenLinks(False)
            self._view = self._browser
        layout.addWidget(self._view)

    @property
    def requests(self) -> list[tuple[str, bool]]:
        """Every request the page made, as (address, allowed), oldest first."""
        return list(self._interceptor.log) if WEBENGINE_ERROR is None else []

    def show_page(self, html: str) -> None:
        """Display a whole HTML page."""
        if WEBENGINE_ERROR is None:
            self._page.setHtml(html, _PAGE_URL)
        else:
            self._browser.setHtml(html)
            self.loaded.emit()

    def shutdown(self) -> None:
        """Delete the page before its profile (Qt warns otherwise)."""
        if WEBENGINE_ERROR is None and self._web is not None:
            # deleteLater would run after the profile is gone at exit; the
            # page is a child of the view, so deleting the view now takes both.
            shiboken6.delete(self._web)
            self._web = None  # type: ignore[assignment]
            self._page = None  # type: ignore[assignment]
