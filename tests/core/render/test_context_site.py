"""SiteContext: URLs, defaults, dates and site variables as Jekyll 4.3 has them.

The permalink expectations were checked against the files real Jekyll 4.3
writes for each style.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from editor.core.render.context import DataDrop, DocumentDrop, SiteContext

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"


def make_site(tmp_path: Path, config: str, files: dict[str, str]) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "_config.yml").write_text(config, encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site() -> SiteContext:
    return SiteContext.load(SITE)


POST = "---\ncategories: [Big Cat, b]\n---\nx\n"


@pytest.mark.parametrize(
    ("style", "post_url", "page_url", "recipe_url"),
    [
        ("date", "/big%20cat/b/2010/07/21/My_Name.html", "/page.html", "/recipes/soup.html"),
        ("pretty", "/big%20cat/b/2010/07/21/My_Name/", "/page/", "/recipes/soup/"),
        ("ordinal", "/big%20cat/b/2010/202/My_Name.html", "/page.html", "/recipes/soup.html"),
        ("none", "/big%20cat/b/My_Name.html", "/page.html", "/recipes/soup.html"),
        # Jekyll adds no suffix for weekdate: the URL has none, the file gets .html
        ("weekdate", "/big%20cat/b/2010/W29/Wed/My_Name.html", "/page", "/recipes/soup"),
        (
            "/:categories/:year/:i_month/:i_day/:slug:output_ext",
            "/big%20cat/b/2010/7/21/my-name.html",
            "/page.html",
            "/recipes/soup.html",
        ),
        ("/:year/:short_month/:title/", "/2010/Jul/My_Name/", "/page/", "/recipes/soup/"),
        (
            "/:collection/:path:output_ext",
            "/posts/2010-07-21-My_Name.html",
            "/page.html",
            "/recipes/soup.html",
        ),
    ],
)
def test_permalink_styles(
    tmp_path: Path, style: str, post_url: str, page_url: str, recipe_url: str
) -> None:
    config = (
        "timezone: Asia/Shanghai\n"
        f'permalink: "{style}"\n'
        "baseurl: /base\n"
        "collections:\n  recipes:\n    output: true\n"
    )
    root = make_site(
        tmp_path,
        config,
        {
            "_posts/2010-07-21-My_Name.md": POST,
            "_recipes/soup.html": "---\ntitle: t\n---\n",
            "page.html": "---\n---\n",
        },
    )
    context = SiteContext.load(root)
    post = context.page_vars(
        {"categories": ["Big Cat", "b"]}, root / "_posts/2010-07-21-My_Name.md"
    )
    assert post["url"] == post_url  # baseurl is never part of page.url
    assert context.page_vars({}, root / "page.html")["url"] == page_url
    assert context.page_vars({"title": "t"}, root / "_recipes/soup.html")["url"] == recipe_url


def test_front_matter_permalink_and_placeholders(site: SiteContext) -> None:
    path = SITE / "_posts/2019-12-31-custom-permalink.md"
    page = site.page_vars({"title": "x", "permalink": "/custom/:year/:title/"}, path)
    assert page["url"] == "/custom/2019/custom-permalink/"
    assert page["id"] == "/custom/2019/custom-permalink"


def test_post_variables_from_file_name_and_defaults(site: SiteContext) -> None:
    page = site.page_vars({}, SITE / "_posts/2010-07-21-name.md")
    assert page["title"] == "Name"  # Jekyll titleizes the slug when there is no title
    assert page["slug"] == "name"
    assert page["date"] == dt.datetime(2010, 7, 21, tzinfo=site.timezone)
    assert str(page["date"]) == "2010-07-21 00:00:00 +0800"
    assert page["categories"] == ["site"]  # from defaults
    assert page["author"] == "编辑部"
    assert page["layout"] == "post"
    assert page["collection"] == "posts"
    assert page["path"] == "_posts/2010-07-21-name.md"
    assert page["url"] == "/site/2010/07/21/name.html"
    assert page["id"] == "/site/2010/07/21/name"
    assert page["draft"] is False


def test_tags_and_categories_written_as_strings_are_split(site: SiteContext) -> None:
    page = site.page_vars(
        {"tags": "新闻 政策", "categories": "a b", "category": "Odd One"},
        SITE / "blog/_posts/2012-06-07-category-from-folder.md",
    )
    assert page["tags"] == ["新闻", "政策"]
    assert page["categories"] == ["blog", "site", "a", "b", "Odd One"]


def test_dates_follow_psych_and_the_site_zone(site: SiteContext) -> None:
    path = SITE / "_posts/2020-05-06-late-night.md"
    # An offset moves the post to the site's day (and its URL with it).
    page = site.page_vars({"date": "2020-05-06 23:30:00 -0700"}, path)
    assert str(page["date"]) == "2020-05-07 14:30:00 +0800"
    assert page["url"].startswith("/site/2020/05/07/")
    # YAML reads a time without offset as UTC.
    naive = site.page_vars({"date": dt.datetime(2020, 5, 6, 1, 0, 0)}, path)
    assert str(naive["date"]) == "2020-05-06 09:00:00 +0800"
    # Text Psych does not read as a time is local time.
    text = site.page_vars({"date": "2020-05-06 10:00"}, path)
    assert str(text["date"]) == "2020-05-06 10:00:00 +0800"


def test_defaults_for_scopes_and_precedence(site: SiteContext) -> None:
    news = site.defaults_for(SITE / "_posts/news/2021-03-04-subfolder-post.md")
    assert news == {
        "author": "编辑部",
        "layout": "post",
        "comments": True,
        "categories": ["site"],
        "section": "新闻",
    }
    assert site.defaults_for(SITE / "about.md") == {"author": "编辑部"}
    assert site.defaults_for(SITE / "docs/guide.md")["kind"] == "doc page"  # glob scope
    assert site.defaults_for(SITE / "_recipes/soup.md")["layout"] == "recipe"


def test_page_variables(site: SiteContext) -> None:
    about = site.page_vars({"title": "About", "permalink": "/about/"}, SITE / "about.md")
    assert about["url"] == "/about/"
    assert about["dir"] == "/about/"
    assert about["path"] == "about.md"
    assert "date" not in about
    guide = site.page_vars({}, SITE / "docs/guide.md")
    assert (guide["url"], guide["dir"], guide["name"]) == ("/docs/guide.html", "/docs/", "guide.md")
    assert site.page_vars({}, SITE / "docs/index.md")["url"] == "/docs/"


def test_no_site_gives_sensible_defaults(tmp_path: Path) -> None:
    context = SiteContext.load(None)
    page = context.page_vars({"title": "标题"}, tmp_path / "2021-02-03-hello-world.md")
    assert page["url"] == "/2021/02/03/hello-world.html"
    assert page["date"].date() == dt.date(2021, 2, 3)
    assert page["slug"] == "hello-world"
    assert page["title"] == "标题"
    unsaved = context.page_vars({}, None)
    assert unsaved["url"].endswith("/untitled.html")
    site = context.site_vars()
    assert site["posts"] == []
    assert site["baseurl"] is None
    assert site["permalink"] == "date"


def test_site_posts_are_published_posts_newest_first(site: SiteContext) -> None:
    titles = [post["title"] for post in site.site_vars()["posts"]]
    assert titles[0] == "In a subfolder"
    assert titles[-1] == "Hello World"
    assert "From the future" not in titles
    assert "Unpublished" not in titles
    assert "A draft" not in titles
    assert len(titles) == 6


def test_site_variables(site: SiteContext) -> None:
    variables = site.site_vars()
    assert variables is site.site_vars()  # computed once
    assert variables["title"] == "测试站点 Galley"
    assert isinstance(variables["time"], dt.datetime)
    assert set(variables["tags"]) >= {"intro", "新闻", "政策", "time zones"}
    assert [p["title"] for p in variables["categories"]["Tech"]] == ["Hello World"]
    assert [r["title"] for r in variables["recipes"]] == ["Bread", "番茄汤"]
    assert [c["label"] for c in variables["collections"]] == ["notes", "posts", "recipes"]
    assert variables["pages"] == []
    drop = variables["posts"][0]
    assert isinstance(drop, DocumentDrop)
    assert drop["previous"]["title"] == "Late at night in California"
    assert drop["next"] is None
    assert "next" not in list(drop)  # iteration never walks into neighbours


def test_data_files_are_read_on_first_use(tmp_path: Path) -> None:
    root = make_site(
        tmp_path,
        "title: x\n",
        {
            "_data/good.yml": "answer: 42\non_off: yes\n",
            "_data/broken.yml": "a: [unclosed\n",
            "_data/table.csv": "a,b\n1,\n",
        },
    )
    context = SiteContext.load(root)
    data = context.site_vars()["data"]
    assert isinstance(data, DataDrop)
    assert sorted(data) == ["broken", "good", "table"]
    assert context.problems == []  # nothing read yet
    assert data["good"] == {"answer": 42, "on_off": True}  # YAML 1.1 like Jekyll
    assert data["table"] == [{"a": "1", "b": None}]
    assert data["broken"] is None
    assert any("broken.yml" in problem for problem in context.problems)


def test_find_post_and_url_for_file(site: SiteContext) -> None:
    found = site.find_post("2010-07-21-name")
    assert found is not None and found.url == "/site/tech/2010/07/21/name.html"
    sub = site.find_post("news/2021-03-04-subfolder-post")
    assert sub is not None and sub.title == "In a subfolder"
    assert site.find_post("2015-02-03-中文标题") is not None
    assert site.find_post("2010-07-21-missing") is None
    assert site.find_post("not-a-post-name") is None
    assert site.url_for_file("about.md") == "/about/"
    assert site.url_for_file("/assets/logo.png") == "/assets/logo.png"
    assert site.url_for_file("_recipes/soup.md") == "/recipes/soup/"
    assert site.url_for_file("_notes/secret.md") is None  # collection without output
    assert site.url_for_file("README.md") is None  # excluded
    assert site.url_for_file("_includes/note.html") is None
    assert site.url_for_file("../outside.md") is None
    assert site.url_for_file("missing.md") is None


def test_documents_are_summarised(site: SiteContext) -> None:
    by_path = {d.relative_path: d for d in site.documents}
    chinese = by_path["_posts/2015-02-03-中文标题.md"]
    assert chinese.title == "中文文章：“引号”"
    assert chinese.tags == ("新闻", "政策")
    assert chinese.url == "/site/2015/02/03/%E4%B8%AD%E6%96%87%E6%A0%87%E9%A2%98.html"
    assert by_path["_drafts/a-draft.md"].draft
    assert not by_path["_posts/2011-01-01-unpublished.md"].published
    assert by_path["_recipes/bread.md"].collection == "recipes"


def test_copied_site_is_independent(tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(SITE, root)
    (root / "_posts/2010-07-21-name.md").unlink()
    context = SiteContext.load(root)
    assert context.find_post("2010-07-21-name") is None


def test_documents_are_found_by_their_published_url() -> None:
    from pathlib import Path

    from editor.core.render.context import SiteContext
    from editor.core.resources import resource_path

    context = SiteContext.load(Path(resource_path("sample-site")))
    post = next(d for d in context.documents if "dongyu" in d.relative_path)
    assert context.document_for_url(post.url) == post
    assert context.document_for_url(post.url.removesuffix(".html") + "/") == post
    assert context.document_for_url(post.url + "#fn:1") == post
    assert context.document_for_url("/no/such/page.html") is None
