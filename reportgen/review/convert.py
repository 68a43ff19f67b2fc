"""Old Word (.doc) and WPS (.wps) files go through LibreOffice to .docx before reading."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

from ..findings import InputError, error
from ..render.pdf import find_soffice, profile_dir

CONVERTIBLE = (".doc", ".wps")
TIMEOUT_SECONDS = 120


def is_pdf(path: Path) -> bool:
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False


def refuse_pdf(path: Path) -> InputError:
    return InputError([error(
        "这是 PDF 文件，无法审核：PDF 不保留段落、表格和编号的结构，批注也无法写回；"
        "请提供 Word 原件（.docx、.doc 或 .wps）", str(path))], unreadable=True)


def converted_copy(path: Path, work: Path) -> Path:
    """A .docx made by LibreOffice from a .doc or .wps, in the folder work."""
    soffice = find_soffice()
    if soffice is None:
        raise InputError([error(
            f"{path.suffix} 文件需要先用 LibreOffice 转换为 .docx，但未找到 LibreOffice；请安装"
            "（sudo apt-get install libreoffice-writer-nogui），或在 Word/WPS 中另存为 .docx 后再审核",
            str(path))], unreadable=True)
    # A copy with an ASCII name: LibreOffice names its output after the input.
    source = work / f"input{path.suffix.lower()}"
    shutil.copyfile(path, source)
    # The process's own profile (shared with the PDF converter: one per process), and its
    # own process group, so a hanging conversion is killed with soffice.bin, not just the
    # soffice script that started it.
    process = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile_dir().as_uri()}", "--headless",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work), str(source)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise InputError([error(f"LibreOffice 转换超过{TIMEOUT_SECONDS}秒未完成，文件可能已损坏；"
                                "请在 Word/WPS 中另存为 .docx 后再审核", str(path))],
                         unreadable=True) from None
    produced = work / "input.docx"
    if process.returncode != 0 or not produced.exists():
        reason = stderr.decode("utf-8", "replace").strip()[:200]
        raise InputError([error("LibreOffice 无法转换该文件，文件可能已损坏或不是 Word/WPS 文档"
                                f"{'：' + reason if reason else ''}", str(path))], unreadable=True)
    return produced
