"""Uploaded data files: is it what it claims to be, before it may replace anything.

An .xlsx is a zip archive; before openpyxl opens it, the archive's directory is checked
(entry count, total and per-entry expanded size, expansion ratio: no zip bombs) and a
workbook with macros (vbaProject.bin, a macro-enabled content type) is refused — openpyxl
never runs macros, but a department should not be told its .xlsm was accepted.
Then the workbook must read as a 填报表. A refused upload leaves the department untouched.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from ..findings import Finding, InputError

MAX_UPLOAD = 5 * 1024 * 1024          # the request body limit for an upload
MAX_XLSX_EXPANDED = 50 * 1024 * 1024  # a filled 填报表 expands to well under 1 MB
MAX_ENTRIES = 500
MAX_RATIO = 100                       # XML compresses ~10×; a bomb 1000× and more
MAX_YAML = 1024 * 1024


class Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_xlsx(data: bytes, name: str) -> None:
    """Raises Refused with a Chinese message saying why and what to do."""
    hint = "请在 Excel/WPS 中另存为“Excel 工作簿（*.xlsx）”后重新上传"
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise Refused(f"“{name}”不是 Excel 工作簿（.xlsx）：文件内容不是 xlsx 格式"
                      f"（可能是 .xls、.et、加密的文件或改了扩展名的其他文件）；{hint}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {e.filename for e in entries}
            content_types = archive.read("[Content_Types].xml") \
                if "[Content_Types].xml" in names and \
                archive.getinfo("[Content_Types].xml").file_size < 1024 * 1024 else b""
    except (zipfile.BadZipFile, OSError, KeyError):
        raise Refused(f"“{name}”已损坏，无法作为 Excel 工作簿读取；{hint}") from None
    if len(entries) > MAX_ENTRIES:
        raise Refused(f"“{name}”包含{len(entries)}个部件，不像填报表；{hint}")
    expanded = sum(e.file_size for e in entries)
    if expanded > MAX_XLSX_EXPANDED or any(
            e.file_size > MAX_RATIO * max(e.compress_size, 1) and e.file_size > 1024 * 1024
            for e in entries):
        raise Refused(f"“{name}”解压后异常巨大（压缩炸弹或并非填报表），已拒绝；"
                      "请上传由 reportgen 生成、在 Excel/WPS 中填写的 data.xlsx")
    if "xl/workbook.xml" not in names or not content_types:
        raise Refused(f"“{name}”是压缩包但不是 Excel 工作簿；{hint}")
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types:
        raise Refused(f"“{name}”含有宏（VBA），已拒绝：填报表不需要宏。{hint}（不要选“启用宏的工作簿”）")
    with tempfile.TemporaryDirectory(prefix="reportgen-upload-") as work:
        probe = Path(work) / "data.xlsx"
        probe.write_bytes(data)
        from ..inputs.xlsx_reader import read_xlsx

        try:
            read_xlsx(probe)
        except InputError as exc:
            raise Refused(_first(exc.findings, probe)) from None


def check_yaml(data: bytes, name: str) -> None:
    if len(data) > MAX_YAML:
        raise Refused(f"“{name}”超过{MAX_YAML // 1024}KB，不像部门数据文件")
    from ..inputs.yaml_source import decode, parse_yaml

    try:
        text, _ = decode(data, name)
        source = parse_yaml(text, name)
    except InputError as exc:
        raise Refused(_first(exc.findings, None)) from None
    if not isinstance(source.data, dict):
        raise Refused(f"“{name}”的顶层应为一组“字段: 值”，不是部门数据文件")


def _first(findings: list[Finding], probe: Path | None) -> str:
    text = "；".join(f.render() for f in findings[:3]) or "无法读取"
    if probe is not None:
        text = text.replace(str(probe), "上传的文件")
    return text
