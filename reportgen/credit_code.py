"""统一社会信用代码 (GB 32100-2015): how a clerk's entry is read, and what is wrong with it.

The code has 18 characters: 登记管理部门码 1, 机构类别码 1, 登记管理机关行政区划码 6 (digits),
主体标识码 (组织机构代码) 9, 校验码 1. The characters are the digits and the capital letters
without I, O, S, V and Z; the check character is C18 = 31 − MOD(Σ Ci×Wi, 31) over the first
17 (a result of 31 is 0), with weights Wi = 3^(i−1) mod 31.
One place for the rule: `check` and hence the command line, the web page and the Excel
填报表 all report through `problems`, and the report marks the printed code with `mark`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

PATH = ("基本信息", "统一社会信用代码")  # where data.yaml and the 填报表 write it
LENGTH = 18
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(LENGTH - 1))  # 1, 3, 9, 27, 19, 26, …, 28
_VALUE = {ch: n for n, ch in enumerate(CHARSET)}
_REGION = slice(2, 8)  # 第3～8位: 行政区划码
# Letters the code never uses that a copyist takes for a digit.
_LOOKALIKE = {"I": "1", "O": "0", "S": "5", "Z": "2"}


def normalize(raw: str) -> str:
    """As the certificate prints it: full-width characters to ASCII, spaces (also full-width
    ones) and hyphens dropped, letters upper-cased — "９１３５ 0100-m000100y43" reads
    "91350100M000100Y43". Anything else stays, for `problems` to name."""
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join(text.split()).replace("-", "")


def check_character(first17: str) -> str:
    """The 18th character the first 17 call for (all of them must be code characters)."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


@dataclass(frozen=True)
class Problem:
    message: str  # check's full sentence: what is wrong and how to fix it
    short: str    # the in-place mark beside the printed code: 【待核实：short】


def problems(code: str) -> list[Problem]:
    """Everything wrong with a (normalized) code, in one pass; [] for a valid code."""
    found: list[Problem] = []
    bad = [(i, ch) for i, ch in enumerate(code, 1) if ch not in _VALUE]
    for i, ch in bad:
        hint = f"，可能应为{_LOOKALIKE[ch]}" if ch in _LOOKALIKE else ""
        found.append(Problem(
            f"统一社会信用代码第{i}位“{ch}”不是代码用字（代码只用数字和除I、O、S、V、Z以外的"
            f"大写字母）{hint}；请按证书核对", f"第{i}位“{ch}”不是代码用字"))
    region = code[_REGION]
    if len(code) >= _REGION.stop and not region.isdecimal():
        found.append(Problem(
            f"统一社会信用代码第3～8位应为行政区划码（6位数字），现为“{region}”；请按证书核对",
            "第3～8位应为数字"))
    if len(code) != LENGTH:
        missing_last = short_last = ""
        if len(code) == LENGTH - 1 and not bad:
            # The likely full code, in the mark too: the clerk can compare it with the
            # certificate without running check.
            full = code + check_character(code)
            missing_last = f"，如缺的是末位校验码，完整的代码应为{full}"
            short_last = f"；如缺末位校验码，应为{full}"
        found.append(Problem(
            f"统一社会信用代码应为{LENGTH}位，现为{len(code)}位（{code}）；请按证书核对"
            f"{missing_last}", f"应为{LENGTH}位，现为{len(code)}位{short_last}"))
    elif not bad:
        due, given = check_character(code[:-1]), code[-1]
        if due != given:
            found.append(Problem(
                f"统一社会信用代码{code}的校验位（第18位）应为{due}，现为{given}；"
                "请按证书逐位核对（多为某一位抄错）", f"校验位应为{due}，现为{given}"))
    return found


def mark_text(code: str) -> str:
    """What the 【待核实：…】 mark beside the printed code says ("" for a valid code)."""
    return "；".join(p.short for p in problems(code))
