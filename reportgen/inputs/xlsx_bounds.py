"""Look inside an .xlsx before openpyxl loads it: refuse a workbook whose sheets would
expand beyond what a 填报表 can be, saying what is too large and where.

openpyxl builds every cell of every sheet (and every cell of a merged range) in memory:
a 662 KB workbook with 8 million rows took 144 s, one merged range F2:XFD1048576 85 s,
and an extra million-row sheet that is never read 66 s. Here the zip directory is read
first (what the parts claim to unzip to), then each sheet's XML is streamed once and
the scan stops at the first limit passed: rows, cells, the farthest cell, merged areas.
The same pass notes the formula cells saved without a computed value, so openpyxl needs
to load the workbook once (with values) instead of twice.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from lxml import etree

from ..files import unzipped_too_large, zip_problem
from ..findings import InputError, error

MAX_ROWS = 20_000           # row elements in one sheet (a 填报表 sheet has a few hundred)
MAX_CELLS = 500_000         # cells in the whole workbook
MAX_ROW_INDEX = 20_000      # the farthest row a cell may sit in
MAX_COLUMN_INDEX = 200      # … and the farthest column (GR)
MAX_MERGED_CELLS = 200_000  # cells covered by merged ranges, all sheets together

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": False}


@dataclass
class WorkbookScan:
    """What the scan learned: formula cells without a saved value, by sheet name."""

    uncached_formulas: dict[str, set[str]] = field(default_factory=dict)


def scan_workbook(content: bytes, file: str) -> WorkbookScan:
    """Raises InputError(unreadable=True) naming what is too large, or why it is no .xlsx."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            too_big = unzipped_too_large(archive.infolist(), "Excel 填报表")
            if too_big:
                raise _refuse(too_big, file)
            sheets = _sheet_parts(archive)
            scan, budget = WorkbookScan(), _Budget()
            for name, part in sheets:
                if part in archive.NameToInfo:
                    with archive.open(part) as stream:
                        _scan_sheet(stream, name, file, scan, budget)
            return scan
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
            NotImplementedError, ValueError, KeyError, etree.LxmlError) as exc:
        reason = zip_problem(exc) if not isinstance(exc, etree.LxmlError) else "其中的表格内容不是合法的 XML"
        raise _refuse(f"无法读取 Excel 文件 {posixpath.basename(file)}：文件已损坏、不是 .xlsx 格式"
                      f"或设置了打开密码（{reason}）；"
                      "请在 Excel/WPS 中打开后另存为 .xlsx 格式（Excel 工作簿），文件名为 data.xlsx",
                      file) from None


@dataclass
class _Budget:
    cells: int = 0
    merged: int = 0


def _refuse(message: str, file: str) -> InputError:
    return InputError([error(message, file)], unreadable=True)


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) for every sheet the workbook lists."""
    if "xl/workbook.xml" not in archive.NameToInfo:
        raise KeyError("xl/workbook.xml")
    book = etree.fromstring(archive.read("xl/workbook.xml"), etree.XMLParser(**_PARSER_OPTIONS))
    targets: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in archive.NameToInfo:
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"),
                                etree.XMLParser(**_PARSER_OPTIONS))
        for rel in rels.iter(f"{_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id", "")] = path
    return [(sheet.get("name", ""), targets.get(sheet.get(f"{_REL}id", ""), ""))
            for sheet in book.iter(f"{_MAIN}sheet")]


def _scan_sheet(stream, name: str, file: str, scan: WorkbookScan, budget: _Budget) -> None:  # noqa: ANN001
    rows = 0
    where = f"工作表「{name}」"
    for _, element in etree.iterparse(stream, events=("end",), **_PARSER_OPTIONS):
        tag = element.tag
        if tag == f"{_MAIN}c":
            budget.cells += 1
            reference = element.get("r", "")
            _check_cell(reference, where, file)
            value = element.find(f"{_MAIN}v")
            saved = value is not None and bool(value.text)  # openpyxl writes <v></v>
            if not saved and reference and element.find(f"{_MAIN}f") is not None:
                scan.uncached_formulas.setdefault(name, set()).add(reference)
            if budget.cells > MAX_CELLS:
                raise _refuse(f"Excel 填报表中的单元格过多（超过 {MAX_CELLS:,} 个，已数到{where}）；"
                              "填报表只需几百行，请删去多余的行、列或工作表后另存", file)
            element.clear()
        elif tag == f"{_MAIN}row":
            rows += 1
            if rows > MAX_ROWS:
                raise _refuse(f"{where}的行数过多（超过 {MAX_ROWS:,} 行）；填报表只需几百行，"
                              "请删去多余的行（或多余的工作表）后另存", file)
            element.clear()
            while element.getprevious() is not None:  # keep memory flat on huge sheets
                del element.getparent()[0]
        elif tag == f"{_MAIN}mergeCell":
            area = _area(element.get("ref", ""))
            budget.merged += area
            if budget.merged > MAX_MERGED_CELLS:
                raise _refuse(f"{where}合并了单元格 {element.get('ref', '')}（{area:,} 个单元格），"
                              f"合并的范围过大（合计上限 {MAX_MERGED_CELLS:,} 个）；"
                              "请取消该合并后另存", file)


def _check_cell(reference: str, where: str, file: str) -> None:
    match = _CELL.match(reference)
    if match is None:
        return
    row, column = int(match.group(2)), _column_index(match.group(1))
    if row > MAX_ROW_INDEX or column > MAX_COLUMN_INDEX:
        raise _refuse(f"{where}的 {reference} 有内容或格式，超出填报表的范围（最多 {MAX_ROW_INDEX:,} 行、"
                      f"{MAX_COLUMN_INDEX} 列）；请清除该单元格（连同格式）后另存", file)


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def _area(ref: str) -> int:
    corners = ref.split(":")
    if len(corners) != 2:
        return 1
    first, last = (_CELL.match(c) for c in corners)
    if first is None or last is None:
        return 1
    rows = abs(int(last.group(2)) - int(first.group(2))) + 1
    columns = abs(_column_index(last.group(1)) - _column_index(first.group(1))) + 1
    return rows * columns
