"""The library index: rows from front matter, statuses with their reasons,
hostile files, and the SQLite cache (reuse, invalidation, corruption)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from editor.core import library
from editor.core.library import FrontMatter, LibraryIndex, LibraryRow, read_front_matter
from editor.core.library_cache import SCHEMA_VERSION, LibraryCache, cache_dir, cache_file
from editor.core.site import open_site

NOW = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai


def clock(now: dt.datetime = NOW) -> Callable[[], dt.datetime]:
    return lambda: now


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write(root, "_config.yml", "title: 新闻\ntimezone: Asia/Shanghai\n")
    return root


@pytest.fixture
def cache_folder(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def index_of(
    root: Path,
    cache_folder: Path | None = None,
    now: dt.datetime = NOW,
) -> LibraryIndex:
    site = open_site(root)
    cache = LibraryCache.for_site(site.root, cache_folder) if cache_folder is not None else None
    return LibraryIndex(site, cache, clock=clock(now))


def scan_all(index: LibraryIndex) -> dict[str, LibraryRow]:
    return {row.rel: row for batch in index.scan() for row in batch}


def one(root: Path, rel: str, content: str | bytes, now: dt.datetime = NOW) -> LibraryRow:
    write(root, rel, content)
    rows = scan_all(index_of(root, now=now))
    return rows[rel]


class CountingReader:
    """Stands in for read_front_matter and counts the files really read."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, path: str) -> FrontMatter:
        self.paths.append(path)
        return read_front_matter(path)


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch) -> CountingReader:
    counting = CountingReader()
    monkeypatch.setattr(library, "read_front_matter", counting)
    return counting


# -- statuses ---------------------------------------------------------------------------


def test_a_normal_post(site_root: Path) -> None:
    row = one(
        site_root,
        "_posts/2024-01-05-hello.md",
        "---\ntitle: 你好 Hello\ndate: 2024-01-05 10:00:00 +0800\ntags: [a, b]\n---\nBody\n",
    )

    assert row == LibraryRow(
        path=str(site_root.resolve() / "_posts" / "2024-01-05-hello.md"),
        rel="_posts/2024-01-05-hello.md",
        title="你好 Hello",
        date="2024-01-05T10:00:00+08:00",
        categories=(),
        tags=("a", "b"),
        status="normal",
        problem=None,
        size=row.size,
        mtime_ns=row.mtime_ns,
        collection="posts",
    )
    stat = Path(row.path).stat()
    assert (row.size, row.mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def test_a_draft(site_root: Path) -> None:
    row = one(site_root, "_drafts/idea.md", "---\ntitle: Idea\n---\n")

    assert (row.status, row.collection, row.date) == ("draft", "drafts", None)
    assert row.problem == "in _drafts; Jekyll builds drafts only with --drafts"


def test_unpublished(site_root: Path) -> None:
    row = one(site_root, "_posts/2024-01-05-x.md", "---\ntitle: X\npublished: false\n---\n")

    assert row.status == "unpublished"
    assert row.problem == "published: false; Jekyll skips it unless the site sets unpublished: true"


def test_published_no_is_false_as_jekyll_reads_yaml_1_1(site_root: Path) -> None:
    row = one(site_root, "_posts/2024-01-05-x.md", "---\npublished: no\n---\n")

    assert row.status == "unpublished"


def test_future_post_names_its_date(site_root: Path) -> None:
    row = one(
        site_root, "_posts/2030-01-01-later.md", "---\ndate: 2030-01-01 09:00:00 +0800\n---\n"
    )

    assert row.status == "future"
    assert row.problem == (
        "dated 2030-01-01 09:00 +0800, after now; Jekyll skips future posts unless future: true"
    )


def test_future_true_in_the_config_publishes_future_posts(site_root: Path) -> None:
    write(site_root, "_config.yml", "future: true\n")

    row = one(site_root, "_posts/2030-01-01-later.md", "---\ntitle: later\n---\n")

    assert (row.status, row.problem, row.date) == ("normal", None, "2030-01-01")


@pytest.mark.parametrize(
    ("zone", "now", "status"),
    [
        # 12:30 written without an offset is 04:30 UTC in Shanghai...
        ("Asia/Shanghai", dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC), "future"),
        ("Asia/Shanghai", dt.datetime(2026, 6, 1, 5, 0, tzinfo=dt.UTC), "normal"),
        # ...and 16:30 UTC in New York.
        ("America/New_York", dt.datetime(2026, 6, 1, 5, 0, tzinfo=dt.UTC), "future"),
        ("America/New_York", dt.datetime(2026, 6, 1, 17, 0, tzinfo=dt.UTC), "normal"),
    ],
)
def test_a_date_without_offset_is_in_the_sites_time_zone(
    tmp_path: Path, zone: str, now: dt.datetime, status: str
) -> None:
    root = tmp_path / "site"
    write(root, "_config.yml", f"timezone: {zone}\n")

    row = one(root, "_posts/2026-06-01-noon.md", "---\ndate: 2026-06-01 12:30:00\n---\n", now)

    assert row.status == status
    assert row.date == "2026-06-01T12:30:00"


