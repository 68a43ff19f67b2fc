"""Compose the report: scorecard + data + narratives → a document tree.

Every figure, sentence about a score and list number is produced here from one source;
numbers of headings and items are generated, so they are always consecutive.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache

from .document import Block, Heading, Paragraph, ReportDocument, Run, Table
from .draft import Draft, highlight_marks, mark
from .findings import Finding, warning
from .inputs.markdown import MdBlock, inline_runs
from .inputs.narratives import NARRATIVE_SECTIONS, Narratives, normalize_name
from .numbers import fmt_points, fmt_score
from .phrases import (
    Mention,
    assessor,
    credit_code_text,
    identity_sentence,
    phrases,
    short_name,
    title_lines,
)
from .pipeline import Evaluation
from .rules import score_words
from .scoring import IndicatorScore, Status, figure_texts
from .tables import (
    basic_data_table,
    indicator_table,
    money_summary_table,
    score_summary_table,
)
from .template_contract import (
    ATTACHMENT_NOTE,
    ATTACHMENT_NOTE_NEXT,
    ATTACHMENTS,
    LINE_CHARS,
    SIGNATURE,
    SIGNATURE_DATE,
    TABLE_CAPTION,
)
from .text import (
    chinese_count,
    chinese_date,
    chinese_number,
    clean_text,
    display_width,
    quoted,
    unrepeated,
)

# A reference is short and brace-free: bounded, so a run of unclosed {{ stays linear.
_REFERENCE = re.compile(r"\{\{([^{}]{0,200}?)\}\}")
_DOTTED = re.compile(r"^[^\W\d]\w*(\.[^\W\d]\w*)*$")


@cache
def _sandbox():
    """Jinja's sandbox, made when a narrative first uses a dotted path: check and most
    reports never load Jinja (~20 ms)."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(undefined=StrictUndefined)


@cache
def _expression(expr: str):
    """Compiled once per process: the same references recur in every report."""
    return _sandbox().compile_expression(expr, undefined_to_none=False)


def _dotted_value(expr: str, refs: dict[str, object]) -> object:
    """The value of a dotted path (预算控制率.得分); KeyError if it names nothing."""
    from jinja2 import TemplateError

    try:
        return _expression(expr)(**refs)
    except TemplateError:
        raise KeyError(expr) from None


class IndicatorRef(dict):
    """{{ 预算完成率 }} → "87.75%"; {{ 预算完成率.得分 }} → "1"."""

    def __str__(self) -> str:
        return self["值"]


def references(ev: Evaluation) -> dict[str, object]:
    data, card = ev.department.data, ev.scorecard
    refs: dict[str, object] = dict(figure_texts(data, card.figures))
    refs.update(phrases(data, Draft.of(ev.findings)))
    refs.update({"次年": str(data.basic.year + 1), "上年": str(data.basic.year - 1),
                 "总分": fmt_score(card.total), "等级": card.grade})
    for r in card.results:
        refs[normalize_name(r.name)] = IndicatorRef({
            "值": r.value_display or fmt_score(r.score), "得分": fmt_score(r.score),
            "分值": fmt_points(r.points), "扣分": fmt_score(r.lost)})
    return refs


