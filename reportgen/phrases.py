"""Phrases made from the optional facts of how the evaluation was run (评价工作) and of
the unit (简称, 统一社会信用代码, 地址). Each reads naturally when its fact is absent:
the sentence then simply says less, and never shows an empty slot."""

from __future__ import annotations

from decimal import Decimal

from . import credit_code
from .draft import FINAL, Draft, mark
from .model import DepartmentYear
from .numbers import fmt_count, shows_as_zero
from .text import clean_text, display_width


def short_name(d: DepartmentYear) -> str:
    """The name used after the first mention: 简称 where given, else the full name."""
    return clean_text(d.basic.short)


def short_name_note(d: DepartmentYear) -> str:
    """（以下简称州商务局） after the first mention, or nothing."""
    short = d.basic.short_name
    return f"（以下简称{clean_text(short)}）" if short and short != d.basic.name else ""


class Mention(str):
    """A phrase said in full where a report first uses it and by `again` after (上述通知要求),
    as a careful writer cites a document once."""

    again: str

    def __new__(cls, first: str, again: str) -> Mention:
        mention = super().__new__(cls, first)
        mention.again = again
        return mention


def notice_phrase(d: DepartmentYear) -> Mention:
    """《湘西州财政局关于开展…的通知》（州财绩〔2019〕5号）文件要求, then 上述通知要求 — or,
    without a notice, 财政部门关于开展2018年度部门整体支出绩效自评工作的要求, then 上述要求."""
    notice = d.evaluation.notice
    if notice is None:
        return Mention(f"财政部门关于开展{d.basic.year}年度部门整体支出绩效自评工作的要求",
                       "上述要求")
    number = f"（{clean_text(notice.number)}）" if notice.number else ""
    return Mention(f"《{clean_text(notice.issuer)}{clean_text(notice.title)}》{number}文件要求",
                   "上述通知要求")


def period_phrase(d: DepartmentYear) -> str:
    """于2019年3月至6月 (no trailing punctuation), or nothing."""
    period = d.evaluation.period
    return f"于{clean_text(period)}" if period else ""


def team_phrase(d: DepartmentYear) -> str:
    """（由局长任组长，……为成员） after 成立…工作组, or nothing."""
    team = d.evaluation.team
    return f"（{clean_text(team).rstrip('。')}）" if team else ""


def team_clause(d: DepartmentYear) -> str:
    """成立绩效评价工作组（由局长任组长，……为成员）， — or nothing: a default text never
    claims a working group the data does not describe."""
    team = d.evaluation.team
    return f"成立绩效评价工作组（{clean_text(team).rstrip('。')}），" if team else ""


def milestones_sentence(d: DepartmentYear) -> str:
    """2019年4月召开现场评价工作安排部署会，6月15日完成自评工作。 — or nothing."""
    items = [clean_text(m).rstrip("。；，") for m in d.evaluation.milestones if m.strip()]
    return "，".join(items) + "。" if items else ""


def assessor(d: DepartmentYear) -> str:
    """Who scored the 重点工作 (州绩效办, 县绩效办): named by the data, never assumed."""
    return clean_text(d.evaluation.assessor_name)


def _survey_made(d: DepartmentYear):
    """The survey, when questionnaires were sent (发放 0 is none sent); None otherwise."""
    survey = d.assessment.survey
    made = survey is not None and survey.sent is not None and not shows_as_zero(survey.sent)
    return survey if made else None


def _listed(names: list[str]) -> str:
    """甲、乙和丙."""
    return names[0] if len(names) == 1 else "、".join(names[:-1]) + "和" + names[-1]


def _positive(value: Decimal | None) -> bool:
    """Given and above what prints as 0.00."""
    return value is not None and value > 0 and not shows_as_zero(value)


def _compared_with_last_year(d: DepartmentYear) -> list[str]:
    """What the data gives last year's figures for (a zero, as for a unit set up this
    year, gives nothing to compare)."""
    last, public = d.last_year, d.three_public
    three = [b.total() for b in (public.last_year_budget, public.last_year_actual) if b]
    found = [
        ("收支", last is not None and any(_positive(v) for v in
                                          (last.income, last.expenditure, last.carried_out))),
        ("“三公经费”", any(_positive(v) for v in three)),
        ("公用经费", _positive(d.public_funds.last_year_actual)),
        ("政府采购", _positive(d.procurement.last_year_actual)),
    ]
    return [name for name, given in found if given]


def data_check_step(d: DepartmentYear) -> str:
    """The 核实数据 step: a comparison with last year only where last year's figures are
    given, naming what was compared."""
    year = d.basic.year
    compared = _compared_with_last_year(d)
    comparison = (f"，并将{_listed(compared)}情况与{year - 1}年度进行对比分析" if compared
                  else "")
    return f"**核实数据。**核实{year}年度部门整体支出数据的真实性和准确性{comparison}。"


