"""The python-liquid machinery under :class:`~editor.core.render.liquid.JekyllLiquid`.

- :class:`JekyllEnvironment`: one configured ``Environment`` with resource
  limits, whose tags record where they start so a syntax error can be
  pinned on the tag that caused it;
- :class:`JekyllContext`: a render context that counts loop iterations
  across the whole render (python-liquid only limits nested loops), checks
  the time budget, and turns unknown filters into placeholders;
- :class:`RenderState`: what one render collects (diagnostics, the time
  budget, the include stack), reachable from tags and filters through a
  context variable so the environment can be shared;
- :func:`parse_tolerant`: parse a template, and when a tag does not parse,
  keep that tag as literal text and parse again, so one typo does not take
  the rest of the post with it.
"""

from __future__ import annotations

import html
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from liquid import Environment, RenderContext
from liquid.ast import Node
from liquid.builtin.tags.for_tag import ForLoop
from liquid.builtin.tags.tablerow_tag import TableRow
from liquid.exceptions import (
    LiquidError,
    LiquidInterrupt,
    LoopIterationLimitError,
    ResourceLimitError,
    StopRender,
    UnknownFilterError,
)
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.template import BoundTemplate
from liquid.token import TOKEN_EOF, TOKEN_OUTPUT, TOKEN_TAG, Token

from editor.core.render.context import SiteContext
from editor.core.render.types import Diagnostic, Severity

# A post renders in a few milliseconds; these bound what a hostile or
# broken one can cost (see the tests in tests/core/render/).
LOOP_ITERATION_LIMIT = 50_000
OUTPUT_LIMIT_BYTES = 16 * 1024 * 1024
LOCAL_NAMESPACE_LIMIT = 16 * 1024 * 1024
RANGE_LIMIT = 100_000
MAX_INCLUDE_DEPTH = 16
MAX_SYNTAX_RETRIES = 25

# Tags that only make sense inside another tag: seen on their own they are
# a syntax error, not a plugin tag Galley lacks.
STRUCTURAL_TAGS = frozenset(
    {
        "else",
        "elsif",
        "when",
        "endif",
        "endunless",
        "endfor",
        "endcase",
        "endcapture",
        "endcomment",
        "endraw",
        "endtablerow",
        "endhighlight",
        "endifchanged",
        "enddoc",
        "raw",
        "comment",
    }
)


class TimeLimitError(ResourceLimitError):
    """The render ran past its time budget."""


@dataclass(slots=True)
class RenderState:
    """What one call to ``JekyllLiquid.render`` shares with its tags and
    filters."""

    site: SiteContext
    source: str
    first_line: int
    raw_html: Callable[[str], str]
    markdownify: Callable[[str], str]
    deadline: float
    load_include: Callable[[Path], Parsed]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    iterations: int = 0
    # (include name, template source) for each include being rendered.
    includes: list[tuple[str, str]] = field(default_factory=list)
    # Line (in the file) of the outermost include tag being rendered.
    include_line: int | None = None
    in_output: int = 0
    _seen: set[tuple[str, int | None]] = field(default_factory=set)

    def line_of(self, token: Token | None) -> int | None:
        """The file line of ``token``; for a token inside an include, the
        line of the include tag in the post."""
        if token is None or token.start_index < 0:
            return self.include_line
        if token.source is self.source or token.source == self.source:
            return self.first_line + self.source.count("\n", 0, token.start_index)
        return self.include_line

    def column_of(self, token: Token | None) -> int | None:
        if token is None or token.start_index < 0 or token.source is not self.source:
            return None
        return token.start_index - (self.source.rfind("\n", 0, token.start_index) + 1) + 1

    def where_in_include(self, token: Token | None) -> str:
        """`` (in _includes/x.html, line 3)`` for a token inside an include."""
        if not self.includes or token is None or token.start_index < 0:
            return ""
        name, source = self.includes[-1]
        if token.source is source or token.source == source:
            return f" (in {name}, line {source.count(chr(10), 0, token.start_index) + 1})"
        return f" (in {name})"

    def report(
        self, message: str, token: Token | None = None, severity: Severity = "warning"
    ) -> None:
        """Add a diagnostic (once per message and line)."""
        line = self.line_of(token)
        key = (message, line)
        if key in self._seen:
            return
        self._seen.add(key)
        column = self.column_of(token) if not self.includes else None
        self.diagnostics.append(
            Diagnostic(message + self.where_in_include(token), line, column, severity)
        )

    def tick(self) -> None:
        """Raise :class:`TimeLimitError` when the time budget is spent."""
        if time.monotonic() > self.deadline:
            raise TimeLimitError("the Liquid code took too long to run", token=None)


