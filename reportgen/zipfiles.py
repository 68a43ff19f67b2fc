"""Zip packages (.docx, .xlsx) written byte for byte the same for the same content.

Every writer of a package goes through here: fixed time stamps and file attributes, so
a report, a 填报表 or the shipped template depends only on what is in it.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can say
DOCUMENT_TIME = dt.datetime(2000, 1, 1)  # created/modified of a workbook's properties


def fixed_entry(name: str) -> zipfile.ZipInfo:
    """An entry header with nothing in it but the name: no time, no system, no owner."""
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0  # the same header bytes on every OS
    info.external_attr = 0o644 << 16
    return info


def restamped(package: bytes, *, sort: bool = False, level: int | None = None) -> bytes:
    """The same entries with fixed headers (in name order if sort), compressed at level."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = [info.filename for info in source.infolist()]
        # "[Content_Types].xml" sorts first, where OPC readers expect it.
        for name in sorted(names) if sort else names:
            target.writestr(fixed_entry(name), source.read(name), compresslevel=level)
    return out.getvalue()


def workbook_bytes(workbook, title: str = "") -> bytes:
    """An openpyxl workbook (any mode) as .xlsx bytes: fixed properties and zip headers."""
    props = workbook.properties
    props.created = props.modified = DOCUMENT_TIME
    props.creator = props.lastModifiedBy = "reportgen"
    if title:
        props.title = title
    # ExcelWriter, not workbook.save: save stamps properties.modified with the clock.
    from openpyxl.writer.excel import ExcelWriter

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return restamped(out.getvalue())