def _non_tax_income(d: DepartmentYear) -> bool:
    income = d.finance.income
    return income is not None and any(_positive(income.part(name))
                                      for name in ("非税收入", "其他收入"))


def documents_step(d: DepartmentYear) -> str:
    """The 查阅资料 step: 预算追加 only with a 本年追加预算 above zero, 非税收入 only with
    income besides 财政拨款 (其他收入 or 非税收入)."""
    kinds = ["年度预算安排"]
    if _positive(d.budget.supplementary):
        kinds.append("预算追加")
    if _non_tax_income(d):
        kinds.append("非税收入")
    kinds += ["资金管理", "经费支出", "资产管理"]
    return f"**查阅资料。**查阅{'、'.join(kinds)}等文件资料和会计凭证。"


RECIPIENTS = ("考核与调查", "满意度调查", "发放对象")


def survey_step(d: DepartmentYear, draft: Draft = FINAL) -> str:
    """The 问卷调查 step of 评价过程 with its figures, or nothing when no survey was made
    (the item is then left out and the steps renumbered). Who received the questionnaires
    is said only as the data gives it; counts that do not add up to 发放 are marked."""
    survey = _survey_made(d)
    if survey is None:
        return ""
    sent = f"发放调查问卷{fmt_count(survey.sent)}份"
    if survey.recipients:
        parts = "、".join(f"{clean_text(name)}{fmt_count(n)}份"
                         for name, n in survey.recipients.items())
        disputed = (mark(f"各项之和为{fmt_count(survey.recipients_total)}份")
                    if draft.disputed(*RECIPIENTS) else "")
        sent = f"{sent}（{parts}）{disputed}"
    else:
        sent = f"向服务对象和社会公众{sent}"
    if survey.returned is not None and shows_as_zero(survey.returned):  # not "收回0份"
        return f"**问卷调查。**{sent}，拟了解其对本单位履职情况的满意程度，但未收回问卷。"
    returned = "" if survey.returned is None else f"，收回{fmt_count(survey.returned)}份"
    return f"**问卷调查。**{sent}{returned}，了解其对本单位履职情况的满意程度。"


def survey_limit(d: DepartmentYear) -> str:
    """，问卷调查样本有限 in 局限性 — only where a survey was made."""
    return "，问卷调查样本有限" if _survey_made(d) is not None else ""


def credit_code_text(d: DepartmentYear, draft: Draft = FINAL) -> str:
    """The code as printed; one that check finds wrong carries its mark in place
    (11433100006686429【待核实：应为18位，现为17位】)."""
    code = clean_text(d.basic.credit_code or "")
    if code and draft.disputed(*credit_code.PATH):
        code += mark(credit_code.mark_text(code))
    return code


def identity_sentence(d: DepartmentYear, draft: Draft = FINAL) -> str:
    """州商务局统一社会信用代码为…，办公地址为…。 — the parts that are given."""
    b = d.basic
    parts = []
    if b.credit_code:
        parts.append(f"统一社会信用代码为{credit_code_text(d, draft)}")
    if b.address:
        parts.append(f"办公地址为{clean_text(b.address)}")
    return f"{short_name(d)}{'，'.join(parts)}。" if parts else ""


def phrases(d: DepartmentYear, draft: Draft = FINAL) -> dict[str, str]:
    """The names narratives may cite ({{ 简称 }} …), one function each."""
    return {"简称": short_name(d), "以下简称": short_name_note(d), "评价依据": notice_phrase(d),
            "评价期间": period_phrase(d), "评价工作组": team_phrase(d),
            "成立工作组": team_clause(d),
            "工作安排": milestones_sentence(d), "考核机构": assessor(d),
            "核实数据": data_check_step(d), "查阅资料": documents_step(d),
            "问卷调查": survey_step(d, draft), "问卷调查局限": survey_limit(d)}


REPORT_KIND = "部门整体支出绩效评价报告"
TITLE_LINE = 40  # display columns of one 2号 title line in the 156 mm text block (≈ 20 字)


def title_lines(d: DepartmentYear) -> tuple[str, str]:
    """The title in two lines broken between words, the longer line first: 单位名称＋年度
    over 部门整体支出绩效评价报告; a long name alone over 年度＋报告类别."""
    name, year = clean_text(d.basic.name), f"{d.basic.year}年度"
    if display_width(name + year) <= TITLE_LINE:
        return name + year, REPORT_KIND
    return name, year + REPORT_KIND
