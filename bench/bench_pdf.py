"""Benchmark: PDF through LibreOffice, in a batch and for one build, against bare soffice.

Measured in one run: `reportgen batch --pdf` (-j1 and -j2) per report, wall and CPU
(the CLI with its workers and every LibreOffice they start, from getrusage); a cold
`reportgen build --pdf` against a bare `soffice --convert-to pdf` of the same .docx
with a fresh profile, alternated, median of --repeat. On a shared machine the wall
times depend on the load: CPU seconds per report divided by the cores is the floor.
Usage: python bench/bench_pdf.py [-n 64] [--repeat 3] [--work /tmp/perf]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import departments  # noqa: E402 - the same generated departments

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "xiangxi-commerce-2018"


def timed(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of a command and everything it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=False, capture_output=True)  # batch exits 1 on check errors
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "reportgen.cli", *args]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=64, help="departments in the batch")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/perf"))
    args = parser.parse_args()
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is not installed")
    all_departments = departments(args.work, 1000)
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-pdf-") as tmp:
        work = Path(tmp)
        root = work / "depts"
        root.mkdir()
        for folder in sorted(all_departments.iterdir())[:args.n]:
            shutil.copytree(folder, root / folder.name)
        rows = []
        for jobs in (1, 2):
            out = work / f"out-j{jobs}"
            wall, cpu = timed(cli("batch", str(root), "-o", str(out), "-j", str(jobs), "--pdf"))
            pdfs = len(list(out.glob("*.pdf")))
            rows.append((jobs, wall, cpu, pdfs))

        single = work / "single"
        single.mkdir()
        docx = single / "报告.docx"
        subprocess.run(cli("build", str(EXAMPLE), "-o", str(docx)), check=True,
                       capture_output=True)
        bare, ours = [], []
        for i in range(args.repeat):
            profile = work / f"profile-{i}"
            bare.append(timed([soffice, f"-env:UserInstallation={profile.as_uri()}",
                               "--headless", "--convert-to", "pdf", "--outdir",
                               str(work / "bare"), str(docx)]))
            ours.append(timed(cli("build", str(EXAMPLE), "-o", str(single / "r.docx"),
                                  "--pdf")))

    for jobs, wall, cpu, pdfs in rows:
        print(f"batch --pdf -j{jobs}, {args.n} departments ({pdfs} PDFs): "
              f"{wall / args.n:5.2f} s a report wall, {cpu / args.n:5.2f} s CPU a report "
              f"(÷2 cores = {cpu / args.n / 2:5.2f} s)   target ≤ 0.2 s")
    bare_wall = statistics.median(w for w, _ in bare)
    bare_cpu = statistics.median(c for _, c in bare)
    our_wall = statistics.median(w for w, _ in ours)
    our_cpu = statistics.median(c for _, c in ours)
    print(f"bare soffice --convert-to pdf (fresh profile): {bare_wall:5.2f} s wall, "
          f"{bare_cpu:5.2f} s CPU (median of {args.repeat})")
    print(f"reportgen build --pdf (cold CLI):              {our_wall:5.2f} s wall, "
          f"{our_cpu:5.2f} s CPU")
    print(f"ratio build --pdf / bare soffice: wall {our_wall / bare_wall:4.2f}, "
          f"CPU {our_cpu / bare_cpu:4.2f}   target ≤ 1.2")


if __name__ == "__main__":
    main()