def test_broken_yaml_is_invalid_with_line_and_column(site_root: Path) -> None:
    row = one(
        site_root,
        "_posts/2024-01-05-bad.md",
        "---\ntitle: a\ntags: [x\nlayout: post\n---\nbody\n",
    )

    assert row.status == "invalid"
    assert row.problem is not None and row.problem.startswith("line 4, column 7: ")
    assert row.title == "bad"  # the file name still names it
    assert row.date == "2024-01-05"


def test_unquoted_colon_in_a_title_is_invalid(site_root: Path) -> None:
    row = one(site_root, "_posts/2024-01-05-x.md", "---\ntitle: Breaking: news\n---\n")

    assert row.status == "invalid"
    assert row.problem == "line 2, column 16: mapping values are not allowed here"


def test_a_post_without_a_date_in_its_name_is_skipped_by_jekyll(site_root: Path) -> None:
    row = one(site_root, "_posts/hello.md", "---\ntitle: Hello\n---\n")

    assert row.status == "invalid"
    assert row.problem == (
        "no date in the file name (YYYY-MM-DD-title.md); Jekyll skips such files in _posts"
    )


def test_an_impossible_date_in_the_file_name(site_root: Path) -> None:
    row = one(site_root, "_posts/2024-13-45-x.md", "---\ntitle: X\n---\n")

    assert row.status == "invalid"
    assert (
        row.problem
        == "the date in the file name (2024-13-45) is not a real date; Jekyll stops the build"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_named_like_a_post_is_invalid_and_does_not_block(
    site_root: Path, hang_guard: None
) -> None:
    (site_root / "_posts").mkdir()
    os.mkfifo(site_root / "_posts" / "2024-01-01-pipe.md")

    rows = scan_all(index_of(site_root))

    assert rows["_posts/2024-01-01-pipe.md"].status == "invalid"
    assert rows["_posts/2024-01-01-pipe.md"].problem == "not a regular file"


def test_the_reader_never_raises_on_a_missing_file(tmp_path: Path) -> None:
    front = read_front_matter(str(tmp_path / "gone.md"))

    assert front.problem is not None and front.problem.startswith("cannot read: ")
    assert front.cacheable is False


# -- titles, dates, categories ------------------------------------------------------------


def test_title_and_date_fall_back_to_the_file_name(site_root: Path) -> None:
    write(site_root, "_posts/2024-03-07-my-first-post.md", "No front matter at all.\n")
    write(site_root, "_drafts/2024-02-01-plan.md", "---\nlayout: post\n---\n")
    write(site_root, "_drafts/undated.md", "---\n---\n")

    rows = scan_all(index_of(site_root))

    assert (
        rows["_posts/2024-03-07-my-first-post.md"].title,
        rows["_posts/2024-03-07-my-first-post.md"].date,
    ) == ("my-first-post", "2024-03-07")
    assert (rows["_drafts/2024-02-01-plan.md"].title, rows["_drafts/2024-02-01-plan.md"].date) == (
        "plan",
        "2024-02-01",
    )
    assert (rows["_drafts/undated.md"].title, rows["_drafts/undated.md"].date) == ("undated", None)
    assert rows["_posts/2024-03-07-my-first-post.md"].status == "normal"


def test_front_matter_date_wins_over_the_file_name_and_strings_are_read(site_root: Path) -> None:
    row = one(
        site_root,
        "_posts/2024-01-01-x.md",
        '---\ntitle: "  spaced\n  out  "\ndate: "2024-02-03 04:05:06 +0800"\n---\n',
    )

    assert row.date == "2024-02-03T04:05:06+08:00"
    assert row.title == "spaced out"


def test_categories_from_folders_strings_and_lists(site_root: Path) -> None:
    row = one(
        site_root,
        "news/world/_posts/2024-01-01-a.md",
        "---\ncategories: local extra\ncategory: single one\ntags: 妇女 新闻\n---\n",
    )

    assert row.categories == ("news", "world", "local", "extra", "single one")
    assert row.tags == ("妇女", "新闻")


def test_categories_in_a_block_list_and_folder_repeats_once(site_root: Path) -> None:
    row = one(
        site_root,
        "news/_posts/2024-01-01-a.md",
        "---\ncategories:\n  - news\n  - 专题\ntags:\n  - [nested]\n  - real\n---\n",
    )

    assert row.categories == ("news", "专题")
    assert row.tags == ("real",)  # a nested list is no tag


def test_rows_share_equal_category_tuples(site_root: Path) -> None:
    for n in range(3):
        write(site_root, f"news/_posts/2024-01-0{n + 1}-a.md", "---\ntags: [a, b]\n---\n")

    rows = list(scan_all(index_of(site_root)).values())

    assert rows[0].categories is rows[1].categories is rows[2].categories
    assert rows[0].tags is rows[2].tags


# -- collections and Hugo ------------------------------------------------------------------


def test_collections(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "_config.yml", "collections:\n  recipes:\n    output: true\n")
    write(root, "_recipes/soup/tomato.md", "---\ntitle: Tomato soup\n---\n")
    write(root, "_posts/2024-01-01-a.md", "---\n---\n")
    write(root, "_layouts/post.html", "---\n---\n{{ content }}")
    write(root, "about.md", "---\ntitle: About\n---\n")

    rows = scan_all(index_of(root))

    assert set(rows) == {"_recipes/soup/tomato.md", "_posts/2024-01-01-a.md"}
    recipe = rows["_recipes/soup/tomato.md"]
    assert (recipe.collection, recipe.status, recipe.title, recipe.categories) == (
        "recipes",
        "normal",
        "Tomato soup",
        (),
    )


def test_collections_dir(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "_config.yml", "collections_dir: my\ncollections: [notes]\n")
    write(root, "my/_notes/n.md", "---\ntitle: N\n---\n")
    write(root, "my/news/_posts/2024-01-01-a.md", "---\n---\n")

    rows = scan_all(index_of(root))

    assert rows["my/_notes/n.md"].collection == "notes"
    assert rows["my/news/_posts/2024-01-01-a.md"].categories == ("news",)


def test_hugo_content(tmp_path: Path) -> None:
    root = tmp_path / "hugo"
    write(root, "hugo.toml", 'title = "H"\ntimeZone = "Asia/Shanghai"\n')
    write(root, "content/posts/a.md", '+++\ntitle = "TOML post"\ndraft = true\n+++\n')
    write(root, "content/posts/b.md", "---\ntitle: Later\ndate: 2030-01-01T09:00:00+08:00\n---\n")
    write(root, "content/posts/c.md", '{\n  "title": "JSON post",\n  "tags": ["x y"]\n}\nBody\n')
    write(root, "content/posts/trip/index.md", "---\ntags: [a b]\ncategories: c d\n---\n")
    write(root, "content/posts/2024-01-01-named.md", "---\n---\n")

    rows = scan_all(index_of(root))

    a, b, c = rows["content/posts/a.md"], rows["content/posts/b.md"], rows["content/posts/c.md"]
    assert (a.title, a.status, a.collection) == ("TOML post", "draft", "content")
    assert a.problem == "draft: true; Hugo builds drafts only with --buildDrafts"
    assert b.status == "future"
    assert b.problem == (
        "dated 2030-01-01 09:00 +0800, after now; Hugo skips future content unless buildFuture is set"
    )
    assert (c.title, c.tags, c.status) == ("JSON post", ("x y",), "normal")
    trip = rows["content/posts/trip/index.md"]
    # Hugo takes a string as one term, and a bundle's name from its folder.
    assert (trip.title, trip.tags, trip.categories) == ("trip", ("a b",), ("c d",))
    named = rows["content/posts/2024-01-01-named.md"]
    assert (named.status, named.date) == ("normal", None)  # Hugo ignores file-name dates


def test_hugo_build_future(tmp_path: Path) -> None:
    root = tmp_path / "hugo"
    write(root, "hugo.toml", "buildFuture = true\n")

    row = one(root, "content/b.md", "---\ndate: 2030-01-01\n---\n")

    assert row.status == "normal"


# -- hostile input ------------------------------------------------------------------------

BILLION_LAUGHS = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "title: *h\n"
    "categories: *h\n"
    "---\n"
)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40, "binary"),
        (b"---\ntitle: \x00\x01\x02\x03\x04\x05\n---\n", "binary"),
        (BILLION_LAUGHS.encode(), "alias bomb"),
        (("---\na: " + "[" * 200 + "]" * 200 + "\n---\n").encode(), "nested more than 64"),
        (
            ("---\n" + "".join(" " * i + f"k{i}:\n" for i in range(100)) + "---\n").encode(),
            "nested more than 64",
        ),
        (("---\na:\n  " + "- " * 100 + "x\n---\n").encode(), "nested more than 64"),
        (b"---\ntitle: a\nlayout: post\nbody text\n", "never closed"),
        (b"---\ntitle: [a, b\n---\n", "line 3"),
        (b"---\ntitle: a\n\tlayout: x\n---\n", "tab"),
        (("---\n" + "k: v\n" * 60_000 + "---\n").encode(), "larger than 256 KB"),
        (b"+++\ntitle = \n+++\n", "line 2"),
        (b'{\n  "title": "a",\n  "title": "b"\n}\n', "duplicate key"),
        (b"\xff\xfe\x00\x00garbage", "UTF-32"),
    ],
)
def test_hostile_front_matter_gives_an_invalid_row(
    site_root: Path, hang_guard: None, content: bytes, reason: str
) -> None:
    row = one(site_root, "_posts/2024-01-01-hostile.md", content)

    assert row.status == "invalid"
    assert row.problem is not None and reason in row.problem, row.problem
    assert "\n" not in row.problem
    assert (row.title, row.date) == ("hostile", "2024-01-01")


