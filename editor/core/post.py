"""A post file held exactly: its bytes, split into front matter and body.

``Post`` is what the rest of Galley edits. It keeps the original decoded text
and how to write it back (encoding, BOM, newline style, delimiters); its
``front_matter`` and ``body`` are ``\\n`` text for editors and parsers. A save
rebuilds the text, restores the original newlines of every untouched line,
encodes it and writes it atomically. Opening and saving without an edit
gives back the identical bytes.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from editor.core import fields, newlines, other_fm, textcodec, yaml_fm
from editor.core.atomic import FileSignature, write_atomic
from editor.core.errors import FrontMatterError, UnreadableFileError
from editor.core.split import Format, Split, parse, split
from editor.core.yaml_fm import ParseProblem

MAX_FILE_BYTES = 64 * 1024 * 1024


#: A post's front matter as (format, opening delimiter, text, closing delimiter).
Head = tuple[Format | None, str, str, str]


class Post:
    """One post file, editable without losing a byte.

    Build it with ``Post.load(path)`` or ``Post.from_bytes(data)``.
    """

    def __init__(self, data: bytes, path: Path | None = None) -> None:
        self.path = path
        text, self.encoding = textcodec.decode(data, path)
        self._original = text
        self.signature: FileSignature | None = None
        self._split = split(newlines.normalize(text))

    # -- construction -----------------------------------------------------

    @classmethod
    def load(cls, path: str | Path) -> Post:
        """Read ``path``; raises UnreadableFileError with the reason."""
        path = Path(path)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise UnreadableFileError(
                    f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not opened", path
                )
            data = path.read_bytes()
        except IsADirectoryError:
            raise UnreadableFileError("is a folder, not a file", path) from None
        except OSError as exc:
            raise UnreadableFileError(f"cannot read: {exc.strerror or exc}", path) from None
        post = cls(data, path)
        post.signature = FileSignature.of(path, data)
        return post

    @classmethod
    def from_text(cls, text: str, path: str | Path | None = None) -> Post:
        """A post from text already decoded (an editor's buffer, for
        rendering): UTF-8, no byte checks."""
        post = cls.__new__(cls)
        post.path = Path(path) if path is not None else None
        post.encoding = textcodec.UTF8
        post._original = text
        post.signature = None
        post._split = split(newlines.normalize(text))
        return post

    @classmethod
    def from_bytes(cls, data: bytes, path: str | Path | None = None) -> Post:
        """A post from bytes in memory (``path`` only names it in messages)."""
        return cls(data, Path(path) if path is not None else None)

    # -- what it is ---------------------------------------------------------

    @property
    def format(self) -> Format | None:
        """``yaml``, ``toml``, ``json``, or None when there is no front matter."""
        return self._split.format

    @property
    def front_matter(self) -> str:
        """The front-matter text between the delimiters (``\\n`` newlines)."""
        return self._split.front_matter

    @property
    def body(self) -> str:
        """The body text (``\\n`` newlines)."""
        return self._split.body

    @property
    def body_line(self) -> int:
        """1-based line of the file on which the body starts."""
        return self._split.body_line

    @property
    def source(self) -> str:
        """The whole file as ``\n`` text (what renderers read)."""
        return self._split.text

    @property
    def problem(self) -> ParseProblem | None:
        """Why the front matter is kept as raw text (position in the file)."""
        return self._split.problem

    @property
    def newline_style(self) -> newlines.NewlineStyle:
        return newlines.style(self._original)

    @property
    def data(self) -> Any:
        """The parsed front matter (round-trip objects); None in raw mode."""
        if self._split.format is None and self._split.problem is None:
            return {}
        return self._split.data

    def fields(self) -> dict[str, Any]:
        """Front matter as plain JSON-friendly values ({} in raw mode)."""
        data = self.data
        return fields.to_plain(data) if data is not None else {}

    def warnings(self) -> list[ParseProblem]:
        """Things Jekyll will read differently from what the text says."""
        if self.format != "yaml" or self.data is None:
            return []
        offset = self._split.opening.count("\n")
        return [
            replace(w, line=(w.line or 0) + offset)
            for w in yaml_fm.yaml11_warnings(self.front_matter, self.data)
        ]

    @property
    def modified(self) -> bool:
        """Whether the text differs from what was loaded or last saved."""
        return self._split.text != newlines.normalize(self._original)

    # -- edits ----------------------------------------------------------------

    def set_body(self, body: str) -> None:
        """Replace the body (``\\n`` newlines)."""
        self._split = replace(self._split, body=newlines.normalize(body))

    def set_front_matter_text(self, text: str) -> None:
        """Replace the raw front-matter text (raw mode); it is re-parsed.

        Without front matter yet, YAML delimiters are added.
        """
        current = self._split
        text = newlines.normalize(text)
        fmt: Format
        if current.format is None:
            if text == "":
                return
            opening, closing, fmt = "---\n", "---\n", "yaml"
        else:
            opening, closing, fmt = current.opening, current.closing, current.format
        if text and not text.endswith("\n") and fmt != "json":
            text += "\n"
        self._split = _parsed(fmt, opening, text, closing, current.body)

    def head(self) -> Head:
        """The front matter as (format, opening delimiter, text, closing
        delimiter): what ``restore_head`` puts back exactly (an undo step)."""
        current = self._split
        return current.format, current.opening, current.front_matter, current.closing

    def restore_head(self, head: Head) -> None:
        """Put back front matter taken with ``head()``, delimiters and all
        (also none at all); the body stays."""
        fmt, opening, text, closing = head
        body = self._split.body
        if fmt is None:
            self._split = Split(None, "", "", "", body)
            return
        self._split = _parsed(fmt, opening, text, closing, body)

    def get(self, key: str) -> Any:
        """The plain value of a top-level key (KeyError if absent)."""
        data = self.data
        if data is None:
            raise self._raw_mode_error()
        return fields.to_plain(data[key])

    def set(self, key: str, value: Any) -> None:
        """Set a top-level key, rewriting only its lines. ``value`` may be a
        ``yaml_fm.Raw`` spelled as YAML."""
        self._edit(key, value, remove=False)

    def unset(self, key: str) -> None:
        """Remove a top-level key and its lines (nothing if absent)."""
        self._edit(key, None, remove=True)

    def _edit(self, key: str, value: Any, remove: bool) -> None:
        # Also when the front matter is never closed (format None): adding a
        # new block above it would bury the author's fields in the body.
        if self.problem is not None:
            raise self._raw_mode_error()
        fmt = self._split.format
        text = self._split.front_matter
        if fmt is None:
            if remove:
                return
            self.set_front_matter_text(yaml_fm.render_field(key, value, None) + "\n")
            return
        if fmt == "yaml":
            data = self._split.data
            if remove:
                text = yaml_fm.remove_field(text, data, key)
            else:
                text = yaml_fm.set_field(text, data, key, value)
        elif fmt == "toml":
            plain = yaml_fm.raw_value(value)
            text = (
                other_fm.toml_remove(text, key) if remove else other_fm.toml_set(text, key, plain)
            )
        else:
            plain = fields.to_plain(yaml_fm.raw_value(value))
            text = (
                other_fm.json_remove(text, key) if remove else other_fm.json_set(text, key, plain)
            )
        before = self._split
        self.set_front_matter_text(text)
        if self.problem is not None:
            problem = self.problem
            self._split = before  # refused: the post stays as it was
            raise FrontMatterError(
                f"setting {key!r} would make the front matter invalid: {problem.message}",
                self.path,
            )

    def _raw_mode_error(self) -> FrontMatterError:
        problem = self.problem
        assert problem is not None
        return FrontMatterError(
            f"the front matter has an error ({problem.message}); fix it as raw text first",
            self.path,
            problem.line,
            problem.column,
        )

    # -- writing ----------------------------------------------------------------

    def text(self) -> str:
        """The whole file as text, with the file's own newlines."""
        return newlines.restore(self._original, self._split.text)

    def to_bytes(self) -> bytes:
        """The file's bytes; raises EncodingError if a character cannot be
        stored in the file's encoding."""
        return textcodec.encode(self.text(), self.encoding, self.path)

    def save(self, path: str | Path | None = None, *, force: bool = False) -> None:
        """Write the post atomically to ``path`` (default: where it came from).

        Refuses with ConflictError when the file changed on disk since it was
        loaded, unless ``force`` (the user chose to overwrite knowingly).
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("the post has no path to save to")
        data = self.to_bytes()
        same_file = path is None or target == self.path
        expected = self.signature if same_file and not force else None
        self.signature = write_atomic(target, data, expected)
        self.path = target
        self._original = self.text()


def _parsed(fmt: Format, opening: str, text: str, closing: str, body: str) -> Split:
    """The split for front matter ``text`` in ``fmt``, parsed, with a
    problem's line counted in the whole file."""
    data, problem = parse(fmt, text)
    if problem is not None and fmt != "json":
        problem = ParseProblem(
            problem.message, (problem.line or 1) + opening.count("\n"), problem.column
        )
    return Split(fmt, opening, text, closing, body, problem, data)
