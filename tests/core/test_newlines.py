"""Line endings: detection, normalising, and putting them back after an edit."""

from __future__ import annotations

import pytest

from editor.core import newlines


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("a\nb\n", "LF"),
        ("a\r\nb\r\n", "CRLF"),
        ("a\rb\r", "CR"),
        ("a\r\nb\n", "mixed"),
        ("no newline", "none"),
        ("", "none"),
    ],
)
def test_style(text: str, style: str) -> None:
    assert newlines.style(text) == style


def test_only_cr_and_lf_end_lines() -> None:
    # str.splitlines would also split on these and corrupt such files.
    text = "form\x0cfeed\x0bvt\x1cfs\x85nel\u2028ls\u2029ps\r\nend"

    assert newlines.normalize(text) == "form\x0cfeed\x0bvt\x1cfs\x85nel\u2028ls\u2029ps\nend"
    assert newlines.restore(text, newlines.normalize(text)) == text


def test_dominant_prefers_the_most_common_then_lf() -> None:
    assert newlines.dominant("a\r\nb\r\nc\n") == "\r\n"
    assert newlines.dominant("a\r\nb\n") == "\n"
    assert newlines.dominant("none") == "\n"


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_single_style_is_applied_to_edited_lines(ending: str) -> None:
    original = f"a{ending}b{ending}c"

    assert newlines.restore(original, "a\nB\nc") == f"a{ending}B{ending}c"


def test_mixed_endings_of_untouched_lines_are_kept() -> None:
    original = "one\r\ntwo\nthree\r\nfour\rfive\n"

    restored = newlines.restore(original, "one\ntwo\nTHREE\nfour\nfive\n")

    # Two CRLF, two LF: the tie goes to LF for the edited line.
    assert restored == "one\r\ntwo\nTHREE\nfour\rfive\n"


def test_inserted_line_in_a_mixed_file_gets_the_dominant_ending() -> None:
    original = "a\r\nb\r\nc\n"

    assert newlines.restore(original, "a\nnew\nb\nc\n") == "a\r\nnew\r\nb\r\nc\n"


def test_missing_final_newline_stays_missing() -> None:
    assert newlines.restore("a\r\nb\nc", "a\nb\nC") == "a\r\nb\nC"
    assert newlines.restore("a\r\nb\nc\n", "a\nb\nC\n") == "a\r\nb\nC\n"


def test_new_line_ending_in_cr_does_not_swallow_an_empty_lf_line() -> None:
    # CR-dominant file; the edited line is followed by an empty LF line.
    # "\r" + "\n" would read back as one CRLF and the empty line would vanish.
    original = "a\rb\rc\rtitle: old\n\nd"
    assert newlines.dominant(original) == "\r"

    restored = newlines.restore(original, "a\nb\nc\ntitle: new\n\nd")

    assert newlines.normalize(restored) == "a\nb\nc\ntitle: new\n\nd"
    assert restored.endswith("\n\nd")
    assert restored.startswith("a\rb\rc\r")


def test_inserted_empty_line_after_a_cr_line_stays_a_line() -> None:
    original = "a\rb\n"

    restored = newlines.restore(original, "a\n\nb\n")

    assert newlines.normalize(restored) == "a\n\nb\n"
    assert restored.startswith("a\r") and restored.endswith("b\n")


def test_deleting_between_a_cr_line_and_an_empty_lf_line_keeps_both() -> None:
    # Removing "X" makes "a\r" and the empty "\n" line neighbours.
    restored = newlines.restore("a\rX\n\nb", "a\n\nb")

    assert newlines.normalize(restored) == "a\n\nb"
    assert restored.startswith("a\r") and restored.endswith("b")