def test_a_bomb_under_a_key_the_row_does_not_use_is_still_refused(
    site_root: Path, hang_guard: None
) -> None:
    text = BILLION_LAUGHS.replace("title: *h\ncategories: *h\n", "title: fine\n")

    row = one(site_root, "_posts/2024-01-01-x.md", text)

    assert row.status == "invalid"
    assert row.problem is not None and "alias bomb" in row.problem


@pytest.mark.parametrize(
    ("content", "title"),
    [
        ("---\ntitle: 标题\n---\n".encode("utf-16"), "标题"),  # BOM
        ("---\ntitle: 标题\n---\n".encode("utf-16-le"), "标题"),  # no BOM
        ("---\ntitle: 簡體標題\n---\n內文\n".encode("big5"), "簡體標題"),
        ("---\ntitle: 简体标题\n---\n正文\n".encode("gb18030"), "简体标题"),
        (b"\xef\xbb\xbf---\r\ntitle: BOM and CRLF\r\n---\r\n", "BOM and CRLF"),
        (b"---\rtitle: old Mac\r---\r", "old Mac"),
        (b"---\ntitle: a\n---\n" + "正文".encode() * 5000, "a"),
        # A rule followed by prose is not front matter (as in the editor).
        (b"---\nJust prose after a rule.\n---\nMore.\n", "x"),
        # "---" inside a block scalar does not close the front matter.
        (b"---\ntitle: t\nnote: |\n  ---\n  still note\n---\n", "t"),
        (b"---\ntitle: &t Q&A *new*\nother: *t\n---\n", "Q&A *new*"),
        (b"---\ntitle: 2024\n---\n", "2024"),
        (b"---\ntitle: [a, b]\n---\n", "x"),
    ],
)
def test_encodings_and_odd_shapes_read_like_the_editor(
    site_root: Path, content: bytes, title: str
) -> None:
    row = one(site_root, "_posts/2024-01-01-x.md", content)

    assert (row.status, row.title) == ("normal", title), row.problem


