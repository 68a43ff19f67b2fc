"""A small document tree between composition and rendering (cf. pandoc's AST).

Composition decides what the report says; a renderer decides how each kind of element
is written. Text here is plain Unicode: escaping belongs to the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    style: str = "Normal"

    @classmethod
    def of(cls, text: str, style: str = "Normal", bold: bool = False) -> Paragraph:
        return cls((Run(text, bold),), style)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Heading:
    """A numbered heading; level 2 is （一）, 3 is 1., 4 is （1） (level 1 is the template's)."""

    level: int
    text: str


Merge = Literal["restart", "continue"] | None


@dataclass(frozen=True)
class Cell:
    paragraphs: tuple[Paragraph, ...]
    merge: Merge = None
    span: int = 1


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    header: bool = False


@dataclass(frozen=True)
class Table:
    widths_mm: tuple[float, ...]
    rows: tuple[Row, ...]
    min_row_height_mm: float = 0


Block = Paragraph | Heading | Table


@dataclass
class ReportDocument:
    """Values for the template: plain fields (cover, title) and block lists by placeholder."""

    fields: dict[str, str] = field(default_factory=dict)
    sections: dict[str, list[Block]] = field(default_factory=dict)
