"""Counting a post the way a newsroom counts it.

Chinese text is counted character by character (字数: every Han character,
and kana and hangul likewise); Latin-script text in words. Markup is not
counted: HTML tags and comments, Liquid tags and output, link targets,
image addresses, code fences' markers and Markdown punctuation. Front matter
is not part of the body and so never counted.

Reading time adds the two at separate rates (below), rounded up to whole
minutes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: Characters a minute for Chinese (and Japanese, Korean) text: the rate
#: used by mainland news sites' "阅读时间" estimates (300-500); the low end
#: suits news prose.
CJK_PER_MINUTE = 300
#: Words a minute for English and other Latin-script text (adult silent
#: reading of non-fiction is about 200-250).
WORDS_PER_MINUTE = 200

_CJK_RANGES = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002ebef\U00030000-\U0003134f"
)
_CJK = re.compile(f"[{_CJK_RANGES}]")
# A word: letters (not CJK) with inner apostrophes or hyphens, or a number.
_WORD = re.compile(rf"[^\W\d_{_CJK_RANGES}]+(?:['’-][^\W_{_CJK_RANGES}]+)*|\d+(?:[.,]\d+)*")
_MARKUP = [
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"\{%-?.*?-?%\}|\{\{.*?\}\}", re.S),  # Liquid
    re.compile(r"</?[A-Za-z][^>]*>"),  # HTML tags (their text stays)
    re.compile(r"!\[([^\]]*)\]\([^)]*\)"),  # images: keep the alt text
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"^[ \t]{0,3}\[[^\]\n^]+\]:.*$", re.M),  # link definitions
    re.compile(r"\[\^[^\]]+\]"),  # footnote markers
    re.compile(r"https?://\S+"),  # bare addresses
    re.compile(r"^\s{0,3}(?:```|~~~).*$", re.M),  # fence lines
    re.compile(r"\{:[^}]*\}"),  # kramdown attribute lists
]


@dataclass(frozen=True, slots=True)
class Counts:
    """What a text holds: CJK characters, Latin words, minutes to read."""

    cjk: int
    words: int

    @property
    def minutes(self) -> int:
        """Reading time, in whole minutes (0 for an empty text)."""
        if not self.cjk and not self.words:
            return 0
        return max(1, math.ceil(self.cjk / CJK_PER_MINUTE + self.words / WORDS_PER_MINUTE))


def count(text: str) -> Counts:
    """Count ``text`` (Markdown, HTML and Liquid as a post body holds them)."""
    for pattern in _MARKUP:
        text = pattern.sub(
            lambda m: " " + (m.group(1) if m.groups() and m.group(1) else "") + " ", text
        )
    return Counts(len(_CJK.findall(text)), len(_WORD.findall(text)))
