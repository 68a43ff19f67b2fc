"""Test helper: fill a blank 填报表 with data.yaml's values, so the Excel path can be checked
against the YAML path on the same figures. Not part of the program: no user needs it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import load_workbook

from reportgen.inputs.xlsx_reader import record_slots
from reportgen.workbook.blank import save_workbook
from reportgen.workbook.layout import (
    CHECKLISTS,
    CLAIMS,
    FORMS,
    JUDGEMENTS,
    VALUE_COLUMN,
    CellKind,
    Field,
    FreeRows,
    placed,
)


def cell_of(*path: str) -> tuple[str, str]:
    """(sheet, coordinate) of the input cell of a form field, from the layout."""
    for sheet in FORMS:
        for spot in placed(sheet):
            if isinstance(spot.entry, Field) and spot.entry.path == path:
                return sheet.name, f"{VALUE_COLUMN}{spot.row}"
    raise KeyError(path)


_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")
_NOTHING = {"", "无", "没有", "不适用", "~"}


def fill_from_raw(path: Path, raw: dict) -> list[str]:
    """Write data.yaml's raw values (as read_yaml gives) into the workbook at path.

    Returns the fields that have no cell in the workbook (dotted key paths); an empty list
    means every value was placed. Plain numbers are written as numbers (percentages into
    percent cells as fractions), dates as dates, lists as one item per line; anything else
    is written as typed, so the reader sees the same text.
    """
    path = Path(path)
    wb = load_workbook(path)
    cells: dict[tuple, tuple] = {}
    free: dict[tuple, list[tuple]] = {}
    for sheet in FORMS:
        ws = wb[sheet.name]
        for spot in placed(sheet):
            entry = spot.entry
            if isinstance(entry, Field):
                cells[entry.path] = (ws[f"{VALUE_COLUMN}{spot.row}"], entry.kind)
            elif isinstance(entry, FreeRows):
                free[entry.path] = [(ws.cell(r, 1), ws[f"{VALUE_COLUMN}{r}"], entry.kind)
                                    for r in range(spot.row, spot.row + entry.count)]
    for record in (CHECKLISTS, JUDGEMENTS, CLAIMS):
        ws = wb[record.name]
        for slot in record_slots(ws, record):
            cells[slot.path] = (ws[slot.coord], slot.kind)
    unplaced: list[str] = []
    _fill(raw, (), cells, free, unplaced)
    save_workbook(wb, path)
    return unplaced


def _fill(node: object, path: tuple, cells: dict, free: dict, unplaced: list[str]) -> None:
    if path in cells:
        cell, kind = cells[path]
        _write(cell, kind, node)
    elif isinstance(node, dict):
        for key, value in node.items():
            _fill(value, (*path, key), cells, free, unplaced)
    elif isinstance(node, list) and (*path, 0) in cells:
        for i, value in enumerate(node):
            _fill(value, (*path, i), cells, free, unplaced)
    elif not isinstance(node, (dict, list)) and (*path, "合计") in cells:
        _fill(node, (*path, "合计"), cells, free, unplaced)  # a bare number is the total
    elif node is None or (isinstance(node, str) and node.strip() in _NOTHING):
        return  # "无" for an optional group: leaving its cells empty says the same
    elif path[:-1] in free and free[path[:-1]]:
        name_cell, cell, kind = free[path[:-1]].pop(0)
        name_cell.value = str(path[-1])
        _write(cell, kind, node)
    else:
        unplaced.append(".".join(str(p) for p in path))


def _write(cell, kind: CellKind, value: object) -> None:
    if isinstance(value, list):
        cell.value = "\n".join(str(v) for v in value)
        return
    text = "" if value is None else str(value).strip()
    if not text:
        return
    percent = "%" in (cell.number_format or "")
    number = _plain_number(text.removesuffix("%") if percent else text)
    if kind in (CellKind.AMOUNT, CellKind.COUNT, CellKind.SCORE, CellKind.YEAR, CellKind.PERCENT) and number is not None:
        if percent:
            number /= 100
        cell.value = int(number) if number == number.to_integral_value() and "." not in text \
            and not percent else float(number)
    elif kind is CellKind.DATE and _iso_date(text) is not None:
        cell.value = _iso_date(text)
    else:
        cell.value = text


def _plain_number(text: str) -> Decimal | None:
    if not _PLAIN.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
