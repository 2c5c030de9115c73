"""The composition root: QApplication, settings, translators and the window.

``galley [PATH]`` opens a site folder or a post; without PATH it opens a
private copy of the bundled sample site. ``--screenshot OUT.png`` shows the
window at 1400x900, waits until the preview has rendered, writes a PNG of
the window and exits (it works offscreen).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from editor import __version__

if TYPE_CHECKING:  # Qt is imported at run time, after the environment is set
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

SCREENSHOT_SIZE = (1400, 900)
SCREENSHOT_TIMEOUT_MS = 60_000


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="galley", description="Edit and preview posts of a Jekyll or Hugo site."
    )
    parser.add_argument(
        "path", nargs="?", type=Path, help="a site folder or a post (default: the sample site)"
    )
    parser.add_argument(
        "--open", dest="open_post", type=Path, metavar="POST", help="open this post"
    )
    parser.add_argument(
        "--screenshot", type=Path, metavar="OUT.png", help="save a PNG of the window and exit"
    )
    parser.add_argument(
        "--color-scheme",
        choices=("system", "light", "dark"),
        default="system",
        help="light or dark regardless of the system (default: follow the system)",
    )
    parser.add_argument("--version", action="version", version=f"galley {__version__}")
    return parser.parse_args(argv)


def _chromium_flags(color_scheme: str = "system") -> None:
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    # Chromium refuses to start its sandbox as root (containers, CI).
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in flags:
        flags += " --no-sandbox"
    # The preview's prefers-color-scheme when the scheme is chosen (0: dark).
    if color_scheme != "system" and "preferredColorScheme" not in flags:
        flags += f" --blink-settings=preferredColorScheme={0 if color_scheme == 'dark' else 1}"
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = flags.strip()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the window; return the exit status."""
    args = _arguments(sys.argv[1:] if argv is None else argv)
    _chromium_flags(args.color_scheme)

    from PySide6.QtCore import (
        QCoreApplication,
        QLibraryInfo,
        QLocale,
        Qt,
        QTranslator,
    )
    from PySide6.QtWidgets import QApplication, QMessageBox

    from editor.core.resources import resource_path, sample_site
    from editor.ui.main_window import MainWindow

    try:
        from editor.services.site_scheme import register_scheme
    except ImportError:  # no QtWebEngine: the preview falls back to plain text
        pass
    else:
        register_scheme()  # must happen before the QApplication exists

    QCoreApplication.setOrganizationName("Galley")
    QCoreApplication.setApplicationName("Galley")
    QCoreApplication.setApplicationVersion(__version__)
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    if args.color_scheme != "system":
        _use_color_scheme(app, args.color_scheme == "dark")

    translators = []
    for name, folder in (
        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        ("galley", str(resource_path("translations"))),
    ):
        translator = QTranslator(app)
        if translator.load(QLocale(), name, "_", folder):
            app.installTranslator(translator)
            translators.append(translator)

    window = MainWindow(settings())

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        # A bug must not end the session silently or lose text: say what
        # happened and keep running; details go to stderr for a report.
        traceback.print_exception(kind, exc, tb)
        if args.screenshot is None:
            QMessageBox.critical(
                window,
                "Galley",
                QCoreApplication.translate("app", "Something went wrong: {0}").format(exc),
            )

    sys.excepthook = excepthook

    path = args.path
    if path is None:
        path = sample_site()
    if not path.exists():
        print(f"galley: {path}: no such file or folder", file=sys.stderr)
        return 2
    window.open_path(path)
    if args.open_post is not None:
        window.open_post(
            args.open_post
            if args.open_post.is_absolute()
            else (window.site.root if window.site else Path()) / args.open_post
        )

    if args.screenshot is not None:
        return _screenshot(app, window, args.screenshot)
    geometry = window._settings.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    else:
        window.resize(*SCREENSHOT_SIZE)
    window.show()
    return app.exec()


def _use_color_scheme(app: QApplication, dark: bool) -> None:
    """Light or dark widgets whatever the system says (platforms without a
    theme, such as offscreen, get Fusion's colours set by hand)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QPalette

    app.setStyle("Fusion")
    app.styleHints().setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
    if not dark:
        app.setPalette(app.style().standardPalette())
        return
    palette = QPalette()
    role = QPalette.ColorRole
    for name, color in (
        (role.Window, "#202124"), (role.WindowText, "#e8eaed"), (role.Base, "#17181a"),
        (role.AlternateBase, "#26272b"), (role.Text, "#e8eaed"), (role.Button, "#2b2c30"),
        (role.ButtonText, "#e8eaed"), (role.Highlight, "#3d6fb4"),
        (role.HighlightedText, "#ffffff"), (role.ToolTipBase, "#2b2c30"),
        (role.ToolTipText, "#e8eaed"), (role.PlaceholderText, "#9aa0a6"),
        (role.Link, "#8ab4f8"), (role.Mid, "#3c4043"), (role.Dark, "#101113"),
    ):  # fmt: skip
        palette.setColor(name, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor("#80868b"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor("#80868b"))
    app.setPalette(palette)


def settings() -> QSettings:
    """The user's settings (INI file; ``GALLEY_CONFIG_DIR`` moves it, for tests)."""
    from PySide6.QtCore import QSettings

    folder = os.environ.get("GALLEY_CONFIG_DIR")
    if folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Galley", "Galley")


def _screenshot(app: object, window: object, out: Path) -> int:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from editor.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    if window.document is None:
        # No post given: open the first one listed once the sidebar fills.
        loop = QEventLoop()
        window.library.scan_finished.connect(loop.quit)
        QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, loop.quit)
        loop.exec()
        paths = window.sidebar.paths()
        if paths:
            window.open_post(paths[0])
    loop = QEventLoop()
    window.preview_updated.connect(loop.quit)
    timer = QTimer(singleShot=True, interval=SCREENSHOT_TIMEOUT_MS)
    timer.timeout.connect(loop.quit)
    timer.start()
    if window.document is not None:
        loop.exec()
    timed_out = not timer.isActive()
    # Give the compositor a few frames to paint the loaded page.
    pause = QEventLoop()
    QTimer.singleShot(400, pause.quit)
    pause.exec()
    QApplication.processEvents()
    ok = window.grab().save(str(out), "PNG")
    window.close()
    if not ok:
        print(f"galley: cannot write {out}", file=sys.stderr)
        return 1
    if timed_out:
        print("galley: the preview did not finish rendering in time", file=sys.stderr)
        return 1
    print(out)
    return 0
