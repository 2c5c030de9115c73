"""Markdown as kramdown (Jekyll's converter) writes it, with Python-Markdown.

One configured ``Markdown`` instance is kept and ``reset()`` between
conversions. The extensions registered here make Python-Markdown's output
match what Jekyll 4 publishes with its default ``kramdown`` settings
(``input: GFM``):

- fenced and indented code highlighted by Pygments inside Jekyll's wrappers
  (``<div class="language-x highlighter-rouge"><div class="highlight"><pre
  class="highlight"><code>``), so the site's CSS applies;
- header ids made the way kramdown's GFM parser makes them (Chinese kept);
- kramdown's typography (``--`` –, ``---`` —, ``...`` …, ``<<`` «, smart
  quotes);
- GFM's paragraph rule: a list, heading, quote or fence directly under a
  paragraph line starts a new block;
- footnote references numbered by the caller (the document decides the
  numbers, a block alone cannot).
"""

from __future__ import annotations

import functools
import html
import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any
from xml.etree import ElementTree as etree  # noqa: N813  (the name Python-Markdown uses)

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_FENCE_OPEN = re.compile(
    r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$"
)
_LIST_OR_BLOCK_START = re.compile(
    r"^ {0,3}(?:[*+-][ \t]+\S|\d{1,9}[.)][ \t]+\S|#{1,6}(?:[ \t]|$)|>|```|~~~)"
)
_FOOTNOTE_REF = r"\[\^([^\]\s]+)\]"
# What kramdown's GFM parser removes from header text to make an id.
_NON_WORD = re.compile(r"[^\w\- \t]")

_formatter = HtmlFormatter(nowrap=True)


@functools.lru_cache(maxsize=256)
def _lexer(name: str) -> Lexer | None:
    """Pygments' lexer for a language name (None: plain text or unknown).
    Looking one up scans Pygments' registry; posts repeat a few names."""
    if name in ("plaintext", "text", "plain"):
        return None
    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


def highlight_code(code: str, lang: str | None, default_lang: str = "plaintext") -> str:
    """Return code highlighted inside Jekyll's (Rouge's) block wrappers."""
    if not code.endswith("\n"):
        code += "\n"
    name = (lang or default_lang or "plaintext").strip().lower()
    lexer = _lexer(name)
    css_lang = html.escape(name, quote=True)
    if lexer is None:
        body = html.escape(code, quote=False)
        if name not in ("plaintext", "text", "plain"):
            # Rouge has no lexer for it: kramdown writes a bare code block.
            return f'<pre><code class="language-{css_lang}">{body}</code></pre>'
    else:
        body = pygments_highlight(code, lexer, _formatter)
    return (
        f'<div class="language-{css_lang} highlighter-rouge"><div class="highlight">'
        f'<pre class="highlight"><code>{body}</code></pre></div></div>'
    )


def _in_list(lines: list[str]) -> bool:
    """Whether the paragraph that ``lines`` ends with is a list item."""
    for line in reversed(lines):
        if not line.strip():
            return False
        if _LIST_MARKER.match(line):
            return True
    return False


class _FencePreprocessor(Preprocessor):
    """Fenced code blocks (``` and ~~~) to highlighted, stashed HTML."""

    def __init__(self, md: markdown.Markdown, default_lang: Callable[[], str]) -> None:
        super().__init__(md)
        self._default_lang = default_lang

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(lines):
            match = _FENCE_OPEN.match(lines[i])
            if match is None or (match.group("fence")[0] == "`" and "`" in match.group("info")):
                out.append(lines[i])
                i += 1
                continue
            fence = match.group("fence")
            indent = len(match.group("indent"))
            closing = re.compile(
                r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$"
            )
            body: list[str] = []
            j = i + 1
            while j < len(lines) and closing.match(lines[j]) is None:
                line = lines[j]
                strip = min(indent, len(line) - len(line.lstrip(" ")))
                body.append(line[strip:])
                j += 1
            info = match.group("info").split()
            lang = info[0].lstrip("{.").rstrip("}") if info else None
            placeholder = self.md.htmlStash.store(
                highlight_code("\n".join(body), lang, self._default_lang())
            )
            indent_text = match.group("indent")
            if out and out[-1].strip():
                # kramdown keeps a fence written right under a list item's
                # line in that item, even unindented.
                if not indent_text and _in_list(out):
                    indent_text = "    "
                out.append("")
            # Keep the fence's indentation so a fence inside a list item
            # stays in the item.
            out.extend([indent_text + placeholder, ""])
            i = j + 1
        return out


