"""Value objects the render pipeline returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Something the author should know about a render: an unknown Liquid tag,
    a missing include, a render that took too long. ``line``/``column`` are
    1-based positions in the whole file (front matter counted) when known."""

    message: str
    line: int | None = None
    column: int | None = None
    severity: Severity = "warning"

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return where + self.message


@dataclass(frozen=True, slots=True)
class Block:
    """One top-level piece of the rendered body.

    ``id`` is stable for the same source text at the same position among
    equal texts, so a preview can patch only blocks whose id changed;
    ``line`` is the 1-based file line the block's source starts on.
    """

    id: str
    html: str
    line: int


@dataclass(frozen=True, slots=True)
class BlockChange:
    """How a render's blocks differ from those of the render numbered
    ``base``: the first ``prefix`` blocks are the same, the next ``removed``
    are replaced by ``inserted`` new ones, and every block after those is the
    same block moved by ``shift`` lines."""

    base: int
    prefix: int
    removed: int
    inserted: int
    shift: int


@dataclass(frozen=True, slots=True)
class RenderResult:
    """A rendered body: its blocks in order, and what went wrong.

    ``serial`` numbers the renders of one pipeline; ``change``, when known,
    says which blocks differ from an earlier render (neither takes part in
    comparing results)."""

    blocks: tuple[Block, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    #: CJK characters and Latin words of the body (markup not counted).
    cjk: int = 0
    words: int = 0
    serial: int = field(default=0, compare=False)
    change: BlockChange | None = field(default=None, compare=False)

    @property
    def html(self) -> str:
        """The whole body HTML, as Jekyll's ``{{ content }}`` would be."""
        return "\n".join(block.html for block in self.blocks)
