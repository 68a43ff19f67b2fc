"""Documents for the review tests, built with python-docx.

`seed_report(path)` lays out the seed report (tests/review_seed.txt, the text of a real
hand-written report) as the original: its paragraphs, then the appendix table with the
original's merged cells, including the 履职效益 group split 6 + 12 and the 过程 label
written again half-way down. `python tests/review_documents.py OUTDIR` writes every test
document for a look in Word or LibreOffice.
"""

from __future__ import annotations

import sys
from pathlib import Path

import docx
from docx.document import Document

HERE = Path(__file__).resolve().parent
SEED_TEXT = HERE / "review_seed.txt"
TABLE_HEADING = "附：部门整体支出绩效评价指标表"
HEADER = ["一级指标", "分值", "二级指标", "分值", "三级\n指标", "分值", "评价标准", "指标说明", "得分"]

# The seed's appendix table, row by row: 三级指标, 分值, 评价标准, 指标说明, 得分 (as written).
SEED_ROWS = [
    ("绩效目标\n合理性", "3", "①符合国家法律法规、国民经济和社会发展总体规划；\n②符合部门“三定”方案确定的职责；\n③符合部门制定的中长期实施规划。以上情况每出现一例不符合要求的扣1分，扣完为止。",
     "部门所设立的整体绩效目标依据是否充分，是否符合客观实际，用以反映和考核部门整体绩效目标与部门履职、年度工作任务的相符性情况。", "3"),
    ("绩效指标\n明确性", "3", "①将部门整体的绩效目标细化分解为具体的工作任务；②通过清晰、可衡量的指标值予以体现。 ③与部门年度的任务数或计划数相对应；④与本年度部门预算资金相匹配。以上情况每出现一例不符合要求的扣1分，扣完为止。",
     "部门依据整体绩效目标所设定的绩效指标是否清晰、细化、可衡量，用以反映和考核部门整体绩效目标的明细化情况。", "3"),
    ("在职人员控制率", "3", "以100%为标准。在职人员控制率≦100%，计3分；每超过一个百分点扣0.5分，扣完为止。",
     "在职人员控制率=（在职人员数/编制数）×100%，在职人员数：部门（单位）实际在职人数，以财政确定的部门决算编制口径为准。\n编制数：机构编制部门核定批复的部门（单位）的人员编制数。", "3"),
    ("“三公经费”变动率", "4", "“三公经费”变动率≦0,计4分；“三公经费”＞0，每超过一个百分点扣0.4分，扣完为止。",
     "“三公经费”变动率=[（本年度“三公经费”预算数-上年度“三公经费”预算数）/上年度“三公经费”预算数]×100%", "4"),
    ("预算完成率", "5", "100%计满分，每低于5%扣2分，扣完为止。",
     "预算完成率=（上年结转+年初预算+本年追加预算-年末结余/上年结转+年初预算+本年追加预算）×100%。", "5"),
    ("预算控制率", "5", "预算控制率=0-10%（含），计5分；11-30%（含），计4分；31-60%（含），计3分；61-100%（含），计2分；大于100%不得分",
     "预算控制率=（本年追加预算/年初预算）×100%。", "0"),
    ("新建楼堂馆所面积控制率", "5", "100%以下（含）计满分，每超出5%扣2分，扣完为止。没有楼梯馆所项目的部门按满分计算",
     "楼堂馆所面积控制率=实际建设面积/批准建设面积×100% 。\n该指标以2017年完工的新建楼堂馆所为评价内容。", "5"),
    ("新建楼堂馆所投资概算控制率", "5", "100%以下（含）计满分，每超出5%扣2分，扣完为止。",
     "楼堂馆所投资预算控制率=实际投资金额/批准投资金额×100% 。\n该指标以2017年完工的新建楼堂馆所为评价内容。", "5"),
    ("公用经费控制率", "8", "100%以下（含）计满分，每超出1%扣1分，扣完为止。",
     "公用经费控制率=（实际支出公用经费总额/预算安排公用经费总额）×100%。\n公用经费支出是指部门基本支出中的一般商品和服务支出。", "8"),
    ("“三公经费”控制率", "8", "100%以下（含）计满分，每超出1%扣1分，扣完为止。",
     "“三公经费”控制率=（“三公经费”实际支出数/“三公经费”预算安排数）×100%。", "8"),
    ("政府采购执行率", "6", "100%计满分，每超过（降低）5%扣2分。扣完为止。",
     "政府采购执行率=（实际政府采购金额/政府采购预算数）×100%", "6"),
    ("管理制度健全性", "8", "①有内部财务管理制度、会计核算制度等管理制度，2分；\n②有本部门厉行节约制度,2分；\n③相关管理制度合法、合规、完整，2分；④相关管理制度得到有效执行，2分。",
     "部门为加强预算管理、规范财务行为而制定的管理制度是否健全完整，用以反映和考核部门预算管理制度对完成主要职责或促进事业发展的保障情况。", "8"),
    ("资金使用合规性", "6", "①支出符合国家财经法规和财务管理制度规定以及有关专项资金管理办法的规定；②资金拨付有完整的审批程序和手续；③项目支出按规定经过评估论证；④支出符合部门预算批复的用途；⑤资金使用无截留、挤占、挪用、虚列支出等情况。\n以上情况每出现一例不符合要求的扣1分，扣完为止。",
     "部门使用预算资金是否符合相关的预算财务管理制度的规定，用以反映和考核部门预算资金的规范运行情况。", "6"),
    ("预决算信息公开性", "5", "①按规定内容公开预决算信息，1分；②按规定时限公开预决算信息，1分；③基础数据信息和会计信息资料真实，1分；④基础数据信息和会计信息资料完整，1分；⑤基础数据信息和汇集信息资料准确，1分。",
     "预决算信息是指与部门预算、执行、决算、监督、绩效等管理相关的信息。", "5"),
    ("重点工作实际完成率", "8", "根据绩效办2017年对各部门为民办实事和部门重点工程与重点工作考核分数折算。\n该项得分=（绩效办对应部分考核得分/100）*8",
     "", "7.47"),
    ("经济效益", "6", "此两项指标为设置部门整体支出绩效评价指标时必须考虑的共性要素，可根据部门实际情况有选择的进行设置，并将其细化为相应的个性化指标。", "", "3"),
    ("社会效益", None, None, "", "3"),
    ("行政效能", "6", "促进部门改进文风会风，加强经费及资产管理，推动网上办事，提高行政效率，降低行政成本效果较好的计6分；一般3分；无效果或者效果不明显0分。",
     "根据部门自评材料评定。", "6"),
    ("社会公众或服务对象满意度", "6", "90%（含）以上计6分；\n80%（含）-90%，计4分；\n70%（含）-80%，计2分；\n低于70%计0分。",
     "社会公众或服务对象是指部门（单位）履行职责而影响到的部门、群体或个人，一般采取社会调查的方式。", "6"),
]
# Merged blocks of the first four columns: (first row, last row, column, text), rows 1-based
# over the indicator rows above.
SEED_MERGES = [
    (1, 4, 0, "投入"), (1, 4, 1, "13"), (1, 2, 2, "目标设定"), (1, 2, 3, "6"),
    (3, 4, 2, "预算配置"), (3, 4, 3, "7"),
    (5, 11, 0, "过                                                                                                                                       程"),
    (5, 11, 1, "61"), (5, 8, 2, "预算执行"), (5, 8, 3, "20"), (9, 14, 2, "预算管理"), (9, 14, 3, "41"),
    (12, 14, 0, "过                                                                                                                                       程"),
    (12, 14, 1, ""),
    (15, 19, 0, "产出及效率"), (15, 19, 1, "26"), (15, 15, 2, "职责履行"), (15, 15, 3, "8"),
    (16, 19, 2, "履职 效益"), (16, 17, 3, "6"), (18, 19, 3, "12"),
    (16, 17, 5, "6"), (16, 17, 6, SEED_ROWS[15][2]),
]


