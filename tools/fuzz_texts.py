"""Fuzz the text path end to end: random narratives and 单位名称 values → built reports →
every character XML 1.0 can hold is in the report, exactly where it was written.

    python tools/fuzz_texts.py --narratives 2000 --data 500 [--seed 14]

Each report carries one fuzzed 单位名称 (written to data.yaml as an escaped YAML string, so
any character can be expressed) and up to NARRATIVES_PER_REPORT fuzzed narratives, one per
section file, each the line `正文N：<text>。` in UTF-8. A narrative text holds no line break,
`**`, `{{` or `<!--` (the four things narrative syntax gives a meaning) and no surrogate
(UTF-8 cannot encode one); everything else is fair: C0 and C1 controls, NUL, U+FFFE/U+FFFF,
U+2028, combining marks, right-to-left text, astral characters. The oracle is
text.clean_text: the report must hold clean_text(text) as a whole paragraph, nothing
dropped but what XML cannot hold, nothing added. A failure prints its seed and text.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402

from reportgen.build import render_docx  # noqa: E402
from reportgen.findings import InputError  # noqa: E402
from reportgen.inputs.narratives import NARRATIVE_SECTIONS  # noqa: E402
from reportgen.pipeline import evaluate  # noqa: E402
from reportgen.text import clean_text  # noqa: E402

EXAMPLE = ROOT / "examples" / "xiangxi-commerce-2018"
NARRATIVES_PER_REPORT = 5
# Where fuzzed characters come from, with weights: what people paste, and what breaks things.
POOLS = [
    (30, [(0x20, 0x7E)]),                                  # ASCII
    (25, [(0x4E00, 0x9FFF), (0x3000, 0x303F), (0xFF00, 0xFFEF)]),  # CJK, punctuation, full width
    (12, [(0x00, 0x1F), (0x7F, 0x9F)]),                    # C0 and C1 controls, NUL included
    (8, [(0x0300, 0x036F), (0x0590, 0x06FF), (0x200B, 0x200F), (0x2028, 0x202E)]),
    (6, [(0xFFF0, 0xFFFF), (0xFEFF, 0xFEFF), (0xE000, 0xE0FF)]),  # specials, BOM, private use
    (10, [(0x1F300, 0x1FAFF), (0x20000, 0x2A6DF), (0x10000, 0x1007F)]),  # astral
    (9, [(0xA0, 0x2FF), (0x2000, 0x206F), (0x2100, 0x27FF)]),
]
FORBIDDEN = ("\r", "\n", "**", "{{", "<!--")


def random_text(rng: random.Random, longest: int) -> str:
    weights = [w for w, _ in POOLS]
    chars = []
    for _ in range(rng.randint(1, longest)):
        ranges = rng.choices(POOLS, weights)[0][1]
        low, high = rng.choice(ranges)
        code = rng.randint(low, high)
        if 0xD800 <= code <= 0xDFFF:
            continue
        chars.append(chr(code))
    return "".join(chars)


def narrative_text(rng: random.Random) -> str:
    text = random_text(rng, 200)
    for mark in FORBIDDEN:
        text = text.replace(mark, "")
    return text


def yaml_quoted(text: str) -> str:
    """A double-quoted YAML scalar meaning exactly text (every non-printable escaped)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF) or \
                0xFFF0 <= code <= 0xFFFF or not ch.isprintable():
            out.append(f"\\U{code:08X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def paragraphs(data: bytes, work: Path) -> set[str]:
    path = work / "r.docx"
    path.write_bytes(data)
    document = Document(str(path))
    cells = [p.text for t in document.tables for r in t.rows for c in r.cells
             for p in c.paragraphs]
    return {p.text for p in document.paragraphs} | set(cells)


def build(work: Path, name: str, narratives: list[str]) -> set[str]:
    folder = work / "d"
    if folder.exists():
        for p in sorted(folder.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        folder.rmdir()
    (folder / "narratives").mkdir(parents=True)
    text = (EXAMPLE / "data.yaml").read_text(encoding="utf-8")
    text = text.replace("单位名称: 湘西土家族苗族自治州商务局", f"单位名称: {yaml_quoted(name)}")
    (folder / "data.yaml").write_text(text, encoding="utf-8")
    for source in (EXAMPLE / "narratives").glob("*.md"):
        (folder / "narratives" / source.name).write_bytes(source.read_bytes())
    for section, body in zip(NARRATIVE_SECTIONS, narratives, strict=False):
        (folder / "narratives" / f"{section}.md").write_bytes(
            f"正文{section}：{body}。\n".encode())
    data, _ = render_docx(evaluate(folder))
    return paragraphs(data, work)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--narratives", type=int, default=2000)
    parser.add_argument("--data", type=int, default=500)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    sections = list(NARRATIVE_SECTIONS)[:NARRATIVES_PER_REPORT]
    reports = max(args.data, -(-args.narratives // len(sections)))
    done_narratives = done_names = 0
    failures: list[str] = []
    dropped = kept = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reportgen-fuzz-") as tmp:
        work = Path(tmp)
        for _ in range(reports):
            name = random_text(rng, 60).strip() or "局"
            name = name.replace("\r", "").replace("\n", "")
            count = min(len(sections), max(args.narratives - done_narratives, 0))
            bodies = [narrative_text(rng) for _ in range(count)]
            try:
                found = build(work, name, bodies)
            except InputError as exc:
                failures.append(f"refused: {exc} | name={name!r} bodies={bodies!r}")
                continue
            if f"评价单位：{clean_text(name)}" in found:
                done_names += 1
            else:
                failures.append(f"单位名称 not kept: {name!r}")
            for section, body in zip(sections, bodies, strict=False):
                expected = f"正文{section}：{clean_text(body)}。"
                if expected in found:
                    done_narratives += 1
                    kept += len(clean_text(body))
                    dropped += len(body) - len(clean_text(body))
                else:
                    failures.append(f"narrative not kept: {body!r}")
    elapsed = time.perf_counter() - started
    print(f"reports built: {reports}; 单位名称 kept exactly: {done_names}; narratives kept "
          f"exactly: {done_narratives}; characters kept: {kept}, dropped (not XML): {dropped}; "
          f"failures: {len(failures)}; {elapsed:.0f} s (seed {args.seed})")
    for failure in failures[:20]:
        print(failure[:500])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