_STATE: ContextVar[RenderState | None] = ContextVar("galley_liquid_state", default=None)


def current_state() -> RenderState | None:
    """The state of the render running in this thread, if any."""
    return _STATE.get()


@contextmanager
def rendering(state: RenderState) -> Iterator[RenderState]:
    """Make ``state`` the current render state for the ``with`` body."""
    token = _STATE.set(state)
    try:
        yield state
    finally:
        _STATE.reset(token)


def placeholder(kind: str, source: str, title: str) -> str:
    """A visible stand-in for Liquid Galley cannot run: the source as
    written, in a span the preview's stylesheet marks."""
    return (
        f'<span class="galley-{kind}" title="{html.escape(title, quote=True)}">'
        f"{html.escape(source, quote=False)}</span>"
    )


def tag_source(token: Token) -> str:
    """The text of the tag or output statement ``token`` starts."""
    start, end = tag_span(token)
    return token.source[start:end]


def tag_span(token: Token) -> tuple[int, int]:
    """Where the tag (``{% ... %}``) or output (``{{ ... }}``) that
    ``token`` belongs to starts and ends in its source."""
    source, index = token.source, token.start_index
    if token.kind == TOKEN_OUTPUT or source.startswith("{{", index):
        start = index if source.startswith("{{", index) else source.rfind("{{", 0, index + 1)
        end = source.find("}}", start + 2)
        return start, (end + 2 if end >= 0 else start + 2)
    if source.startswith("{%", index):
        start = index
    else:
        start = source.rfind("{%", 0, index + 1)
        start = start if start >= 0 else index
    if token.kind == TOKEN_EOF:
        return start, start + 2
    end = source.find("%}", index)
    return start, (end + 2 if end >= 0 else len(source))


class UnknownFilterHitError(UnknownFilterError):
    """An unknown filter inside ``{{ }}``: the output shows a placeholder.

    ``name`` is the filter's name."""

    def __init__(self, name: str, token: Token | None) -> None:
        super().__init__(f"unknown filter '{name}'", token=token)
        self.name = name


class JekyllContext(RenderContext):
    """A render context with Galley's limits and unknown-filter handling."""

    __slots__ = ()

    def filter(self, name: str, token: Token | None) -> Callable[..., object]:
        if name in self.env.filters:
            return super().filter(name, token)
        state = current_state()
        if state is not None and state.in_output:
            raise UnknownFilterHitError(name, token)
        if state is not None:
            state.report(
                f"unknown Liquid filter '{name}' (from a Jekyll plugin?); the value is used unfiltered",
                token,
            )
        return _identity

    @contextmanager
    def loop(
        self, namespace: Mapping[str, object], forloop: ForLoop | TableRow
    ) -> Iterator[RenderContext]:
        # python-liquid limits the product of nested loop lengths; loops one
        # after another (or a loop in an include in a loop) are counted here.
        state = current_state()
        if state is not None:
            state.iterations += max(int(forloop.length), 0)
            if state.iterations > LOOP_ITERATION_LIMIT:
                raise LoopIterationLimitError("loop iteration limit reached", token=None)
            state.tick()
        with super().loop(namespace, forloop) as context:
            yield context

    def stopindex(self, key: str, index: int | None = None) -> int:
        # Called before a `reversed` loop turns its range into a list: stop a
        # `(1..100000000) reversed` loop before it takes seconds and memory.
        if index is not None and index > LOOP_ITERATION_LIMIT:
            raise LoopIterationLimitError("loop iteration limit reached", token=None)
        return super().stopindex(key, index)


