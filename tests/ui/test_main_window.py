"""The first window, driven as a person would: open the sample site, edit,
save, and check the bytes on disk."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QWidget

from editor.ui.main_window import MainWindow

pytestmark = pytest.mark.webengine

POST = Path("_posts") / "2025-09-18-dongyu-shore-power.md"


@pytest.fixture
def window(new_window) -> MainWindow:
    return new_window()


def open_post(qtbot, window: MainWindow, path: Path) -> None:
    with qtbot.wait_signal(window.preview_updated, timeout=30_000):
        assert window.open_path(path)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` as a person would: ASCII as key presses, Chinese the way
    a pinyin input method delivers it (a committed composition)."""
    for chunk in _runs(text):
        if chunk.isascii():
            _key_clicks(widget, chunk)
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)


def _runs(text: str) -> list[str]:
    runs: list[str] = []
    for ch in text:
        if runs and runs[-1][-1].isascii() == ch.isascii():
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs


def _key_clicks(widget: QWidget, text: str) -> None:
    from PySide6.QtTest import QTest

    for ch in text:
        if ch == "\n":
            QTest.keyClick(widget, Qt.Key.Key_Return)
        else:
            QTest.keyClicks(widget, ch)


def changed_lines(before: bytes, after: bytes) -> list[str]:
    diff = difflib.ndiff(before.decode().splitlines(True), after.decode().splitlines(True))
    return [line for line in diff if line[:1] in "+-"]


def test_sidebar_lists_every_post_by_title(qtbot, window: MainWindow, site: Path) -> None:
    with qtbot.wait_signal(window.library.scan_finished, timeout=10_000):
        window.open_site(site)
    model = window.sidebar.model()
    titles = [model.index(i, 0).data() for i in range(model.rowCount())]
    statuses = [model.index(i, 2).data() for i in range(model.rowCount())]
    assert len(titles) == 5  # four posts and one draft
    assert "“连里巾帼”特色服务解妇女群众“急难愁盼”" in titles
    assert statuses.count("draft") == 1


def test_title_edit_in_form_saves_only_the_title_line(
    qtbot, window: MainWindow, site: Path
) -> None:
    path = site / POST
    before = path.read_bytes()
    open_post(qtbot, window, path)

    edit = window.form.field_widget("title")
    assert isinstance(edit, QLineEdit)
    edit.setFocus()
    edit.selectAll()
    type_text(edit, "岸电改造完工：新标题")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.isWindowModified()
    assert path.read_bytes() == before  # nothing written before the user saves

    window.actions_by_id["save"].trigger()

    after = path.read_bytes()
    assert not window.isWindowModified()
    old_title_line = next(
        line for line in before.decode().splitlines(True) if line.startswith("title:")
    )
    assert changed_lines(before, after) == [
        "- " + old_title_line,
        '+ title: "岸电改造完工：新标题"\n',  # the original title was double-quoted
    ]


def test_typing_in_the_body_updates_the_preview(qtbot, window: MainWindow, site: Path) -> None:
    open_post(qtbot, window, site / POST)
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    with qtbot.wait_signal(window.preview_updated, timeout=30_000):
        type_text(window.editor, "\n\n新增段落 added paragraph")
    html: list[str] = []
    window.preview._page.toHtml(html.append)
    qtbot.wait_until(lambda: bool(html), timeout=10_000)
    assert "新增段落 added paragraph" in html[0]
    assert window.isWindowModified()


def test_unchanged_open_and_save_keeps_every_byte(qtbot, window: MainWindow, site: Path) -> None:
    path = site / "_posts" / "nbsp.md"
    data = "---\r\ntitle: 不换行\u00a0空格\r\n---\r\n正文\u00a0non-breaking\u00a0spaces\r\n末行".encode()
    path.write_bytes(data)
    open_post(qtbot, window, path)
    assert window.editor.text() == "正文\u00a0non-breaking\u00a0spaces\n末行"
    assert not window.isWindowModified()
    window.save()
    assert path.read_bytes() == data