class _RawHtmlPreprocessor(Preprocessor):
    """Puts HTML made before Markdown (Liquid's ``highlight``, placeholders
    for unknown tags) into Python-Markdown's stash, so Markdown leaves it
    alone. Liquid cannot store it there itself: Python-Markdown strips the
    stash's marker characters from its input."""

    def __init__(self, md: markdown.Markdown, state: RenderState) -> None:
        super().__init__(md)
        self.md_state = state

    def run(self, lines: list[str]) -> list[str]:
        pending = self.md_state.raw_html
        if not pending:
            return lines
        token = self.md_state.raw_token

        def stash(match: re.Match[str]) -> str:
            index = int(match.group(1))
            return self.md.htmlStash.store(pending[index]) if index < len(pending) else ""

        return [token.sub(stash, line) if "\ue000" in line else line for line in lines]


_IAL_LINE = re.compile(r"^ {0,3}\{:(?!\s*toc\s*\})\s*([^{}]*)\}[ \t]*$")
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_OTHER_BLOCK = re.compile(r"^ {0,3}(?:[*+-][ \t]|\d{1,9}[.)][ \t]|>|\||<|\x02|```|~~~|    )")


class _BlockIalPreprocessor(Preprocessor):
    """kramdown block attribute lists (``{: .note #id}``) on their own line
    apply to the block directly before or after them. Python-Markdown's
    attr_list only reads them at the end of a block, so move them there:
    onto a heading's line, to a paragraph's last line. Where Python-Markdown
    cannot take them (lists, code, tables) they are dropped, as kramdown
    drops a list standing alone, so they never show as text."""

    def run(self, lines: list[str]) -> list[str]:
        if not any("{:" in line for line in lines):
            return lines
        out = list(lines)
        i = 0
        while i < len(out):
            match = _IAL_LINE.match(out[i])
            if match is None:
                i += 1
                continue
            ial = "{: " + match.group(1).strip() + "}"
            before = out[i - 1] if i > 0 else ""
            after = out[i + 1] if i + 1 < len(out) else ""
            if before.strip() and _ATX.match(before):
                out[i - 1] = before.rstrip() + " " + ial
                del out[i]
                continue
            if before.strip() and not _OTHER_BLOCK.match(before):
                i += 1  # after a paragraph: attr_list reads it there
                continue
            del out[i]
            if after.strip() and not before.strip():
                if _ATX.match(after):
                    out[i] = after.rstrip() + " " + ial
                elif not _OTHER_BLOCK.match(after):
                    end = i
                    while end + 1 < len(out) and out[end + 1].strip():
                        end += 1
                    out.insert(end + 1, ial)
        return out


