"""Writing output files safely: a killed or failed build never replaces a good report."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .findings import InputError, error


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed or killed build never leaves a
    half-written report in place of a good one."""
    path = path.resolve()
    lock = path.with_name(f"~${path.name}")
    if lock.exists():
        raise InputError([error("该文件正在 Word 或 WPS 中打开（存在锁定文件 "
                                 f"{lock.name}），请先关闭文件再生成", str(path))])
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            # On disk before the rename, so a power cut cannot leave an empty report.
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except PermissionError:
        Path(temp).unlink(missing_ok=True)
        raise InputError([error("无法写入输出文件，可能正被 Word 或 WPS 打开；请关闭后重试",
                                str(path))]) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