def test_front_matter_beyond_the_first_read_is_found(site_root: Path) -> None:
    long = "x" * 20_000
    row = one(site_root, "_posts/2024-01-01-x.md", f"---\nnote: {long}\ntitle: far\n---\nbody\n")

    assert (row.status, row.title) == ("normal", "far")


# -- the cache ---------------------------------------------------------------------------


def _three_posts(root: Path) -> None:
    write(root, "_posts/2024-01-01-a.md", "---\ntitle: A\ntags: [x]\n---\n")
    write(root, "news/_posts/2024-01-02-b.md", "---\ntitle: B\ncategories: y\n---\n")
    write(root, "_drafts/c.md", "---\ntitle: C\n---\n")


def test_second_scan_takes_rows_from_the_cache(
    site_root: Path, cache_folder: Path, reader: CountingReader
) -> None:
    _three_posts(site_root)
    first = scan_all(index_of(site_root, cache_folder))
    assert len(reader.paths) == 3

    reader.paths.clear()
    second = scan_all(index_of(site_root, cache_folder))

    assert reader.paths == []
    assert second == first
    assert list(second) == list(first)


def test_without_a_cache_every_scan_reads(site_root: Path, reader: CountingReader) -> None:
    _three_posts(site_root)
    index = index_of(site_root)

    scan_all(index)
    scan_all(index)

    assert len(reader.paths) == 6