@dataclass
class Composer:
    ev: Evaluation
    narratives: Narratives
    refs: dict[str, object] = field(init=False)
    draft: Draft = field(init=False)
    findings: list[Finding] = field(default_factory=list)
    tables: int = field(default=0, init=False)  # the body's tables numbered so far
    mentioned: set[str] = field(default_factory=set)  # names whose Mention was said in full
    # 需要说明事项's item number of each title, so 存在的绩效问题 can point to it.
    explained: dict[str, int] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.refs = references(self.ev)
        self.draft = Draft.of(self.ev.findings)
        self.findings.extend(self.narratives.notes)

    # -- narrative text -------------------------------------------------------------
    def fill(self, text: str, file: str, line: int) -> str:
        """Replace {{ 名称 }} with its figure; anything else stays as the text it is."""

        def substitute(match: re.Match[str]) -> str:
            expr = match.group(1).strip()
            if not _DOTTED.match(expr):
                self.findings.append(warning(
                    f"“{match.group(0)}”不是可引用的数据名称，已按原文输出", file, line))
                return match.group(0)
            try:
                # A bare name is a dictionary look-up; a dotted path (预算控制率.得分) goes
                # through the sandbox, which refuses attribute tricks.
                value = self.refs[expr] if "." not in expr else _dotted_value(expr, self.refs)
                if not isinstance(value, (str, IndicatorRef)):  # a method, a Jinja global …
                    raise KeyError(expr)
                if isinstance(value, Mention):  # in full once, in short after
                    value = value.again if expr in self.mentioned else value
                    self.mentioned.add(expr)
                return str(value)
            except (KeyError, AttributeError, TypeError):
                self.findings.append(warning(
                    f"引用了不存在的数据名称“{expr}”，已按原文输出；{self.name_hint(expr)}",
                    file, line))
                return match.group(0)

        return _REFERENCE.sub(substitute, text)

    def name_hint(self, expr: str) -> str:
        """The closest name that can be written, or what such names look like — never a
        file the clerk's folder does not have."""
        head, _, tail = expr.partition(".")
        close = difflib.get_close_matches(head, list(self.refs), n=1, cutoff=0.5)
        if close:
            return f"是否应为“{close[0]}{'.' + tail if tail else ''}”？"
        return ("可引用数据项的中文名称（如 收入决算数、年初预算）和指标名称"
                "（如 预算控制率、预算控制率.得分），reportgen score 列出全部指标名称")

    def narrative(self, name: str) -> list[Block]:
        item = self.narratives.sections.get(name)
        if item is None or not item.blocks:
            self.findings.append(warning(
                f"缺少“{NARRATIVE_SECTIONS[name]}”的文字材料（narratives/{name}.md），报告中以【待补充】标出",
                str(self.ev.department.narratives_dir)))
            return [Paragraph.of(f"【待补充：{NARRATIVE_SECTIONS[name]}】")]
        return self.md_blocks(list(item.blocks), item.file)

    def md_blocks(self, blocks: list[MdBlock], file: str) -> list[Block]:
        out: list[Block] = []
        counters = [0, 0, 0]
        for block in blocks:
            text = clean_text(self.fill(block.text, file, block.line))
            if block.kind == "heading":
                out.append(Paragraph.of(text, bold=True))
                counters = [0, 0, 0]
                continue
            if block.kind != "item":
                counters = [0, 0, 0]
                out.append(_paragraph(text))
                continue
            if not text.strip():  # an item made only of a phrase the data leaves empty
                continue
            level = min(block.level, 2)
            counters[level] += 1
            counters[level + 1:] = [0] * (len(counters) - level - 1)
            n = counters[level]
            prefix = f"{n}." if level == 1 else f"（{n}）"
            out.append(_paragraph(text, prefix))
        return out

    # -- sections ------------------------------------------------------------------
    def compose(self) -> ReportDocument:
        data = self.ev.department.data
        b = data.basic
        # The cover's two facts never print blank: a missing one is marked for the clerk
        # (check warns about it too).
        fields = {
            "草稿": self.draft.header(),
            "标题上行": title_lines(data)[0], "标题下行": title_lines(data)[1],
            "单位名称": clean_text(b.name) if clean_text(b.name).strip() else "【待补充：单位名称】",
            "年度": str(b.year),
            "预算编码": clean_text(b.budget_code or ""),
            "评价方式": clean_text(b.evaluation_method),
            "报告日期": chinese_date(b.report_date) if b.report_date else "【待补充：报告日期】",
            "统一社会信用代码": credit_code_text(data, self.draft),
        }
        sections = {
            "引言": self.narrative("引言"),
            "基本情况": self.basic_situation(),
            "绩效评价工作情况": numbered([
                ("绩效评价目的", self.narrative("评价目的")),
                ("绩效评价实施过程", self.narrative("评价过程")),
                ("绩效评价的局限性", self.narrative("局限性"))]),
            "绩效评价分析": self.analysis(),
            "需要说明事项": self.explanations(),
            "绩效评价结论": self.conclusion(),
            "经验教训与建议": numbered([
                ("主要做法及经验", self.narrative("主要做法及经验")),
                ("存在的困难和问题", self.narrative("存在的困难和问题")),
                ("建议和请求", self.narrative("建议和请求"))]),
            "指标表": [indicator_table(self.ev.scorecard)],
            "基础数据表": [basic_data_table(data, self.ev.scorecard.figures)],
            "落款": closing_block(data, fields["报告日期"]),
        }
        # The body's last lines go with 附件说明, 署名 and 成文日期 when these move to the next
        # page: no page holds the closing block alone (GB/T 9704 7.3.5.1).
        body_end = sections["经验教训与建议"]
        if body_end and isinstance(body_end[-1], Paragraph):
            body_end[-1] = replace(body_end[-1], keep_next=True)
        sections = {name: [highlight_marks(block) for block in blocks]
                    for name, blocks in sections.items()}
        return ReportDocument(fields, sections)

    def basic_situation(self) -> list[Block]:
        from .describe import staffing_paragraph

        data = self.ev.department.data
        staffing = staffing_paragraph(data, self.ev.scorecard.figures, self.draft)
        identity = identity_sentence(data, self.draft)
        if identity:  # the unit's code and address lead the generated paragraph
            staffing = [Paragraph.of(identity + "".join(p.text for p in staffing))]
        duties = self.narrative("职责概述") + staffing
        return numbered([
            ("部门职责概述", duties),
            ("部门支出描述", self.spending()),
            ("部门项目实施情况", self.narrative("项目实施情况"))])

    def spending(self) -> list[Block]:
        from .describe import expenditure_paragraphs

        fig = self.ev.scorecard.figures
        blocks: list[Block] = list(expenditure_paragraphs(self.ev.department.data, fig,
                                                          self.draft))
        table = money_summary_table(fig)
        if table is None:
            return blocks
        data = self.ev.department.data
        label = self.next_table()
        year = data.basic.year
        lead = Run(f"{year}年度收支情况见{label}。")
        if blocks and isinstance(blocks[-1], Paragraph):
            blocks[-1] = replace(blocks[-1], runs=(*blocks[-1].runs, lead))
        else:
            blocks.append(Paragraph((lead,)))
        return [*blocks, *captioned(label, f"{year}年度收支情况", table)]

    def next_table(self) -> str:
        """表1, 表2 … in the order the body prints its tables (sections compose in order)."""
        self.tables += 1
        return f"表{self.tables}"

    def analysis(self) -> list[Block]:
        card = self.ev.scorecard
        parts = []
        for category in card.framework.categories:
            got = card.category_score(category.name)
            blocks: list[Block] = [Paragraph.of(
                f"{category.name}类指标满分{fmt_points(category.points)}分，"
                f"本部门得{fmt_score(got)}分。")]
            results = [r for r in card.results if r.category == category.name]
            for i, r in enumerate(results, 1):
                blocks.append(Heading(3, f"{i}.{r.name}（{fmt_points(r.points)}分）"))
                blocks.append(Paragraph.of(clean_text(_marked(r.analysis, r))))
            parts.append((f"{category.name}（{fmt_points(category.points)}分）", blocks))
        return numbered(parts)

    def lost_points(self) -> list[IndicatorScore]:
        return [r for r in self.ev.scorecard.results if r.lost > 0]

    def explanations(self) -> list[Block]:
        """需要说明事项: the sections of 需要说明事项.md in the order written — a deducted
        indicator with its generated lead-in, any other indicator or free title as written —
        then each deducted indicator the department has not explained yet, marked."""
        lost = {normalize_name(r.name): r for r in self.lost_points()}
        indicators = {normalize_name(r.name): r for r in self.ev.scorecard.results}
        year = self.ev.department.data.basic.year
        items: list[tuple[str, list[Block]]] = []
        seen: set[str] = set()
        for heading in self.narratives.reason_headings:
            key = normalize_name(heading.text)
            if key in seen:
                continue
            seen.add(key)
            blocks_md, file = self.narratives.reasons[key]
            body = self.md_blocks(blocks_md, file)
            if key in lost:
                r = lost[key]
                items.append((r.name, [Paragraph.of(lost_sentence(r, year)), *body]))
            elif key in indicators:  # printed as written; the department may have meant it
                self.findings.append(warning(
                    f"指标{quoted(indicators[key].name)}没有扣分，这段说明仍按原文写入需要说明事项；"
                    "如不再需要，请删去这一节", self.narratives.reasons_file or "", heading.line))
                items.append((indicators[key].name, body))
            else:
                # A free title, or a misspelt section of a deducted indicator still unexplained?
                unexplained = [r for k, r in lost.items() if self.narratives.reason_for(r.name)
                               is None]
                hint = self.heading_hint(heading.text, unexplained) if unexplained else ""
                if hint.endswith(tuple(f"“## {r.name}”？" for r in unexplained)):
                    self.findings.append(warning(
                        f"“{heading.text}”不是本框架的指标，按自拟标题写入需要说明事项{hint}",
                        self.narratives.reasons_file or "", heading.line))
                items.append((clean_text(heading.text), body))
        for key, r in lost.items():
            if key in seen:
                continue
            if r.zero_figures is None:  # a zero denominator has its own warning (checks)
                self.findings.append(warning(
                    f"指标{quoted(r.name)}扣{fmt_score(r.lost)}分，但没有写明原因；"
                    f"{self.narratives.where_to_explain(r.name)}",
                    self.narratives.reasons_file or str(self.ev.department.narratives_dir)))
            items.append((r.name, [Paragraph.of(lost_sentence(r, year)),
                                   Paragraph.of(f"【待补充：{r.name}扣分原因】")]))
        if not items:
            return [Paragraph.of("本年度各项指标均得满分，没有需要说明的事项。")]
        blocks: list[Block] = []
        for i, (title, body) in enumerate(items, 1):
            self.explained.setdefault(title, i)
            blocks.append(Heading(3, f"{i}.{title}"))
            blocks.extend(body or [Paragraph.of(f"【待补充：{title}】")])
        return blocks

    def heading_hint(self, heading: str, lost: list[IndicatorScore]) -> str:
        """A misspelt section gets the name it was probably meant to have, as a misspelt
        data field does: first among the indicators that lost points and lack a section."""
        wanted = [r.name for r in lost if self.narratives.reason_for(r.name) is None]
        others = [r.name for r in self.ev.scorecard.results if r.name not in wanted]
        for names in (wanted, others):
            close = difflib.get_close_matches(normalize_name(heading),
                                              [normalize_name(n) for n in names], n=1, cutoff=0.5)
            if close:
                name = next(n for n in names if normalize_name(n) == close[0])
                return f"；是否应为“## {name}”？"
        return ""

    def conclusion(self) -> list[Block]:
        ev = self.ev
        card, data = ev.scorecard, ev.department.data
        split = "，".join(f"{c.name}{fmt_score(card.category_score(c.name))}分（满分"
                         f"{fmt_points(c.points)}分）" for c in card.framework.categories)
        score_blocks: list[Block] = [Paragraph.of(
            f"根据部门整体支出绩效评价指标体系，经{short_name(data)}自评，"
            f"{data.basic.year}年度部门整体支出绩效评价得分为{fmt_score(card.total)}分"
            f"{_total_mark(card.results)}，"
            f"绩效评价等级为“{card.grade}”。其中{split}。")]
        label = self.next_table()
        score_blocks[-1] = replace(score_blocks[-1], runs=(
            *score_blocks[-1].runs, Run(f"各一级指标得分及得分率见{label}。")))
        score_blocks += captioned(label, "一级指标得分情况", score_summary_table(card))
        return numbered([("绩效评价得分", score_blocks),
                         ("存在的绩效问题", problem_blocks(self.lost_points(), assessor(data), self.explained))])


