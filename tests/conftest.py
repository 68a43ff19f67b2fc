"""Shared fixtures: the bundled example and copies of it with one thing changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "xiangxi-commerce-2018"


def plain(text: str) -> str:
    """A report's text as composed: without the no-break gap it prints before a unit."""
    from reportgen.text import UNIT_GAP

    return text.replace(UNIT_GAP, "")


def example_raw() -> dict:
    from reportgen.inputs.yaml_source import read_yaml

    return read_yaml(EXAMPLE / "data.yaml").data


def write_department(folder: Path, raw: dict | str, narratives: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = raw if isinstance(raw, str) else yaml.safe_dump(raw, allow_unicode=True,
                                                           sort_keys=False)
    (folder / "data.yaml").write_text(text, encoding="utf-8")
    if narratives and (EXAMPLE / "narratives").exists():
        shutil.copytree(EXAMPLE / "narratives", folder / "narratives", dirs_exist_ok=True)
    return folder


@pytest.fixture
def example_dir() -> Path:
    return EXAMPLE


@pytest.fixture
def make_department(tmp_path: Path):
    """make_department(change) → folder whose data is the example after change(raw)."""

    def make(change=None, name: str = "dept") -> Path:
        raw = example_raw()
        if change is not None:
            change(raw)
        return write_department(tmp_path / name, raw)

    return make