def _identity(value: object, *_args: object, **_kwargs: object) -> object:
    return value


class JekyllTemplate(BoundTemplate):
    """A template rendered with :class:`JekyllContext`."""

    context_class = JekyllContext


class JekyllEnvironment(Environment):
    """python-liquid configured like Jekyll 4.3's Liquid 5: undefined
    variables render empty, with Galley's resource limits."""

    template_class = JekyllTemplate
    loop_iteration_limit = LOOP_ITERATION_LIMIT
    output_stream_limit = OUTPUT_LIMIT_BYTES
    local_namespace_limit = LOCAL_NAMESPACE_LIMIT
    context_depth_limit = 30
    block_nesting_limit = 30

    def __init__(self) -> None:
        self.parse_stack: list[Token] = []
        super().__init__(strict_filters=True)

    def add_tag(self, tag: type[Tag]) -> None:
        """Register ``tag``, recording where each of its uses starts so a
        syntax error can be pinned on the innermost tag being parsed."""
        instance = tag(self)
        inner = instance.get_node
        stack = self.parse_stack

        def get_node(stream: TokenStream) -> Node:
            stack.append(stream.current)
            try:
                return inner(stream)
            except LiquidError as err:
                if not hasattr(err, "galley_anchors"):
                    err.galley_anchors = list(stack)  # type: ignore[attr-defined]
                raise
            finally:
                stack.pop()

        instance.get_node = get_node  # type: ignore[method-assign]
        self.tags[tag.name] = instance

    def add_filter(self, name: str, func: Callable[..., Any]) -> None:
        """Register ``func``, guarded: it checks the time budget and refuses
        huge ranges (``(1..100000000) | join`` would take a minute)."""
        self.filters[name] = _guarded(name, func)


