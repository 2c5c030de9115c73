"""Bytes to text and back: detection, BOMs, guesses, and refusals."""

from __future__ import annotations

import codecs

import pytest

from editor.core import textcodec
from editor.core.errors import EncodingError, UnreadableFileError
from editor.core.textcodec import Encoding

TEXT = "---\ntitle: 中文标题 – é\n---\n正文\u00a0内容。\n"


@pytest.mark.parametrize(
    ("data", "codec", "bom", "label"),
    [
        (TEXT.encode("utf-8"), "utf-8", b"", "UTF-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8", codecs.BOM_UTF8, "UTF-8 with BOM"),
        (
            codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
            "utf-16-le",
            codecs.BOM_UTF16_LE,
            "UTF-16 LE with BOM",
        ),
        (
            codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
            "utf-16-be",
            codecs.BOM_UTF16_BE,
            "UTF-16 BE with BOM",
        ),
        (
            codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
            "utf-32-le",
            codecs.BOM_UTF32_LE,
            "UTF-32 LE with BOM",
        ),
        (
            b"\x84\x31\x95\x33" + TEXT.encode("gb18030"),
            "gb18030",
            b"\x84\x31\x95\x33",
            "GB18030 with BOM",
        ),
        (TEXT.encode("utf-16-le"), "utf-16-le", b"", "UTF-16 LE (guessed)"),
        (TEXT.encode("utf-16-be"), "utf-16-be", b"", "UTF-16 BE (guessed)"),
        (TEXT.encode("gb18030"), "gb18030", b"", "GB18030 (guessed)"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf32le-bom",
        "gb18030-bom",
        "utf16le",
        "utf16be",
        "gb18030",
    ],
)
def test_decode_finds_the_encoding_and_encode_gives_the_bytes_back(
    data: bytes, codec: str, bom: bytes, label: str
) -> None:
    text, encoding = textcodec.decode(data)

    assert text == TEXT
    assert (encoding.codec, encoding.bom, encoding.label) == (codec, bom, label)
    assert textcodec.encode(text, encoding) == data


def test_windows_1252_is_the_last_guess() -> None:
    data = "---\ntitle: Café – “quoted”\n---\n".encode("cp1252")

    text, encoding = textcodec.decode(data)

    assert encoding.label == "Windows-1252 (guessed)"
    assert text == "---\ntitle: Café – “quoted”\n---\n"
    assert textcodec.encode(text, encoding) == data


def test_bom_that_lies_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match="mark"):
        textcodec.decode(codecs.BOM_UTF8 + b"\xff\xfe broken", "x.md")


def test_mostly_control_characters_is_binary() -> None:
    with pytest.raises(UnreadableFileError, match="binary"):
        textcodec.decode(bytes(range(1, 9)) * 20)


def test_a_few_control_characters_in_text_are_kept() -> None:
    data = b"Text with an escape \x1b[1m and a form feed \x0c in it. " * 3

    text, encoding = textcodec.decode(data)

    assert encoding.codec == "utf-8"
    assert textcodec.encode(text, encoding) == data


def test_empty_file_is_utf8() -> None:
    assert textcodec.decode(b"") == ("", textcodec.UTF8)


def test_unencodable_character_names_line_and_column() -> None:
    with pytest.raises(EncodingError) as caught:
        textcodec.encode("第一行\r\n第二行 🎉\r\n", Encoding("big5"), "p.md")

    error = caught.value
    assert (error.line, error.column) == (2, 5)
    assert "U+1F389" in error.message
    assert str(error).startswith("p.md:2:5: ")


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: Grüße aus München\n---\nSchöne Größe.\n",
        "---\ntitle: Señor Muñoz\n---\nHace años.\n",
        "Ärger über Öl\n",
    ],
)
def test_western_text_is_not_mistaken_for_chinese(text: str) -> None:
    # Each of these byte strings also decodes as GB18030, into rare characters.
    data = text.encode("cp1252")
    assert data.decode("gb18030") != text

    decoded, encoding = textcodec.decode(data)

    assert encoding.label == "Windows-1252 (guessed)"
    assert decoded == text