def seed_paragraphs() -> list[str]:
    lines = SEED_TEXT.read_text(encoding="utf-8").split("\n")
    end = next(i for i, line in enumerate(lines) if TABLE_HEADING in line)
    return [line.rstrip() for line in lines[:end + 1] if line.strip()]


def seed_report(path: Path, paragraphs: list[str] | None = None,
                rows: list[tuple] | None = None, total: str = "94.47") -> Path:
    document = docx.Document()
    for text in paragraphs or seed_paragraphs():
        document.add_paragraph(text)
    indicator_table(document, rows or SEED_ROWS, SEED_MERGES, total)
    document.save(str(path))
    return path


def indicator_table(document: Document, rows: list[tuple], merges: list[tuple],
                    total: str) -> None:
    table = document.add_table(rows=len(rows) + 2, cols=len(HEADER))
    table.style = document.styles["Table Grid"]
    for i, title in enumerate(HEADER):
        table.cell(0, i).text = title
    for r, (name, points, standard, description, score) in enumerate(rows, start=1):
        table.cell(r, 4).text = name
        if points is not None:
            table.cell(r, 5).text = points
        if standard is not None:
            table.cell(r, 6).text = standard
        table.cell(r, 7).text = description
        table.cell(r, 8).text = score
    for first, last, column, text in merges:
        merged = table.cell(first, column).merge(table.cell(last, column))
        merged.text = text
    last = len(rows) + 1
    label = table.cell(last, 0).merge(table.cell(last, 7))
    label.text = "合计"
    table.cell(last, 8).text = total