def test_a_changed_file_is_read_again(
    site_root: Path, cache_folder: Path, reader: CountingReader
) -> None:
    _three_posts(site_root)
    scan_all(index_of(site_root, cache_folder))
    a = site_root / "_posts" / "2024-01-01-a.md"
    b = site_root / "news" / "_posts" / "2024-01-02-b.md"
    # Same size, other mtime.
    stat = a.stat()
    a.write_text("---\ntitle: Z\ntags: [x]\n---\n", encoding="utf-8")
    os.utime(a, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    # Other size, same mtime.
    stat = b.stat()
    b.write_text("---\ntitle: Longer B\ncategories: y\n---\n", encoding="utf-8")
    os.utime(b, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    reader.paths.clear()

    rows = scan_all(index_of(site_root, cache_folder))

    assert sorted(reader.paths) == sorted([str(a.resolve()), str(b.resolve())])
    assert rows["_posts/2024-01-01-a.md"].title == "Z"
    assert rows["news/_posts/2024-01-02-b.md"].title == "Longer B"


def test_a_deleted_files_row_disappears_from_scan_and_cache(
    site_root: Path, cache_folder: Path
) -> None:
    _three_posts(site_root)
    scan_all(index_of(site_root, cache_folder))
    (site_root / "_drafts" / "c.md").unlink()

    index = index_of(site_root, cache_folder)
    rows = scan_all(index)

    assert "_drafts/c.md" not in rows
    assert index.cache is not None
    assert set(index.cache.load()) == {"_posts/2024-01-01-a.md", "news/_posts/2024-01-02-b.md"}


def test_a_corrupt_cache_file_is_ignored_and_replaced(
    site_root: Path, cache_folder: Path, reader: CountingReader
) -> None:
    _three_posts(site_root)
    first = index_of(site_root, cache_folder)
    expected = scan_all(first)
    assert first.cache is not None
    first.cache.close()  # (an open connection would write its journal back)
    path = cache_file(site_root.resolve(), cache_folder)
    path.write_bytes(b"this is not a database" * 100)
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    reader.paths.clear()

    rows = scan_all(index_of(site_root, cache_folder))

    assert rows == expected
    assert len(reader.paths) == 3  # nothing trusted from the broken file
    assert sqlite3.connect(path).execute("SELECT count(*) FROM rows").fetchone() == (3,)


def test_a_locked_cache_is_given_up_without_failing(
    site_root: Path, cache_folder: Path, reader: CountingReader
) -> None:
    _three_posts(site_root)
    expected = scan_all(index_of(site_root, cache_folder))
    path = cache_file(site_root.resolve(), cache_folder)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        cache = LibraryCache(path, timeout=0.05)
        rows = scan_all(LibraryIndex(open_site(site_root), cache, clock=clock()))
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert rows == expected
    assert not cache.usable
    assert cache.problem is not None and "locked" in cache.problem
    assert path.stat().st_size > 0  # a locked cache is not deleted


def test_a_cache_of_another_schema_version_is_discarded(
    site_root: Path, cache_folder: Path, reader: CountingReader
) -> None:
    _three_posts(site_root)
    scan_all(index_of(site_root, cache_folder))
    path = cache_file(site_root.resolve(), cache_folder)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION + 1),))
    reader.paths.clear()

    scan_all(index_of(site_root, cache_folder))

    assert len(reader.paths) == 3


