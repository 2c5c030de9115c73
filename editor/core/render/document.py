"""Rendering one post file: its site, its page variables, its body.

What ``galley-cli render`` and the preview worker share: find the site, build
the Liquid context once, and render a post's body with the page variables
Jekyll would give it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from editor.core.post import Post
from editor.core.render.context import SiteContext
from editor.core.render.pipeline import Pipeline
from editor.core.render.types import RenderResult
from editor.core.site import find_site_root


class SiteRenderer:
    """A pipeline and the site context it renders in (``root`` None: a post
    outside any site, with Jekyll's defaults)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.context = SiteContext.load(root)
        self.config: dict[str, Any] = dict(self.context.config)
        self.pipeline = Pipeline(self.context, self.config)

    @classmethod
    def for_file(cls, path: Path, site: Path | None = None) -> SiteRenderer:
        """The renderer for ``path``: ``site`` or the nearest site above it."""
        return cls(site if site is not None else find_site_root(path))

    def page(self, post: Post) -> dict[str, Any]:
        """Jekyll's ``page`` for ``post``: front matter over ``defaults``."""
        return dict(self.context.page_vars(post.fields(), post.path))

    def render(self, post: Post, page: dict[str, Any] | None = None) -> RenderResult:
        """Render ``post``'s body as Jekyll's ``{{ content }}`` would be."""
        return self.pipeline.render(
            post.body, self.page(post) if page is None else page, post.body_line
        )
