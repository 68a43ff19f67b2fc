"""The indicator framework: a YAML data file, validated on load.

Three levels (一级 → 二级 → 三级); each 三级 line has points, an optional formula over
named facts, a rule, the 评价标准 and 指标说明 texts of the appendix table and a sentence
pattern for its analysis paragraph. A bureau adapts a framework by copying the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from .facts import KINDS
from .findings import Finding, InputError, error
from .formula import Formula, FormulaError, parse_formula
from .inputs.validation import findings_from
from .inputs.yaml_source import read_yaml, top_level_scalars
from .numbers import fmt_points
from .rules import Dec, Rule, WhenNotApplicable

# Placeholders every sentence pattern may use besides fact names.
PATTERN_NAMES = frozenset({"名称", "值", "得分", "分值", "扣分", "规则说明", "公式说明",
                           "年度", "单位名称", "依据", "简称", "考核机构", "项数"})
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
# An optional clause of a pattern: 【年初结转和结余{年初结转和结余}万元｜无年初结转和结余】 is
# printed as its first part when a figure in it is not zero, else as the words after ｜ (or
# nothing when there are none): a zero category is said as 无 or left out, never as 0.00万元.
# The brackets a Chinese input method types for [ ]; | or ｜ between the two parts.
CLAUSE_OPEN, CLAUSE_CLOSE = "【", "】"
_CLAUSE = re.compile(r"【([^【】]*)】")
_OTHERWISE = re.compile(r"[|｜]")


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


# Where a long 三级指标 name may break in 附件1's narrow column, written in the name itself:
# 新建楼堂馆所｜面积控制率 is the name 新建楼堂馆所面积控制率, broken after 新建楼堂馆所 (between
# words, never inside one). The text and everything else see the name without the mark.
NAME_BREAK = re.compile(r"[|｜]")


class Indicator(_Node):
    name: str = Field(alias="名称")
    points: Dec = Field(alias="分值")
    standard: str = Field("", alias="评价标准")
    description: str = Field("", alias="指标说明")
    formula_text: str | None = Field(None, alias="公式")
    formula_label: str = Field("", alias="公式说明")
    rule: Rule = Field(alias="规则")
    not_applicable: WhenNotApplicable | None = Field(None, alias="不适用")
    pattern: str = Field("", alias="分析句式")
    problem: str = Field("", alias="问题表述")

    _name_lines: tuple[str, ...] = PrivateAttr(())

    @model_validator(mode="wrap")
    @classmethod
    def _name_break_marks(cls, data: object, handler):  # noqa: ANN206 (pydantic's handler)
        written = data.get("名称") if isinstance(data, dict) else None
        if isinstance(written, str) and NAME_BREAK.search(written):
            data = {**data, "名称": NAME_BREAK.sub("", written)}
        indicator = handler(data)
        indicator._name_lines = tuple(NAME_BREAK.split(written)) if isinstance(written, str) \
            else (indicator.name,)
        return indicator

    @property
    def name_lines(self) -> tuple[str, ...]:
        """The name in the lines 附件1 prints it, broken where the framework marks it."""
        return self._name_lines or (self.name,)

    @property
    def formula(self) -> Formula | None:
        return _formula(self.formula_text) if self.formula_text else None


@cache
def _formula(text: str) -> Formula:
    return parse_formula(text, frozenset(KINDS))


class Group(_Node):
    name: str = Field(alias="名称")
    points: Dec = Field(alias="分值")
    indicators: list[Indicator] = Field(alias="三级指标", min_length=1)


class Category(_Node):
    name: str = Field(alias="名称")
    points: Dec = Field(alias="分值")
    groups: list[Group] = Field(alias="二级指标", min_length=1)


class Grade(_Node):
    name: str = Field(alias="等级")
    minimum: Dec = Field(alias="最低分")


DEFAULT_GRADES = (Grade(等级="优", 最低分="90"), Grade(等级="良", 最低分="80"),
                  Grade(等级="中", 最低分="60"), Grade(等级="差", 最低分="0"))


class Framework(_Node):
    ident: str = Field(alias="标识")
    title: str = Field(alias="名称")
    note: str = Field("", alias="说明")
    grades: list[Grade] = Field(default_factory=lambda: list(DEFAULT_GRADES), alias="等级")
    # An indicator whose formula divides by zero (no 三公 budget last year) cannot be worked
    # out: what it scores is this framework's rule, and its sentence says so.
    zero_denominator: Literal["不得分", "得满分"] = Field("不得分", alias="分母为零")
    categories: list[Category] = Field(alias="一级指标", min_length=1)
    _digest: str = PrivateAttr("")  # sha256 of the file it was loaded from

    @property
    def zero_denominator_rule(self) -> str:
        """The setting as a 评价标准 says it, printed in 附件1 where an indicator met it, so
        the report's 按评分标准…不得分 can be traced."""
        return f"公式分母为零、无法按公式计算的，{self.zero_denominator}。"

    @property
    def digest(self) -> str:
        return self._digest

    def indicators(self) -> list[tuple[Category, Group, Indicator]]:
        return [(c, g, i) for c in self.categories for g in c.groups for i in g.indicators]

    def grade(self, total: Decimal) -> str:
        for grade in sorted(self.grades, key=lambda g: g.minimum, reverse=True):
            if total >= grade.minimum:
                return grade.name
        return self.grades[-1].name


