"""What the Liquid stage does with Liquid it cannot run: plugin tags and
filters, syntax errors, hostile loops. It must never raise, must say what
is wrong with the file line, and must finish quickly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.core.render.context import SiteContext
from editor.core.render.liquid import JekyllLiquid, LiquidOutput

SITE = Path(__file__).resolve().parent / "site"
# Generous: a guard against hangs, not a performance target.
HANG_GUARD_SECONDS = 5.0


@pytest.fixture(scope="module")
def liquid() -> JekyllLiquid:
    return JekyllLiquid(SiteContext.load(SITE), raw_html=lambda html: f"\x02{html}\x03")


@pytest.fixture(scope="module")
def page(liquid: JekyllLiquid) -> dict[str, object]:
    return liquid.context.page_vars({"title": "标题"}, SITE / "_posts/2010-07-21-name.md")


def render(liquid: JekyllLiquid, page: dict[str, object], source: str) -> LiquidOutput:
    start = time.monotonic()
    out = liquid.render(source, page, first_line=10)
    assert time.monotonic() - start < HANG_GUARD_SECONDS
    return out


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("{% gist 123 %}", "gist"),
        ("{% avatar user size=40 %}", "avatar"),
        ("{% youtube dQw4w9WgXcQ %}", "youtube"),
        ("{% twitter <https://x.com/a> %}", "twitter"),
    ],
)
def test_unknown_tag_is_a_visible_placeholder(
    liquid: JekyllLiquid, page: dict[str, object], source: str, name: str
) -> None:
    out = render(liquid, page, f"前文\n{source}\n后文 {{{{ page.title }}}}")
    assert out.text.startswith('前文\n\x02<span class="galley-unknown-tag"')
    assert out.text.endswith("\x03\n后文 标题")
    escaped = source.replace("<", "&lt;").replace(">", "&gt;")
    assert f">{escaped}</span>" in out.text
    [diagnostic] = out.diagnostics
    assert diagnostic.severity == "warning"
    assert diagnostic.line == 11
    assert f"'{name}'" in diagnostic.message


def test_unknown_block_tag_keeps_its_body(liquid: JekyllLiquid, page: dict[str, object]) -> None:
    out = render(liquid, page, "{% details 摘要 %}\n内容 {{ page.title }}\n{% enddetails %}")
    assert out.text.count("galley-unknown-tag") == 2
    assert "{% details 摘要 %}</span>" in out.text
    assert "\n内容 标题\n" in out.text
    assert "{% enddetails %}</span>" in out.text
    assert [d.line for d in out.diagnostics] == [10]


def test_unknown_filter(liquid: JekyllLiquid, page: dict[str, object]) -> None:
    out = render(
        liquid,
        page,
        "{{ page.title | emojify }}\n{% assign t = page.title | reading_time %}[{{ t }}]",
    )
    first, second = out.text.split("\n")
    assert first == (
        '\x02<span class="galley-unknown-filter" title="Galley does not know the Liquid '
        'filter &#x27;emojify&#x27;">{{ page.title | emojify }}</span>\x03'
    )
    assert second == "[标题]"  # outside {{ }} the value goes on unfiltered, as in Jekyll
    assert [(d.line, d.severity) for d in out.diagnostics] == [(10, "warning"), (11, "warning")]
    assert "emojify" in out.diagnostics[0].message
    assert "reading_time" in out.diagnostics[1].message


@pytest.mark.parametrize(
    ("source", "line", "shown", "words"),
    [
        ("a\n{% if x %}\nb {{ page.title }}", 11, "{% if x %}\nb 标题", "never closed"),
        ("a\n\n{{ x | }}\nc", 12, "{{ x | }}\nc", "expected"),
        ("x\n{% endif %} {{ page.title }}", 11, "{% endif %} 标题", "without a matching"),
        ("{% for i in (1..3) %}{{ i }}\n{% endif %}", 10, "{% for i in (1..3) %}", "not closed"),
        ("{% comment %} never closed", 10, "{% comment %} never closed", "never closed"),
        ("{% raw %} never closed", 10, "{% raw %} never closed", "raw"),
        ("{{ page.title ", 10, "{{ page.title ", "'}}'"),
        ("{% assign = 3 %}ok", 10, "{% assign = 3 %}ok", "expected"),
        ("{% highlight %}x{% endhighlight %}", 10, "highlight", "highlight"),
        ("{% include a.html foo %}", 10, "{% include a.html foo %}", "include"),
        ("{% post_url nonsense %}", 10, "{% post_url nonsense %}", "post_url"),
    ],
)
def test_syntax_errors_keep_the_text_and_name_the_line(
    liquid: JekyllLiquid, page: dict[str, object], source: str, line: int, shown: str, words: str
) -> None:
    out = render(liquid, page, source)
    assert shown in out.text
    errors = [d for d in out.diagnostics if d.severity == "error"]
    assert errors, out.diagnostics
    assert errors[0].line == line
    assert words in errors[0].message


def test_the_rest_renders_after_a_syntax_error(
    liquid: JekyllLiquid, page: dict[str, object]
) -> None:
    out = render(liquid, page, "{{ page.title }}\n{% if %}\n{{ page.title | upcase }}")
    assert out.text == "标题\n{% if %}\n标题"
    assert [d.line for d in out.diagnostics] == [11]


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in (1..100000000) %}x{% endfor %}",
        "{% for i in (1..100000000) reversed %}x{% endfor %}",
        "{% for a in (1..10000) %}{% for b in (1..10000) %}x{% endfor %}{% endfor %}",
        "{% for a in (1..40000) %}{% endfor %}{% for a in (1..40000) %}{% endfor %}",
        "{{ (1..100000000) | join }}",
        "{{ (1..100000000) | sort | first }}",
        "{% assign s = 'xxxxxxxxxx' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}",
        "{% for i in (1..40000) %}{{ site.data.members | jsonify }}{{ site.posts | jsonify }}{% endfor %}",
        "{% tablerow i in (1..100000000) %}{{ i }}{% endtablerow %}",
        "{% include loop.html %}",
    ],
)
def test_hostile_input_stops_with_a_diagnostic(
    liquid: JekyllLiquid, page: dict[str, object], source: str
) -> None:
    out = render(liquid, page, source)
    assert any(d.severity == "error" for d in out.diagnostics), out.diagnostics
    assert len(out.text) < 20_000_000


def test_deep_nesting_is_a_syntax_error_not_a_crash(
    liquid: JekyllLiquid, page: dict[str, object]
) -> None:
    source = "{% if true %}" * 200 + "x" + "{% endif %}" * 200
    out = render(liquid, page, source)
    assert out.diagnostics


def test_time_limit(page: dict[str, object]) -> None:
    liquid = JekyllLiquid(SiteContext.load(SITE), time_limit=0.05)
    source = (
        "{% for i in (1..40000) %}"
        "{% assign x = site.data.members | sort: 'name' | map: 'name' | join: ',' %}"
        "{% endfor %}done"
    )
    out = render(liquid, page, source)
    assert "took too long" in out.diagnostics[0].message
    assert out.text == ""


def test_missing_include_is_a_placeholder(liquid: JekyllLiquid, page: dict[str, object]) -> None:
    out = render(liquid, page, "x\n{% include nope.html a=1 %}")
    assert 'class="galley-missing-include"' in out.text
    assert "{% include nope.html a=1 %}</span>" in out.text
    [error] = out.diagnostics
    assert (error.line, error.severity) == (11, "error")
    assert "nope.html" in error.message


@pytest.mark.parametrize(
    "source",
    [
        "{% include ../_config.yml %}",
        "{% include_relative ../../../../etc/passwd %}",
        "{% include {{ page.nothing }} %}",
    ],
)
def test_includes_stay_in_the_site(
    liquid: JekyllLiquid, page: dict[str, object], source: str
) -> None:
    out = render(liquid, page, source)
    assert "galley-missing-include" in out.text
    assert out.diagnostics[0].severity == "error"


def test_errors_inside_an_include_name_it(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "_includes").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "_includes/bad.html").write_text("ok\n{% if %}\n{% gist 1 %}", encoding="utf-8")
    liquid = JekyllLiquid(SiteContext.load(root))
    out = liquid.render("a\nb\n{% include bad.html %}", {}, first_line=5)
    assert out.text.startswith("a\nb\nok\n{% if %}\n")
    assert {d.line for d in out.diagnostics} == {7}  # the include tag's line
    syntax = [d for d in out.diagnostics if d.severity == "error"]
    assert len(syntax) == 1 and "_includes/bad.html, line 2" in syntax[0].message
    unknown = [d for d in out.diagnostics if d.severity == "warning"]
    assert len(unknown) == 1 and "'gist'" in unknown[0].message
    assert "_includes/bad.html, line 3" in unknown[0].message


def test_link_and_post_url_that_do_not_resolve(
    liquid: JekyllLiquid, page: dict[str, object]
) -> None:
    out = render(liquid, page, "[a]({% link nope.md %})\n[b]({% post_url 2010-01-01-nope %})")
    assert out.text == "[a](#)\n[b](#)"
    assert [(d.line, d.severity) for d in out.diagnostics] == [(10, "error"), (11, "error")]


def test_post_url_to_an_unpublished_post_warns(
    liquid: JekyllLiquid, page: dict[str, object]
) -> None:
    out = render(liquid, page, "{% post_url 2099-01-01-future %}")
    assert out.text == "/blog/site/2099/01/01/future.html"
    assert out.diagnostics[0].severity == "warning"


def test_break_outside_a_loop(liquid: JekyllLiquid, page: dict[str, object]) -> None:
    out = render(liquid, page, "a{% break %}b")
    assert out.text == "ab"
    assert out.diagnostics


_FRAGMENTS = st.sampled_from(
    [
        "{%",
        "%}",
        "{{",
        "}}",
        "{% if x %}",
        "{% endif %}",
        "{% for i in (1..3) %}",
        "{% endfor %}",
        "{% raw %}",
        "{% endraw %}",
        "{% comment %}",
        "{% endcomment %}",
        "{{ page.title | upcase }}",
        "{% gist 1 %}",
        "{% endgist %}",
        "| nope",
        "{% include note.html a=1 %}",
        "{% highlight ruby %}",
        "{% endhighlight %}",
        "{% assign a = 'x' %}",
        "{{ a }}",
        "'",
        '"',
        "\n",
        "中文",
        "text ",
        "{%-",
        "-%}",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=20))
def test_never_raises(pieces: list[str]) -> None:
    liquid = _shared()
    out = liquid.render("".join(pieces), {"title": "t"}, first_line=3)
    assert isinstance(out.text, str)
    for diagnostic in out.diagnostics:
        assert diagnostic.line is None or diagnostic.line >= 3


_LIQUID: list[JekyllLiquid] = []


def _shared() -> JekyllLiquid:
    if not _LIQUID:
        _LIQUID.append(JekyllLiquid(SiteContext.load(SITE)))
    return _LIQUID[0]