def small_report(path: Path, paragraphs: list[str],
                 tables: list[list[list[str]]] | None = None) -> Path:
    """A short document: paragraphs, then plain tables given as rows of cell texts."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for rows in tables or []:
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    document.save(str(path))
    return path


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    print(seed_report(out / "seed.docx"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")


# The seed with its five slips put right, as a careful writer would have written it.
SEED_FIXES = [
    ("年末实有人数188人", "年末实有人数216人"),
    ("③狠抓意识形态", "①狠抓意识形态"), ("④全面从严治党", "②全面从严治党"),
    ("⑤统一战线", "③统一战线"), ("⑥脱贫攻坚", "④脱贫攻坚"), (" ⑦财税管理", " ⑤财税管理"),
    ("③安全生产平稳", "①安全生产平稳"), ("④美丽湘西", "②美丽湘西"), ("⑤依法行政", "③依法行政"),
    ("×100%＝100.00%，预算完成率每低于5%扣2分，根据评分标准，本单位该项指标得5分",
     "×100%＝87.75%，预算完成率每低于5%扣2分，根据评分标准，本单位该项指标得1分"),
    ("政府采购执行率（5分）", "政府采购执行率（6分）"),
    ("本单位该项指标得满分5分。", "本单位该项指标得满分6分。"),
    ("评价得分为94.47分", "评价得分为90.47分"),
]


def corrected_seed(path: Path) -> Path:
    paragraphs = []
    for text in seed_paragraphs():
        for old, new in SEED_FIXES:
            if old == "本单位该项指标得满分5分。" and "政府采购" not in text:
                continue
            text = text.replace(old, new)
        paragraphs.append(text)
    rows = [tuple(c.replace("2017年", "2018年") if isinstance(c, str) else c for c in row)
            for row in SEED_ROWS]
    rows[4] = rows[4][:4] + ("1",)
    return seed_report(path, paragraphs, rows, total="90.47")


def scored_report(path: Path, paragraphs: list[str], rows: list[tuple[str, str, str]],
                  total: str | None = None, header: tuple[str, str, str] = ("三级指标", "分值", "得分"),
                  extra: list[list[str]] | None = None) -> Path:
    """Paragraphs, then a simple indicator table: name, points, score, and a 合计 row."""
    table = [list(header)] + [list(r) for r in rows]
    if total is not None:
        table.append(["合计", "", total])
    return small_report(path, paragraphs, [table] + ([extra] if extra else []))


# Eight indicators of 湘西州本级2018 with full points: enough for the framework to be known.
FULL = [("绩效目标合理性", "3", "3"), ("绩效指标明确性", "3", "3"), ("在职人员控制率", "3", "3"),
        ("“三公经费”变动率", "4", "4"), ("预算完成率", "5", "5"), ("预算控制率", "5", "5"),
        ("公用经费控制率", "8", "8"), ("政府采购执行率", "6", "6")]
