"""The root folder of a batch: which sub-folders are departments, and why the others are not.

A batch never loses a department silently: every sub-folder is either a department (it holds
data.yaml or data.xlsx) or a folder that only groups departments, or it is skipped with a
reason the clerk can act on — empty, no data file, or a data file under another name
(`data (1).xlsx` as a browser saves a second download, `data.xls` in the old format).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from ..files import os_reason
from .folder import DATA_XLSX, DATA_YAML, NARRATIVES_DIR

IGNORED_DIRS = {NARRATIVES_DIR, "__pycache__", ".git"}
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv"}
OLD_FORMATS = {".xls", ".et", ".ods", ".csv"}
YAML_SUFFIXES = {".yaml", ".yml"}
LOOK_AT = 1000  # files looked at to say why a folder is not a department


@dataclass(frozen=True)
class Skipped:
    folder: Path
    reason: str


@dataclass(frozen=True)
class RootSurvey:
    """The department folders under a batch root, and the folders passed over (with why)."""

    departments: list[Path]
    skipped: list[Skipped]


def is_department(folder: Path) -> bool:
    return (folder / DATA_YAML).exists() or (folder / DATA_XLSX).exists()


def survey(root: Path) -> RootSurvey:
    """Departments and skipped folders under root, each list in a stable order."""
    if is_department(root):
        return RootSurvey([root], [])
    departments: list[Path] = []
    skipped: list[Skipped] = []
    for child in _subfolders(root):
        found = survey(child)
        if found.departments:  # a folder grouping departments: keep what it skipped
            departments.extend(found.departments)
            skipped.extend(found.skipped)
        else:
            skipped.append(Skipped(child, why_not_a_department(child)))
    return RootSurvey(departments, skipped)


def _subfolders(folder: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.is_dir() and not p.name.startswith(".")
            and p.name not in IGNORED_DIRS]


def why_not_a_department(folder: Path) -> str:
    """The reason a folder is not a department, naming what was found and what is expected."""
    try:  # a look, not an inventory: a huge archive folder is not walked to its end
        found = (p for p in folder.rglob("*") if p.is_file()
                 and not p.name.startswith((".", "~$")))
        files = sorted(itertools.islice(found, LOOK_AT))
    except OSError as exc:
        return f"无法读取文件夹：{os_reason(exc)}"
    if not files:
        return "文件夹是空的，没有 data.yaml 或 data.xlsx"
    for path in files:
        hint = _misnamed(folder, path)
        if hint:
            return hint
    shown = "、".join(p.relative_to(folder).as_posix() for p in files[:5])
    more = f" 等{len(files)}{'多' if len(files) == LOOK_AT else ''}个文件" if len(files) > 5 else ""
    return f"没有 data.yaml 或 data.xlsx（文件夹中有：{shown}{more}）"


def _misnamed(folder: Path, path: Path) -> str:
    """A file that is probably the department's data under another name or format."""
    name = path.relative_to(folder).as_posix()
    suffix = path.suffix.lower()
    stem = path.stem.lower()
    if stem.endswith((".xlsx", ".yaml")):  # Windows hid the extension: data.xlsx.xlsx
        return (f"找到“{name}”，文件名重复了扩展名，应命名为 "
                f"{DATA_XLSX if '.xlsx' in stem else DATA_YAML}，放在 {folder.name} 文件夹中")
    if suffix in OLD_FORMATS:
        return (f"找到“{name}”，不是 .xlsx 格式；请在 Excel/WPS 中另存为“Excel 工作簿(.xlsx)”，"
                f"命名为 {DATA_XLSX}，放在 {folder.name} 文件夹中")
    if suffix in SPREADSHEET_SUFFIXES:
        return f"找到“{name}”，应命名为 {DATA_XLSX}，放在 {folder.name} 文件夹中"
    if suffix in YAML_SUFFIXES or stem == "data":
        return f"找到“{name}”，应命名为 {DATA_YAML}，放在 {folder.name} 文件夹中"
    return ""