def captioned(label: str, title: str, table: Table) -> list[Block]:
    """A body table under its caption (表1　…), which stays on the table's page."""
    return [Paragraph.of(f"{label}　{title}", TABLE_CAPTION), table]


# 成文日期右空四字 (GB/T 9704 7.3.5.1), in hundredths of a character.
DATE_RIGHT = 400


def closing_block(data, date: str) -> list[Block]:
    """附件说明, 署名 and 成文日期 after the body, for a report the unit seals (加盖印章的
    公文, GB/T 9704 7.3.4 and 7.3.5.1): the note two characters in, 1. 2. under each other;
    the date four characters from the right edge, and the unit's name on the line above,
    centred on the date (the seal then covers both, its top within a line of the note)."""
    first, *rest = ATTACHMENTS
    blocks: list[Block] = [Paragraph.of(f"附件：1.{first}", ATTACHMENT_NOTE)]
    blocks += [Paragraph.of(f"{i}.{name}", ATTACHMENT_NOTE_NEXT)
               for i, name in enumerate(rest, 2)]
    left = signature_left(date)
    blocks.append(Paragraph((Run(clean_text(data.basic.name)),), SIGNATURE, left))
    blocks.append(Paragraph((Run(date),), SIGNATURE_DATE, left))
    return blocks