class _ParagraphEndPreprocessor(Preprocessor):
    """GFM: a list, heading, quote or fence right under a paragraph line
    starts a new block (kramdown's ``paragraph_end`` quirk). Python-Markdown
    would keep it in the paragraph."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        in_paragraph = False
        for line in lines:
            if not line.strip():
                in_paragraph = False
            elif _IAL_LINE.match(line):
                pass  # an attribute list belongs to the block, it does not start one
            elif _LIST_OR_BLOCK_START.match(line) and in_paragraph:
                out.append("")
                in_paragraph = False
            elif not line.startswith((" ", "\t", "|")) and not _LIST_OR_BLOCK_START.match(line):
                in_paragraph = True
            out.append(line)
        return out


_LIST_MARKER = re.compile(r"^(?P<indent>[ ]*)(?P<marker>[*+-]|\d{1,9}[.)])(?P<gap>[ \t]+)\S")


class _ListIndentPreprocessor(Preprocessor):
    """kramdown nests a list item indented by any amount past its parent's
    marker (two spaces is the common style); Python-Markdown needs four per
    level. Re-indent list lines to Python-Markdown's grid, keeping the
    relative indentation of what is inside an item (code, quotes)."""

    def run(self, lines: list[str]) -> list[str]:
        if not any(_LIST_MARKER.match(line) for line in lines):
            return lines
        out: list[str] = []
        stack: list[tuple[int, int]] = []  # (original marker indent, original content column)
        previous_blank = False
        for line in lines:
            if not line.strip():
                out.append(line)
                previous_blank = True
                continue
            indent = len(line) - len(line.lstrip(" "))
            match = _LIST_MARKER.match(line)
            if match is not None and (not stack or indent < stack[-1][1] + 4):
                while stack and indent <= stack[-1][0]:
                    stack.pop()
                level = len(stack)
                stack.append(
                    (indent, indent + len(match.group("marker")) + len(match.group("gap")))
                )
                out.append(" " * (4 * level) + line.lstrip(" "))
            elif stack and indent > stack[-1][0]:
                extra = max(0, indent - stack[-1][1])
                out.append(" " * (4 * len(stack) + extra) + line.lstrip(" "))
            else:
                if previous_blank:
                    stack.clear()  # (a line right after an item is a lazy continuation)
                out.append(line)
            previous_blank = False
        return out


class _IndentedCodeTreeprocessor(Treeprocessor):
    """Indented code blocks in Jekyll's wrappers, like fenced ones."""

    def __init__(self, md: markdown.Markdown, default_lang: Callable[[], str]) -> None:
        super().__init__(md)
        self._default_lang = default_lang

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag != "pre" or len(child) != 1 or child[0].tag != "code":
                    continue
                # Python-Markdown has already escaped &, < and > in the code.
                code = (
                    (child[0].text or "")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&")
                )
                code = code.rstrip("\n") + "\n"
                placeholder = self.md.htmlStash.store(
                    highlight_code(code, None, self._default_lang())
                )
                replacement = etree.Element("p")
                replacement.text = placeholder
                replacement.tail = child.tail
                parent.remove(child)
                parent.insert(index, replacement)


class _HeaderIdTreeprocessor(Treeprocessor):
    """Header ids as kramdown's GFM parser makes them: lower case, only word
    characters, dashes and spaces kept (Chinese stays), spaces to dashes.
    Duplicates get ``-1``, ``-2`` across the whole document, which the
    pipeline settles after joining blocks."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and "id" not in element.attrib:
                text = "".join(element.itertext())
                element.set("id", header_id(_unstash(self.md, text)))


def _unstash(md: markdown.Markdown, text: str) -> str:
    # Inline HTML is stashed until the end; ids are made from visible text.
    def restore(match: re.Match[str]) -> str:
        index = int(match.group(1))
        raw = md.htmlStash.rawHtmlBlocks[index] if index < len(md.htmlStash.rawHtmlBlocks) else ""
        return re.sub(r"<[^>]*>", "", str(raw))

    return re.sub("\x02wzxhzdk:(\\d+)\x03", restore, text)


def header_id(text: str) -> str:
    """The id kramdown's GFM parser gives a header with this text."""
    result = _NON_WORD.sub("", html.unescape(text).lower())
    return re.sub(r"[ \t]", "-", result)


class _FootnoteRefProcessor(InlineProcessor):
    def __init__(self, pattern: str, md: markdown.Markdown, state: RenderState) -> None:
        super().__init__(pattern, md)
        self.md_state = state

    def _numbers(self) -> Mapping[str, int]:
        return self.md_state.footnotes

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | None, int, int]:  # type: ignore[override]
        label = m.group(1)
        number = self._numbers().get(label)
        if number is None:
            return None, m.start(0), m.end(0)
        # kramdown gives the second and later references to one footnote
        # the ids fnref:x:1, fnref:x:2, ...
        seen = self.md_state.footnote_seen
        count = seen.get(label, 0)
        seen[label] = count + 1
        ref_id = f"fnref:{label}" + (f":{count}" if count else "")
        sup = etree.Element("sup", {"id": ref_id, "role": "doc-noteref"})
        link = etree.SubElement(
            sup, "a", {"href": f"#fn:{m.group(1)}", "class": "footnote", "rel": "footnote"}
        )
        link.text = str(number)
        return sup, m.start(0), m.end(0)