def test_closing_with_unsaved_changes_asks(
    qtbot, window: MainWindow, site: Path, monkeypatch
) -> None:
    path = site / POST
    before = path.read_bytes()
    open_post(qtbot, window, path)
    type_text(window.editor, "草稿")
    answers = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    assert not window.close()  # cancelled: stays open, nothing written
    assert window.isVisible() and path.read_bytes() == before
    answers.append(QMessageBox.StandardButton.Save)
    assert window.close()
    assert "草稿".encode() in path.read_bytes()


def test_a_binary_post_is_refused_with_a_message(
    qtbot, window: MainWindow, site: Path, monkeypatch
) -> None:
    path = site / "_posts" / "2020-01-01-image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    messages: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, _title, text, *a: messages.append(text)
    )
    assert not window.open_path(path)
    assert messages and str(path) in messages[0] and "binary" in messages[0]
    assert window.document is None


def test_raw_mode_for_front_matter_that_does_not_parse(
    qtbot, window: MainWindow, site: Path
) -> None:
    path = site / "_posts" / "2020-01-02-broken.md"
    data = b"---\ntitle: [unclosed\ndate: 2020-01-02\n---\nBody\n"
    path.write_bytes(data)
    open_post(qtbot, window, path)
    error = window.form.findChild(type(window.form._raw_error), "raw_error")
    # The flow list opened on line 2 is found broken at line 3, column 5.
    assert error.isVisible() and error.text().startswith("Line 3, column 5:")
    raw = window.form.findChild(QPlainTextEdit, "raw_front_matter")
    assert raw.isVisible() and raw.toPlainText() == "title: [unclosed\ndate: 2020-01-02\n"
    window.save()
    assert path.read_bytes() == data


def test_a_hostile_post_runs_nothing_and_fetches_nothing(
    qtbot, window: MainWindow, site: Path
) -> None:
    path = site / "_posts" / "2020-01-03-hostile.md"
    path.write_text(
        "---\ntitle: Hostile\n---\n"
        '<script>document.title = "pwned"</script>\n\n'
        '<img src="x.png" onerror="document.title = \'pwned\'">\n\n'
        "![pixel](https://tracker.example.com/p.gif) ![plain](http://tracker.example.com/q.gif)\n\n"
        "[file](file:///etc/passwd) [js](javascript:alert(1))\n\n"
        '<iframe src="https://www.youtube.com/embed/x"></iframe>\n',
        encoding="utf-8",
    )
    open_post(qtbot, window, path)
    html: list[str] = []
    window.preview._page.toHtml(html.append)
    qtbot.wait_until(lambda: bool(html), timeout=10_000)
    page = html[0]
    assert "<script" not in page and "onerror" not in page and "javascript:" not in page
    assert "file:///etc/passwd" not in page and "<iframe" not in page
    assert window.preview._page.title() != "pwned"
    # The interceptor sees every request the engine attempts: none may have
    # been let through to the network.
    assert not [u for u, allowed in window.preview.requests if allowed and u.startswith("http")]


def evaluate(qtbot, window: MainWindow, script: str) -> object:
    """Run ``script`` in the preview's isolated world and return its value."""
    results: list[object] = []
    window.preview.run_in_page(script, results.append)
    qtbot.wait_until(lambda: bool(results), timeout=10_000)
    return results[0]


