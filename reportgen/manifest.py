"""Build manifests: what a report was made from and what it says, to show changes on rebuild.

A manifest sits beside its output, named after the whole file name (报告.docx →
报告.docx.manifest.json, 报告.pdf → 报告.pdf.manifest.json): two outputs differing only in
their suffix never share a record. It holds no time stamps, so it is as diffable as the
report itself.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import __version__
from .files import read_limited
from .findings import InputError, error
from .numbers import fmt2, fmt_points, fmt_score
from .pipeline import Evaluation
from .text import shown

SUFFIX = ".manifest.json"


def manifest_path(output: Path) -> Path:
    return output.with_name(output.name + SUFFIX)


def digest(sources: list[tuple[Path, str]], base: Path) -> str:
    """One digest of the inputs' names and contents, from the sha256s taken when read."""
    h = hashlib.sha256()
    for path, sha in sources:
        name = path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name
        h.update(name.encode("utf-8", "surrogateescape"))  # a GBK file name hashes too
        h.update(b"\0")
        h.update(bytes.fromhex(sha))
    return h.hexdigest()


def make_manifest(ev: Evaluation, output: Path | None = None,
                  output_bytes: bytes | None = None) -> dict:
    card, data = ev.scorecard, ev.department.data
    base = ev.department.folder
    manifest = {
        "reportgen": __version__,
        "单位名称": data.basic.name,
        "年度": data.basic.year,
        "输入摘要": digest(ev.sources(), base),
        "评价框架": card.framework.ident,
        "指标": [{"名称": r.name, "值": None if r.value is None else r.value_text,
                  "得分": fmt_score(r.score), "分值": fmt_points(r.points)}
                 for r in card.results],
        "总分": fmt2(card.total),
        "等级": card.grade,
    }
    if output is not None:
        manifest["输出文件"] = shown(output.name)
    if output_bytes is not None:
        manifest["输出摘要"] = hashlib.sha256(output_bytes).hexdigest()
    return manifest


def dump(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()


def load(path: Path) -> dict | None:
    """The record at path for a rebuild to compare with; None when there is none or it
    cannot be used (torn, foreign, hostile): a rebuild then says "首次生成"."""
    try:
        return read(path)
    except InputError:
        return None


def read(path: Path) -> dict:
    """A build record, read with bounded work and checked for the shape reportgen writes.
    Raises InputError saying why it is not one."""
    file = shown(path)
    raw = read_limited(path, "生成记录", file)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _not_a_record(file, "不是 UTF-8 编码的文本") from None
    except RecursionError:
        raise _not_a_record(file, "嵌套过深") from None
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise _not_a_record(file, "不是有效的 JSON", line) from None
    problem = _shape_problem(data)
    if problem:
        raise _not_a_record(file, problem)
    return data


def _not_a_record(file: str, why: str, line: int | None = None) -> InputError:
    return InputError([error(f"不是 reportgen 生成的 .manifest.json 文件（{why}）", file, line)],
                      unreadable=True)


_TEXT_FIELDS = ("reportgen", "单位名称", "输入摘要", "评价框架", "总分", "等级", "输出文件", "输出摘要")


def _shape_problem(data: object) -> str | None:
    """What a record must look like for changes() to read it: None when it does."""
    if not isinstance(data, dict) or not isinstance(data.get("指标"), list):
        return "缺少“指标”列表"
    for key in _TEXT_FIELDS:
        if key in data and not isinstance(data[key], (str, type(None))):
            return f"“{key}”应为文字"
    for item in data["指标"]:
        if not isinstance(item, dict) or not isinstance(item.get("名称"), str):
            return "“指标”中的每一项应有“名称”"
        if any(not isinstance(item.get(k), (str, int, float, type(None)))
               for k in ("值", "得分", "分值")):
            return f"指标“{item['名称']}”的值或得分不是文字或数字"
    return None


def changes(old: dict, new: dict) -> list[str]:
    """Human lines: 预算完成率 87.75% → 100.00%，得分 1 → 5；总分 90.47 → 94.47."""
    lines: list[str] = []
    if old.get("评价框架") != new.get("评价框架"):
        lines.append(f"评价框架 {old.get('评价框架')} → {new.get('评价框架')}")
    before = {i["名称"]: i for i in old.get("指标", [])}
    after = {i["名称"]: i for i in new.get("指标", [])}
    for name, item in after.items():
        prev = before.get(name)
        if prev is None:
            lines.append(f"新增指标 {name}：{_show(item)}")
            continue
        parts = []
        if prev.get("值") != item.get("值"):
            parts.append(f"{prev.get('值') or '—'} → {item.get('值') or '—'}")
        if prev.get("得分") != item.get("得分"):
            parts.append(f"得分 {prev.get('得分')} → {item.get('得分')}")
        if parts:
            lines.append(f"{name} {'，'.join(parts)}")
    lines.extend(f"删去指标 {name}" for name in before if name not in after)
    if old.get("总分") != new.get("总分"):
        grade = (f"，等级 {old.get('等级')} → {new.get('等级')}"
                 if old.get("等级") != new.get("等级") else "")
        lines.append(f"总分 {old.get('总分')} → {new.get('总分')}{grade}")
    return lines


def _show(item: dict) -> str:
    value = f"{item['值']}，" if item.get("值") else ""
    return f"{value}得分 {item.get('得分')}"


def describe_changes(old: dict | None, new: dict) -> str:
    if old is None:
        return "首次生成（没有上次的生成记录）。"
    if old.get("输入摘要") == new.get("输入摘要") and old.get("reportgen") == new.get("reportgen"):
        return "输入与上次生成时相同，报告内容不变。"
    lines = changes(old, new)
    if not lines:
        return "输入有改动（文字或数据），各项指标得分和总分不变。"
    return "与上次生成相比：" + "，".join(lines) + "。"
