"""Turn pydantic's validation errors into Chinese findings with file and line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from pydantic import BaseModel, ValidationError

from ..findings import Finding, error

# Discriminator tags and wrapper names pydantic puts in an error location.
_NOISE = {"value", "group", "[key]"}
Place = Callable[[tuple], tuple[str, int | None]]


def error_path(item: dict) -> tuple:
    """The data path of one pydantic error, without its tags and wrapper names."""
    return tuple(p for p in item["loc"] if p not in _NOISE and not _is_wrapper(p))


def findings_from(exc: ValidationError, model: type[BaseModel], place: Place) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for item in exc.errors(include_url=False):
        path = error_path(item)
        message = _message(item, path, model)
        field = _field_name(path)
        if (field, message) in seen:
            continue
        seen.add((field, message))
        file, line = place(path)
        findings.append(error(message, file, line, field))
    return findings


def _is_wrapper(part: object) -> bool:
    return isinstance(part, str) and ("[" in part and "]" in part and "(" in part or
                                      part.startswith("function-"))


def _field_name(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _message(item: dict, path: tuple, model: type[BaseModel]) -> str:
    kind = item["type"]
    name = str(path[-1]) if path else "文件"
    if kind == "missing":
        return f"缺少必填字段“{name}”，请补充"
    if kind == "extra_forbidden":
        known = known_keys(model, path[:-1])
        hint = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
        tip = (f"，是否应为“{hint[0]}”？" if hint else
               f"；此处可用的字段有：{'、'.join(known)}" if known else "，请删去或改正")
        return f"未知字段“{name}”{tip}"
    if kind in {"value_error", "assertion_error"}:
        return str(item.get("ctx", {}).get("error", item["msg"]))
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "此处应为一组“字段: 值”，而不是单个值"
    if kind == "list_type":
        return "此处应为列表（每行以“- ”开头）"
    if kind in {"string_type", "str_type"}:
        return "此处应填写文字"
    ctx = item.get("ctx", {})
    if kind == "literal_error":
        return f"“{item.get('input')}”不是可选的值，应为{_choices(ctx.get('expected'))}之一"
    if kind == "union_tag_invalid":
        return (f"类型“{ctx.get('tag')}”不存在，可用的类型有："
                f"{_choices(ctx.get('expected_tags'))}")
    if kind == "union_tag_not_found":
        return "缺少“类型”，请填写"
    if kind == "too_short":
        return f"至少应有{ctx.get('min_length')}项"
    if kind == "string_too_long":
        return f"文字过长（上限 {ctx.get('max_length')} 字）"
    return "值不符合要求，请按填报说明填写"  # never pydantic's English


def _choices(expected: object) -> str:
    """pydantic's "'高于', '低于' or '偏离'" → 高于、低于、偏离."""
    names = re.findall(r"'([^']*)'", str(expected or ""))
    return "、".join(names) if names else str(expected)


def known_keys(model: type[BaseModel], path: tuple) -> list[str]:
    """Aliases allowed at path inside model (empty where the keys are free names)."""
    current: type[BaseModel] | None = model
    for part in path:
        if isinstance(part, int):  # an item of a list: the list's own model
            continue
        if current is None:
            return []
        field = next((f for n, f in current.model_fields.items()
                      if f.alias == part or n == part), None)
        current = _model_of(field.annotation) if field else None
    if current is None:
        return []
    return [f.alias or n for n, f in current.model_fields.items()]


def _model_of(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_of(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    return _model_of(origin) if origin is not None and origin is not annotation else None
