"""A small document tree between composition and rendering (cf. pandoc's AST).

Composition decides what the report says; a renderer decides how each kind of element
is written. Text here is plain Unicode: escaping belongs to the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass

from .template_contract import BODY, FIELDS, SECTIONS


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    marked: bool = False  # a draft mark (【待核实：…】), highlighted where it stands


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    style: str = BODY  # a paragraph style id of template_contract
    left_chars: int = 0  # left indent in hundredths of a grid character (署名, 成文日期)
    keep_next: bool = False  # on the same page as the next block

    @classmethod
    def of(cls, text: str, style: str = BODY, bold: bool = False) -> Paragraph:
        return cls((Run(text, bold),), style)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Heading:
    """A numbered heading; level 2 is （一）, 3 is 1., 4 is （1） (level 1 is the template's)."""

    level: int
    text: str


# A cell merged with the cells below it (w:vMerge): the first of them says RESTART and
# holds the text, the cells it covers say CONTINUE and hold nothing.
RESTART, CONTINUE = "restart", "continue"


@dataclass(frozen=True)
class Cell:
    paragraphs: tuple[Paragraph, ...]
    span: int = 1  # columns it covers (w:gridSpan)
    merge: str = ""  # RESTART or CONTINUE of a vertical merge, "" for none


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    header: bool = False
    keep_next: bool = False  # on the same page as the next row (rows that go together)


@dataclass(frozen=True)
class Table:
    widths_mm: tuple[float, ...]
    rows: tuple[Row, ...]
    min_row_height_mm: float = 0
    keep_together: bool = False  # on one page when it fits (small tables in the body)


Block = Paragraph | Heading | Table


@dataclass
class ReportDocument:
    """Values for the template: plain fields (cover, title) and block lists by placeholder,
    exactly the names of template_contract (a mismatch is a programming error)."""

    fields: dict[str, str]
    sections: dict[str, list[Block]]

    def __post_init__(self) -> None:
        if set(self.fields) != set(FIELDS) or set(self.sections) != set(SECTIONS):
            raise ValueError("the composed document's names differ from template_contract's")