def test_edits_patch_only_changed_blocks_and_keep_the_scroll(
    qtbot, window: MainWindow, site: Path
) -> None:
    path = site / "_posts" / "2020-01-08-scroll.md"
    body = "\n\n".join(f"段落 {i}：" + "港口岸电改造。" * 20 for i in range(80))
    path.write_text("---\ntitle: 滚动\n---\n" + body + "\n", encoding="utf-8")
    open_post(qtbot, window, path)
    evaluate(qtbot, window, "document.querySelector('.galley-block').dataset.probe = 'kept'; 0")
    # Scroll the editor halfway; the preview follows.
    bar = window.editor.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    qtbot.wait_until(lambda: float(evaluate(qtbot, window, "window.scrollY")) > 100, timeout=10_000)
    qtbot.wait_until(lambda: not window.scroll_sync._timer.isActive(), timeout=5_000)
    scroll_before = evaluate(qtbot, window, "window.scrollY")
    # Type at the top of what the editor shows: it does not scroll, so the
    # preview must stay where it is while its blocks are patched.
    cursor = window.editor.textCursor()
    cursor.setPosition(window.editor.firstVisibleBlock().position())
    window.editor.setTextCursor(cursor)
    with qtbot.wait_signal(window.preview_updated, timeout=30_000):
        type_text(window.editor, "新插入的句子。")
    assert (
        evaluate(qtbot, window, "document.querySelector('.galley-block').dataset.probe") == "kept"
    )
    assert evaluate(qtbot, window, "window.scrollY") == scroll_before
    assert "新插入的句子" in str(
        evaluate(qtbot, window, "document.getElementById('galley-article').innerText")
    )


def test_the_page_follows_every_kind_of_edit_exactly(qtbot, window: MainWindow, site: Path) -> None:
    """Only changes reach the page; after typing, new lines, deleted and
    pasted paragraphs and a front-matter edit it shows exactly the blocks
    (ids and file lines) of a fresh render, each inside the article's
    chunks, in order."""
    from PySide6.QtGui import QTextCursor

    path = site / "_posts" / "2020-01-10-patch.md"
    body = "\n\n".join(
        f"## 第 {i} 节\n\n段落 {i}：" + "港口岸电。" * 5 + f"[^n{i % 3}]" for i in range(300)
    )
    notes = "\n\n".join(f"[^n{i}]: 注释 {i}" for i in range(3))
    path.write_text(f"---\ntitle: 补丁\n---\n{body}\n\n{notes}\n", encoding="utf-8")
    open_post(qtbot, window, path)
    editor = window.editor

    def at(block: int) -> QTextCursor:
        cursor = QTextCursor(editor.document().findBlockByNumber(block))
        editor.setTextCursor(cursor)
        return cursor

    def edited(action) -> None:  # type: ignore[no-untyped-def]
        with qtbot.wait_signal(window.preview_updated, timeout=30_000):
            action()
        qtbot.wait_until(lambda: window.feed.latest == window.feed.worker._generation)
        shown = evaluate(qtbot, window, "JSON.stringify(galley.shown())")
        mirror = [[b.id, b.line] for b in window.preview.blocks]
        assert json.loads(str(shown)) == mirror
        ordered = evaluate(
            qtbot,
            window,
            "JSON.stringify(Array.from(document.querySelectorAll("
            "'#galley-article > .galley-chunk > .galley-block'), n => n.dataset.block))",
        )
        assert json.loads(str(ordered)) == [b[0] for b in mirror]

    edited(lambda: (at(40), type_text(editor, "输入")))

    def new_paragraph() -> None:
        cursor = at(41)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
        editor.setTextCursor(cursor)
        type_text(editor, "\n\n新段落\n")

    edited(new_paragraph)
    cursor = at(100)
    cursor.movePosition(QTextCursor.MoveOperation.Down, QTextCursor.MoveMode.KeepAnchor, 200)
    edited(lambda: cursor.removeSelectedText())
    edited(lambda: at(0).insertText("开头\n\n" * 150))
    edited(lambda: window.document.set_field("title", "新标题"))  # type: ignore[union-attr]
    editor.selectAll()
    edited(lambda: editor.textCursor().insertText("全部替换\n"))
    assert evaluate(qtbot, window, "galley.shown().length") == 1


