"""Bytes to text and back, exactly.

A post is decoded once when it is opened and encoded again when it is saved;
both directions must be lossless. UTF-8 is tried strictly first. Otherwise a
small, fixed set of encodings that real Chinese and Western sites use is
tried (UTF-16/32 by byte pattern, GB18030, Big5, Windows-1252) and the choice
is reported as a guess: unrestricted detectors call short GBK text Korean.

Every decoding is checked by encoding it again: if that does not give back
the same bytes the file is refused for editing rather than silently changed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from editor.core.errors import EncodingError, UnreadableFileError

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    # GB18030's own mark (U+FEFF in GB18030), written by some Chinese editors.
    (b"\x84\x31\x95\x33", "gb18030"),
)

# C0 controls that never appear in text a person wrote (tab, newlines, form
# feed, vertical tab and escape are allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Below this share of common characters a GB18030/Big5 reading is taken for
# Windows-1252 text misread (Chinese prose scores above 0.9, Western below 0.2).
_MIN_COMMON_SHARE = 0.5

_HUMAN_NAMES = {
    "utf-8": "UTF-8",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "utf-32-le": "UTF-32 LE",
    "utf-32-be": "UTF-32 BE",
    "gb18030": "GB18030",
    "big5": "Big5",
    "cp1252": "Windows-1252",
}


@dataclass(frozen=True, slots=True)
class Encoding:
    """How a file's text is stored: codec, byte-order mark, and certainty.

    ``guessed`` is true when the encoding was inferred rather than certain
    (UTF-8 that decodes strictly, or any BOM, is certain).
    """

    codec: str
    bom: bytes = b""
    guessed: bool = False

    @property
    def label(self) -> str:
        """A name for people: ``UTF-8 with BOM``, ``GB18030 (guessed)``."""
        name = _HUMAN_NAMES.get(self.codec, self.codec)
        if self.bom:
            name += " with BOM"
        if self.guessed:
            name += " (guessed)"
        return name


UTF8 = Encoding("utf-8")


def decode(data: bytes, path: str | Path | None = None) -> tuple[str, Encoding]:
    """Return the text of ``data`` and the encoding that reproduces it exactly.

    Raises UnreadableFileError for binary data or bytes no supported encoding
    reproduces.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            encoding = Encoding(codec, bom)
            marked = _strict(data[len(bom) :], codec)
            if marked is None:
                raise UnreadableFileError(
                    f"the file starts with a {encoding.label} mark but is not valid {codec}",
                    path,
                )
            return _checked(marked, data, encoding, path), encoding

    if b"\x00" in data:
        wide_codec = _nul_pattern_codec(data)
        wide = _strict(data, wide_codec) if wide_codec is not None else None
        if wide_codec is None or wide is None:
            raise UnreadableFileError("binary file (contains NUL bytes); not opened", path)
        encoding = Encoding(wide_codec, guessed=True)
        return _checked(wide, data, encoding, path), encoding

    text = _strict(data, "utf-8")
    if text is not None:
        return _checked(text, data, UTF8, path), UTF8

    guess = _guess_legacy(data)
    if guess is None:
        raise UnreadableFileError(
            "not UTF-8, and not GB18030, Big5 or Windows-1252 either; "
            "convert the file to UTF-8 to edit it",
            path,
        )
    text, codec = guess
    encoding = Encoding(codec, guessed=True)
    return _checked(text, data, encoding, path), encoding


def encode(text: str, encoding: Encoding, path: str | Path | None = None) -> bytes:
    """Return ``text`` in ``encoding`` (BOM included).

    Raises EncodingError naming the first character the encoding cannot hold,
    with its line and column.
    """
    try:
        return encoding.bom + text.encode(encoding.codec)
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        # The text still has the file's own newlines, which may be CR alone.
        head = text[: exc.start]
        line = len(_LINE_BREAK.findall(head)) + 1
        column = exc.start - (max(head.rfind("\n"), head.rfind("\r")) + 1) + 1
        raise EncodingError(
            f"“{bad}” (U+{ord(bad):04X}) cannot be saved in {encoding.label}; "
            "remove it or convert the file to UTF-8",
            path,
            line,
            column,
        ) from None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _checked(text: str, data: bytes, encoding: Encoding, path: str | Path | None) -> str:
    if _CONTROL.search(text) is not None and _control_share(text) > 0.01:
        raise UnreadableFileError("binary file (control characters); not opened", path)
    if "\x00" in text:
        raise UnreadableFileError("the text contains NUL characters; not opened", path)
    if encoding.bom + text.encode(encoding.codec, errors="replace") != data:
        raise UnreadableFileError(
            f"{encoding.label} does not reproduce this file byte for byte; not opened", path
        )
    return text


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / max(1, len(text))


def _nul_pattern_codec(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16/32 by where the zero bytes fall.

    Front matter keys and delimiters are ASCII, so such files have a zero in
    (nearly) every second or every fourth byte.
    """
    sample = data[:4096]
    n = len(sample)
    if n < 4:
        return None
    if len(data) % 4 == 0:
        quads = [sample[i : i + 4] for i in range(0, n - n % 4, 4)]
        if all(q[2:] == b"\0\0" for q in quads):
            return "utf-32-le"
        if all(q[:2] == b"\0\0" for q in quads):
            return "utf-32-be"
    if len(data) % 2 == 0:
        evens = sample[0::2]
        odds = sample[1::2]
        if odds.count(0) > 0.3 * len(odds) and evens.count(0) == 0:
            return "utf-16-le"
        if evens.count(0) > 0.3 * len(evens) and odds.count(0) == 0:
            return "utf-16-be"
    return None


def _guess_legacy(data: bytes) -> tuple[str, str] | None:
    """Pick between GB18030 and Big5 by how common the decoded characters are.

    Both decode much of the other's bytes; the right one yields characters
    from its standard's common set (GB2312 for GB18030, Big5's frequent
    characters for Big5). Ties go to GB18030, the mainland default.

    Western text in Windows-1252 often decodes as either too ("ü" and the
    letter after it make one GB18030 character), but into rare characters:
    when not even half are common ones, Windows-1252 is the better reading.
    """
    western = _strict(data, "cp1252")
    candidates: list[tuple[float, int, str, str]] = []
    for rank, codec in enumerate(("gb18030", "big5")):
        text = _strict(data, codec)
        if text is not None:
            candidates.append((_common_share(text, codec), -rank, codec, text))
    if candidates:
        share, _, codec, text = max(candidates)
        if share >= _MIN_COMMON_SHARE or western is None:
            return text, codec
    if western is not None:
        return western, "cp1252"
    return None


def _common_share(text: str, codec: str) -> float:
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return 1.0
    common = 0
    for ch in wide:
        raw = ch.encode(codec)
        if len(raw) != 2:
            continue
        lead, trail = raw[0], raw[1]
        if codec == "gb18030":
            common += 0xA1 <= lead <= 0xF7 and 0xA1 <= trail <= 0xFE
        else:
            code = lead << 8 | trail
            common += 0xA140 <= code <= 0xC67E
    return common / len(wide)
