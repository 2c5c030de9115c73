"""Code highlighting that looks like Jekyll's Rouge output, made by Pygments.

Jekyll 4.3 highlights ``{% highlight %}`` blocks with Rouge and wraps them
in ``<figure class="highlight"><pre><code class="language-x"
data-lang="x">``; with ``linenos`` the code sits in Rouge's
``rouge-table``. Rouge's CSS classes are Pygments' short token names
(``k``, ``nf``, ``s2``), so Pygments can produce markup site stylesheets
already style. Rouge writes whitespace without a span and escapes only
``& < >``; so does this module.
"""

from __future__ import annotations

from functools import lru_cache

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.token import STANDARD_TYPES, Token, _TokenType
from pygments.util import ClassNotFound

# Rouge names Pygments spells differently.
_ALIASES = {
    "plaintext": "text",
    "plain": "text",
    "txt": "text",
    "terminal": "console",
    "shell_session": "console",
    "shell-session": "console",
    "irb": "rbcon",
    "jinja": "html+jinja",
    "ps1": "powershell",
    "viml": "vim",
}


@lru_cache(maxsize=64)
def _lexer(lang: str) -> Lexer:
    name = lang.split("?", 1)[0].lower()
    name = _ALIASES.get(name, name)
    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return TextLexer(stripnl=False, ensurenl=False)


def _css_class(ttype: _TokenType) -> str:
    while ttype not in STANDARD_TYPES and ttype.parent is not None:
        ttype = ttype.parent
    if ttype in (Token.Text, Token.Text.Whitespace, Token.Whitespace):
        return ""
    return STANDARD_TYPES.get(ttype, "")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _spans(code: str, lang: str) -> list[tuple[str, str]]:
    """(css class, text) runs, neighbours of one class merged."""
    runs: list[tuple[str, str]] = []
    for ttype, value in _lexer(lang).get_tokens(code):
        if not value:
            continue
        css = _css_class(ttype)
        if runs and runs[-1][0] == css:
            runs[-1] = (css, runs[-1][1] + value)
        else:
            runs.append((css, value))
    return runs


def _html(runs: list[tuple[str, str]]) -> str:
    return "".join(
        f'<span class="{css}">{_escape(text)}</span>' if css else _escape(text)
        for css, text in runs
    )


def _lines(runs: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Runs cut at newlines (spans never cross a line in the table form)."""
    lines: list[list[tuple[str, str]]] = [[]]
    for css, text in runs:
        pieces = text.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                lines.append([])
            if piece:
                lines[-1].append((css, piece))
    return lines


def highlight_html(code: str, lang: str, linenos: bool = False) -> str:
    """Jekyll's ``{% highlight lang [linenos] %}`` output for ``code``
    (leading and trailing line breaks already removed, as Jekyll does)."""
    runs = _spans(code, lang) if code else []
    if linenos:
        lines = _lines(runs)
        if lines and not lines[-1] and len(lines) > 1:
            lines.pop()
        gutter = "".join(f"{n}\n" for n in range(1, len(lines) + 1))
        body = "".join(_html(line) + "\n" for line in lines)
        inner = (
            '<table class="rouge-table"><tbody><tr><td class="gutter gl">'
            f'<pre class="lineno">{gutter}</pre></td><td class="code"><pre>{body}</pre>'
            "</td></tr></tbody></table>"
        )
    else:
        inner = _html(runs)
        inner = inner[:-1] if inner.endswith("\n") else inner  # Ruby's chomp
    language = lang.replace("+", "-")
    return (
        f'<figure class="highlight"><pre><code class="language-{language}" '
        f'data-lang="{lang}">{inner}</code></pre></figure>'
    )
