"""An error no check foresaw: its details go to a log file in the system's temporary
folder (never beside a report), and the user is told in one Chinese sentence where."""

from __future__ import annotations

import os
import tempfile
import traceback
from pathlib import Path

from . import __version__


def log_unexpected(context: str) -> Path | None:
    """Write the exception being handled, with context, to reportgen-error-*.log."""
    details = traceback.format_exc()
    try:
        fd, log = tempfile.mkstemp(prefix="reportgen-error-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(f"reportgen {__version__}\n{context}\n\n{details}")
    except OSError:
        return None
    return Path(log)


def unexpected_message(log: Path | None) -> str:
    if log is None:
        return "程序内部错误（详细信息也无法写入临时文件夹；请记下所用的命令和输入，联系维护人员）"
    return f"程序内部错误，详细信息已写入 {log}，请把该文件发给维护人员"


def interrupted(exc: BaseException) -> bool:
    """Whether a Ctrl+C lies behind exc: one that arrives while a file is being written can
    surface as the error its clean-up raised (a zip closed half-way), which must still stop
    the run as Ctrl+C, not pass as one department's failure."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
