"""Benchmark: seconds per reviewed report, against just opening the same .docx with
python-docx, measured in one run (the machine is shared; compare the ratio).

Reports: the seed laid out as the original (tests/review_documents.py) and the reports
reportgen generates from every example. Also the cold command line on the seed, and the
folder mode per report. Usage: python bench/bench_review.py [-n 10]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from baseline import median_seconds as median_s  # noqa: E402 - beside this script
from review_documents import seed_report  # noqa: E402

from reportgen.cli import main  # noqa: E402
from reportgen.review.annotate import annotated_bytes  # noqa: E402
from reportgen.review.engine import review_file  # noqa: E402


def main_bench() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=10)
    n = ap.parse_args().n
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "reports"
        folder.mkdir()
        reports = [seed_report(folder / "seed.docx")]
        for example in sorted((ROOT / "examples").iterdir()):
            if example.is_dir():
                out = folder / f"{example.name}.docx"
                main(["build", str(example), "-o", str(out)])
                reports.append(out)
        print(f"{'report':36} {'open s':>8} {'review s':>9} {'+copy s':>8} {'ratio':>6} findings")
        for path in reports:
            opened = median_s(lambda p=path: docx.Document(str(p)), n)
            reviewed = median_s(lambda p=path: review_file(p), n)

            def with_copy(p=path) -> None:
                doc, review = review_file(p)
                annotated_bytes(doc, review.findings)

            copied = median_s(with_copy, n)
            found = len(review_file(path)[1].findings)
            print(f"{path.name:36} {opened:8.3f} {reviewed:9.3f} {copied:8.3f} "
                  f"{reviewed / opened:6.1f} {found}")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "reportgen.cli", "review", str(reports[0])],
                       capture_output=True, check=False, cwd=ROOT)
        print(f"cold command line on the seed: {time.perf_counter() - start:.2f} s")
        for extra in range(20):
            shutil.copy(reports[extra % len(reports)], folder / f"copy{extra}.docx")
        count = len(list(folder.glob("*.docx")))
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "reportgen.cli", "review", str(folder), "-o",
                        str(Path(work) / "out")], capture_output=True, check=False, cwd=ROOT)
        took = time.perf_counter() - start
        print(f"folder of {count} reports: {took:.2f} s, {took / count:.3f} s a report")


if __name__ == "__main__":
    main_bench()
