"""Jekyll's Liquid tags for python-liquid, and placeholders for the rest.

``highlight``, ``include``, ``include_relative``, ``link`` and ``post_url``
behave as in Jekyll 4.3 (``lib/jekyll/tags/*.rb``). A tag Galley does not
know (from a plugin: ``gist``, ``avatar``, ``youtube``) parses into a node
that prints the tag as written inside a marked span and reports a warning;
a block (``{% foo %}...{% endfoo %}``) keeps its rendered body between two
such spans. Output statements print values the way Ruby does and show an
unknown filter as a placeholder.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any, TextIO

from liquid import RenderContext
from liquid.ast import BlockNode, Node
from liquid.builtin.expressions import (
    FilteredExpression,
    TernaryFilteredExpression,
    tokenize,
)
from liquid.builtin.output import Output, OutputNode
from liquid.exceptions import LiquidError, LiquidSyntaxError
from liquid.parser import get_parser
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.template import BoundTemplate
from liquid.token import TOKEN_EXPRESSION, TOKEN_ILLEGAL, TOKEN_TAG, Token

from editor.core.render.liquid_env import (
    MAX_INCLUDE_DEPTH,
    STRUCTURAL_TAGS,
    JekyllEnvironment,
    RenderState,
    UnknownFilterHitError,
    current_state,
    placeholder,
    render_nodes,
    tag_source,
)
from editor.core.render.liquid_filters import site_relative_url
from editor.core.render.liquid_highlight import highlight_html
from editor.core.render.liquid_text import to_output


def _raw(state: RenderState | None, html: str) -> str:
    return state.raw_html(html) if state is not None else html


def _markup(stream: TokenStream) -> str:
    """The tag's expression text, leaving the stream on the last token of
    the tag (python-liquid's convention)."""
    if stream.peek.kind == TOKEN_EXPRESSION:
        next(stream)
        return stream.current.value
    return ""


# --------------------------------------------------------------------------
# Output statements


class JekyllOutputNode(OutputNode):
    """``{{ ... }}`` printing like Ruby, with unknown filters shown."""

    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        state = current_state()
        if state is None:
            return buffer.write(to_output(self.expression.evaluate(context)))
        state.in_output += 1
        try:
            value = self.expression.evaluate(context)
        except UnknownFilterHitError as hit:
            state.report(
                f"unknown Liquid filter '{hit.name}' (from a Jekyll plugin?); shown as written",
                hit.token or self.token,
            )
            title = f"Galley does not know the Liquid filter '{hit.name}'"
            html = placeholder("unknown-filter", tag_source(self.token), title)
            return buffer.write(state.raw_html(html))
        finally:
            state.in_output -= 1
        return buffer.write(to_output(value))


class JekyllOutput(Output):
    """Output statements made into :class:`JekyllOutputNode`."""

    node_class = JekyllOutputNode


# --------------------------------------------------------------------------
# Tags Galley does not know


class UnknownTagNode(Node):
    """A plugin tag, printed as written in a placeholder."""

    __slots__ = ("name", "text")

    def __init__(self, token: Token, name: str, text: str) -> None:
        super().__init__(token)
        self.name = name
        self.text = text
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        state = current_state()
        if state is not None:
            state.report(
                f"unknown Liquid tag '{self.name}' (from a Jekyll plugin?); shown as written",
                self.token,
            )
        title = f"Galley cannot run the Liquid tag '{self.name}'; the published page shows its output here"
        return buffer.write(_raw(state, placeholder("unknown-tag", self.text, title)))


class UnknownBlockNode(UnknownTagNode):
    """A plugin block tag: its rendered body between two placeholders."""

    __slots__ = ("block", "closing")

    def __init__(self, token: Token, name: str, text: str, block: BlockNode, closing: str) -> None:
        super().__init__(token, name, text)
        self.block = block
        self.closing = closing

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        written = super().render_to_output(context, buffer)
        written += self.block.render(context, buffer)
        state = current_state()
        title = f"end of the Liquid block '{self.name}'"
        return written + buffer.write(_raw(state, placeholder("unknown-tag", self.closing, title)))


class UnknownTag(Tag):
    """Stands for every tag name not registered (python-liquid's
    "illegal" tag)."""

    name = TOKEN_ILLEGAL
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        name = token.value
        if not name or name in STRUCTURAL_TAGS:
            _markup(stream)
            raise LiquidSyntaxError(
                f"unexpected tag '{name}'" if name else "missing tag name", token=token
            )
        opening = tag_source(token)
        _markup(stream)
        end = "end" + name
        if any(t.kind == TOKEN_TAG and t.value == end for t in stream.tokens[stream.pos + 1 :]):
            next(stream)
            block = get_parser(self.env).parse_block(stream, (end,))
            stream.expect(TOKEN_TAG, value=end)
            closing = tag_source(stream.current)
            _markup(stream)
            return UnknownBlockNode(token, name, opening, block, closing)
        return UnknownTagNode(token, name, opening)


# --------------------------------------------------------------------------
# highlight

_HIGHLIGHT_SYNTAX = re.compile(
    r'^([a-zA-Z0-9.+#_-]+)((\s+\w+(=(\w+|"([0-9]+\s)*[0-9]+"))?)*)$', re.ASCII
)
_HIGHLIGHT_OPTION = re.compile(r'(?:\w="[^"]*"|\w=\w|\w)+', re.ASCII)
_EDGE_BREAKS = re.compile(r"\A[\n\r]+|[\n\r]+\Z")


class HighlightNode(Node):
    """``{% highlight lang [linenos] %}``: Pygments in Jekyll's wrapper."""

    __slots__ = ("block", "lang", "linenos")

    def __init__(self, token: Token, lang: str, linenos: bool, block: BlockNode) -> None:
        super().__init__(token)
        self.lang = lang
        self.linenos = linenos
        self.block = block
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        inner = StringIO()
        # Jekyll renders the block's Liquid before highlighting it.
        for node in self.block.nodes:
            node.render(context, inner)
        code = _EDGE_BREAKS.sub("", inner.getvalue())
        html = highlight_html(code, self.lang, self.linenos)
        return buffer.write(_raw(current_state(), html))


class HighlightTag(Tag):
    """Jekyll's ``highlight`` block."""

    name = "highlight"
    end = "endhighlight"
    block = True

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        markup = _markup(stream).strip()
        match = _HIGHLIGHT_SYNTAX.match(markup)
        if match is None:
            raise LiquidSyntaxError(
                f"syntax error in tag 'highlight' ({markup!r}); valid syntax: highlight <lang> [linenos]",
                token=token,
            )
        lang = match.group(1).lower()
        options = {opt.split("=", 1)[0] for opt in _HIGHLIGHT_OPTION.findall(match.group(2))}
        next(stream)
        block = get_parser(self.env).parse_block(stream, (self.end,))
        stream.expect(TOKEN_TAG, value=self.end)
        return HighlightNode(token, lang, "linenos" in options, block)


# --------------------------------------------------------------------------
# include and include_relative

_VALID_PARAM = (
    r"([\w-]+)\s*=\s*"
    r"(?:\"([^\"\\]*(?:\\.[^\"\\]*)*)\"|'([^'\\]*(?:\\.[^'\\]*)*)'|([\w.-]+))"
)
_PARAM = re.compile(_VALID_PARAM, re.ASCII)
_FULL_PARAMS = re.compile(rf"\A\s*(?:{_VALID_PARAM}(?=\s|\Z)\s*)*\Z", re.ASCII)
_VARIABLE_FILE = re.compile(
    r"(?P<variable>[^{]*(\{\{\s*[\w\-.]+\s*(\|.*)?\}\}[^\s{}]*)+)(?P<params>.*)", re.S | re.ASCII
)
_VALID_FILENAME = re.compile(r"^[\w/.\-()+~#@]+$", re.ASCII)
_INVALID_SEQUENCE = re.compile(r"[./]{2,}")


class IncludeNode(Node):
    """``{% include file a="x" b=page.title %}`` as Jekyll does it: the
    file from ``_includes`` (or, for ``include_relative``, next to the
    page) rendered in the page's context with ``include.a``... set."""

    __slots__ = ("_file_template", "_values", "file", "params", "relative", "tag")

    def __init__(
        self, token: Token, tag: str, file: str, params: str | None, relative: bool
    ) -> None:
        super().__init__(token)
        self.tag = tag
        self.file = file
        self.params = params
        self.relative = relative
        self._file_template: BoundTemplate | None = None
        self._values: dict[str, FilteredExpression | TernaryFilteredExpression] = {}
        self.blank = False

    def _filename(self, context: RenderContext) -> str:
        if not _VARIABLE_FILE.search(self.file):
            return self.file
        if self._file_template is None:
            self._file_template = context.env.from_string(self.file)
        out = StringIO()
        for node in self._file_template.nodes:
            node.render(context, out)
        return out.getvalue().strip()

    def _value(self, context: RenderContext, text: str) -> Any:
        if text not in self._values:
            token = Token(TOKEN_EXPRESSION, text, 0, text)
            stream = TokenStream(tokenize(text, token))
            self._values[text] = FilteredExpression.parse(context.env, stream)
        return self._values[text].evaluate(context)

    def _arguments(self, context: RenderContext) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, double, single, variable in _PARAM.findall(self.params or ""):
            if variable:
                try:
                    values[key] = self._value(context, variable)
                except LiquidError:
                    values[key] = None
            elif double or not single:
                values[key] = double.replace('\\"', '"')
            else:
                values[key] = single.replace("\\'", "'")
        return values

    def _locate(self, state: RenderState, name: str, page: Any) -> tuple[Path | None, str]:
        site = state.site
        if site.root is None:
            return None, "there is no site folder to include from"
        root = site.root
        if self.relative:
            page_path = str(page.get("path") or "") if hasattr(page, "get") else ""
            if page.get("collection") if hasattr(page, "get") else False:
                collections_dir = str(site.config.get("collections_dir") or "")
                page_path = f"{collections_dir}/{page_path}" if collections_dir else page_path
            base = (root / page_path).parent if page_path else root
            shown = "the page's folder"
        else:
            base = root / str(site.config.get("includes_dir") or "_includes")
            shown = base.name
        candidate = base / name
        try:
            resolved = candidate.resolve()
            resolved.relative_to(root)
        except (OSError, ValueError):
            return None, f"'{name}' is outside the site folder"
        if not resolved.is_file():
            return None, f"could not find '{name}' in {shown}"
        return resolved, ""

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        state = current_state()
        if state is None:
            return 0
        source = tag_source(self.token)
        name = self._filename(context)
        if _INVALID_SEQUENCE.search(name) or not _VALID_FILENAME.match(name):
            return self._fail(state, buffer, source, f"invalid file name for {self.tag}: '{name}'")
        path, problem = self._locate(state, name, context.resolve("page", default={}))
        if path is None:
            return self._fail(state, buffer, source, f"{self.tag}: {problem}")
        if len(state.includes) >= MAX_INCLUDE_DEPTH:
            return self._fail(
                state,
                buffer,
                source,
                f"{self.tag}: includes nested more than {MAX_INCLUDE_DEPTH} deep (does '{name}' include itself?)",
            )
        parsed = state.load_include(path)
        shown = self._shown_name(state, path)
        for problem_item in parsed.problems:
            state.report(
                f"Liquid syntax error in {shown}, line {problem_item.line}: {problem_item.message}",
                self.token,
                "error",
            )
        if parsed.template is None:
            return buffer.write(parsed.source)
        outer_line = state.include_line
        if not state.includes:
            state.include_line = state.line_of(self.token)
        state.includes.append((shown, parsed.source))
        try:
            namespace = {"include": self._arguments(context)} if self.params else {}
            with context.extend(namespace):
                render_nodes(parsed.template.nodes, context, buffer, state)
        finally:
            state.includes.pop()
            state.include_line = outer_line
        return 0

    def _shown_name(self, state: RenderState, path: Path) -> str:
        root = state.site.root
        if root is not None:
            try:
                return path.relative_to(root).as_posix()
            except ValueError:
                pass
        return path.name

    def _fail(self, state: RenderState, buffer: TextIO, source: str, message: str) -> int:
        state.report(message, self.token, "error")
        return buffer.write(state.raw_html(placeholder("missing-include", source, message)))


class IncludeTag(Tag):
    """Jekyll's ``include`` (and, with ``relative``, ``include_relative``)."""

    name = "include"
    block = False
    relative = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        markup = _markup(stream).strip()
        matched = _VARIABLE_FILE.search(markup)
        if matched:
            file, params = matched.group("variable").strip(), matched.group("params").strip()
        else:
            pieces = markup.split(None, 1)
            file = pieces[0] if pieces else ""
            params = pieces[1] if len(pieces) > 1 else ""
        if not file:
            raise LiquidSyntaxError(f"{self.name}: no file name given", token=token)
        if params and not _FULL_PARAMS.match(params):
            raise LiquidSyntaxError(
                f'invalid syntax for {self.name}: {params!r} (write name="value" or name=variable)',
                token=token,
            )
        return IncludeNode(token, self.name, file, params or None, self.relative)


class IncludeRelativeTag(IncludeTag):
    """Jekyll's ``include_relative``: the file is next to the page."""

    name = "include_relative"
    relative = True


# --------------------------------------------------------------------------
# link and post_url


class LinkNode(Node):
    """``{% link path/to/file.md %}``: that file's URL, with ``baseurl``."""

    __slots__ = ("_template", "markup")

    def __init__(self, token: Token, markup: str) -> None:
        super().__init__(token)
        self.markup = markup
        self._template: BoundTemplate | None = None
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        state = current_state()
        if state is None:
            return 0
        if self._template is None:
            self._template = context.env.from_string(self.markup)
        out = StringIO()
        for node in self._template.nodes:
            node.render(context, out)
        relative = out.getvalue().strip()
        url = state.site.url_for_file(relative)
        if url is None:
            state.report(f"link: could not find the site file '{relative}'", self.token, "error")
            return buffer.write("#")
        return buffer.write(site_relative_url(state.site, url) or "")


class LinkTag(Tag):
    """Jekyll's ``link``."""

    name = "link"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        return LinkNode(token, _markup(stream).strip())


_POST_NAME = re.compile(r"^(.+/)*(\d+-\d+-\d+)-(.*)$")


class PostUrlNode(Node):
    """``{% post_url 2010-07-21-name %}``: that post's URL, with ``baseurl``."""

    __slots__ = ("post",)

    def __init__(self, token: Token, post: str) -> None:
        super().__init__(token)
        self.post = post
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        state = current_state()
        if state is None:
            return 0
        found = state.site.find_post(self.post)
        if found is None:
            state.report(f"post_url: could not find the post '{self.post}'", self.token, "error")
            return buffer.write("#")
        if found.draft or not found.published or found.date > state.site.time:
            state.report(
                f"post_url: '{self.post}' is not published yet; Jekyll will not find it",
                self.token,
            )
        return buffer.write(site_relative_url(state.site, found.url) or "")


class PostUrlTag(Tag):
    """Jekyll's ``post_url``."""

    name = "post_url"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        post = _markup(stream).strip()
        if _POST_NAME.match(post.lstrip("/")) is None:
            raise LiquidSyntaxError(
                f"post_url: '{post}' is not a post name (YYYY-MM-DD-slug)", token=token
            )
        return PostUrlNode(token, post)


def register_tags(env: JekyllEnvironment) -> None:
    """Add Jekyll's tags (and the unknown-tag and output handling)."""
    for tag in (
        JekyllOutput,
        UnknownTag,
        HighlightTag,
        IncludeTag,
        IncludeRelativeTag,
        LinkTag,
        PostUrlTag,
    ):
        env.add_tag(tag)