# Anything an inline pattern (emphasis, links, code, HTML, entities, escapes,
# line breaks, smart punctuation, footnote references) could start with.
_INLINE_SPECIAL = re.compile(r"""[\\`*_\[\]!<>&"'^~=]|--|\.\.\.| {2}\n""")


class _PlainTextTreeprocessor(Treeprocessor):
    """Marks text that no inline pattern can match as atomic, so the inline
    processor skips it. Python-Markdown otherwise runs every pattern over
    every piece of text: most of a cold render of plain Chinese prose.
    Not used while abbreviations are defined (any word could match)."""

    def run(self, root: etree.Element) -> None:
        registry = self.md.treeprocessors
        if "abbr" in registry and getattr(registry["abbr"], "abbrs", None):
            return  # abbreviations skip atomic text, and any word may be one
        search = _INLINE_SPECIAL.search
        atomic = markdown.util.AtomicString
        for element in root.iter():
            text = element.text
            if text and not isinstance(text, atomic) and search(text) is None:
                element.text = atomic(text)
            tail = element.tail
            if tail and not isinstance(tail, atomic) and search(tail) is None:
                element.tail = atomic(tail)


class _RawCodePattern(InlineProcessor):
    """``<code>...</code>`` written as HTML is raw text to kramdown: no
    emphasis or typography inside. Stash it whole."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:  # type: ignore[override]
        return self.md.htmlStash.store(m.group(0)), m.start(0), m.end(0)


class _LongEllipsisPattern(InlineProcessor):
    """kramdown turns the first three of four or more dots into an ellipsis;
    smarty leaves such runs alone."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:  # type: ignore[override]
        return "\u2026", m.start(0), m.start(0) + 3


class _StrikePattern(InlineProcessor):
    """GFM strikethrough: ``~~text~~`` to ``<del>``."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # type: ignore[override]
        element = etree.Element("del")
        element.text = m.group(1)
        return element, m.start(0), m.end(0)


_TASK = re.compile(r"^\[([ xX])\][ \t]+")


class _TaskListTreeprocessor(Treeprocessor):
    """GFM task list items (``- [ ] todo``, ``- [x] done``) as kramdown's GFM
    parser writes them: a disabled checkbox in a ``task-list-item``."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            if parent.tag not in ("ul", "ol"):
                continue
            found = False
            for item in parent:
                holder = (
                    item[0]
                    if len(item) and item[0].tag == "p" and not (item.text or "").strip()
                    else item
                )
                match = _TASK.match(holder.text or "")
                if item.tag != "li" or match is None:
                    continue
                found = True
                box = etree.Element(
                    "input",
                    {
                        "type": "checkbox",
                        "class": "task-list-item-checkbox",
                        "disabled": "disabled",
                    },
                )
                if match.group(1) != " ":
                    box.set("checked", "checked")
                box.tail = (holder.text or "")[match.end() :]
                holder.text = ""
                holder.insert(0, box)
                item.set("class", "task-list-item")
            if found:
                parent.set("class", "task-list")


class _HeadingBracesPreprocessor(Preprocessor):
    """``## get(key) {block}``: kramdown reads only ``{:...}``, ``{#id}`` and
    ``{.class}`` at the end of a heading as attributes; Python-Markdown's
    attr_list would take any ``{...}``. Escape the rest so it stays text."""

    _TRAILING = re.compile(r"^( {0,3}#{1,6}[ \t].*?)\{(?![:#.])([^{}]*)\}[ \t]*#*[ \t]*$")

    def run(self, lines: list[str]) -> list[str]:
        return [
            self._TRAILING.sub(r"\1&#123;\2&#125;", line)
            if "{" in line and line.lstrip().startswith("#")
            else line
            for line in lines
        ]