def test_a_config_change_that_moves_rows_discards_them(
    site_root: Path, cache_folder: Path, reader: CountingReader
) -> None:
    write(site_root, "_notes/n.md", "---\ntitle: N\n---\n")
    write(site_root, "_posts/2024-01-01-a.md", "---\n---\n")
    scan_all(index_of(site_root, cache_folder))
    write(site_root, "_config.yml", "collections: [notes]\n")
    reader.paths.clear()

    rows = scan_all(index_of(site_root, cache_folder))

    assert len(reader.paths) == 2
    assert rows["_notes/n.md"].collection == "notes"


def test_future_is_decided_when_the_row_is_used_not_cached(
    site_root: Path, cache_folder: Path, reader: CountingReader
) -> None:
    write(site_root, "_posts/2030-01-01-later.md", "---\ntitle: L\n---\n")
    before = scan_all(index_of(site_root, cache_folder, now=NOW))
    reader.paths.clear()

    after = scan_all(index_of(site_root, cache_folder, now=dt.datetime(2031, 1, 1, tzinfo=dt.UTC)))

    assert before["_posts/2030-01-01-later.md"].status == "future"
    assert after["_posts/2030-01-01-later.md"].status == "normal"
    assert after["_posts/2030-01-01-later.md"].problem is None
    assert reader.paths == []


