"""The ``galley-site:`` URL scheme: the preview's only way to the site's files.

The scheme must be registered before the QApplication exists
(``register_scheme``); the handler then serves files of the open site only,
confined to its folder (``core.site_files``), with correct MIME types.
Everything else the page asks for is refused by the preview's request
interceptor.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QFile, QIODevice, QObject, QUrl
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from editor.core import site_files

SCHEME = b"galley-site"
#: The page's base address: ``/assets/a.png`` in a post resolves below it.
BASE_URL = QUrl("galley-site://site/")


def register_scheme() -> None:
    """Register ``galley-site:``; call once, before the QApplication exists."""
    if QWebEngineUrlScheme.schemeByName(QByteArray(SCHEME)).name() == QByteArray(SCHEME):
        return
    scheme = QWebEngineUrlScheme(QByteArray(SCHEME))
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme)
    QWebEngineUrlScheme.registerScheme(scheme)


class SiteSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``galley-site://site/PATH`` with the site's file at PATH."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root: Path | None = None
        self.baseurl = ""
        #: Every path asked for and whether it was served, oldest first.
        self.log: list[tuple[str, bool]] = []

    def set_site(self, root: Path | None, baseurl: str = "") -> None:
        self.root = root
        self.baseurl = baseurl

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        path = url.path()
        target = site_files.resolve(self.root, path, self.baseurl) if self.root else None
        self.log.append((path, target is not None))
        if target is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        # WebEngine reads the device itself, off the UI thread; the file is
        # closed and freed with the job.
        device = QFile(str(target), job)
        if not device.open(QIODevice.OpenModeFlag.ReadOnly):
            job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)
            return
        job.reply(site_files.mime_type(target).encode("ascii"), device)
