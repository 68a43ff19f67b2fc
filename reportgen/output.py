"""Writing output files safely: a killed or failed build never replaces a good report.

The data goes to a hidden temporary file in the target's own folder (`.报告.docx.1a2b3c4d.tmp`,
so the rename never crosses a file system) and is renamed over the target only when it
is complete: a reader sees the old report or the new one, never part of one. A build
killed half-way leaves at most such a temporary file, which is not a report by name and
is removed by a later write once it is an hour old.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .files import os_reason
from .findings import InputError, error

STALE_SECONDS = 3600  # a temporary file this old belongs to no running build


def lock_files(path: Path) -> list[Path]:
    """Where Word, WPS and LibreOffice put the "owner file" of an open document.

    Word writes ~$ + the name, dropping the name's first character when the stem has 7
    characters and the first two when it has 8 or more (湘西州商务局报告.docx →
    ~$州商务局报告.docx); WPS writes ~$ + the whole name; LibreOffice .~lock.name#.
    """
    name, stem = path.name, path.stem
    cut = 0 if len(stem) <= 6 else (1 if len(stem) == 7 else 2)
    names = dict.fromkeys([f"~${name}", f"~${name[cut:]}", f".~lock.{name}#"])
    return [path.with_name(n) for n in names]


def temp_files(path: Path) -> list[Path]:
    """Temporary files left beside path by writes that never finished."""
    return sorted(path.parent.glob(f".{_glob_escape(path.name)}.*.tmp"))


def write_atomically(path: Path, data: bytes, durable: bool = True,
                     keep: Iterable[Path] = ()) -> None:
    """Write beside the target, then rename: a failed or killed build never leaves a
    half-written report in place of a good one. Raises InputError with the reason.

    Only the named file is ever written: a symbolic link at the path is refused (writing
    through it would replace the file it points to), and so is a path that is one of the
    files in keep (the inputs the output was made from)."""
    path = check_target(path, keep)
    where = str(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError([error(f"无法创建输出文件夹 {path.parent}：{os_reason(exc)}", where)]) \
            from None
    _remove_stale(path)
    temp = None
    try:
        fd, temp = _create_temp(path)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:  # on disk before the rename, so a power cut cannot leave an empty file
                handle.flush()
                os.fsync(handle.fileno())
        _keep_mode(path, temp)
        os.replace(temp, path)
        temp = None
        if durable:
            _sync_folder(path.parent)
    except PermissionError:
        raise InputError([error("无法写入输出文件：没有写入权限，或文件正被 Word 或 WPS 打开；"
                                "请关闭文件或换一个输出位置后重试", where)]) from None
    except OSError as exc:
        raise InputError([error(f"无法写入输出文件：{os_reason(exc)}", where)]) from None
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink()


def check_target(path: Path, keep: Iterable[Path] = ()) -> Path:
    """The path a write would go to, or InputError saying why it may not be written: a
    symbolic link, a loop, a folder, a file open in Word, one of the inputs in keep.
    A build checks all its targets before it writes the first one."""
    path = target_of(path)
    where = str(path)
    for lock in lock_files(path):
        if os.path.lexists(lock):  # never raises: a lock name too long is simply absent
            raise InputError([error(
                f"该文件正在 Word 或 WPS 中打开（旁边有锁定文件 {lock.name}），请先关闭该文件再生成；"
                "如已关闭仍有此提示，可删除该锁定文件", where)])
    if os.path.isdir(path):  # never raises (Path.is_dir does, on a name too long)
        raise InputError([error("输出路径是一个文件夹，请给出文件名，如 报告.docx", where)])
    if len(os.fsencode(f".{path.name}.12345678.tmp")) > 255:  # the temporary file's name
        raise InputError([error("无法写入输出文件：文件名太长（连同临时文件的后缀超过 255 字节）；"
                                "请用短一些的文件名", where)])
    for source in keep:
        if _same_file(path, source):
            raise InputError([error(
                f"输出文件就是输入文件 {source}，写入会覆盖它；请换一个输出文件名或位置", where)],
                unreadable=True)
    return path


def target_of(path: Path) -> Path:
    """The path to write: its folder resolved, its own name kept (never followed), so the
    rename replaces exactly that name. A symbolic link there, or a loop of them on the way,
    is refused with a message."""
    where = str(path)
    try:
        parent = Path(os.path.abspath(path.parent)).resolve()
    except (OSError, RuntimeError):  # RuntimeError: "Symlink loop" (Python 3.11)
        raise InputError([error("输出路径中有符号链接循环（链接指向自己或互相指向），无法写入；"
                                "请换一个输出位置", where)], unreadable=True) from None
    target = parent / path.name
    if os.path.islink(target):
        try:
            pointed = f"，指向 {os.readlink(target)}"
        except OSError:
            pointed = ""
        raise InputError([error(
            f"输出路径是一个符号链接{pointed}；为免改写链接指向的文件，不写入。"
            "请删除该链接或换一个输出文件名", where)], unreadable=True)
    return target


def _same_file(path: Path, other: Path) -> bool:
    try:
        return os.path.samefile(path, other)
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    """Held while a report and its build record are written, so that two builds of the
    same output (two terminals, a batch and a build) leave a record that describes the
    report beside it. An advisory lock on the folder itself: no lock file is written.
    Where the system has no such lock (Windows), writes go unlocked as before."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield  # the write itself will say what is wrong with the folder
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _create_temp(path: Path) -> tuple[int, Path]:
    """O_EXCL with mode 0o666: the umask applies as to any new file (mkstemp's 0o600 would
    leave a shared report readable by its writer alone)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, "无法创建临时文件")


def _keep_mode(path: Path, temp: Path) -> None:
    """A replaced report keeps its permissions."""
    with contextlib.suppress(OSError):
        os.chmod(temp, stat.S_IMODE(path.stat().st_mode))


_TEMP_NAME = re.compile(r"^\.(.+)\.[0-9a-f]{8}\.tmp$")


@dataclass
class _FolderScan:
    """Leftover temporary files of one folder, by the name of the report they were for."""

    at: float
    leftovers: dict[str, list[Path]] = field(default_factory=dict)


_scans: dict[Path, _FolderScan] = {}


def _remove_stale(path: Path) -> None:
    """Remove the target's own leftovers that are over an hour old. The folder is listed
    once (again after an hour in a long-lived process), not once per report: a batch
    writes thousands of files into one folder, and a listing per write is quadratic."""
    scan = _scans.get(path.parent)
    if scan is None or time.monotonic() - scan.at > STALE_SECONDS:
        scan = _scans[path.parent] = _scan(path.parent)
    cutoff = time.time() - STALE_SECONDS
    for temp in scan.leftovers.pop(path.name, ()):
        with contextlib.suppress(OSError):
            if temp.stat().st_mtime < cutoff:
                temp.unlink()


def _scan(folder: Path) -> _FolderScan:
    scan = _FolderScan(time.monotonic())
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = _TEMP_NAME.match(entry.name)
            if match:
                scan.leftovers.setdefault(match.group(1), []).append(Path(entry.path))
    return scan


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _glob_escape(name: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in name)