def test_the_cache_lives_in_the_users_cache_folder(
    site_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GALLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GALLEY_CACHE_DIR", raising=False)
    assert cache_dir() == tmp_path / "data" / "cache"

    monkeypatch.setenv("GALLEY_CACHE_DIR", str(tmp_path / "c"))
    cache = LibraryCache.for_site(site_root)

    assert cache.path.parent == tmp_path / "c" / "library"
    assert cache.usable and cache.path.is_file()
    # One file per site, named after its real path.
    assert LibraryCache.for_site(site_root / ".").path == cache.path
    assert LibraryCache.for_site(tmp_path).path != cache.path


# -- scanning ----------------------------------------------------------------------------


def test_batches_and_cancel(site_root: Path, cache_folder: Path) -> None:
    for n in range(1, 8):
        write(site_root, f"_posts/2024-01-0{n}-p.md", f"---\ntitle: P{n}\n---\n")
    index = index_of(site_root, cache_folder)
    stop: list[bool] = []  # set by the consumer, read by the scan
    batches = []

    for batch in index.scan(cancelled=lambda: bool(stop), batch_size=3):
        batches.append(batch)
        stop.append(True)

    assert [len(b) for b in batches] == [3]
    assert index.cache is not None
    assert len(index.cache.load()) == 3  # what was read is kept

    batches = list(index_of(site_root, cache_folder).scan(batch_size=3))
    assert [len(b) for b in batches] == [3, 3, 1]


def test_a_cancelled_scan_does_not_drop_rows_it_did_not_reach(
    site_root: Path, cache_folder: Path
) -> None:
    _three_posts(site_root)
    scan_all(index_of(site_root, cache_folder))

    index = index_of(site_root, cache_folder)
    list(index.scan(cancelled=lambda: True))

    assert index.cache is not None
    assert len(index.cache.load()) == 3


def test_the_walk_lists_what_site_posts_lists(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "_config.yml", "collections: [docs]\n")
    for rel in (
        "_posts/2024-01-01-b.md",
        "_posts/2024-01-01-a.markdown",
        "_posts/sub/2024-01-02-c.html",
        "_posts/sub/deeper/2024-01-03-d.md",
        "_posts/node_modules/2024-01-01-x.md",
        "_posts/.hidden/2024-01-01-x.md",
        "_posts/.2024-01-01-dot.md",
        "_posts/~2024-01-01-lock.md",
        "_posts/2024-01-01-notes.txt",
        "b/_posts/2024-01-01-e.md",
        "a/_drafts/f.md",
        "_site/_posts/2024-01-01-x.md",
        "_docs/z.md",
        "_docs/A.MD",
    ):
        write(root, rel, "---\n---\n")
    if hasattr(os, "symlink") and sys.platform != "win32":
        os.symlink(root / "_posts" / "sub", root / "_posts" / "linked")
    site = open_site(root)

    walked = [path for path, _ in LibraryIndex(site)._post_files()]

    assert walked == [os.fspath(p) for p in site.posts()]
    assert len(walked) == 8


# -- one file ------------------------------------------------------------------------------


def test_read_one_file(site_root: Path, cache_folder: Path) -> None:
    _three_posts(site_root)
    index = index_of(site_root, cache_folder)
    scan_all(index)
    a = site_root / "_posts" / "2024-01-01-a.md"

    row = index.read(a)

    assert row is not None and (row.rel, row.title) == ("_posts/2024-01-01-a.md", "A")
    assert index.read(site_root / "_config.yml") is None
    write(site_root, "about.md", "---\ntitle: About\n---\n")
    assert index.read(site_root / "about.md") is None
    write(site_root, "_layouts/post.html", "---\n---\n")
    assert index.read(site_root / "_layouts" / "post.html") is None
    assert index.read(site_root / "_posts" / "node_modules" / "2024-01-01-x.md") is None
    assert index.read(site_root.parent / "elsewhere.md") is None
    # However the path is spelled, the row is named as the scan names it.
    again = index.read(site_root / "_drafts" / ".." / "_posts" / "2024-01-01-a.md")
    assert again == row
    if sys.platform != "win32":
        link = site_root.parent / "link"
        link.symlink_to(site_root, target_is_directory=True)
        assert index.read(link / "_posts" / "2024-01-01-a.md") == row


def test_read_follows_changes_and_deletions(site_root: Path, cache_folder: Path) -> None:
    _three_posts(site_root)
    index = index_of(site_root, cache_folder)
    scan_all(index)
    a = site_root / "_posts" / "2024-01-01-a.md"

    a.write_text("---\ntitle: A, edited outside\n---\n", encoding="utf-8")
    assert (row := index.read(a)) is not None and row.title == "A, edited outside"

    a.unlink()
    assert index.read(a) is None
    assert index.cache is not None and "_posts/2024-01-01-a.md" not in index.cache.load()


def test_read_a_post_in_a_folder_made_after_the_scan(site_root: Path, cache_folder: Path) -> None:
    _three_posts(site_root)
    index = index_of(site_root, cache_folder)
    scan_all(index)

    path = write(site_root, "sport/_posts/2024-05-01-match.md", "---\ntitle: Match\n---\n")
    row = index.read(path)

    assert row is not None
    assert (row.title, row.categories, row.collection) == ("Match", ("sport",), "posts")


def test_as_dict_is_json_friendly(site_root: Path) -> None:
    row = one(site_root, "_posts/2024-01-01-x.md", "---\ntags: [a]\n---\n")

    assert row.as_dict()["tags"] == ["a"]
    assert set(row.as_dict()) == set(LibraryRow.__slots__)