def signature_left(date: str) -> int:
    """The left indent, in hundredths of a character, of the space in which 署名 and 成文日期
    are both centred: it reaches the right edge and its middle is the date's, so the date
    fills it to four characters from the edge (a half-width digit is half a character) and
    the name is centred on the date by the word processor itself, in whatever font it has.
    A name wider than that space (eight characters more than the date) wraps inside it."""
    return LINE_CHARS * 100 - 2 * DATE_RIGHT - display_width(date) * 50


def problem_blocks(lost: list[IndicatorScore], assessor: str = "",
                   explained: dict[str, int] | None = None) -> list[Block]:
    """The deductions as performance problems; an indicator that could not be computed
    (a zero denominator) is an outcome to explain, not a problem of performance."""
    if not lost:
        return [Paragraph.of("各项指标均得满分，未发现明显的绩效问题。")]
    problems = [r for r in lost if r.status is Status.SCORED]
    others = [r for r in lost if r.status is not Status.SCORED]
    total = fmt_score(sum((r.lost for r in lost), Decimal(0)))
    blocks: list[Block] = []
    head = f"本年度共有{chinese_count(len(lost))}项指标未得满分，合计扣{total}分。"
    if problems:
        blocks.append(Paragraph.of(f"{head}存在的主要绩效问题是："))
        for i, r in enumerate(problems, 1):
            blocks.append(_paragraph(f"{problem_text(r, assessor)}。", f"{i}."))
    else:
        blocks.append(Paragraph.of(head))
    for r in others:
        if r.status is Status.NOT_COMPUTABLE:
            # Its own subject, why it could not be worked out, and which item explains it.
            number = (explained or {}).get(r.name)
            where = f"需要说明事项第{number}项" if number else "需要说明事项"
            text = (f"此外，{r.name}因{r.reason}无法按公式计算，"
                    f"{score_words(r.score, r.points)}，详见{where}。")
        else:
            text = _marked(f"另有{quoted(r.name)}因缺少数据未能计算，"
                           f"{score_words(r.score, r.points)}。", r)
        blocks.append(Paragraph.of(text))
    return blocks