@dataclass(frozen=True)
class BuiltIn:
    ident: str
    title: str
    path: Path


def builtin_frameworks() -> list[BuiltIn]:
    found = []
    for path in sorted(shipped_frameworks().glob("*.yaml")):
        fw = load_framework(path)
        found.append(BuiltIn(fw.ident, fw.title, path))
    return found


def shipped_frameworks() -> Path:
    """The folder of the frameworks that come with reportgen."""
    return Path(str(resources.files("reportgen.frameworks")))


def resolve_framework(name: str, base: Path) -> Path:
    """A built-in's 标识 or file stem, or a path (relative to the department folder)."""
    text = name.strip()
    if text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text:
        path = (base / text) if not Path(text).is_absolute() else Path(text)
        if not path.exists():
            raise InputError([error(f"找不到评价框架文件“{text}”", field="评价框架")],
                             unreadable=True)
        return path
    shipped = _shipped_names()
    for path in shipped:
        if path.stem == text:
            return path
    for path, names in shipped.items():
        if text in names:
            return path
    names = "、".join(ident for ident, _ in shipped.values() if ident)
    raise InputError([error(f"未知的评价框架“{text}”；内置框架有：{names}，也可填写框架文件的路径",
                            field="评价框架")], unreadable=True)


@cache
def _shipped_names() -> dict[Path, tuple[str | None, str | None]]:
    """标识 and 名称 of each shipped framework, read from the top of its file: naming one
    in data.yaml then loads that one only (test_framework checks they are the loaded ones)."""
    found = {}
    for path in sorted(shipped_frameworks().glob("*.yaml")):
        top = top_level_scalars(path.read_text(encoding="utf-8"), frozenset({"标识", "名称"}))
        found[path] = (top.get("标识"), top.get("名称"))
    return found


@cache
def load_framework(path: Path) -> Framework:
    source = read_yaml(path, kind="评价框架")
    file = str(path)
    if not isinstance(source.data, dict):
        raise InputError([error("框架文件顶层应为一组“字段: 值”", file, 1)], unreadable=True)
    try:
        framework = Framework.model_validate(source.data)
    except ValidationError as exc:
        raise InputError(findings_from(exc, Framework, lambda p: (file, source.line_of(p)))) \
            from None
    problems = validate_framework(framework, file)
    if problems:
        raise InputError(problems)
    framework._digest = source.digest
    return framework


def validate_framework(fw: Framework, file: str) -> list[Finding]:
    problems: list[Finding] = []

    def add(where: str, message: str) -> None:
        problems.append(error(message, file, field=where))

    total = sum((c.points for c in fw.categories), Decimal(0))
    if total != 100:
        add("一级指标", f"一级指标分值合计为{fmt_points(total)}，应为100")
    names: set[str] = set()
    for cat in fw.categories:
        _sum_check(add, cat.name, cat.points, [g.points for g in cat.groups], "二级指标")
        for group in cat.groups:
            _sum_check(add, f"{cat.name}/{group.name}", group.points,
                       [i.points for i in group.indicators], "三级指标")
            for ind in group.indicators:
                if ind.name in names:
                    add(ind.name, "三级指标名称重复")
                names.add(ind.name)
                for message in _indicator_problems(ind):
                    add(ind.name, message)
    return problems


