"""Benchmark: build time against the size of a narrative, to show no step is quadratic.

Each input is built at three sizes, each double the one before; with linear work the time
doubles too (ratio ≈ 2.0), with a quadratic step it quadruples (≈ 4.0). The base time of a
build (everything but the big narrative) is measured first and subtracted, so the ratios
are those of the narrative's own cost.

Inputs: a narrative of many ordinary paragraphs, one single paragraph (one long line, and
the same hard-wrapped into thousands of lines), a numbered list, and two hostile texts that once took quadratic time (a run of unclosed
"{{", a heading line of "#"). A script, not a timed test: machines are shared and noisy.
Usage: python bench/bench_large.py [-n 3]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from baseline import median_seconds  # beside this script

from reportgen.build import render_docx
from reportgen.pipeline import evaluate
from reportgen.render.wordml import paragraph_xml

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "xiangxi-commerce-2018"
MB = 1024 * 1024
_CHARS = [chr(c) for c in range(0x4E00, 0x9FA5)] + list("，，，。、；")


def chinese(rng: random.Random, n_chars: int) -> str:
    return "".join(rng.choices(_CHARS, k=n_chars))


def paragraphs(size: int) -> str:
    rng = random.Random(1)
    out, total = [], 0
    while total < size:
        text = chinese(rng, 200) + "。"
        out.append(text)
        total += len(text.encode()) + 2
    return "\n\n".join(out)


def one_paragraph(size: int) -> str:
    return chinese(random.Random(2), size // 3)


def wrapped_paragraph(size: int) -> str:
    """One paragraph hard-wrapped at 40 characters: thousands of lines joined into one."""
    text = chinese(random.Random(4), size // 3)
    return "\n".join(text[i:i + 40] for i in range(0, len(text), 40))


def numbered(items: int) -> str:
    rng = random.Random(3)
    return "\n".join(f"{i}. **要点{i}。**{chinese(rng, 60)}。" for i in range(1, items + 1))


def unclosed_references(size: int) -> str:
    return "正文" + "{{ 收入决算数" * (size // len("{{ 收入决算数".encode()))


def hash_heading(size: int) -> str:
    return "# " + "#" * size + "标题"


def build_with(work: Path, text: str | None) -> Callable[[], object]:
    folder = work / "部门"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(EXAMPLE, folder)
    if text is not None:
        (folder / "narratives" / "项目实施情况.md").write_text(text, encoding="utf-8")
    def build() -> object:
        paragraph_xml.cache_clear()  # a CLI build starts cold; repeats would hit the cache
        return render_docx(evaluate(folder))

    return build


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=3, help="builds per measurement (median)")
    args = parser.parse_args()
    cases: list[tuple[str, Callable[[int], str], list[tuple[str, int]]]] = [
        ("narrative, ordinary paragraphs", paragraphs,
         [("0.25 MB", MB // 4), ("0.5 MB", MB // 2), ("1 MB", MB)]),
        ("narrative, one paragraph", one_paragraph,
         [("0.25 MB", MB // 4), ("0.5 MB", MB // 2), ("1 MB", MB)]),
        ("narrative, one paragraph in wrapped lines", wrapped_paragraph,
         [("0.25 MB", MB // 4), ("0.5 MB", MB // 2), ("1 MB", MB)]),
        ("numbered list", numbered, [("1,250 items", 1250), ("2,500 items", 2500),
                                     ("5,000 items", 5000)]),
        ("hostile: unclosed {{ run", unclosed_references,
         [("0.25 MB", MB // 4), ("0.5 MB", MB // 2), ("1 MB", MB)]),
        ("hostile: heading of # (0.8 MB: a paragraph may hold 1,000,000 characters)",
         hash_heading, [("0.2 MB", MB // 5), ("0.4 MB", 2 * MB // 5), ("0.8 MB", 4 * MB // 5)]),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        warm = build_with(work, None)
        base = median_seconds(warm, args.n)  # after one untimed build
        print(f"base build (the example as shipped): {base * 1000:7.1f} ms\n")
        for title, make, sizes in cases:
            print(title)
            previous = None
            for label, size in sizes:
                text = make(size)
                build = build_with(work, text)
                total = median_seconds(build, args.n, warm_up=False)
                own = max(total - base, 1e-9)
                ratio = f"×{own / previous:4.2f}" if previous else "     "
                print(f"  {label:>12}  {len(text.encode()) / MB:5.2f} MB  build {total:6.2f} s"
                      f"  narrative's share {own:6.2f} s  {ratio}")
                previous = own
            print()


if __name__ == "__main__":
    main()