def test_site_files_are_served_and_nothing_outside(qtbot, window: MainWindow, site: Path) -> None:
    (site.parent / "secret.png").write_bytes(b"\x89PNG")
    path = site / "_posts" / "2020-01-04-images.md"
    path.write_text(
        "---\ntitle: 图片\n---\n![港口](/assets/img/harbour.png)\n\n![外面](/../secret.png)\n",
        encoding="utf-8",
    )
    open_post(qtbot, window, path)
    qtbot.wait_until(lambda: len(window.preview.scheme_handler.log) >= 2, timeout=10_000)
    log = dict(window.preview.scheme_handler.log)
    assert log["/assets/img/harbour.png"] is True
    assert not [p for p, served in log.items() if "secret" in p and served]
    width = evaluate(qtbot, window, "document.querySelector('img').naturalWidth")
    assert width == 640  # the real image arrived


def test_the_status_bar_counts_chinese_characters_and_words(
    qtbot, window: MainWindow, site: Path
) -> None:
    path = site / "_posts" / "2020-01-05-count.md"
    path.write_text(
        "---\ntitle: 计数\n---\n港口岸电 shore power\n\n[链接](https://x.test)\n", encoding="utf-8"
    )
    open_post(qtbot, window, path)
    qtbot.wait_until(
        lambda: window.counts.text().startswith("6 characters · 2 words"), timeout=10_000
    )
    cursor = window.editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(2, cursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)
    qtbot.wait_until(
        lambda: window.counts.text().startswith("Selected: 2 characters · 0 words"), timeout=5_000
    )


def test_links_in_the_preview(qtbot, window: MainWindow, site: Path, monkeypatch) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True
    )
    path = site / "_posts" / "2020-01-06-links.md"
    path.write_text(
        "---\ntitle: 链接\n---\n"
        "[港口]({% post_url 2025-09-18-dongyu-shore-power %}) "
        "[web](https://example.com/a) [mail](mailto:desk@example.com) [tel](tel:+861012345678)\n",
        encoding="utf-8",
    )
    open_post(qtbot, window, path)

    def click(selector: str) -> None:
        evaluate(qtbot, window, f"document.querySelector('{selector}').click(); 0")

    click('a[href^="https"]')
    qtbot.wait_until(lambda: opened == ["https://example.com/a"], timeout=5_000)
    click('a[href^="mailto"]')
    qtbot.wait_until(lambda: len(opened) == 2, timeout=5_000)
    click('a[href^="tel"]')  # kept by the sanitiser, but not a kind the window opens
    qtbot.wait_until(lambda: "tel:" in window.statusBar().currentMessage(), timeout=5_000)
    assert len(opened) == 2
    with qtbot.wait_signal(window.post_opened, timeout=20_000) as opened_post:
        click('a[href*="dongyu"]')
    assert opened_post.args[0].endswith("2025-09-18-dongyu-shore-power.md")


