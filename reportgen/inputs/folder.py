"""A department-year folder: DIR/data.yaml (or data.xlsx) plus DIR/narratives/."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from ..findings import Finding, InputError, error
from ..model import DepartmentYear
from .paths import at_longest_prefix
from .validation import error_path, findings_from
from .yaml_source import read_yaml

DATA_YAML = "data.yaml"
DATA_XLSX = "data.xlsx"
NARRATIVES_DIR = "narratives"


class Locator(Protocol):
    """Where a field of the model was written: (file label, line or None)."""

    def place(self, path: tuple) -> tuple[str, int | None]: ...


@dataclass
class YamlLocator:
    file: str
    lines: dict[tuple, int]

    def place(self, path: tuple) -> tuple[str, int | None]:
        return self.file, at_longest_prefix(self.lines, path)


@dataclass
class Department:
    folder: Path
    data: DepartmentYear
    locator: Locator
    notes: list[Finding] = field(default_factory=list)
    data_file: Path | None = None
    digest: str = ""  # sha256 of data_file's bytes as read

    @property
    def narratives_dir(self) -> Path:
        return self.folder / NARRATIVES_DIR


def data_file(folder: Path) -> Path:
    """The folder's one data file; both or neither is an error that says so."""
    if not folder.is_dir():
        what = "不是文件夹" if folder.exists() else "找不到这个文件夹"
        raise InputError([error(f"{what}，请给出部门文件夹（内含 data.yaml 或 data.xlsx）",
                                str(folder))], unreadable=True)
    yaml_file, xlsx_file = folder / DATA_YAML, folder / DATA_XLSX
    if yaml_file.exists() and xlsx_file.exists():
        raise InputError([error("同时有 data.yaml 和 data.xlsx，无法判断以哪个为准；请删去或改名其中一个",
                                str(folder))], unreadable=True)
    if xlsx_file.exists():
        return xlsx_file
    if yaml_file.exists():
        return yaml_file
    raise InputError([error("文件夹中没有 data.yaml 或 data.xlsx；可用 reportgen init 生成填报表",
                            str(folder))], unreadable=True)


def load_department(folder: Path) -> Department:
    path = data_file(folder)
    if path.suffix == ".xlsx":
        from .xlsx_reader import read_xlsx  # openpyxl is only needed for Excel input

        raw, locator, notes, digest = read_xlsx(path)
    else:
        source = read_yaml(path, display_name=str(path))
        raw, notes, digest = source.data, list(source.notes), source.digest
        locator = YamlLocator(source.file, source.lines)
    return build_model(folder, raw, locator, notes, path, digest)


def build_model(folder: Path, raw: object, locator: Locator, notes: list[Finding],
                source: Path | None = None, digest: str = "") -> Department:
    file, _ = locator.place(())
    if not isinstance(raw, dict):
        raise InputError([error("文件顶层应为一组“字段: 值”", file, 1)], unreadable=True)
    errors = [n for n in notes if n.is_error]
    # The fields the reader could not read (for the checks of the rest, see UnusableData).
    unread = {path for path in map(getattr(locator, "path_at", _nowhere), errors) if path}
    unread |= {tuple(n.field.split(".")) for n in errors if n.field}
    try:
        data = DepartmentYear.model_validate(raw)
    except ValidationError as exc:
        partial, dropped = _without_errors(raw, exc)
        raise UnusableData(errors + findings_from(exc, DepartmentYear, locator.place),
                           partial and Department(folder, partial, locator, notes),
                           unread | dropped) from None
    if errors:
        raise UnusableData(errors, Department(folder, data, locator, notes), unread)
    return Department(folder=folder, data=data, locator=locator, notes=notes,
                      data_file=source, digest=digest)


class UnusableData(InputError):
    """The data has errors. partial holds the model of what is left once the fields in
    error are left out (None when even that fails); unread names those fields. The
    checks that need the data alone still run on it, so one pass lists every problem."""

    def __init__(self, findings: list[Finding], partial: Department | None,
                 unread: set[tuple]) -> None:
        super().__init__(findings)
        self.partial = partial
        self.unread = unread


# Left-out required fields get a stand-in: the data-only checks never read them.
_STAND_INS: dict[tuple, object] = {("评价框架",): "", ("基本信息", "单位名称"): "",
                                   ("基本信息", "年度"): "2000"}


def _without_errors(raw: dict, exc: ValidationError,
                    rounds: int = 5) -> tuple[DepartmentYear | None, set[tuple]]:
    data, dropped = copy.deepcopy(raw), set()
    for _ in range(rounds):
        for item in exc.errors(include_url=False):
            path = error_path(item)
            dropped.add(path)
            if item["type"] == "missing" and path in _STAND_INS:
                _put(data, path, _STAND_INS[path])
            else:
                _drop(data, path[:-1] if item["type"] == "missing" else path)
        try:
            return DepartmentYear.model_validate(data), dropped
        except ValidationError as again:
            exc = again
    return None, dropped


def _drop(data: dict, path: tuple) -> None:
    """Remove the deepest mapping entry along path (a list goes as a whole)."""
    node: object = data
    trail: list[tuple[dict, object]] = []
    for key in path:
        if isinstance(node, dict) and key in node:
            trail.append((node, key))
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
    if trail:
        parent, key = trail[-1]
        del parent[key]


def _put(data: dict, path: tuple, value: object) -> None:
    node = data
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[path[-1]] = value


def _nowhere(finding: Finding) -> tuple | None:
    return None
