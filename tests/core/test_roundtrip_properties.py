"""Property tests: any post Galley can open comes back byte for byte, and
setting the title changes only the title's lines.

Posts are generated as lines (front matter with many YAML spellings,
comments and blank lines; bodies with Chinese, NBSP, ``---`` lines and
trailing whitespace), then given line endings (LF, CRLF, CR or a mix, with
or without a final newline) and encoded (UTF-8 with and without BOM, UTF-16
with a BOM in either byte order, GB18030).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import TypeVar

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from postcheck import replaced_lines

from editor.core.post import Post

NEW_TITLE = "新的标题 – edited"
T = TypeVar("T")

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Editing parses each example three times (load, edit, and re-read to check).
EDIT_SETTINGS = settings(SETTINGS, max_examples=150)

# -- text pieces -----------------------------------------------------------
#
# Every piece is drawn from a fixed list: one draw each keeps generation
# cheap, and the combinations still cover Chinese, NBSP, YAML 1.1 traps,
# punctuation YAML cares about, and every quoting style.

PHRASES = [
    "hello",
    "Hello World",
    "中文",
    "新闻报道 标题",
    "a\u00a0b",
    "\u00a0lead",
    "trail\u00a0",
    "é – ü",
    "2022",
    "0123",
    "NO",
    "10:00",
    "x-y a.b C++",
    "“引号” 内容",
    "it's",
    "100% sure",
]
KEYS = [
    "layout",
    "date",
    "categories",
    "tags",
    "author",
    "excerpt",
    "permalink",
    "description",
    "draft",
    "标签",
    "x",
    "snake_case",
    "Mixed-Key",
    "k1",
]
SINGLE_QUOTED = [
    "''",
    "'a'",
    "'it''s'",
    "' spaced '",
    "'中文: 标题'",
    "'# not a comment'",
    "'\"double\" inside'",
    "'back\\slash'",
    "'- [x] {y} &*!|>%@`'",
    "'\u00a0–'",
]
DOUBLE_QUOTED = [
    '""',
    '"a"',
    '"say \\"hi\\""',
    '"tab\\there"',
    '"line\\nbreak"',
    '"\\u00e9 escaped"',
    '"中文: 标题 # not a comment"',
    '"back\\\\slash"',
    '"it\'s"',
    '"\u00a0–"',
]
SCALARS = PHRASES + SINGLE_QUOTED + DOUBLE_QUOTED
FLOW_LISTS = ["[]", "[a]", "[a, b]", "[中文, 'x y', \"z\"]", "[ 1, 2 ]", "['a, b', c]"]
BLOCK_ITEMS = [["a"], ["a", "b"], ["中文", "'q'", '"d"'], ["x y", "NO"]]
LITERAL_LINES = [
    ["text"],
    ["---"],
    ["# heading, not a comment", "key: value"],
    ["中文内容", "", "...", "+++ plus"],
]
TRAILING = ["", "", " # note", "  #", " # 中文注释 – x", " #  spaced: a, [b]"]
AFTER = [None, None, "  # indented comment", "    # deeper comment"]
GAPS = [[], [], [""], ["# comment"], ["", "# 中文注释"], ["#", ""]]
KINDS = [
    "plain",
    "single",
    "double",
    "empty",
    "flow",
    "block",
    "literal",
    "multiline_plain",
    "multiline_double",
    "mapping",
]


@dataclass
class FieldLines:
    """A field's lines; the first ``value_lines`` are the key and its
    value, any after them a comment."""

    lines: list[str]
    value_lines: int


def _pick(options: list[T], choice: int) -> T:
    return options[choice % len(options)]


# Hypothesis spends most of a test's time per draw, so a field is built
# from one draw of a few bytes, each byte choosing one aspect of it (all
# zero bytes, where shrinking goes, give the plainest field).
FIELD_BYTES = 8


def field_lines(key: str, choice: bytes) -> FieldLines:
    kind, trail, phrase_i, value_i, indent_i, lit_i, after_i, extra = choice
    kind_name = _pick(KINDS, kind)
    trailing = _pick(TRAILING, trail)
    phrase = _pick(PHRASES, phrase_i)
    if kind_name == "plain":
        lines = [f"{key}: {phrase}{trailing}"]
    elif kind_name == "single":
        lines = [f"{key}: {_pick(SINGLE_QUOTED, value_i)}{trailing}"]
    elif kind_name == "double":
        lines = [f"{key}: {_pick(DOUBLE_QUOTED, value_i)}{trailing}"]
    elif kind_name == "empty":
        lines = [f"{key}:{trailing}"]
    elif kind_name == "flow":
        lines = [f"{key}: {_pick(FLOW_LISTS, value_i)}{trailing}"]
    elif kind_name == "block":
        indent = _pick(["", "  ", "    "], indent_i)
        items = _pick(BLOCK_ITEMS, value_i)
        lines = [f"{key}:{trailing}"] + [f"{indent}- {item}" for item in items]
    elif kind_name == "literal":
        indicator = _pick(["|", ">", "|-", ">-"], indent_i)
        content = _pick(LITERAL_LINES, lit_i)
        lines = [f"{key}: {indicator}"] + [f"  {line}" if line else "" for line in content]
    elif kind_name == "multiline_plain":
        first = _pick(["", " first part"], extra)
        lines = [f"{key}:{first}", f"  {phrase}", "  more 中文"]
    elif kind_name == "multiline_double":
        lines = [f'{key}: "{phrase}', f'  second line"{trailing}']
    else:
        lines = [f"{key}:", f"  name: {phrase}", f"  url: {_pick(SCALARS, value_i)}"]
    value_count = len(lines)
    after = _pick(AFTER, after_i)
    if after is not None and kind_name != "literal":  # in a block scalar it would be text
        lines.append(after)
    return FieldLines(lines, value_count)


@dataclass
class FrontMatter:
    lines: list[str]
    title_lines: set[int]  # indexes into ``lines`` (not counting the opening ---)
    has_title: bool


@st.composite
def front_matters(draw: st.DrawFn, title: bool | None = None) -> FrontMatter:
    key_bytes = draw(st.binary(max_size=5))
    keys = list(dict.fromkeys(_pick(KEYS, b) for b in key_bytes))
    has_title = draw(st.booleans()) if title is None else title
    if has_title:
        keys.insert(draw(st.integers(0, len(keys))), "title")
    size = FIELD_BYTES + 1
    choices = draw(st.binary(min_size=1 + size * len(keys), max_size=1 + size * len(keys)))
    lines: list[str] = list(_pick(GAPS, choices[0]))
    title_lines: set[int] = set()
    for index, key in enumerate(keys):
        chunk = choices[1 + size * index : 1 + size * (index + 1)]
        part = field_lines(key, chunk[:FIELD_BYTES])
        if key == "title":
            title_lines = set(range(len(lines), len(lines) + part.value_lines))
        lines += part.lines
        lines += _pick(GAPS, chunk[FIELD_BYTES])
    return FrontMatter(lines, title_lines, has_title)


BODY_LINES = [
    "这是一篇中文文章，讲述“连里巾帼”的故事。",
    "Some text with\u00a0NBSP inside",
    "---",
    "...",
    "+++",
    "",
    "trailing spaces   ",
    "trailing tab\t",
    "# Heading",
    "- list item",
    "title: not front matter",
    "{",
    "\u00a0",
    "line\u2028separator and NEL\x85 and form\x0cfeed",
    "emoji 🎉 and ＦＵＬＬＷＩＤＴＨ",
    "  indented code",
]
body_lines = st.binary(max_size=8).map(lambda bs: [_pick(BODY_LINES, b) for b in bs])

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16-le-bom", "utf-16-be-bom", "gb18030"]
STYLES = ["LF", "CRLF", "CR", "mixed"]
_FIXED = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}


def with_endings(draw: st.DrawFn, lines: list[str], style: str, final: bool) -> str:
    """Join ``lines`` with endings in ``style``; the last one gets an ending
    only if ``final``."""
    if style in _FIXED:
        pattern = [_FIXED[style]]
    else:  # a mix: a short drawn pattern of endings, repeated
        pattern = [_pick(["\n", "\r\n", "\r"], b) for b in draw(st.binary(min_size=2, max_size=4))]
    out: list[str] = []
    previous = ""
    for index, line in enumerate(lines):
        last = index == len(lines) - 1
        if last and not final:
            out.append(line)
            break
        ending = pattern[index % len(pattern)]
        if previous == "\r" and line == "" and ending == "\n":
            ending = "\r"  # "\r" + "\n" would read as one CRLF, not two lines
        out.append(line + ending)
        previous = ending
    return "".join(out)


def encode(text: str, encoding: str) -> tuple[bytes, str, bytes]:
    """Return (file bytes, codec, BOM)."""
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8", codecs.BOM_UTF8
    if encoding == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "utf-16-le", codecs.BOM_UTF16_LE
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "utf-16-be", codecs.BOM_UTF16_BE
    return text.encode(encoding), encoding, b""


@dataclass
class Generated:
    data: bytes
    text: str  # the decoded text, with its line endings
    codec: str
    bom: bytes
    front_matter: FrontMatter
    body: list[str]
    style: str


@st.composite
def posts(draw: st.DrawFn, title: bool | None = None) -> Generated:
    fm = draw(front_matters(title))
    body = draw(body_lines)
    encoding = draw(st.sampled_from(ENCODINGS))
    if encoding == "gb18030":
        body = [BODY_LINES[0], *body]  # a GB18030 file is one with Chinese in it
    style = draw(st.sampled_from(STYLES))
    final = draw(st.booleans())
    lines = ["---", *fm.lines, "---", *body]
    text = with_endings(draw, lines, style, final)
    data, codec, bom = encode(text, encoding)
    if encoding == "gb18030":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            assume(False)  # valid UTF-8 is UTF-8: not a GB18030 test
    return Generated(data, text, codec, bom, fm, body, style)


def _normalized(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- (a) no-op round trip --------------------------------------------------


@SETTINGS
@given(posts())
def test_noop_round_trip_is_byte_identical(gen: Generated) -> None:
    post = Post.from_bytes(gen.data, "generated.md")

    assert post.problem is None, post.problem
    assert post.format == "yaml"
    assert post.encoding.codec == gen.codec
    assert post.encoding.bom == gen.bom
    assert post.front_matter == _normalized("".join(f"{line}\n" for line in gen.front_matter.lines))
    assert post.to_bytes() == gen.data
    assert not post.modified


@SETTINGS
@given(body_lines, st.sampled_from(ENCODINGS), st.sampled_from(STYLES), st.booleans(), st.data())
def test_noop_round_trip_without_front_matter(
    body: list[str], encoding: str, style: str, final: bool, data: st.DataObject
) -> None:
    lines = ["首行 plain prose", *body] if encoding == "gb18030" else ["plain prose", *body]
    text = with_endings(data.draw, lines, style, final)
    raw, _codec, _bom = encode(text, encoding)

    post = Post.from_bytes(raw)

    assert post.format is None
    assert post.body == _normalized(text)
    assert post.to_bytes() == raw


YAMLISH = "-:[]{}\"'#&*!|>%@?,. \t\n\r\n\rab中文\u00a0+"


@SETTINGS
@given(
    st.sampled_from(["---\n", "+++\n", "{", "---\r\n", ""]),
    st.text(alphabet=YAMLISH, max_size=60),
    st.sampled_from(["---\n", "+++\n", "}\n", "...\n", ""]),
    st.text(alphabet=YAMLISH, max_size=20),
)
def test_any_text_opens_and_round_trips(opening: str, fm: str, closing: str, body: str) -> None:
    # Fuzz the splitter and the parsers' error handling: whatever the text,
    # opening it must not raise and saving it unchanged must give it back.
    data = (opening + fm + closing + body).encode("utf-8")

    post = Post.from_bytes(data)

    assert post.to_bytes() == data
    if post.problem is not None and post.problem.line is not None:
        assert 1 <= post.problem.line <= data.count(b"\n") + data.count(b"\r") + 1


# -- (b) setting the title ---------------------------------------------------


@EDIT_SETTINGS
@given(posts())
def test_setting_title_changes_only_title_lines(gen: Generated) -> None:
    post = Post.from_bytes(gen.data, "generated.md")
    before = post.fields()

    post.set("title", NEW_TITLE)
    data = post.to_bytes()

    assert data.startswith(gen.bom)
    new_text = data[len(gen.bom) :].decode(gen.codec)
    # Line 0 is the opening ---; the front matter's lines follow.
    if gen.front_matter.has_title:
        title = sorted(gen.front_matter.title_lines)
        start, end = title[0] + 1, title[-1] + 2
    else:
        start = end = len(gen.front_matter.lines) + 1  # just before the closing ---
    put = replaced_lines(gen.text, new_text, start, end)
    assert len(put) == 1, put
    assert put[0].startswith("title:")
    if not gen.front_matter.has_title:
        assert put[0].rstrip("\r\n") == f"title: {NEW_TITLE}"
    if gen.style != "mixed":
        assert put[0].endswith(_FIXED[gen.style])

    reread = Post.from_bytes(data)
    after = reread.fields()
    assert after.pop("title") == NEW_TITLE
    before.pop("title", None)
    assert after == before
    assert reread.body == post.body


@SETTINGS
@given(
    body_lines,
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le-bom"]),
    st.sampled_from(STYLES),
    st.booleans(),
    st.data(),
)
def test_title_on_a_post_without_front_matter_keeps_the_body_bytes(
    body: list[str], encoding: str, style: str, final: bool, data: st.DataObject
) -> None:
    text = with_endings(data.draw, ["Prose first.", *body], style, final)
    raw, codec, bom = encode(text, encoding)
    post = Post.from_bytes(raw)

    post.set("title", NEW_TITLE)
    new_text = post.to_bytes()[len(bom) :].decode(codec)

    assert new_text.endswith(text)
    head = new_text[: len(new_text) - len(text)]
    assert _normalized(head) == f"---\ntitle: {NEW_TITLE}\n---\n"