def _marked(sentence: str, r: IndicatorScore) -> str:
    """An indicator scored 0 for lack of data carries the draft mark before its full stop."""
    if r.status is not Status.MISSING_DATA:
        return sentence
    return f"{sentence.removesuffix('。')}{mark('数据缺失，补齐后重新生成')}。"


def _total_mark(results: list[IndicatorScore]) -> str:
    missing = [r for r in results if r.status is Status.MISSING_DATA]
    if not missing:
        return ""
    return mark(f"{chinese_count(len(missing))}项指标缺少数据，未计入得分")


def _paragraph(text: str, prefix: str = "") -> Paragraph:
    runs = tuple(Run(t, bold) for t, bold in inline_runs(text) if t)
    if prefix:  # the number of a run-in head (1.**贯彻政策。**…) is bold with its head
        runs = (Run(prefix, bool(runs) and runs[0].bold), *runs)
    return Paragraph(runs or (Run(""),))


def lost_sentence(r: IndicatorScore, year: int) -> str:
    """The lead-in of an indicator's item under 需要说明事项: what it scored and why. Every
    explanation of a loss already says it in the one form (扣…分，得…分; rules.score_words)."""
    if r.status is Status.NOT_COMPUTABLE:
        return r.analysis  # its year is the zero figure's own (2018年度“三公经费”预算为零)
    if r.status is Status.MISSING_DATA:
        return _marked(f"{year}年度本部门{r.name}{r.explanation}。", r)
    if r.value is not None and r.indicator.rule.unit == "%":
        # The explanation may open by restating the value in words (较上年增长), which the
        # lead-in's 变动率为15.00% has just said.
        why = r.explanation.removeprefix(f"{r.value_in_words}，") if r.value_in_words \
            else r.explanation
        return f"{year}年度本部门{r.value_clause}，{why}。"
    if r.value is not None:
        # A score-valued indicator (重点工作 from the 考核机构's score): its analysis says who
        # gave the score, how it converts and what was lost.
        return r.analysis
    if r.indicator.rule.kind == "清单":
        return f"{year}年度本部门{r.name}评价中，{r.explanation}。"
    return f"{year}年度本部门{r.name}{r.explanation}。"


