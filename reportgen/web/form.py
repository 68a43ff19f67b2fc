"""The figures form: the 填报表's input cells as HTML fields, from the same sheet layout
(xlsx_layout) the workbook writer and reader use, and saving the form back into data.xlsx.

A field is named by its cell ("收支!B3"), the same place check's messages name, so a
message links straight to its field. Only cells the layout declares as inputs are written;
anything else a browser sends is ignored.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..inputs.xlsx_reader import number_text, record_slots
from ..workbook.layout import (
    FORMS,
    MULTILINE,
    RECORDS,
    VALUE_COLUMN,
    CellKind,
    Field,
    FreeRows,
    SheetHeading,
    placed,
)
from .departments import cell_anchor

_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")
_NUMERIC = {CellKind.AMOUNT, CellKind.COUNT, CellKind.SCORE, CellKind.YEAR, CellKind.PERCENT}
MAX_CELL_TEXT = 10_000


@dataclass(frozen=True)
class FormField:
    sheet: str
    coord: str
    label: str
    unit: str
    kind: str
    note: str
    value: str
    indent: int = 0
    options: tuple[str, ...] = ()
    heading: bool = False   # a heading row: text only, nothing to fill in
    formula: bool = False   # the cell holds a formula: shown, not edited here

    @property
    def name(self) -> str:
        return f"{self.sheet}!{self.coord}"

    @property
    def anchor(self) -> str:
        return cell_anchor(self.sheet, self.coord)

    @property
    def multiline(self) -> bool:
        return self.kind in MULTILINE or self.kind is CellKind.TEXT and len(self.value) > 40


@dataclass(frozen=True)
class FormSection:
    sheet: str
    fields: list[FormField]


def _read(path: Path) -> bytes:
    """Read with the size limit and scanned like every 填报表: a workbook put in the folder
    outside the page could expand to millions of cells (InputError says what is too large)."""
    from ..files import read_limited
    from ..inputs.xlsx_bounds import scan_workbook

    content = read_limited(path, "Excel 填报表", path.name)
    scan_workbook(content, path.name)
    return content


def _load(content: bytes, data_only: bool):
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(io.BytesIO(content), data_only=data_only)


def form_sections(path: Path) -> list[FormSection]:
    return _sections(_read(path))


def _sections(content: bytes) -> list[FormSection]:
    formulas = _load(content, False)
    # The values Excel saved for formulas need a second load; most 填报表 have none.
    has_formulas = any(c.data_type == "f" for ws in formulas.worksheets
                       for row in ws.iter_rows() for c in row)
    values = _load(content, True) if has_formulas else formulas
    sections = []
    for sheet in FORMS:
        if sheet.name not in values.sheetnames:
            continue
        ws, wf = values[sheet.name], formulas[sheet.name]
        options = _list_options(wf)
        fields: list[FormField] = []
        for spot in placed(sheet):
            entry = spot.entry
            if isinstance(entry, SheetHeading):
                fields.append(FormField(sheet.name, f"A{spot.row}", entry.text, "", "", entry.note,
                                        "", entry.indent, heading=True))
            elif isinstance(entry, Field):
                coord = f"{VALUE_COLUMN}{spot.row}"
                fields.append(_field(ws, wf, sheet.name, coord, entry.label, entry.unit,
                                     entry.kind, entry.note, entry.indent, options))
            elif isinstance(entry, FreeRows):
                for row in range(spot.row, spot.row + entry.count):
                    fields.append(_field(ws, wf, sheet.name, f"A{row}", "项目名称", "", CellKind.TEXT,
                                         entry.note, entry.indent, options))
                    fields.append(_field(ws, wf, sheet.name, f"{VALUE_COLUMN}{row}", "数值",
                                         entry.unit, entry.kind, "", entry.indent + 1, options))
        sections.append(FormSection(sheet.name, fields))
    for record in RECORDS:
        if record.name not in values.sheetnames:
            continue
        ws, wf = values[record.name], formulas[record.name]
        options = _list_options(wf)
        headers = {i: c.header for i, c in enumerate(record.columns, start=1)}
        fields = []
        last = ""
        for slot in record_slots(wf, record):
            col = wf[slot.coord].column
            label = slot.name if slot.name != last else ""
            last = slot.name
            criterion = wf.cell(slot.row, 3).value if record.items == "list" else ""
            fields.append(_field(ws, wf, record.name, slot.coord,
                                 label or "", headers.get(col, ""), slot.kind,
                                 str(criterion or ""), 0, options))
        sections.append(FormSection(record.name, fields))
    return sections


def _field(ws, wf, sheet: str, coord: str, label: str, unit: str, kind: CellKind, note: str,
           indent: int, options: dict[str, tuple[str, ...]]) -> FormField:
    cell = ws[coord]
    return FormField(sheet, coord, label, unit, str(kind), note, display(cell.value,
                     cell.number_format), indent, options.get(coord, ()),
                     formula=wf[coord].data_type == "f")


def display(value: object, number_format: str | None) -> str:
    """A cell's value as the form shows it: as the reader reads it (6927.32, 92.31%)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return number_text(value, percent="%" in (number_format or ""))
    return str(value)


