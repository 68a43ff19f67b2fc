"""reportgen init: a department folder ready to fill in."""

from __future__ import annotations

import os
from pathlib import Path

from ..files import os_reason
from ..findings import InputError, error
from ..framework import load_framework, resolve_framework
from ..inputs.folder import DATA_XLSX, DATA_YAML, NARRATIVES_DIR
from ..inputs.narratives import REASONS
from ..text import shown
from .blank import write_workbook

# What each section should contain; written as an HTML comment, which the report ignores,
# so an unfilled file still shows 【待补充】 and check still warns.
PROMPTS: dict[str, str] = {
    "职责概述": "报告“一、基本情况（一）部门职责概述”。请写明：单位设立的依据（文件名称和文号）、"
               "单位性质；主要职责，可分条写，每条以“1. ”开头；内设机构和下属单位。"
               "编制数和实有人数由程序根据填报表生成，不必重复。",
    "项目实施情况": "报告“一、基本情况（三）部门项目实施情况”。请按重点工作分条写本年度完成的主要任务、"
                 "取得的成效和关键数字，每条以“1. **标题。**”开头。",
    "主要做法及经验": "报告“六、经验教训与建议（一）主要做法及经验”。分条写。",
    "存在的困难和问题": "报告“六、（二）存在的困难和问题”。先写一段概括，再分条写。",
    "建议和请求": "报告“六、（三）建议和请求”。分条写对财政部门或上级的建议。",
}
REASONS_PROMPT = ("报告“四、需要说明事项”。每个未得满分的指标写一节：以“## 指标名称”开头"
                  "（名称与 reportgen score 列出的一致），下面写扣分的原因和整改措施。"
                  "指标值和扣分由程序写入，这里只写原因。例如：\n\n## 预算控制率\n\n"
                  "年初预算未包含……，年内追加……。今后……")
GUIDE = """# 填报说明

1. 打开 data.xlsx，按各工作表填写黄色单元格（金额以万元为单位，保留两位小数）。
   每个单元格的批注说明该数据的含义和来源（部门决算报表的哪一张表、哪一行）。
   “清单评价”“评议”两张表按评价框架（{framework}）列出指标，请逐项填写。
2. 在 narratives 文件夹中撰写文字材料，每个文件开头的 <!-- --> 是填写提示，写好后可删除。
   “评价目的”“评价过程”“局限性”“引言”已有通用文本；需要修改时，在 narratives 中新建同名文件即可。
3. 运行 reportgen check {folder} 检查数据：会一次列出全部问题，并指出所在的工作表和单元格。
4. 运行 reportgen build {folder} -o 报告.docx 生成报告；修改数据后重新生成，会显示与上次相比的变化。
"""


def init_department(folder: Path, framework: str) -> list[Path]:
    """Raises InputError, never OSError: a name taken by a file, a read-only or pseudo
    file system (/proc), a full disk are said in Chinese with the path."""
    if os.path.lexists(folder) and not folder.is_dir():
        raise InputError([error("已存在同名的文件（不是文件夹）；请换一个文件夹名", str(folder))],
                         unreadable=True)
    try:
        return _create(folder, framework)
    except OSError as exc:
        where = shown(exc.filename) if exc.filename else str(folder)
        raise InputError([error(f"无法创建部门文件夹：{os_reason(exc)}", where)],
                         unreadable=True) from None


def _create(folder: Path, framework: str) -> list[Path]:
    if (folder / DATA_YAML).exists() or (folder / DATA_XLSX).exists():
        raise InputError([error("文件夹中已有 data.yaml 或 data.xlsx，为免覆盖已填写的数据，"
                                "请换一个文件夹", str(folder))], unreadable=True)
    fw = load_framework(resolve_framework(framework, folder))
    folder.mkdir(parents=True, exist_ok=True)
    created = [write_workbook(folder / DATA_XLSX, framework)]
    narratives = folder / NARRATIVES_DIR
    narratives.mkdir(exist_ok=True)
    for name, prompt in {**PROMPTS, REASONS: REASONS_PROMPT}.items():
        path = narratives / f"{name}.md"
        if not path.exists():
            path.write_text(f"<!--\n{prompt}\n-->\n", encoding="utf-8")
            created.append(path)
    guide = folder / "填报说明.md"
    guide.write_text(GUIDE.format(framework=fw.title, folder=folder), encoding="utf-8")
    created.append(guide)
    return created