class KramdownExtension(Extension):
    """Registers the kramdown-like steps on a Markdown instance."""

    def __init__(self, state: RenderState) -> None:
        super().__init__()
        self.state = state

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_RawHtmlPreprocessor(md, self.state), "galley_raw_html", 29.5)
        md.preprocessors.register(_ParagraphEndPreprocessor(md), "gfm_paragraph_end", 29)
        md.preprocessors.register(_BlockIalPreprocessor(md), "kramdown_block_ial", 27.5)
        md.preprocessors.register(_ListIndentPreprocessor(md), "kramdown_list_indent", 27)
        md.preprocessors.register(_HeadingBracesPreprocessor(md), "kramdown_heading_braces", 26)
        md.inlinePatterns.register(
            _RawCodePattern(r"<code\b[^>]*>.*?</code\s*>", md), "raw_code_html", 195
        )
        md.inlinePatterns.register(_LongEllipsisPattern(r"\.\.\.(?=\.)", md), "long_ellipsis", 66)
        md.inlinePatterns.register(_StrikePattern(r"~~(?=\S)(.+?)(?<=\S)~~", md), "gfm_strike", 65)
        md.treeprocessors.register(_TaskListTreeprocessor(md), "gfm_tasks", 19)
        # kramdown's backslash escapes include these, Python-Markdown's do not.
        for char in "$:|\"'=<>":
            if char not in md.ESCAPED_CHARS:
                md.ESCAPED_CHARS.append(char)
        md.preprocessors.register(
            _FencePreprocessor(md, lambda: self.state.default_lang), "jekyll_fence", 28
        )
        md.treeprocessors.register(
            _IndentedCodeTreeprocessor(md, lambda: self.state.default_lang), "jekyll_code", 31
        )
        md.treeprocessors.register(_HeaderIdTreeprocessor(md), "gfm_header_ids", 4)
        md.treeprocessors.register(_PlainTextTreeprocessor(md), "plain_text", 21)
        md.inlinePatterns.register(
            _FootnoteRefProcessor(_FOOTNOTE_REF, md, self.state),
            "kramdown_fnref",
            175,
        )


class RenderState:
    """Per-document settings the extensions read while converting a block."""

    def __init__(self) -> None:
        self.default_lang = "plaintext"
        self.footnotes: Mapping[str, int] = {}
        #: References to each footnote seen before the text being converted.
        self.footnote_seen: dict[str, int] = {}
        #: HTML made before Markdown for the text being converted; the text
        #: holds ``raw_placeholder(i)`` where entry i belongs.
        self.raw_html: list[str] = []
        nonce = secrets.token_hex(4)
        self._raw_prefix = f"\ue000{nonce}:"
        self.raw_token = re.compile(re.escape(self._raw_prefix) + r"(\d+)\ue001")

    def raw_placeholder(self, fragment: str) -> str:
        """Keep ``fragment`` for the stash; return the text standing for it."""
        self.raw_html.append(fragment)
        return f"{self._raw_prefix}{len(self.raw_html) - 1}\ue001"


def build_markdown(
    state: RenderState, config: Mapping[str, Any] | None = None
) -> markdown.Markdown:
    """The configured converter (build once, ``reset()`` per conversion)."""
    kramdown = dict((config or {}).get("kramdown") or {})
    opts = kramdown.get("syntax_highlighter_opts") or {}
    if isinstance(opts, Mapping) and opts.get("default_lang"):
        state.default_lang = str(opts["default_lang"])
    return markdown.Markdown(
        extensions=[
            "tables",
            "def_list",
            "abbr",
            "attr_list",
            "md_in_html",
            "sane_lists",
            "smarty",
            KramdownExtension(state),
        ],
        extension_configs={"smarty": {"smart_angled_quotes": True}},
        output_format="html",
    )
