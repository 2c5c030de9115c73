"""JekyllLiquid's contract with the pipeline: the fast path, the parse
cache, block-by-block rendering with carried assigns, line numbers, and the
raw_html / markdownify hooks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.core.render import liquid_env
from editor.core.render.context import SiteContext
from editor.core.render.liquid import JekyllLiquid, LiquidOutput
from editor.core.render.liquid_text import number_of_words, ruby_strftime, slugify

SITE = Path(__file__).resolve().parent / "site"


@pytest.fixture(scope="module")
def context() -> SiteContext:
    return SiteContext.load(SITE)


def test_text_without_liquid_is_returned_unchanged(
    context: SiteContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    liquid = JekyllLiquid(context)
    calls: list[str] = []
    monkeypatch.setattr(liquid_env, "parse_tolerant", lambda env, s: calls.append(s))
    source = "中文 { not liquid } %} }} {%%"[:-3] + "text"
    carried = {"a": 1}
    out = liquid.render(source, {}, assigns=carried)
    assert out == LiquidOutput(source, (), {"a": 1})
    assert out.assigns is not carried
    assert calls == []


def test_parsed_templates_are_cached_by_text(
    context: SiteContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    liquid = JekyllLiquid(context, cache_size=2)
    calls: list[str] = []
    real = liquid_env.parse_tolerant

    def counting(env: liquid_env.JekyllEnvironment, source: str) -> liquid_env.Parsed:
        calls.append(source)
        return real(env, source)

    monkeypatch.setattr(liquid_env, "parse_tolerant", counting)
    for source in ("{{ 1 }}", "{{ 2 }}", "{{ 1 }}", "{{ 3 }}", "{{ 2 }}"):
        liquid.render(source, {})
    # "{{ 1 }}" hit the cache; "{{ 2 }}" was evicted by "{{ 3 }}" (size 2).
    assert calls == ["{{ 1 }}", "{{ 2 }}", "{{ 3 }}", "{{ 2 }}"]


BLOCKS = [
    "{% assign name = '张三' %}Hello {{ name }}",
    "{% increment n %}{% increment n %}{% capture cap %}{{ name }}!{% endcapture %}",
    "{{ cap }} {% increment n %} {% decrement d %}{% decrement d %}",
    "{% cycle 'a', 'b', 'c' %}{% cycle 'a', 'b', 'c' %}",
    "{% cycle 'a', 'b', 'c' %} {{ n }}",
    "{% for i in (1..6) limit: 2 %}{{ i }}{% endfor %}",
    "{% for i in (1..6) offset: continue limit: 2 %}{{ i }}{% endfor %}",
    "{% ifchanged %}same{% endifchanged %}",
    "{% ifchanged %}same{% endifchanged %}",
    "plain text",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=8))
def test_block_by_block_equals_one_pass(blocks: list[str]) -> None:
    liquid = _shared()
    whole = liquid.render("\n\n".join(blocks), {}).text
    assigns: dict[str, object] = {}
    pieces = []
    for block in blocks:
        out = liquid.render(block, {}, assigns=assigns)
        pieces.append(out.text)
        assigns = out.assigns
    assert "\n\n".join(pieces) == whole


def test_assigns_come_back(context: SiteContext) -> None:
    liquid = JekyllLiquid(context)
    out = liquid.render("{% assign a = 1 %}{% capture b %}x{% endcapture %}{% increment c %}", {})
    assert out.assigns["a"] == 1
    assert out.assigns["b"] == "x"
    assert out.assigns["@counters"] == {"c": 1}
    again = liquid.render("{{ a }}{{ b }}{% increment c %}", {}, assigns=out.assigns)
    assert again.text == "1x1"
    assert out.assigns["@counters"] == {"c": 1}  # the caller's dict is not changed


def test_first_line_counts_file_lines(context: SiteContext) -> None:
    liquid = JekyllLiquid(context)
    out = liquid.render("a\nb\n\n{% gist 1 %}", {}, first_line=7)
    assert [d.line for d in out.diagnostics] == [10]


def test_raw_html_hook_gets_tag_html_only(context: SiteContext) -> None:
    seen: list[str] = []

    def protect(html: str) -> str:
        seen.append(html)
        return f"<!--raw{len(seen)}-->"

    liquid = JekyllLiquid(context, raw_html=protect)
    out = liquid.render(
        "*md* {{ '<b>x</b>' }}\n{% highlight ruby %}\nx = 1\n{% endhighlight %}\n{% gist 9 %}",
        {},
    )
    assert out.text == "*md* <b>x</b>\n<!--raw1-->\n<!--raw2-->"
    assert seen[0].startswith('<figure class="highlight"><pre><code class="language-ruby"')
    assert "galley-unknown-tag" in seen[1]


def test_markdownify_hook(context: SiteContext) -> None:
    liquid = JekyllLiquid(context, markdownify=lambda text: f"<md>{text}</md>")
    assert liquid.render("{{ '**中文**' | markdownify }}", {}).text == "<md>**中文**</md>"
    default = JekyllLiquid(context)
    assert default.render("{{ '**中文**' | markdownify }}", {}).text == (
        "<p><strong>中文</strong></p>\n"
    )


def test_highlight_linenos_table(context: SiteContext) -> None:
    out = JekyllLiquid(context).render(
        "{% highlight python linenos %}\nx = 1\n\ny = '中'\n{% endhighlight %}", {}
    )
    assert out.text.startswith(
        '<figure class="highlight"><pre><code class="language-python" data-lang="python">'
        '<table class="rouge-table"><tbody><tr><td class="gutter gl"><pre class="lineno">'
        '1\n2\n3\n</pre></td><td class="code"><pre>'
    )
    assert out.text.endswith("\n</pre></td></tr></tbody></table></code></pre></figure>")
    assert "&#39;" not in out.text and "'中'" in out.text


def test_without_a_site() -> None:
    liquid = JekyllLiquid(SiteContext.load(None))
    page = liquid.context.page_vars({"title": "无站点"}, None)
    out = liquid.render(
        "{{ page.title }} {{ '/a/' | relative_url }} {{ site.posts | size }} "
        "{% include x.html %}{% post_url 2020-01-01-x %}",
        page,
    )
    assert out.text.startswith("无站点 /a/ 0 ")
    assert "galley-missing-include" in out.text
    assert len([d for d in out.diagnostics if d.severity == "error"]) == 2


def test_drops_and_site_variables(context: SiteContext) -> None:
    liquid = JekyllLiquid(context)
    out = liquid.render(
        "{% for p in site.posts limit: 2 %}{{ p.title }}={{ p | relative_url }};{% endfor %}"
        "{{ site.posts.first.previous.title }}",
        {},
    )
    assert out.text == (
        "In a subfolder=/blog/site/2021/03/04/subfolder-post.html;"
        "Late at night in California=/blog/site/2020/05/07/late-night.html;"
        "Late at night in California"
    )


def test_text_helpers() -> None:
    assert slugify("中文 标题：新闻（一）") == "中文-标题-新闻-一"
    assert slugify("Ærø Café", "latin") == "aero-cafe"
    assert number_of_words("新闻报道 two words", "cjk") == 6
    assert number_of_words("新闻报道 two words") == 3
    import datetime as dt

    moment = dt.datetime(2021, 3, 4, 5, 6, 7, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert ruby_strftime(moment, "%-d %e %-m %^b %Z|%z|%:z %-I%P") == "4  4 3 MAR |+0800|+08:00 5am"


_LIQUID: list[JekyllLiquid] = []


def _shared() -> JekyllLiquid:
    if not _LIQUID:
        _LIQUID.append(JekyllLiquid(SiteContext.load(SITE)))
    return _LIQUID[0]
