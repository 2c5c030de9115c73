"""Fixtures for widget tests: the application's identity and settings kept in tmp."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox


@pytest.fixture(scope="session")
def qapp(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> QApplication:
    """pytest-qt's application, named Galley like the real one, with QSettings in tmp.

    Settings would otherwise land in the developer's real profile (the
    registry on Windows, a plist on macOS), so tests use INI files under a
    session temp folder for every format and scope Galley could ask for.
    """
    QCoreApplication.setOrganizationName("Galley")
    QCoreApplication.setApplicationName("Galley")
    settings_dir = str(tmp_path_factory.mktemp("settings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for settings_format in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            # NativeFormat paths matter on Linux only, where native is INI.
            QSettings.setPath(settings_format, scope, settings_dir)
    return qapp


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Answer QMessageBox's modal questions as Escape would, and record them.

    Offscreen, nobody can click a modal box, so one the test did not expect
    blocks the run for good: pytest-qt closes each test's windows at teardown,
    and a window left with unsaved edits asks whether to save. Tests that
    expect a box patch it themselves; others can assert on the recorded
    ``(title, text)`` pairs.
    """
    shown: list[tuple[str, str]] = []

    def answer(
        _parent: object, title: str, text: str, *_args: object, **_kwargs: object
    ) -> QMessageBox.StandardButton:
        shown.append((title, text))
        return QMessageBox.StandardButton.Cancel

    for name in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, answer)
    return shown


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A private copy of the sample site."""
    from editor.core.resources import resource_path

    root = tmp_path / "site"
    shutil.copytree(resource_path("sample-site"), root)
    return root


@pytest.fixture
def new_window(qtbot, tmp_path: Path) -> Callable[..., Any]:
    """Make a shown MainWindow (1200x800) with its settings in tmp; pytest-qt
    closes it after the test without asking about unsaved edits."""
    from editor.ui.main_window import MainWindow

    def make(settings_name: str = "settings.ini") -> MainWindow:
        settings = QSettings(str(tmp_path / settings_name), QSettings.Format.IniFormat)
        window = MainWindow(settings)

        def discard_changes(w: MainWindow) -> None:
            w.document = None  # nothing left to ask about when pytest-qt closes it
            w.editor.document().setModified(False)

        qtbot.addWidget(window, before_close_func=discard_changes)
        window.resize(1200, 800)
        window.show()
        return window

    return make