@pytest.mark.parametrize("sections", [60, 600])  # 600: a long post, laid out near the view only
def test_scroll_sync_both_ways(qtbot, window: MainWindow, site: Path, sections: int) -> None:
    path = site / "_posts" / "2020-01-07-long.md"
    body = "\n\n".join(
        f"## 第 {i} 节\n\n段落 {i}：" + "港口岸电改造。" * 30 for i in range(sections)
    )
    path.write_text("---\ntitle: 长文\n---\n" + body + "\n", encoding="utf-8")
    open_post(qtbot, window, path)
    sync = window.scroll_sync

    # Editor -> preview: the preview's top line follows the editor's.
    window.editor.verticalScrollBar().setValue(window.editor.verticalScrollBar().maximum() // 2)
    editor_line = sync.editor_top_line()
    qtbot.wait_until(
        lambda: abs(float(evaluate(qtbot, window, "galley.lineAtTop()")) - editor_line) <= 2,
        timeout=10_000,
    )

    # Preview -> editor: scrolling the page moves the editor, and the
    # editor's move is not echoed back to the page.
    heading = body.split("\n").index("## 第 10 节") + 4  # file line of that heading
    evaluate(
        qtbot,
        window,
        f"galley.blockAt({heading}).children[0].scrollIntoView(); 0",
    )
    qtbot.wait_until(lambda: abs(sync.editor_top_line() - heading) <= 1, timeout=10_000)
    # The editor moved because of the page: it must not send a scroll back.
    assert not sync._timer.isActive()


def test_typed_form_fields_edit_only_their_lines(qtbot, window: MainWindow, site: Path) -> None:
    from PySide6.QtCore import QDateTime
    from PySide6.QtWidgets import QComboBox

    from editor.ui.field_widgets import DateTimeField, TextField

    path = site / "_posts" / "2020-01-09-form.md"
    path.write_text(
        "---\ntitle: 表单\ndate: 2022-02-09 11:01:42 +0800\ntags: 新闻 政策\n"
        "custom_key: 保留\n---\n正文\n",
        encoding="utf-8",
    )
    with qtbot.wait_signal(window.library.scan_finished, timeout=10_000):
        window.open_site(site)
    open_post(qtbot, window, path)
    form = window.form

    date = form.field_widget("date")
    assert isinstance(date, DateTimeField)
    assert date.findChild(QLabel, "offset").text() == "+0800"
    date.edit.setDateTime(QDateTime(2022, 2, 10, 9, 30, 0))
    date.edit.editingFinished.emit()

    layout = form.field_widget("layout")  # not in the post: offered, empty
    assert isinstance(layout, QComboBox) and layout.currentText() == ""
    assert "post" in [layout.itemText(i) for i in range(layout.count())]  # from _layouts

    tags = form.field_widget("tags")
    assert isinstance(tags, QLineEdit) and tags.completer() is not None
    tags.setText("新闻 政策 港口")
    tags.editingFinished.emit()

    excerpt = form.field_widget("excerpt")
    assert isinstance(excerpt, TextField)
    assert form.field_widget("custom_key").text() == "保留"  # unknown keys stay visible

    window.save()
    text = path.read_text(encoding="utf-8")
    assert text == (
        "---\ntitle: 表单\ndate: 2022-02-10 09:30:00 +0800\ntags: 新闻 政策 港口\n"
        "custom_key: 保留\n---\n正文\n"
    )


def test_inherited_defaults_are_placeholders_and_not_written(
    qtbot, window: MainWindow, site: Path
) -> None:
    # The sample site's _config.yml gives posts `layout: post` through defaults.
    path = site / "_posts" / "2025-11-04-press-release-workflow.md"
    before = path.read_bytes()
    open_post(qtbot, window, path)
    layout = window.form.field_widget("layout")
    assert layout.currentText() == "" and layout.lineEdit().placeholderText().startswith("post")
    window.form.field_widget("title").editingFinished.emit()  # nothing changed
    window.save()
    assert path.read_bytes() == before


def test_edit_menu_shortcuts_reach_the_find_bar(qtbot, window: MainWindow, site: Path) -> None:
    open_post(qtbot, window, site / POST)
    assert (
        window.actions_by_id["find"].shortcut().matches(QKeySequence(QKeySequence.StandardKey.Find))
    )
    window.actions_by_id["replace"].trigger()
    assert window.find_bar.isVisible() and window.find_bar.replace_edit.isVisible()
    window.find_bar.find_edit.setText("岸电")
    assert window.find_bar.find() and window.editor.textCursor().selectedText() == "岸电"


def test_remote_images_load_only_when_allowed_for_the_post(
    qtbot, window: MainWindow, site: Path
) -> None:
    path = site / "_posts" / "2020-01-10-remote.md"
    path.write_text(
        # A loopback address: the test must not send anything off the machine.
        "---\ntitle: 远程\n---\n![pixel](http://127.0.0.1:9/tracker/p.gif)\n",
        encoding="utf-8",
    )
    open_post(qtbot, window, path)
    # Blocked: a note with the address instead of the image, and no request.
    assert evaluate(qtbot, window, "document.querySelectorAll('img').length") == 0
    assert "127.0.0.1:9/tracker/p.gif" in str(
        evaluate(qtbot, window, "document.querySelector('.galley-remote').textContent")
    )
    assert not [u for u, _ in window.preview.requests if "tracker" in u]
    # Allowed for this post: the page asks for it (the interceptor lets it through).
    with qtbot.wait_signal(window.preview.updated, timeout=20_000):
        window.actions_by_id["load_remote"].trigger()
    qtbot.wait_until(
        lambda: any("tracker" in u and allowed for u, allowed in window.preview.requests),
        timeout=10_000,
    )
    # Another post: blocked again.
    open_post(qtbot, window, site / POST)
    assert not window.actions_by_id["load_remote"].isChecked() and not window.preview.remote_allowed


def test_recent_sites_and_line_numbers_are_remembered(
    qtbot, window: MainWindow, site: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other-site"
    shutil.copytree(site, other)
    with qtbot.wait_signal(window.library.scan_finished, timeout=10_000):
        window.open_site(site)
    with qtbot.wait_signal(window.library.scan_finished, timeout=10_000):
        window.open_site(other)
    assert window.recent_sites()[:2] == [str(other), str(site)]
    entries = [a.text() for a in window.recent_menu.actions()]
    assert entries[:2] == [str(other), str(site)]
    # Choosing one opens it; a folder that has gone is dropped with a message.
    with qtbot.wait_signal(window.library.scan_finished, timeout=10_000):
        window.recent_menu.actions()[1].trigger()
    assert window.site is not None and window.site.root == site
    shutil.rmtree(other)
    window.recent_menu.actions()[1].trigger()
    assert str(other) not in window.recent_sites()
    assert window.site.root == site

    assert not window.editor.line_numbers_shown()
    window.actions_by_id["line_numbers"].trigger()
    assert window.editor.line_numbers_shown()
    again = MainWindow(window._settings)
    qtbot.addWidget(again)
    assert again.editor.line_numbers_shown()
    assert again.recent_sites()[0] == str(site)


def test_the_preview_can_use_the_sites_own_stylesheet(
    qtbot, window: MainWindow, site: Path, monkeypatch
) -> None:
    (site / "assets" / "css").mkdir(parents=True, exist_ok=True)
    (site / "assets" / "css" / "site.css").write_text("body { color: rgb(1, 2, 3); }\n")
    (site / "assets" / "css" / "site.scss").write_text("body { color: red; }\n")
    open_post(qtbot, window, site / POST)
    color = "getComputedStyle(document.body).color"
    assert evaluate(qtbot, window, color) != "rgb(1, 2, 3)"
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    assert not window.use_stylesheet(site / "assets" / "css" / "site.scss")
    assert not window.use_stylesheet(site.parent / "settings.ini")
    assert len(warnings) == 2 and "Sass" in warnings[0]

    with qtbot.wait_signal(window.preview_updated, timeout=30_000):
        assert window.use_stylesheet(site / "assets" / "css" / "site.css")
    qtbot.wait_until(lambda: evaluate(qtbot, window, color) == "rgb(1, 2, 3)", timeout=10_000)
    # The article is all there, and Galley's own parts still styled.
    assert "岸电" in str(evaluate(qtbot, window, "document.body.innerText"))
    assert (
        evaluate(qtbot, window, "getComputedStyle(document.querySelector('.galley-block')).display")
        == "contents"
    )
    assert any(url.endswith("/assets/css/site.css") and ok for url, ok in window.preview.requests)
    # Remembered for the site; Galley's own typography again on request.
    assert window._settings.value(window._stylesheet_key()) == "/assets/css/site.css"
    with qtbot.wait_signal(window.preview_updated, timeout=30_000):
        window.actions_by_id["own_stylesheet"].trigger()
    qtbot.wait_until(lambda: evaluate(qtbot, window, color) != "rgb(1, 2, 3)", timeout=10_000)