def _guarded(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(value: object, *args: object, **kwargs: object) -> object:
        state = current_state()
        if state is not None:
            state.tick()
        for item in (value, *args):
            if isinstance(item, range) and len(item) > RANGE_LIMIT:
                raise LoopIterationLimitError(
                    f"{name}: range of {len(item):,} items is too large", token=None
                )
        return func(value, *args, **kwargs)

    guarded.__dict__.update(func.__dict__)
    guarded.__name__ = getattr(func, "__name__", name)
    guarded.__doc__ = func.__doc__
    return guarded


# --------------------------------------------------------------------------
# Parsing that survives syntax errors


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """A syntax error: its message and where, counted in the source."""

    message: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Parsed:
    """A template parsed as far as possible.

    ``source`` is the text actually parsed (tags that did not parse are
    wrapped in ``{% raw %}`` so they print as written; line numbers are
    those of the original). ``template`` is None when nothing could be
    parsed, and the caller should show the source as it is.
    """

    template: BoundTemplate | None
    source: str
    problems: tuple[SyntaxProblem, ...]


def _message(err: LiquidError) -> str:
    text = str(err.message if err.message is not None else type(err).__name__)
    return text.splitlines()[0] if text else type(err).__name__


_NAME_IN_TAG = re.compile(r"\{%-?\s*(\w+)")


def _explain(err: LiquidError, literal: str) -> str:
    """A message saying which tag is wrong, in the author's terms."""
    message = _message(err)
    opened = _NAME_IN_TAG.match(literal)
    name = opened.group(1) if opened else ""
    stray = err.token.value if err.token is not None and err.token.kind == TOKEN_TAG else ""
    if name and message.startswith("expected tag end"):
        return f"'{{% {name} %}}' is never closed (no '{{% end{name} %}}')"
    if name and stray and stray != name and message.startswith("unexpected tag"):
        return f"'{{% {name} %}}' is not closed before '{{% {stray} %}}'"
    if name == stray and message.startswith("unexpected tag"):
        return f"'{{% {stray} %}}' without a matching opening tag"
    return message


def _culprit(err: LiquidError, source: str) -> tuple[int, int] | None:
    """The span to keep as literal text for ``err``."""
    token = err.token
    anchors: list[Token] = [
        a
        for a in getattr(err, "galley_anchors", [])
        if a.start_index >= 0 and (a.source is source or a.source == source)
    ]
    stray = (
        token is not None
        and token.kind == TOKEN_TAG
        and token.value in STRUCTURAL_TAGS
        and (token.source is source or token.source == source)
    )
    if stray and token is not None:
        # "unexpected tag 'endif'": when it sits inside another block, that
        # block is the one left open (a for without endfor); else it is
        # a stray end tag.
        enclosing = [a for a in anchors if a.start_index != token.start_index]
        return tag_span(enclosing[-1] if enclosing else token)
    if anchors:
        return tag_span(anchors[-1])
    if token is not None and token.start_index >= 0 and token.source == source:
        return tag_span(token)
    return None


def parse_tolerant(env: JekyllEnvironment, source: str) -> Parsed:
    """Parse ``source``; a tag that does not parse stays literal text and
    is reported, and the rest is parsed again."""
    problems: list[SyntaxProblem] = []
    text = source
    for _ in range(MAX_SYNTAX_RETRIES):
        env.parse_stack.clear()
        try:
            return Parsed(env.from_string(text), text, tuple(problems))
        except LiquidError as err:
            span = _culprit(err, text)
            if span is None:
                break
            start, end = span
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            problems.append(SyntaxProblem(_explain(err, text[start:end]), line, column))
            text = text[:start] + "{% raw %}" + text[start:end] + "{% endraw %}" + text[end:]
        except RecursionError:
            problems.append(SyntaxProblem("the Liquid code is nested too deeply", 1, 1))
            break
    if not problems:
        problems.append(SyntaxProblem("the Liquid code could not be parsed", 1, 1))
    return Parsed(None, source, tuple(problems))


class ParseCache:
    """A bounded LRU of parsed templates by source text: the preview
    renders the same blocks again and again."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, Parsed] = OrderedDict()

    def get(self, env: JekyllEnvironment, source: str) -> Parsed:
        parsed = self._items.get(source)
        if parsed is not None:
            self._items.move_to_end(source)
            return parsed
        parsed = parse_tolerant(env, source)
        self._items[source] = parsed
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return parsed


# --------------------------------------------------------------------------
# Rendering node lists without letting one failure stop the rest


def render_nodes(
    nodes: list[Node], context: RenderContext, buffer: TextIO, state: RenderState
) -> bool:
    """Render ``nodes`` one by one; an error in one is reported and the
    next is rendered. Returns False when a limit stopped the render."""
    for node in nodes:
        try:
            node.render(context, buffer)
        except LiquidInterrupt as err:
            if state.includes:
                raise
            state.report(f"'{err}' outside a for loop", node.token, "error")
        except StopRender:
            return False
        except ResourceLimitError as err:
            if state.includes:
                raise  # stop the whole render, not just the include
            state.report(f"render stopped: {_message(err)}", err.token or node.token, "error")
            return False
        except LiquidError as err:
            state.report(_message(err), err.token or node.token, "error")
        except RecursionError:
            state.report(
                "render stopped: the Liquid code is nested too deeply", node.token, "error"
            )
            return False
        except Exception as exc:  # a filter bug must not lose the preview
            state.report(f"{type(exc).__name__}: {exc}", node.token, "error")
    return True
