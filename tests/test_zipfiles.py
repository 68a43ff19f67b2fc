"""Every package reportgen writes depends only on its content (reportgen/zipfiles.py)."""

from __future__ import annotations

import io
import time
import zipfile

from openpyxl import Workbook

from reportgen.zipfiles import restamped, workbook_bytes


def _workbook(write_only: bool) -> Workbook:
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("汇总") if write_only else wb.active
    ws.append(["部门", "总分"])
    ws.append(["商务局", 90.47])
    return wb


def test_equal_workbooks_give_equal_bytes_whenever_they_are_saved():
    for write_only in (False, True):
        first = workbook_bytes(_workbook(write_only))
        time.sleep(1.1)  # a clock in the zip headers or the properties would show now
        assert workbook_bytes(_workbook(write_only)) == first
        core = zipfile.ZipFile(io.BytesIO(first)).read("docProps/core.xml").decode()
        assert "2000-01-01T00:00:00Z" in core


def test_restamped_keeps_every_entry_and_fixes_its_header():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("b.xml", "<b/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    stamped = zipfile.ZipFile(io.BytesIO(restamped(out.getvalue(), sort=True)))
    assert stamped.namelist() == ["[Content_Types].xml", "b.xml"]
    assert stamped.read("b.xml") == b"<b/>"
    assert {info.date_time for info in stamped.infolist()} == {(1980, 1, 1, 0, 0, 0)}
