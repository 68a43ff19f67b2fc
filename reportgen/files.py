"""Reading a user's file with bounded work, and saying in Chinese why it cannot be read.

Every file reportgen reads comes through read_limited: only a regular file (a named pipe
would block for ever, /dev/zero never ends, a folder is not a file), and only up to a
limit fixed per kind of file below (the README lists them). One place for the limits,
one place for the reasons an operating system gives.
"""

from __future__ import annotations

import errno
import os
import stat
import zipfile
from pathlib import Path

from .findings import InputError, error
from .text import shown

MB = 1024 * 1024
# Per kind of input file: far above any real one, far below what exhausts memory or time.
LIMITS: dict[str, int] = {
    "数据文件": 20 * MB,        # data.yaml (a field's own limit then names its line)
    "Excel 填报表": 20 * MB,    # data.xlsx, as stored (its sheets are bounded in xlsx_bounds)
    "文字材料": 20 * MB,        # narratives/*.md
    "评价框架": 5 * MB,         # a framework .yaml
    "模板": 50 * MB,            # a .docx template, as stored
    "生成记录": 20 * MB,        # a .manifest.json
    "待审报告": 100 * MB,       # a hand-written report for review (.docx/.doc/.wps, with pictures)
}
# What a .docx template or an .xlsx may expand to once unzipped (all its parts together).
UNZIPPED_LIMIT = 200 * MB
MAX_ENTRIES = 10_000  # entries in such a zip package


def read_limited(path: Path, kind: str, file: str | None = None) -> bytes:
    """The bytes of a regular file of the given kind (a key of LIMITS); InputError with the
    reason otherwise. O_NONBLOCK: opening a named pipe must not wait for a writer."""
    label = file or shown(path)
    limit = LIMITS[kind]
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError([error(f"无法读取{kind}：{os_reason(exc)}", label)],
                         unreadable=True) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError([error(f"{not_a_file(info.st_mode)}，不能作为{kind}读取；"
                                    "请给出一个普通文件", label)], unreadable=True)
        if info.st_size > limit:
            raise InputError([error(too_large(kind, info.st_size, limit), label)],
                             unreadable=True)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:  # the file may grow while it is read
            chunk = os.read(fd, min(limit + 1 - size, MB)) if size < limit + 1 else b""
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError([error(f"无法读取{kind}：{os_reason(exc)}", label)],
                         unreadable=True) from None
    finally:
        os.close(fd)
    if size > limit:
        raise InputError([error(too_large(kind, size, limit), label)], unreadable=True)
    return b"".join(chunks)


def too_large(kind: str, size: int, limit: int) -> str:
    return (f"{kind}过大（{size_text(size)}，上限 {size_text(limit)}），不像是正常的{kind}；"
            "请检查是否放错了文件")


def size_text(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} 字节"


def not_a_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "这是一个文件夹，不是文件"
    if stat.S_ISFIFO(mode):
        return "这是一个命名管道（FIFO），不是普通文件"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "这是一个设备文件，不是普通文件"
    if stat.S_ISSOCK(mode):
        return "这是一个套接字，不是普通文件"
    return "这不是普通文件"


_REASONS = {
    errno.ENOENT: "找不到该文件或文件夹",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ELOOP: "符号链接循环（链接指向自己或互相指向）",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "所在位置只读",
    errno.EEXIST: "已存在同名的文件",
    errno.EIO: "读写出错（磁盘或网络盘故障）",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ETXTBSY: "文件正被其他程序占用",
    errno.EDQUOT: "超出磁盘配额",
    errno.EFBIG: "文件过大",
    errno.EMFILE: "打开的文件过多",
    errno.EXDEV: "不能跨磁盘移动",
    errno.ENXIO: "设备不存在或未就绪",
}


def os_reason(exc: OSError) -> str:
    """The operating system's reason in Chinese (its own wording is English)."""
    known = _REASONS.get(exc.errno or 0)
    if known:
        return known
    name = errno.errorcode.get(exc.errno or 0)
    return f"系统错误（{name}）" if name else "系统错误"


def unzipped_too_large(infos: list[zipfile.ZipInfo], kind: str) -> str | None:
    """Why a zip package (.docx, .xlsx) would unzip to too much, or None."""
    if len(infos) > MAX_ENTRIES:
        return f"{kind}中的条目过多（{len(infos)} 个，上限 {MAX_ENTRIES} 个），不像是正常的{kind}"
    total = sum(info.file_size for info in infos)
    if total <= UNZIPPED_LIMIT:
        return None
    largest = max(infos, key=lambda info: info.file_size)
    return (f"{kind}解压后过大（共 {size_text(total)}，上限 {size_text(UNZIPPED_LIMIT)}；"
            f"最大的是 {shown(largest.filename)}，{size_text(largest.file_size)}）；"
            "请删去其中过大的图片或其他内容后重新保存")



def zip_problem(exc: Exception) -> str:
    """What went wrong inside a zip, in Chinese (zipfile and zlib speak English)."""
    text = str(exc)
    if "CRC" in text:
        return "其中的内容校验失败"
    if "encrypted" in text or "password" in text:
        return "设置了密码"
    if "compression method" in text:
        return "使用了不支持的压缩方式"
    if isinstance(exc, zipfile.BadZipFile | EOFError):
        return "不是完整的压缩包"
    return "解压失败"
