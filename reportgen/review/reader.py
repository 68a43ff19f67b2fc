"""Reader: a .docx as body paragraphs and tables, each piece knowing its place.

Merged cells are resolved to the grid: a horizontally merged cell (gridSpan) fills every
column it spans and a vertically merged one (vMerge) every row, each copy pointing at the
cell where the merge starts, so a table's sums can count a merged value once.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.table import _Cell
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph as WordParagraph
from docx.text.run import Run

from ..files import read_limited
from ..findings import InputError, error
from ..render.lint import unzipped_too_large, zip_problem

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
MAX_COLUMNS = 64   # Word allows 63; a damaged gridSpan must not make a row of millions


@dataclass(frozen=True)
class Place:
    """Where a finding is: a body paragraph (numbered among non-empty ones) or a table cell."""

    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None

    def describe(self) -> str:
        if self.table is None:
            return f"第{self.paragraph}段"
        where = f"表{self.table}"
        if self.row is not None:
            where += f"第{self.row}行"
        if self.column is not None:
            where += f"第{self.column}列"
        return where

    def as_json(self) -> dict[str, int]:
        fields = {"paragraph": self.paragraph, "table": self.table, "row": self.row,
                  "column": self.column}
        return {k: v for k, v in fields.items() if v is not None}


@dataclass
class SourceParagraph:
    number: int            # among non-empty body paragraphs, 1-based
    text: str
    runs: list[tuple[int, int, Run]]  # (start, end, run) over text
    style: str = ""

    @property
    def place(self) -> Place:
        return Place(paragraph=self.number)

    def runs_between(self, start: int, end: int) -> list[Run]:
        """The runs a comment on text[start:end] should cover (whole runs: Word anchors on runs)."""
        hit = [r for s, e, r in self.runs if s < end and e > start and e > s]
        return hit or [r for s, e, r in self.runs if e > s]


@dataclass
class SourceCell:
    table: int
    row: int               # 1-based grid row
    column: int            # 1-based grid column
    text: str
    origin: tuple[int, int]  # (row, column) where a merged cell starts
    word: _Cell | None = None

    @property
    def place(self) -> Place:
        return Place(table=self.table, row=self.origin[0], column=self.origin[1])

    @property
    def is_origin(self) -> bool:
        return self.origin == (self.row, self.column)

    def runs(self) -> list[Run]:
        if self.word is None:
            return []
        for paragraph in self.word.paragraphs:
            runs = [r for _, _, r in _runs_of(paragraph)[1] if r.text]
            if runs:
                return runs
        return []


@dataclass
class SourceTable:
    number: int
    rows: list[list[SourceCell]]
    after_paragraph: int   # the paragraph number just before the table (0 at the start)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, row: int, column: int) -> SourceCell | None:
        if 1 <= row <= len(self.rows) and 1 <= column <= len(self.rows[row - 1]):
            return self.rows[row - 1][column - 1]
        return None


@dataclass
class ReviewedDocument:
    path: Path
    word: WordDocument
    paragraphs: list[SourceParagraph] = field(default_factory=list)
    tables: list[SourceTable] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


def read_document(path: Path) -> ReviewedDocument:
    """Read a .docx with bounded work; anything else is an InputError marked unreadable."""
    raw = read_limited(path, "待审报告")
    problem = _package_problem(raw)
    if problem:
        raise InputError([error(problem, str(path))], unreadable=True)
    try:
        word = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        raise InputError([error(f"Word 文档已损坏，无法读取（{type(exc).__name__}）；"
                                "请在 Word 或 WPS 中打开后重新另存为 .docx", str(path))],
                         unreadable=True) from None
    doc = ReviewedDocument(path, word)
    body = word.element.body
    for element in body.iter(_P, _TBL):
        if _inside_table(element, body):
            continue
        if element.tag == _P:
            paragraph = WordParagraph(element, word)
            text, runs = _runs_of(paragraph)
            if text.strip():
                style = element.style or ""   # the style id as written (a look-up is slow)
                doc.paragraphs.append(SourceParagraph(len(doc.paragraphs) + 1, text, runs, style))
        else:
            doc.tables.append(_read_table(element, len(doc.tables) + 1, len(doc.paragraphs), word))
    return doc


def _package_problem(raw: bytes) -> str:
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return "这是旧版 Word（.doc）或 WPS 文件，或设置了打开密码的文档，但文件名以 .docx 结尾；" \
               "请把文件名改为 .doc 后再审核，或在 Word/WPS 中另存为 .docx 并取消密码"
    if not raw.startswith(b"PK"):
        return "不是有效的 Word 文档（.docx），无法读取；请用 Word 或 WPS 另存为 .docx 后再试"
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            if "word/document.xml" not in {i.filename for i in infos}:
                return "这个压缩包里没有 Word 正文（word/document.xml），不是 .docx 文件"
            return unzipped_too_large(infos, "报告") or ""
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
        return f"Word 文档已损坏（{zip_problem(exc)}）；请在 Word 或 WPS 中打开后重新另存为 .docx"


def _inside_table(element, body) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not body:
        if parent.tag == _TBL:
            return True
        parent = parent.getparent()
    return False


def _runs_of(paragraph: WordParagraph) -> tuple[str, list[tuple[int, int, Run]]]:
    parts: list[tuple[int, int, Run]] = []
    texts: list[str] = []
    pos = 0
    for item in paragraph.iter_inner_content():
        for run in (item.runs if isinstance(item, Hyperlink) else [item]):
            text = run.text
            parts.append((pos, pos + len(text), run))
            texts.append(text)
            pos += len(text)
    return "".join(texts), parts


def _read_table(tbl, number: int, after: int, word: WordDocument) -> SourceTable:
    from docx.table import Table as WordTable

    table = WordTable(tbl, word)
    rows: list[list[SourceCell]] = []
    origins: dict[int, SourceCell] = {}  # grid column → the cell above (for vMerge continue)
    for r, tr in enumerate(tbl.iterchildren(_TR), start=1):
        row: list[SourceCell] = []
        column = 1 + _grid_before(tr)
        for _ in range(column - 1):
            row.append(SourceCell(number, r, len(row) + 1, "", (r, len(row) + 1)))
        for tc in tr.iterchildren(_TC):
            if column > MAX_COLUMNS:
                break
            span = min(max(1, int(tc.grid_span or 1)), MAX_COLUMNS - column + 1)
            word_cell = _Cell(tc, table)
            above = origins.get(column)
            if tc.vMerge == "continue" and above is not None:
                origin, text, source = above.origin, above.text, above.word
            else:
                origin, text, source = (r, column), _cell_text(word_cell), word_cell
            for offset in range(span):
                cell = SourceCell(number, r, column + offset, text, origin, source)
                row.append(cell)
                origins[column + offset] = cell
            column += span
        rows.append(row)
    return SourceTable(number, rows, after)


def _grid_before(tr) -> int:
    trPr = tr.find(qn("w:trPr"))
    if trPr is None:
        return 0
    before = trPr.find(qn("w:gridBefore"))
    if before is None:
        return 0
    try:
        return min(max(0, int(before.get(qn("w:val"), "0"))), MAX_COLUMNS)
    except ValueError:
        return 0


def _cell_text(cell: _Cell) -> str:
    return "\n".join(_runs_of(p)[0] for p in cell.paragraphs)
