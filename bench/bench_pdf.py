"""Benchmark: PDF through LibreOffice, in a batch and for one build, against bare soffice.

Measured in one run: `reportgen batch --pdf` (-j1 and -j2) per report, wall and CPU
(the CLI with its workers and every LibreOffice they start, from getrusage); a cold
`reportgen build --pdf` against a bare `soffice --convert-to pdf` of the same .docx
with a fresh profile, a kept one, and a kept one that records LibreOffice's version (as
reportgen's do, so that no graphics self-tests run at start: LibreOffice's floor),
alternated, median of --repeat. On a shared machine the wall
times depend on the load: CPU seconds per report divided by the cores is the floor.
Usage: python bench/bench_pdf.py [-n 64] [--repeat 3] [--work /tmp/perf]
"""

from __future__ import annotations

import argparse
import os
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

from reportgen.render import pdf  # noqa: E402

BASELINES = ("fresh profile", "kept profile", "kept profile with the version recorded")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "xiangxi-commerce-2018"


def timed(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of a command and everything it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=False, capture_output=True)  # batch exits 1 on check errors
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def two_bare_calls(soffice: str, files: list[Path], work: Path) -> tuple[float, float]:
    """Wall and CPU seconds of two `soffice --convert-to pdf` calls at once, a half each."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    calls = []
    for i, half in enumerate((files[::2], files[1::2])):
        profile = work / f"profile-batch-{i}"
        pdf.seed_profile(profile)
        calls.append(subprocess.Popen(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
             "--convert-to", "pdf", "--outdir", str(work / f"bare-batch-{i}"), *map(str, half)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for call in calls:
        call.wait()
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
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-pdf-") as tmp:
        work = Path(tmp)
        root = work / "depts"
        root.mkdir()
        for folder in sorted(all_departments.iterdir())[:args.n]:
            shutil.copytree(folder, root / folder.name)
        rows = []
        for jobs in (1, 2) if args.n else ():  # -n 0: build --pdf only
            out = work / f"out-j{jobs}"
            wall, cpu = timed(cli("batch", str(root), "-o", str(out), "-j", str(jobs), "--pdf"))
            pdfs = len(list(out.glob("*.pdf")))
            rows.append((jobs, wall, cpu, pdfs))
        if args.n:  # LibreOffice's own floor for the batch: its .docx, two calls at once
            built = sorted((work / "out-j2").glob("*.docx"))
            if len(built) != args.n:  # soffice given no file would wait as a server
                sys.exit(f"batch -j2 built {len(built)} of {args.n} reports: not measured")
            floor = two_bare_calls(soffice, built, work)

        single = work / "single"
        single.mkdir()
        docx = single / "报告.docx"
        subprocess.run(cli("build", str(EXAMPLE), "-o", str(docx)), check=True,
                       capture_output=True)

        def bare(profile: Path) -> tuple[float, float]:
            return timed([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                          "--convert-to", "pdf", "--outdir", str(work / "bare"), str(docx)])

        # A user's own profile that has only run headless (it never records the version,
        # so LibreOffice runs its graphics self-tests at each start), and one that says
        # it has (what reportgen's profiles do): LibreOffice's own floor.
        kept, floor_profile = work / "profile-kept", work / "profile-floor"
        pdf.seed_profile(floor_profile)
        bare(kept), bare(floor_profile)  # made once, before the timed runs
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in BASELINES + ("ours",)}
        for i in range(args.repeat):
            times[BASELINES[0]].append(bare(work / f"profile-{i}"))
            times[BASELINES[1]].append(bare(kept))
            times[BASELINES[2]].append(bare(floor_profile))
            times["ours"].append(timed(cli("build", str(EXAMPLE), "-o", str(single / "r.docx"),
                                           "--pdf")))

    print(f"load average (1 min) {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} "
          "at the end, on a machine of 2 cores: wall times under load exceed CPU ÷ cores")
    for jobs, wall, cpu, pdfs in rows:
        print(f"batch --pdf -j{jobs}, {args.n} departments ({pdfs} PDFs): "
              f"{wall / args.n:5.2f} s a report wall, {cpu / args.n:5.2f} s CPU a report "
              f"(÷2 cores = {cpu / args.n / 2:5.2f} s)   target ≤ 0.2 s")
    if rows:
        wall, cpu = floor
        print(f"bare soffice, the same {args.n} .docx in two parallel calls (profiles with the "
              f"version recorded): {wall / args.n:5.2f} s a report wall, "
              f"{cpu / args.n:5.2f} s CPU a report; batch -j2 / this: wall "
              f"{rows[1][1] / wall:4.2f}, CPU {rows[1][2] / cpu:4.2f}")

    def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
        return (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))

    our_wall, our_cpu = median(times["ours"])
    print(f"reportgen build --pdf (cold CLI, build included): {our_wall:5.2f} s wall, "
          f"{our_cpu:5.2f} s CPU (median of {args.repeat})")
    for name in BASELINES:
        wall, cpu = median(times[name])
        print(f"bare soffice --convert-to pdf, {name}: {wall:5.2f} s wall, {cpu:5.2f} s CPU; "
              f"build --pdf / this: wall {our_wall / wall:4.2f}, CPU {our_cpu / cpu:4.2f}")
    print("target: build --pdf ≤ 1.2 × bare soffice")

if __name__ == "__main__":
    main()
