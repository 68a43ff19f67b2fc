"""Varied copies of the examples for the benchmarks: amounts scaled, survey shifted,
frameworks mixed. Imports nothing heavy at module level: bench_scale's measured child
processes import the script that imports this."""

from __future__ import annotations

import copy
import random
import shutil
from decimal import Decimal
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _scale(text: object, factor: Decimal) -> str:
    return str((Decimal(str(text)) * factor).quantize(Decimal("0.01")))


def generate(root: Path, count: int, seed: int = 2018, digits: int = 3) -> None:
    """count department folders dept-001 … under root (names with `digits` digits)."""
    import yaml

    from reportgen.inputs.yaml_source import read_yaml

    rng = random.Random(seed)
    sources = sorted(p.parent for p in EXAMPLES.glob("*/data.yaml"))
    raws = [read_yaml(s / "data.yaml").data for s in sources]
    for i in range(count):
        source, raw = sources[i % len(sources)], copy.deepcopy(raws[i % len(sources)])
        factor = Decimal(rng.randint(50, 200)) / 100
        raw["基本信息"]["单位名称"] = f"{raw['基本信息']['单位名称']}（样本{i + 1:0{digits}d}）"
        budget = raw.get("预算", {})
        for key in ("年初预算", "本年追加预算"):
            if key in budget:
                budget[key] = _scale(budget[key], factor * Decimal(rng.randint(80, 120)) / 100)
        survey = raw.get("考核与调查", {}).get("满意度调查")
        if survey and "收回" in survey:
            survey["满意"] = str(rng.randint(int(survey["收回"]) * 6 // 10, int(survey["收回"])))
        if i % 3 == 0:
            raw["评价框架"] = "长沙县级"
        raw.pop("自填数", None)
        folder = root / f"dept-{i + 1:0{digits}d}"
        folder.mkdir(parents=True)
        (folder / "data.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True,
                                                         sort_keys=False), encoding="utf-8")
        if (source / "narratives").is_dir():
            shutil.copytree(source / "narratives", folder / "narratives")
