"""Read a filled 填报表 (data.xlsx) into the raw structure data.yaml gives.

The result is nested dicts and lists of strings, as yaml_source.parse_yaml produces, so the
same model validation and checks apply. Numbers become text here and are parsed (exactly, as
Decimal) by the model; a location is `data.xlsx「收支」!B7` instead of a line number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from ..files import read_limited
from ..findings import Finding, InputError, error, warning
from ..text import quoted, shown
from ..workbook.layout import (
    FORMS,
    RECORDS,
    SHEET_NAMES,
    VALUE_COLUMN,
    CellKind,
    Field,
    FormSheet,
    FreeRows,
    RecordSheet,
    placed,
)
from .paths import at_longest_prefix
from .xlsx_bounds import scan_workbook

# A list cell: 内设机构 one a line or 、-separated; 工作安排 one a line (an item may hold 、).
_SPLIT = {CellKind.LINES: re.compile(r"[\r\n、；;]+"), CellKind.STEPS: re.compile(r"[\r\n]+")}
_CELL_AT_START = re.compile(r"^「([^」]+)」!([A-Z]+[0-9]+)")
_TEXT_KINDS = {CellKind.TEXT, CellKind.LINES, CellKind.STEPS, CellKind.FRAMEWORK}


@dataclass
class XlsxLocator:
    """Where each field of the model sits in the workbook: 「sheet」!cell."""

    file: str
    cells: dict[tuple, tuple[str, str]] = field(default_factory=dict)

    def place(self, path: tuple) -> tuple[str, int | None]:
        hit = at_longest_prefix(self.cells, path, shortest=1)
        return (self.file, None) if hit is None else (self.label(*hit), None)

    def label(self, sheet: str, coord: str) -> str:
        return f"{self.file}「{sheet}」!{coord}"

    def path_at(self, finding: Finding) -> tuple | None:
        """The field whose cell a reading error names (「收支」!B7 at the start of its
        message): the longest path registered at that cell."""
        match = _CELL_AT_START.match(finding.message)
        if match is None:
            return None
        spot = (match.group(1), match.group(2))
        paths = [path for path, cell in self.cells.items() if cell == spot]
        return max(paths, key=len) if paths else None

    def register(self, path: tuple, sheet: str, coord: str) -> None:
        """The first cell registered under a path (or any prefix of it) stands for the group."""
        for cut in range(len(path), 0, -1):
            self.cells.setdefault(tuple(path[:cut]), (sheet, coord))


@dataclass(frozen=True)
class RecordSlot:
    """An input cell of a record table, identified by the indicator name in column A."""

    path: tuple
    coord: str
    kind: CellKind
    row: int
    name: str


class XlsxSource(NamedTuple):
    data: dict
    locator: XlsxLocator
    notes: list[Finding]
    digest: str  # sha256 of the bytes read, for the build record


def read_xlsx(path: Path) -> XlsxSource:
    """Raises InputError(unreadable=True) when the file is not a readable .xlsx workbook."""
    file = str(path)
    values, formulas, digest = _open(path, file)
    known = [name for name in values.sheetnames if name in SHEET_NAMES]
    if not known:
        raise InputError([error(
            f"{Path(path).name} 中没有填报表的工作表（{'、'.join(s.name for s in FORMS)} …）；"
            "请用 reportgen init 生成填报表后再填写", file)], unreadable=True)
    reader = _Reader(file, values, formulas)
    for sheet in FORMS:
        if reader.has_sheet(sheet.name):
            reader.read_form(sheet)
    for record in RECORDS:
        if reader.has_sheet(record.name):
            reader.read_records(record)
    for name in values.sheetnames:
        if name not in SHEET_NAMES:
            reader.notes.append(warning(f"工作表「{name}」不是填报表的一部分，其内容未被读取", file))
    return XlsxSource(reader.raw, reader.locator, reader.notes, digest)


def _open(path: Path, file: str):
    """The workbook loaded once (values), after scan_workbook found it of a sane size."""
    from openpyxl import load_workbook

    content = read_limited(path, "Excel 填报表", file)
    scan = scan_workbook(content, file)
    hint = "请在 Excel/WPS 中打开后另存为 .xlsx 格式（Excel 工作簿），文件名为 data.xlsx"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about Excel extensions it skips
            values = load_workbook(io.BytesIO(content), data_only=True)
    except Exception:  # noqa: BLE001 - KeyError, XML errors … from openpyxl all mean "not xlsx"
        raise InputError([error(f"无法读取 Excel 文件 {shown(Path(path).name)}：文件已损坏、"
                                f"不是 .xlsx 格式或设置了打开密码；{hint}", file)],
                         unreadable=True) from None
    return values, scan.uncached_formulas, hashlib.sha256(content).hexdigest()


class _Reader:
    def __init__(self, file: str, values, formulas: dict[str, set[str]]) -> None:
        self.file = file
        self.values = values
        self.formulas = formulas
        self.raw: dict = {}
        self.locator = XlsxLocator(file)
        self.notes: list[Finding] = []

    def has_sheet(self, name: str) -> bool:
        if name in self.values.sheetnames:
            return True
        self.notes.append(warning(f"缺少工作表「{name}」，其中各项按未填写处理；"
                                  "可用 reportgen init 在另一个文件夹生成完整的空白填报表（init 不会覆盖已有的 data.xlsx），再把数据抄过去", self.file))
        return False

    def where(self, sheet: str, coord: str) -> str:
        return f"「{sheet}」!{coord}"

    # -- form sheets -----------------------------------------------------------------------

    def read_form(self, sheet: FormSheet) -> None:
        ws = self.values[sheet.name]
        if not self._layout_intact(sheet, ws):
            return
        for spot in placed(sheet):
            entry = spot.entry
            if isinstance(entry, Field):
                coord = f"{VALUE_COLUMN}{spot.row}"
                self.locator.register(entry.path, sheet.name, coord)
                self._take(sheet.name, coord, entry.kind, entry.path)
            elif isinstance(entry, FreeRows):
                self._read_free_rows(sheet.name, entry, spot.row)

    def _layout_intact(self, sheet: FormSheet, ws) -> bool:
        for spot in placed(sheet):
            entry = spot.entry
            expected = entry.label if isinstance(entry, Field) else getattr(entry, "text", "")
            if spot.row > ws.max_row:  # rows added to the layout after this workbook was made
                self.notes.append(warning(
                    f"{self.where(sheet.name, f'A{spot.row}')} 起没有内容：本填报表生成时还没有"
                    f"“{expected or entry.key}”等行，这些项按未填写处理；需要填写时可用 reportgen init "
                    "在另一个文件夹生成空白填报表（init 不会覆盖已有的 data.xlsx），再把数据抄过去",
                    self.file))
                break
            if isinstance(entry, FreeRows):
                continue
            got = _clean(ws[f"A{spot.row}"].value)
            if got != expected:
                self.notes.append(error(
                    f"{self.where(sheet.name, f'A{spot.row}')} 应为“{expected}”，实际为“{got or '空'}”："
                    "表格的行被插入、删除或移动过，本表无法按位置读取。请勿改动表格结构"
                    "（可用 reportgen init 在另一个文件夹生成空白填报表——init 不会覆盖已有的 data.xlsx——再把数据抄过去）", self.file))
                return False
        return True

    def _read_free_rows(self, sheet: str, entry: FreeRows, first: int) -> None:
        self.locator.register(entry.path, sheet, f"{VALUE_COLUMN}{first}")
        for row in range(first, first + entry.count):
            name_coord, coord = f"A{row}", f"{VALUE_COLUMN}{row}"
            name = self._value(sheet, name_coord, CellKind.TEXT)
            if isinstance(name, list):  # pragma: no cover - TEXT never yields a list
                name = "、".join(name)
            value = self._value(sheet, coord, entry.kind)
            if name is None and value is None:
                continue
            if name is None:
                self.notes.append(error(f"{self.where(sheet, coord)} 填了数值，但左侧{name_coord}"
                                        "没有填写项目名称；请补上名称", self.file))
                continue
            if value is None:
                self.notes.append(warning(f"{self.where(sheet, name_coord)} 填了“{name}”但没有填写数值，"
                                          "此行未被读取", self.file))
                continue
            path = (*entry.path, name)
            self.locator.register(path, sheet, coord)
            _put(self.raw, path, value)

    # -- record tables ---------------------------------------------------------------------

    def read_records(self, sheet: RecordSheet) -> None:
        ws = self.values[sheet.name]
        answers: dict[str, list[tuple[RecordSlot, object]]] = {}
        slots = list(record_slots(ws, sheet, self._stray(sheet)))
        # A record's group path stands for its first cell that can be filled in.
        for slot in sorted(slots, key=lambda s: ws[s.coord].protection.locked):
            self.locator.register(slot.path, sheet.name, slot.coord)
        for slot in slots:
            value = self._value(sheet.name, slot.coord, slot.kind)
            if sheet.items == "list" and isinstance(slot.path[-1], int):
                answers.setdefault(slot.name, []).append((slot, value))
            elif value is not None:
                _put(self.raw, slot.path, value)
        for name, items in answers.items():
            if all(value is None for _, value in items):
                continue
            missing = [s.coord for s, value in items if value is None]
            if missing:
                cells = "、".join(self.where(sheet.name, c) for c in missing)
                self.notes.append(error(f"指标{quoted(name)}的清单评价有{len(missing)}项未填写（{cells}）；"
                                        "请逐项选择 是 或 否", self.file,
                                        field=f"{sheet.key}.{name}"))
                continue
            _put(self.raw, (*sheet.path, name), [value for _, value in items])

    def _stray(self, sheet: RecordSheet):
        def report(coord: str) -> None:
            self.notes.append(warning(f"{self.where(sheet.name, coord)} 有填写，但该行没有指标名称，"
                                      "已忽略", self.file))
        return report

    # -- one cell --------------------------------------------------------------------------

    def _take(self, sheet: str, coord: str, kind: CellKind, path: tuple) -> None:
        value = self._value(sheet, coord, kind)
        if value is not None:
            _put(self.raw, path, value)

    def _value(self, sheet: str, coord: str, kind: CellKind) -> str | list[str] | None:
        cell = self.values[sheet][coord]
        where = self.where(sheet, coord)
        value = cell.value
        if value is None:
            if coord in self.formulas.get(sheet, ()):
                self.notes.append(error(f"{where} 是公式但没有保存计算结果，请在 Excel/WPS 中打开并保存后再试",
                                        self.file))
            return None
        if isinstance(value, str) and not value.strip():
            return None
        if cell.data_type == "e":
            self.notes.append(error(f"{where} 的公式结果是错误值 {value}，请修正公式", self.file))
            return None
        text = self._text(value, cell.number_format, kind, where)
        if kind in _SPLIT:
            items = [part.strip() for part in _SPLIT[kind].split(text)]
            return [item for item in items if item] or None
        return text

    def _text(self, value: object, number_format: str, kind: CellKind, where: str) -> str:
        if isinstance(value, bool):
            if kind is CellKind.YES_NO:
                return "是" if value else "否"
            return "TRUE" if value else "FALSE"
        if isinstance(value, dt.datetime):
            if value.time() == dt.time(0):
                return value.date().isoformat()
            return value.isoformat(sep=" ")
        if isinstance(value, (dt.date, dt.time)):
            return value.isoformat()
        if isinstance(value, dt.timedelta):
            return str(value)
        if isinstance(value, (int, float)):
            if kind in _TEXT_KINDS and isinstance(value, float) and abs(value) >= 1e15:
                self.notes.append(warning(
                    f"{where} 的数字超过15位，Excel 已丢失末几位；请把单元格设为文本格式后重新输入",
                    self.file))
            return number_text(value, percent="%" in (number_format or ""))
        return str(value).replace("\r\n", "\n").strip()


def number_text(value: int | float, percent: bool = False) -> str:
    """A cell's number as the text a clerk would type: 6927.32, 78, 92.31% (percent cells).

    Floats keep 15 significant digits, Excel's own precision: a hand-typed 6927.32 reads back
    exactly, and a formula's binary noise (=0.1+0.2 → 0.30000000000000004) reads as 0.3.
    """
    number = Decimal(value) if isinstance(value, int) else Decimal(format(value, ".15g"))
    if percent:
        number *= 100
    if number == 0:
        number = Decimal(0)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%" if percent else text


def record_slots(ws, sheet: RecordSheet, stray=None) -> Iterator[RecordSlot]:
    """Every input cell of a record table, in row order; rows are found by the name in column A.

    The name of a checklist spans its item rows (a merged cell), so a row whose column A is
    part of a merged range takes the name at the top of the range.
    """
    inputs = sheet.input_columns()
    totals = [(i, c) for i, c in inputs if c.header == sheet.total_column] if sheet.total_label \
        else []
    counts: dict[str, int] = {}
    tops = _merged_tops(ws)
    for row in range(2, ws.max_row + 1):
        name = _clean(ws.cell(row, 1).value)
        if not name and (row, 1) in tops:
            name = _clean(ws.cell(*tops[(row, 1)]).value)
        if not name:
            if stray is not None:
                for col, _ in inputs:
                    if _clean(ws.cell(row, col).value):
                        stray(ws.cell(row, col).coordinate)
            continue
        if sheet.total_label and name == sheet.total_label:
            for col, column in totals:
                yield RecordSlot(tuple(sheet.total_key.split("/")), ws.cell(row, col).coordinate,
                                 column.kind or CellKind.TEXT, row, name)
            continue
        for col, column in inputs:
            coord = ws.cell(row, col).coordinate
            kind = column.kind or CellKind.TEXT
            if sheet.items == "list":
                index = counts.get(name, 0)
                counts[name] = index + 1
                yield RecordSlot((*sheet.path, name, index), coord, kind, row, name)
            else:
                yield RecordSlot((*sheet.path, name, column.key), coord, kind, row, name)


def _merged_tops(ws) -> dict[tuple[int, int], tuple[int, int]]:
    tops: dict[tuple[int, int], tuple[int, int]] = {}
    for rng in ws.merged_cells.ranges:
        for row in range(rng.min_row, rng.max_row + 1):
            for col in range(rng.min_col, rng.max_col + 1):
                if (row, col) != (rng.min_row, rng.min_col):
                    tops[(row, col)] = (rng.min_row, rng.min_col)
    return tops


def _clean(value: object) -> str:
    return "" if value is None else str(value).strip()


def _put(raw: dict, path: tuple, value: object) -> None:
    node = raw
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


__all__ = ["read_xlsx", "XlsxSource", "XlsxLocator", "RecordSlot", "record_slots", "number_text"]
