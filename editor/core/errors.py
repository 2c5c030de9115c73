"""Errors the core raises, each carrying the file and position it concerns.

Every message is meant to be shown to a person as it is: one line naming the
file and, where there is one, the line and column.
"""

from __future__ import annotations

from pathlib import Path


class GalleyError(Exception):
    """Base of every error the core reports to a user."""

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return where + self.message


class UnreadableFileError(GalleyError):
    """The file cannot be opened for editing (binary, unknown encoding, I/O)."""


class EncodingError(GalleyError):
    """The text holds a character the file's encoding cannot store."""


class SaveError(GalleyError):
    """Writing failed; the original file is untouched."""


class ConflictError(SaveError):
    """The file changed on disk since it was loaded; saving would overwrite it."""


class FrontMatterError(GalleyError):
    """Front matter could not be parsed or edited (line/column in the file)."""