def _sum_check(add, where: str, points: Decimal, parts: list[Decimal], level: str) -> None:
    got = sum(parts, Decimal(0))
    if got != points:
        add(where, f"所属{level}分值合计为{fmt_points(got)}，与本级分值{fmt_points(points)}不符")


def _indicator_problems(ind: Indicator) -> list[str]:
    problems = list(ind.rule.check_points(ind.points))
    if not all(line.strip() for line in ind.name_lines):
        problems.append("名称中的“｜”标出附表中的换行处，应写在两个词之间，如“新建楼堂馆所｜面积控制率”")
    if ind.points <= 0:
        problems.append("分值必须大于0")
    if ind.rule.uses_formula and not ind.formula_text:
        problems.append(f"规则“{ind.rule.kind}”需要公式，请填写“公式”")
    if ind.formula_text:
        try:
            parse_formula(ind.formula_text, frozenset(KINDS))
        except FormulaError as exc:
            problems.append(str(exc))
    known = PATTERN_NAMES | set(KINDS)
    for placeholder in _PLACEHOLDER.findall(ind.pattern):
        if placeholder.strip() not in known:
            problems.append(f"分析句式中的“{{{placeholder}}}”不是可用的名称")
    return problems + clause_problems(ind.pattern)


def _figures_in(text: str) -> list[str]:
    return [name.strip() for name in _PLACEHOLDER.findall(text) if name.strip() in KINDS]


def unconditional_figures(pattern: str) -> list[str]:
    """The figures a pattern prints whatever their value: those outside any 【…】."""
    return _figures_in(_CLAUSE.sub("", pattern))


def _shown(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def clause_problems(pattern: str) -> list[str]:
    """What is wrong with the 【…｜…】 clauses of a pattern, in the words of the framework."""
    depth, problems = 0, []
    for char in pattern:
        if char == CLAUSE_OPEN:
            depth += 1
            if depth == 2:
                problems.append("分析句式中的“【…】”不能套在另一个“【…】”里")
        elif char == CLAUSE_CLOSE:
            depth -= 1
            if depth < 0:
                problems.append("分析句式中的“】”前面没有对应的“【”")
                depth = 0
    if depth > 0:
        problems.append("分析句式中的“【”没有对应的“】”")
    if problems:
        return problems
    if _OTHERWISE.search(_CLAUSE.sub("", pattern)):
        problems.append("分析句式中的“｜”只能写在“【…】”里，用来分开有数时和全为零时的文字")
    for body in _CLAUSE.findall(pattern):
        parts = _OTHERWISE.split(body)
        where = f"分析句式中的“【{_shown(body)}】”"
        if len(parts) > 2:
            problems.append(f"{where}有不止一个“｜”；一个“【…】”只分有数时和全为零时两段文字")
        if not _figures_in(parts[0]):
            problems.append(f"{where}中没有数据项（如{{年初结转和结余}}），无法判断何时省略")
        for name in _figures_in("".join(parts[1:])):
            problems.append(f"{where}中“｜”后的文字在数据全为零时使用，不能引用数据项“{{{name}}}”")
    return problems


def fill_pattern(pattern: str, values: dict[str, str],
                 zero: frozenset[str] = frozenset()) -> str:
    """Substitute {名称} placeholders; the pattern is data, so nothing else is interpreted.
    A 【…｜…】 clause is first resolved: its first part when some figure in it is not in
    `zero` (the figures that are zero or absent), else the part after ｜ or nothing."""
    def clause(m: re.Match[str]) -> str:
        shown, *otherwise = _OTHERWISE.split(m.group(1), maxsplit=1)
        return "".join(otherwise) if all(n in zero for n in _figures_in(shown)) else shown

    text = _CLAUSE.sub(clause, pattern)
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip(), m.group(0)), text)
