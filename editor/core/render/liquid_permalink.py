"""Jekyll's URLs: permalink styles and templates, as Jekyll 4.3 makes them.

A post's URL comes from its ``permalink:`` front matter or its collection's
template (``permalink:`` in ``_config.yml``: a style such as ``date`` or
``pretty``, or a template such as ``/:categories/:year/:title/``), filled
from the document's date, slug, categories and path. ``baseurl`` is never
part of it (``relative_url`` adds it). See Jekyll's ``url.rb``,
``drops/url_drop.rb`` and ``configuration.rb``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from editor.core.render.liquid_text import escape_path, ruby_strftime, slugify

STYLE_TO_PERMALINK = {
    "none": "/:categories/:title:output_ext",
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
}

_PLACEHOLDER = re.compile(r":([a-z_]+)")


def style_to_permalink(style: object) -> str:
    """The template for a permalink style name, or the value itself."""
    text = "date" if style is None or style == "" else str(style)
    return STYLE_TO_PERMALINK.get(text, text)


def add_permalink_suffix(template: str, style: object) -> str:
    """Jekyll's ``Utils.add_permalink_suffix``: end ``template`` the way the
    site's permalink style ends (a slash, or ``:output_ext``)."""
    text = "date" if style is None or style == "" else str(style)
    if text == "pretty":
        return template + "/"
    if text in ("date", "ordinal", "none"):
        return template + ":output_ext"
    if text.endswith("/"):
        template += "/"
    if text.endswith(":output_ext"):
        template += ":output_ext"
    return template


def document_placeholders(
    *,
    collection: str,
    basename_without_ext: str,
    slug: str | None,
    categories: list[str],
    date: dt.datetime,
    output_ext: str,
    cleaned_relative_path: str,
) -> dict[str, str]:
    """The values Jekyll's ``UrlDrop`` gives a document's URL template."""
    unique: list[str] = []
    for category in categories:
        lowered = str(category).lower()
        if lowered not in unique:
            unique.append(lowered)
    slugged: list[str] = []
    for category in categories:
        value = slugify(str(category)) or ""
        if value not in slugged:
            slugged.append(value)
    title = slugify(slug, "pretty", cased=True) if slug is not None else None
    if title is None:
        title = slugify(basename_without_ext, "pretty", cased=True) or ""
    plain_slug = slugify(slug) if slug is not None else None
    if plain_slug is None:
        plain_slug = slugify(basename_without_ext) or ""
    values = {
        "collection": collection,
        "name": slugify(basename_without_ext) or "",
        "title": title,
        "slug": plain_slug,
        "categories": "/".join(unique),
        "slugified_categories": "/".join(slugged),
        "output_ext": output_ext,
        "path": cleaned_relative_path,
    }
    for key, fmt in (
        ("year", "%Y"),
        ("month", "%m"),
        ("day", "%d"),
        ("hour", "%H"),
        ("minute", "%M"),
        ("second", "%S"),
        ("i_day", "%-d"),
        ("i_month", "%-m"),
        ("short_month", "%b"),
        ("long_month", "%B"),
        ("short_year", "%y"),
        ("w_year", "%G"),
        ("week", "%V"),
        ("w_day", "%u"),
        ("short_day", "%a"),
        ("long_day", "%A"),
        ("y_day", "%j"),
    ):
        values[key] = ruby_strftime(date, fmt)
    return values


def fill_document_template(template: str, placeholders: Mapping[str, str]) -> str:
    """Replace ``:name`` placeholders as ``URL#generate_url_from_drop`` does.

    An unknown placeholder is left as written (Jekyll stops the build; a
    preview shows the URL it can make).
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        pool = [name, name[:-1]] if name.endswith("_") else [name]
        for key in pool:
            if key in placeholders:
                return match.group().replace(":" + key, escape_path(placeholders[key]), 1)
        return match.group()

    return _PLACEHOLDER.sub(replace, template)


def fill_page_template(template: str, placeholders: Mapping[str, str | None]) -> str:
    """Replace placeholders as ``URL#generate_url_from_hash`` does (pages)."""
    result = template
    for key, value in placeholders.items():
        if ":" not in result:
            break
        if value is None:
            result = result.replace("/:" + key, "")
        else:
            result = result.replace(":" + key, escape_path(value))
    return result


def sanitize_url(url: str) -> str:
    """Jekyll's ``URL#sanitize_url``: one leading slash, no ``..``, no
    ``./``, no doubled slashes."""
    result = ("/" + url).replace("..", "/").replace("./", "")
    return re.sub(r"/{2,}", "/", result)


def document_url(template: str, permalink: object, placeholders: Mapping[str, str]) -> str:
    """A document's URL from its front-matter permalink or its template."""
    source = (
        str(permalink) if isinstance(permalink, (str, int, float)) and permalink != "" else template
    )
    return sanitize_url(fill_document_template(source, placeholders))


def page_url(
    *,
    directory: str,
    basename: str,
    output_ext: str,
    permalink: object,
    style: object,
) -> str:
    """A page's URL (``about.md`` -> ``/about.html``, ``docs/index.md`` ->
    ``/docs/``), as ``Page#url`` makes it."""
    if isinstance(permalink, (str, int, float)) and permalink != "":
        template = str(permalink)
    elif output_ext not in (".html", ".xhtml", ".htm"):
        template = "/:path/:basename:output_ext"
    elif basename == "index":
        template = "/:path/"
    else:
        template = add_permalink_suffix("/:path/:basename", style)
    placeholders: dict[str, str | None] = {
        "path": directory,
        "basename": basename,
        "output_ext": output_ext,
    }
    return sanitize_url(fill_page_template(template, placeholders))


def permalink_ext(permalink: object) -> str | None:
    """The extension a front-matter permalink forces (``/a/b.xml`` ->
    ``.xml``), as Jekyll's ``Renderer#permalink_ext``."""
    if not isinstance(permalink, str) or not permalink or permalink.endswith("/"):
        return None
    name = permalink.rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    return "." + ext if dot and stem else None
