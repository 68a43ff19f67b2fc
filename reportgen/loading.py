"""Read one department folder completely: its data, its narratives and its framework.

Everything a build, a check or a score needs from disk is read here, once; what comes
after (pipeline.assess, composition, rendering) works on these values without touching a
file. Each file's sha256 is kept from the bytes read, so the build record names its
inputs without reading them again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .findings import InputError
from .framework import Framework, load_framework, resolve_framework, shipped_frameworks
from .inputs.confine import TRUSTED, Confinement
from .inputs.folder import Department, data_file, load_department
from .inputs.narratives import Narratives, read_narratives


@dataclass(frozen=True)
class FolderInputs:
    department: Department
    narratives: Narratives
    framework: Framework
    framework_file: Path

    def sources(self) -> list[tuple[Path, str]]:
        """(file, sha256) of every file read: data, the department's narratives, framework."""
        dept = self.department
        data = [(dept.data_file, dept.digest)] if dept.data_file is not None else []
        return [*data, *self.narratives.files, (self.framework_file, self.framework.digest)]


def load_folder(folder: Path, confinement: Confinement = TRUSTED) -> FolderInputs:
    """Raises InputError when the folder, its narratives or its framework cannot be used,
    or (confinement.refuse) when one of them lies outside the department folder."""
    outside = confinement.check(data_file(folder), folder, "数据文件") if folder.is_dir() else None
    if outside is not None and outside.is_error:  # refused before a byte of it is read
        raise InputError([outside], unreadable=True)
    dept = load_department(folder)
    if outside is not None:
        dept.notes.append(outside)
    try:
        framework_file = resolve_framework(dept.data.framework, folder)
    except InputError as exc:  # say where 评价框架 was written
        file, line = dept.locator.place(("评价框架",))
        raise InputError([replace(f, file=f.file or file, line=f.line or line)
                          for f in exc.findings], exc.unreadable) from None
    elsewhere = confinement.check(framework_file, folder, "评价框架",
                                  also=(shipped_frameworks(),))
    if elsewhere is not None:
        file, line = dept.locator.place(("评价框架",))
        elsewhere = replace(elsewhere, file=file, line=line)
        if elsewhere.is_error:
            raise InputError([elsewhere], unreadable=True)
        dept.notes.append(elsewhere)
    framework = load_framework(framework_file)
    return FolderInputs(dept, read_narratives(dept.narratives_dir, confinement), framework,
                        framework_file)
