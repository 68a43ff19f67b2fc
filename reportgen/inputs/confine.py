"""Inputs stay inside the department: where a department's files may lead.

A submitted folder is not trusted: a narrative may be a symbolic link to /etc/passwd, a
评价框架 may name a file anywhere on the machine. A bureau processing submitted folders
(batch) refuses every input that resolves outside the department folder, the shipped
frameworks and an allowed list; a single build on one's own folder only warns.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..findings import Finding, error, warning
from ..text import shown


@dataclass(frozen=True)
class Confinement:
    refuse: bool = False  # batch: an input outside is an error, not a warning
    allowed: tuple[Path, ...] = ()  # further folders whose files may be read (frameworks)

    def check(self, path: Path, department: Path, what: str,
              also: tuple[Path, ...] = ()) -> Finding | None:
        """None when path (links followed) lies inside department, also or allowed."""
        if _plainly_inside(path, department):
            return None
        real = os.path.realpath(path)
        roots = (department, *also, *self.allowed)
        if any(_within(real, os.path.realpath(root)) for root in roots):
            return None
        if self.refuse:
            return error(f"{what}指向部门文件夹以外的文件 {shown(real)}；批量处理时不读取部门文件夹以外的文件"
                         "（可能是符号链接或绝对路径），请把该文件放入部门文件夹", shown(path))
        return warning(f"{what}指向部门文件夹以外的文件 {shown(real)}，请确认这是有意的"
                       "（批量处理时会拒绝读取）", shown(path))


def _plainly_inside(path: Path, folder: Path) -> bool:
    """path names a file below folder with no .. and no symbolic link on the way: it lies
    inside wherever folder itself leads. An lstat or two instead of resolving both paths
    from the root (a batch checks some eight inputs of each of 10,000 departments)."""
    if os.name != "posix":  # elsewhere junctions lead out without being links
        return False
    try:
        parts = path.relative_to(folder).parts
    except ValueError:
        return False
    if not parts or ".." in parts:
        return False
    step = folder
    for part in parts:
        step = step / part
        if os.path.islink(step):
            return False
    return True


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


TRUSTED = Confinement()  # one's own folder: inputs outside are warned about, still read
