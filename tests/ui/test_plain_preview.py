"""Without QtWebEngine the window still previews, as plain rich text, and
says why."""

from __future__ import annotations

from editor.core.render.host import RenderHost, RenderRequest


def test_the_plain_preview_shows_renders_and_says_why(qtbot, monkeypatch) -> None:
    import editor.ui.preview as preview_module

    monkeypatch.setattr(preview_module, "WEBENGINE_ERROR", "libnss3.so: cannot open")
    view = preview_module.PreviewView()
    qtbot.addWidget(view)
    assert view.notice is not None and "libnss3.so" in view.notice
    host = RenderHost()
    shown: list[int] = []
    view.updated.connect(shown.append)
    for generation, body in enumerate(["# 标题\n\n第一段。\n", "# 标题\n\n第一段，改了。\n"], 1):
        update = host.handle(RenderRequest(generation, None, None, "---\ntitle: t\n---\n" + body))
        view.show_update(update, "<div class='galley-fm'><h1>页眉</h1></div>")
    assert shown == [1, 2]
    text = view.findChild(preview_module.QTextBrowser).toPlainText()
    assert "页眉" in text and "第一段，改了。" in text and "标题" in text
