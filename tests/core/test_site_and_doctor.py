"""Site folders (what kind, where the posts are) and the doctor's reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from postcheck import CORPUS

from editor.core import doctor
from editor.core.site import POST_SUFFIXES, find_site_root, open_site

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not found")


@needs_corpus
def test_jekyll_site_with_collections() -> None:
    site = open_site(CORPUS / "jekyll-docs")

    assert site.kind == "jekyll"
    assert site.config_problem is None
    folders = {f.relative_to(site.root).as_posix() for f in site.post_folders()}
    assert folders == {"_posts", "_docs", "_tutorials"}
    expected = sorted(
        p
        for folder in ("_posts", "_docs", "_tutorials")
        for p in (site.root / folder).rglob("*")
        if p.is_file() and p.name.lower().endswith(POST_SUFFIXES)
    )
    assert sorted(site.posts()) == expected


@needs_corpus
def test_chinese_site_title_and_posts() -> None:
    site = open_site(CORPUS / "finews")

    assert site.title == "中国妇女网新闻"
    assert [p.name for p in site.posts()] == ["2022-02-09-lianli-jinguo.md"]


@needs_corpus
def test_site_root_is_found_from_a_post() -> None:
    post = CORPUS / "leopardpan" / "_posts" / "2016-06-12-HEXO_Advanced.md"

    assert find_site_root(post) == CORPUS / "leopardpan"


def test_hugo_site(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('title = "雨果"\n', encoding="utf-8")
    (tmp_path / "content" / "posts").mkdir(parents=True)
    (tmp_path / "content" / "posts" / "a.md").write_text("+++\n+++\n", encoding="utf-8")

    site = open_site(tmp_path)

    assert site.kind == "hugo"
    assert site.title == "雨果"
    assert [p.name for p in site.posts()] == ["a.md"]


def test_broken_config_still_opens(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: [unclosed\n", encoding="utf-8")
    (tmp_path / "_posts").mkdir()

    site = open_site(tmp_path)

    assert site.kind == "jekyll"
    assert site.config_problem is not None
    assert site.config_problem.startswith("_config.yml: ")
    assert site.title == tmp_path.name


def test_plain_folder(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("text\n", encoding="utf-8")
    (tmp_path / "_site").mkdir()
    (tmp_path / "_site" / "built.html").write_text("x", encoding="utf-8")

    site = open_site(tmp_path)

    assert site.kind == "folder"
    assert [p.name for p in site.posts()] == ["note.md"]


def test_doctor_reports_each_kind_of_file(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_bytes("---\ntitle: 好\ncountry: NO\n---\nbody\n".encode())
    (tmp_path / "bad.md").write_bytes(b"---\ntitle: [\n---\nbody\n")
    (tmp_path / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (tmp_path / "gbk.md").write_bytes("---\ntitle: 中文\n---\n正文\n".encode("gbk"))

    reports = {r.path.name: r for r in map(doctor.examine, doctor.post_files([tmp_path]))}

    assert set(reports) == {"good.md", "bad.md", "image.md", "gbk.md"}
    good = reports["good.md"]
    assert good.round_trips and good.problems == []
    assert good.warnings == [
        "line 3, column 10: Jekyll reads country: NO as the boolean false; quote it to keep the text"
    ]
    bad = reports["bad.md"]
    assert bad.readable and bad.round_trips
    assert bad.problems[0].startswith("line 3, column 1: ")
    image = reports["image.md"]
    assert not image.readable and "binary" in image.reason
    assert reports["gbk.md"].encoding == "GB18030 (guessed)"


@needs_corpus
def test_doctor_over_a_copy_of_the_corpus(tmp_path: Path) -> None:
    copy = Path(shutil.copytree(CORPUS / "leopardpan", tmp_path / "leopardpan"))

    reports = [doctor.examine(p) for p in doctor.post_files([copy])]

    assert len(reports) >= 6
    assert all(r.readable and r.round_trips for r in reports)
    assert any("HEXO搭建个人博客" in r.path.name for r in reports)
