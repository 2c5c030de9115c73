"""Site URLs to files: confined to the site folder, baseurl removed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from editor.core.site_files import mime_type, resolve


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "assets" / "img").mkdir(parents=True)
    (site / "assets" / "img" / "a b.png").write_bytes(b"png")
    (site / "about").mkdir()
    (site / "about" / "index.html").write_text("about")
    (tmp_path / "secret.txt").write_text("secret")
    return site


def test_site_paths_resolve_to_files(root: Path) -> None:
    assert resolve(root, "/assets/img/a%20b.png") == root.resolve() / "assets/img/a b.png"
    assert resolve(root, "/assets/img/a%20b.png?v=2#x") == root.resolve() / "assets/img/a b.png"
    assert resolve(root, "/about/") == root.resolve() / "about/index.html"
    assert resolve(root, "/missing.png") is None


def test_baseurl_is_taken_off(root: Path) -> None:
    assert (
        resolve(root, "/blog/assets/img/a%20b.png", "/blog")
        == root.resolve() / "assets/img/a b.png"
    )
    assert (
        resolve(root, "/assets/img/a%20b.png", "/blog") is not None
    )  # a path without it still works


@pytest.mark.parametrize(
    "path", ["/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt"]
)
def test_nothing_outside_the_site(root: Path, path: str) -> None:
    assert resolve(root, path) is None


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_a_symlink_out_of_the_site_is_refused(root: Path) -> None:
    (root / "leak.txt").symlink_to(root.parent / "secret.txt")
    assert resolve(root, "/leak.txt") is None


def test_mime_types() -> None:
    assert mime_type(Path("a.PNG")) == "image/png"
    assert mime_type(Path("a.css")) == "text/css"
    assert mime_type(Path("a.unknownext")) == "application/octet-stream"
