"""Data flows one way: every import in reportgen/ goes to the same stage or an earlier one,
by the stage table in the README's 开发 section (the one place the order is written)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "reportgen"


def stage_table() -> list[tuple[str, list[str]]]:
    """[(stage name, [module or folder/ under reportgen/, …]), …] in the README's order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## 开发\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\s+\d+\. ([^：\n]+)：(.+)$", section, re.MULTILINE)
    return [(name, re.findall(r"`([^`]+)`", body)) for name, body in rows]


def stage_of(module: str, table: list[tuple[str, list[str]]]) -> int | None:
    """The stage of a module path (inputs/folder.py): its most specific entry wins."""
    best: tuple[int, int] | None = None  # (length of the entry, stage)
    for stage, (_, entries) in enumerate(table):
        for entry in entries:
            matches = module == entry or (entry.endswith("/") and module.startswith(entry))
            if matches and (best is None or len(entry) > best[0]):
                best = (len(entry), stage)
    return None if best is None else best[1]


def _module_file(parts: list[str]) -> str | None:
    """reportgen-relative path of a dotted module inside the package, if it is one."""
    path = PACKAGE.joinpath(*parts)
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py").relative_to(PACKAGE).as_posix()
    if (path / "__init__.py").is_file():
        return (path / "__init__.py").relative_to(PACKAGE).as_posix()
    return None


def imports_of(file: Path) -> set[str]:
    """Every module of the package the file imports, at the top or inside a function."""
    package = list(file.relative_to(PACKAGE).parent.parts)
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(_module_file(a.name.split(".")[1:]) for a in node.names
                         if a.name.split(".")[0] == "reportgen")
        elif isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".") if node.module else []
            if node.level:
                base = package[:len(package) - node.level + 1]
            elif module[:1] == ["reportgen"]:
                base, module = [], module[1:]
            else:
                continue
            # `from .x import y`: the module x.y where y is one, else x
            found.update(_module_file([*base, *module, a.name]) or _module_file([*base, *module])
                         for a in node.names)
    found.discard(None)
    return found  # type: ignore[return-value]


def violations(imports: dict[str, set[str]], table) -> list[str]:
    problems = []
    for module, targets in sorted(imports.items()):
        stage = stage_of(module, table)
        if stage is None:
            if targets or not module.endswith("__init__.py"):  # a bare package marker is free
                problems.append(f"{module} is in no stage of the README's table")
            continue
        for target in sorted(targets):
            other = stage_of(target, table)
            if other is not None and other > stage:
                problems.append(f"{module} ({table[stage][0]}) imports {target} "
                                f"({table[other][0]}), a later stage")
    return problems


def test_the_readme_lists_the_stages_in_order():
    names = [name for name, _ in stage_table()]
    assert names == ["基础", "模型", "读取", "评分", "组稿", "渲染", "产出", "外壳"]


def test_no_stage_imports_a_later_one():
    table = stage_table()
    imports = {f.relative_to(PACKAGE).as_posix(): imports_of(f) for f in PACKAGE.rglob("*.py")}
    assert violations(imports, table) == []


def test_the_walk_sees_an_import_that_reaches_back(tmp_path):
    table = stage_table()
    # a relative import inside a function, as the command line does, is seen too
    faces = imports_of(PACKAGE / "cli.py")
    assert "build.py" in faces and "workbook/new_folder.py" in faces
    assert violations({"scoring.py": {"compose.py"}}, table) == [
        "scoring.py (评分) imports compose.py (组稿), a later stage"]
    assert violations({"newthing.py": set()}, table) == [
        "newthing.py is in no stage of the README's table"]


def _talks(file: Path) -> list[str]:
    """Ways a module reaches the terminal: print, sys.stdout/sys.stderr, argparse."""
    found = []
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "print":
            found.append(f"print (line {node.lineno})")
        elif isinstance(node, ast.Attribute) and node.attr in {"stdout", "stderr"} \
                and isinstance(node.value, ast.Name) and node.value.id == "sys":
            found.append(f"sys.{node.attr} (line {node.lineno})")
        elif isinstance(node, ast.Import | ast.ImportFrom) and "argparse" in (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]):
            found.append(f"argparse (line {node.lineno})")
    return found


def test_only_the_faces_print_or_take_command_line_arguments():
    table = stage_table()
    faces = len(table) - 1
    talking = {f.relative_to(PACKAGE).as_posix(): _talks(f) for f in PACKAGE.rglob("*.py")}
    assert {m: t for m, t in talking.items() if t and stage_of(m, table) != faces} == {}
    assert talking["cli.py"]  # the walk does see them where they are
