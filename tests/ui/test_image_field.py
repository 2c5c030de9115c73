"""The image field: a thumbnail read only from inside the site folder, never
from the network, and a file chooser that writes site paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog

from editor.services.document import Document
from editor.ui import field_widgets
from editor.ui.field_widgets import THUMBNAIL_SIZE, ImageField
from editor.ui.front_matter_form import FrontMatterForm


def save_image(path: Path, width: int = 800, height: int = 400) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("steelblue"))
    assert image.save(str(path))
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: Test\n", encoding="utf-8")
    save_image(root / "assets" / "img" / "a.jpg")
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """An image next to the site folder, not in it."""
    return save_image(tmp_path / "elsewhere" / "secret.png")


def make_field(qtbot, text: str, site: Path | None, baseurl: str = "") -> ImageField:
    field = ImageField(text, site, baseurl)
    qtbot.addWidget(field)
    return field


def has_thumbnail(field: ImageField) -> bool:
    return not field.thumbnail.pixmap().isNull()


def choose_returns(monkeypatch: pytest.MonkeyPatch, path: Path | str) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kwargs: (str(path), ""))


def test_an_image_in_the_site_shows_a_thumbnail_that_fits_the_box(qtbot, site: Path) -> None:
    for text in ("/assets/img/a.jpg", "assets/img/a.jpg"):
        field = make_field(qtbot, text, site)
        assert has_thumbnail(field), text
        shown = field.thumbnail.pixmap().deviceIndependentSize()
        # 800 x 400 fitted into the box, aspect kept.
        assert (shown.width(), shown.height()) == (THUMBNAIL_SIZE, THUMBNAIL_SIZE / 2)


def test_baseurl_is_taken_off_the_front(qtbot, site: Path) -> None:
    field = make_field(qtbot, "/blog/assets/img/a.jpg", site, baseurl="/blog")
    assert has_thumbnail(field)


def test_typing_a_path_updates_the_thumbnail(qtbot, site: Path) -> None:
    field = make_field(qtbot, "", site)
    assert not has_thumbnail(field)
    field.edit.setText("/assets/img/a.jpg")
    qtbot.wait_until(lambda: has_thumbnail(field))
    field.edit.setText("/assets/img/gone.jpg")
    qtbot.wait_until(lambda: field.thumbnail.text() == "not found")
    assert not has_thumbnail(field)


@pytest.mark.parametrize(
    "text",
    [
        "/../elsewhere/secret.png",
        "assets/../../elsewhere/secret.png",
        "/assets/%2e%2e/../elsewhere/secret.png",
    ],
)
def test_a_path_escaping_the_site_shows_nothing(
    qtbot, site: Path, outside: Path, text: str
) -> None:
    field = make_field(qtbot, text, site)
    assert not has_thumbnail(field)
    assert field.thumbnail.text() == "not found"


def test_a_symlink_pointing_outside_the_site_shows_nothing(
    qtbot, site: Path, outside: Path
) -> None:
    link = site / "assets" / "link.png"
    try:
        link.symlink_to(outside)
    except OSError:
        pytest.skip("cannot create symlinks here")
    field = make_field(qtbot, "/assets/link.png", site)
    assert not has_thumbnail(field)


def test_a_remote_url_is_never_read(qtbot, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Same path as a real site file, so treating the URL as a path would find it.
    touched: list[str] = []
    real_resolve = field_widgets.site_files.resolve

    def resolve(root: Path, url_path: str, baseurl: str = "") -> Path | None:
        touched.append(url_path)
        return real_resolve(root, url_path, baseurl)

    monkeypatch.setattr(field_widgets.site_files, "resolve", resolve)
    monkeypatch.setattr(field_widgets, "QImageReader", lambda *args: touched.append("read"))
    for text in (
        "https://example.com/assets/img/a.jpg",
        "HTTP://example.com/a.jpg",
        "//cdn.example.com/assets/img/a.jpg",
    ):
        field = make_field(qtbot, text, site)
        qtbot.keyClick(field.edit, Qt.Key.Key_Return)
        assert not has_thumbnail(field)
        assert field.thumbnail.text() == "remote"
    assert touched == []


def test_a_file_over_the_limit_is_not_decoded(
    qtbot, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(field_widgets, "MAX_THUMBNAIL_BYTES", 100)
    field = make_field(qtbot, "/assets/img/a.jpg", site)
    assert not has_thumbnail(field)
    assert field.thumbnail.text() == "too large"


def test_a_file_that_is_not_an_image_says_so(qtbot, site: Path) -> None:
    (site / "assets" / "notes.png").write_text("not a picture", encoding="utf-8")
    field = make_field(qtbot, "/assets/notes.png", site)
    assert not has_thumbnail(field)
    assert field.thumbnail.text() == "unreadable"


def test_editing_commits_only_a_changed_path(qtbot, site: Path) -> None:
    field = make_field(qtbot, "/assets/img/a.jpg", site)
    with qtbot.assert_not_emitted(field.committed):
        qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    field.edit.setText("/assets/img/b.jpg")
    with qtbot.wait_signal(field.committed) as committed:
        qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert committed.args == ["/assets/img/b.jpg"]


def test_choosing_a_file_in_the_site_commits_its_site_path(
    qtbot, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = save_image(site / "assets" / "x.png", 10, 10)
    choose_returns(monkeypatch, chosen)
    field = make_field(qtbot, "", site)
    with qtbot.wait_signal(field.committed) as committed:
        field.choose_button.click()
    assert committed.args == ["/assets/x.png"]
    assert field.edit.text() == "/assets/x.png"
    # Small images are shown as they are, not blown up.
    assert field.thumbnail.pixmap().deviceIndependentSize().width() == 10


def test_choosing_through_a_symlinked_site_folder_keeps_the_site_path(
    qtbot, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alias = tmp_path / "alias"
    try:
        alias.symlink_to(site, target_is_directory=True)
    except OSError:
        pytest.skip("cannot create symlinks here")
    choose_returns(monkeypatch, site / "assets" / "img" / "a.jpg")
    field = make_field(qtbot, "", alias)
    with qtbot.wait_signal(field.committed) as committed:
        field.choose()
    assert committed.args == ["/assets/img/a.jpg"]


def test_choosing_a_file_outside_the_site_is_refused(
    qtbot, site: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    field = make_field(qtbot, "/assets/img/a.jpg", site)
    links = site / "assets" / "escape.png"
    candidates = [outside]
    try:
        links.symlink_to(outside)
        candidates.append(links)
    except OSError:
        pass
    for chosen in candidates:
        choose_returns(monkeypatch, chosen)
        with (
            qtbot.assert_not_emitted(field.committed),
            qtbot.wait_signal(field.refused) as refused,
        ):
            field.choose()
        assert str(chosen) in refused.args[0] and "outside the site" in refused.args[0]
        assert field.edit.text() == "/assets/img/a.jpg"


def test_without_a_site_there_is_nothing_to_choose_from(qtbot) -> None:
    field = make_field(qtbot, "/assets/img/a.jpg", None)
    assert not field.choose_button.isEnabled()
    assert not has_thumbnail(field)


POST = """\
---
# cover shown on the front page
title: "港口岸电"
date: 2025-09-18 08:30:00 +0800
image: /assets/img/a.jpg   # 800 wide
tags: [port, power]
---
Body text.
"""


def open_in_form(qtbot, post: Path) -> tuple[FrontMatterForm, Document]:
    document = Document.open(post)
    form = FrontMatterForm()
    qtbot.addWidget(form)
    form.set_document(document)
    return form, document


@pytest.fixture
def post(site: Path) -> Path:
    path = site / "_posts" / "2025-09-18-port.md"
    path.write_bytes(POST.replace("\n", "\r\n").encode("utf-8"))
    return path


def test_the_form_edits_only_the_image_line(
    qtbot, site: Path, post: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    form, document = open_in_form(qtbot, post)
    before = post.read_bytes()
    field = form.field_widget("image")
    assert isinstance(field, ImageField)
    assert not has_thumbnail(field)  # no site yet
    form.set_site_root(site)
    assert has_thumbnail(field)

    choose_returns(monkeypatch, save_image(site / "assets" / "x.png", 10, 10))
    field.choose_button.click()
    assert document.modified
    assert document.save()
    after = post.read_bytes()
    assert after == before.replace(b"image: /assets/img/a.jpg", b"image: /assets/x.png")


def test_the_form_reports_a_refused_file(
    qtbot, site: Path, post: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    form, document = open_in_form(qtbot, post)
    form.set_site_root(site)
    choose_returns(monkeypatch, outside)
    with qtbot.wait_signal(form.edit_failed) as failed:
        form.field_widget("image").choose_button.click()
    assert str(outside) in failed.args[0]
    assert not document.modified


@pytest.mark.parametrize("key", ["cover", "thumbnail"])
def test_cover_and_thumbnail_are_image_fields_too(qtbot, site: Path, key: str) -> None:
    post = site / "_posts" / "2025-01-01-x.md"
    post.write_text(f"---\ntitle: x\n{key}:\nimage: [a, b]\n---\n", encoding="utf-8")
    form = FrontMatterForm()
    qtbot.addWidget(form)
    form.set_site_root(site)  # before the document: fields are built with it
    document = Document.open(post)
    form.set_document(document)
    # A list is not a path: it keeps the generic editor.
    assert not isinstance(form.field_widget("image"), ImageField)
    field = form.field_widget(key)
    assert isinstance(field, ImageField)
    field.edit.setText("/assets/img/a.jpg")
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert has_thumbnail(field)
    assert document.save()
    assert f"{key}: /assets/img/a.jpg\n" in post.read_text(encoding="utf-8")