def _list_options(ws) -> dict[str, tuple[str, ...]]:
    """Cells with an in-sheet drop-down list ("是,否"): the form offers the same choices."""
    out: dict[str, tuple[str, ...]] = {}
    for dv in ws.data_validations.dataValidation:
        formula = dv.formula1 or ""
        if dv.type != "list" or not (formula.startswith('"') and formula.endswith('"')):
            continue
        choices = tuple(c.strip() for c in formula.strip('"').split(",") if c.strip())
        for rng in dv.sqref.ranges:
            for row in range(rng.min_row, rng.max_row + 1):
                for col in range(rng.min_col, rng.max_col + 1):
                    out[ws.cell(row, col).coordinate] = choices
    return out


def input_cells(path: Path) -> dict[str, str]:
    """Every editable field name → its kind, from the layout and the workbook's rows."""
    cells: dict[str, str] = {}
    for section in form_sections(path):
        for f in section.fields:
            if not f.heading and not f.formula:
                cells[f.name] = f.kind
    return cells


def apply_form(path: Path, submitted: dict[str, str]) -> tuple[bytes, list[str]]:
    """The workbook with the submitted fields written in; returns (bytes, changed cells).

    Only fields whose value differs from what the form showed are written, so a cell
    nobody touched keeps its exact value and type."""
    content = _read(path)  # once: what the form showed and what is written are one read
    shown_now = {f.name: f for s in _sections(content) for f in s.fields
                 if not f.heading and not f.formula}
    wb = _load(content, False)
    changed = []
    for name, text in submitted.items():
        f = shown_now.get(name)
        if f is None:
            continue
        text = text.replace("\r\n", "\n").strip()[:MAX_CELL_TEXT]
        if text == f.value:
            continue
        cell = wb[f.sheet][f.coord]
        cell.value = cell_value(CellKind(f.kind), text, cell.number_format)
        changed.append(name)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), changed


def cell_value(kind: CellKind, text: str, number_format: str | None) -> object:
    """What a clerk typing the text into Excel would leave in the cell: numbers as numbers,
    percentages in percent cells as fractions, ISO dates as dates, anything else as text
    (so a wrong entry stays visible, and check names it at its cell)."""
    if not text:
        return None
    percent = "%" in (number_format or "")
    plain = text.removesuffix("%") if percent else text
    if kind in _NUMERIC and _PLAIN.match(plain):
        try:
            number = Decimal(plain)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return text
        if percent:
            return float(number / 100)
        if "." not in plain:
            return int(number)
        return float(number)
    if kind == CellKind.DATE:
        try:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(0))
        except ValueError:
            return text
    return text