def problem_text(r: IndicatorScore, assessor: str = "") -> str:
    """One item of 存在的绩效问题: what fell short — a checklist's unmet criteria as this
    department's shortfall, else the framework's 问题表述 — then the figure and the loss in
    one bracket that holds no other bracket and does not name the subject again
    (满意度不高（满意度86.17%…）, not 社会公众或服务对象满意度 twice)."""
    what = r.shortfall or r.indicator.problem or f"{r.name}未达到评价标准"
    lost = f"扣{fmt_score(r.lost)}分"
    if r.value is not None:
        # A score-valued indicator names who gave the score (县绩效办考核得分95.60分), not
        # the formula's variable (绩效办对应部分考核得分).
        label = (unrepeated(r.name, what) if r.indicator.rule.unit == "%"
                 else f"{assessor}考核得分" if r.indicator.rule.unit == "分"
                 else r.indicator.formula_label or r.name)
        return f"{what}（{label}{r.value_display}，{lost}）"
    said = r.indicator.rule.kind == "等级" and _level_meaning(r)
    if said:
        return f"{what}（{said}，{lost}）"
    label = "" if r.name in what else r.name
    return f"{what}（{label}{lost}）"


def _level_meaning(r: IndicatorScore) -> str:
    """效果一般 for a level indicator: its explanation up to the score."""
    return r.explanation.split("，", 1)[0]


def numbered(parts: list[tuple[str, list[Block]]]) -> list[Block]:
    """（一）（二）… headings over their blocks."""
    blocks: list[Block] = []
    for i, (title, body) in enumerate(parts, 1):
        blocks.append(Heading(2, f"（{chinese_number(i)}）{title}"))
        blocks.extend(body)
    return blocks


def compose_report(ev: Evaluation) -> tuple[ReportDocument, list[Finding]]:
    composer = Composer(ev, ev.narratives)
    doc = composer.compose()
    return doc, composer.findings



