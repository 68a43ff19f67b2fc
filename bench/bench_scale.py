"""Benchmark: does a batch stay linear from 1,000 to 10,000 departments?

For each size and each -j, one fresh process runs what `reportgen batch` runs (the batch,
then 汇总表.xlsx) and reports, measured inside that run: CPU seconds per report (its own
plus its workers', from getrusage), the parent's RSS before and after, each worker's RSS
from its 10th report to its last, and the time to write 汇总表 per row. Ratios between
the sizes are printed last. Departments are varied copies of the examples, generated once
into --work (default /tmp/perf, never the repository) and reused.

Also measured: a bare docxtpl render-and-save of the same template and context (CPU,
sampled before and after the batches, and taken in turn with our build for each of
--interleave departments in one warm process, so both see the same load), and the zip
level the written reports carry (each entry re-deflated at levels 1-9 until its stored
bytes come out).

The machine is shared: compare figures measured in one run, not across runs. Its load
drifts over the minutes the largest size takes, so the smallest size runs again at the
end and the ratios use the mean of both runs; each line shows the load average.
Usage: python bench/bench_scale.py [--sizes 1000 10000] [--jobs 1 2] [--work /tmp/perf]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sample_departments  # beside this script


def generate(root: Path, count: int, seed: int = 2018) -> None:
    """Into a .partial folder renamed at the end: an interrupted run is not reused."""
    partial = root.with_name(root.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    sample_departments.generate(partial, count, seed, digits=5)
    partial.rename(root)


def departments(work: Path, count: int) -> Path:
    root = work / f"depts-{count}"
    if not root.is_dir():
        start = time.perf_counter()
        generate(root, count)
        print(f"(generated {count} departments in {time.perf_counter() - start:.0f} s)",
              file=sys.stderr)
    return root


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _schedstat(pid: int) -> tuple[float, float]:
    """Seconds a process has run on a CPU, and waited runnable for one (Linux)."""
    on_cpu, waiting, _ = Path(f"/proc/{pid}/schedstat").read_text().split()
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def _children() -> set[int]:
    me = os.getpid()
    kids: set[int] = set()
    for task in os.listdir(f"/proc/{me}/task"):
        with contextlib.suppress(OSError):  # a thread that just ended
            kids.update(map(int, Path(f"/proc/{me}/task/{task}/children").read_text().split()))
    return kids


def run_one(root: Path, out: Path, jobs: int) -> dict:
    """Inside a fresh process: what `reportgen batch` does, measured."""
    from reportgen.batch import run_batch
    from reportgen.summary import write_summary

    shutil.rmtree(out, ignore_errors=True)
    cpu0 = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
    rss0, wall0 = _rss_mb(), time.perf_counter()
    warm: list[tuple[int, float]] = []

    # Where each building process's wall time went: on a CPU, waiting for one (the
    # machine's other load), or neither (blocked: disk, locks), first to last report seen.
    seen: dict[int, list[tuple[float, float, float]]] = {}

    def progress(done: int, total: int) -> None:  # -j1: from the 10th report on, warm
        if not warm and done >= 10:
            warm.append((done, time.process_time()))
        for pid in _children() if jobs > 1 else {os.getpid()}:
            try:
                sample = (time.perf_counter(), *_schedstat(pid))
            except OSError:
                continue
            seen.setdefault(pid, [sample, sample])[1] = sample

    outcomes = run_batch(root, out, jobs, on_progress=progress)
    steady = ((time.process_time() - warm[0][1]) / (len(outcomes) - warm[0][0])
              if jobs == 1 and warm and len(outcomes) > warm[0][0] else None)
    batch_wall = time.perf_counter() - wall0
    rss_after_batch = _rss_mb()
    cpu_summary0, start = time.process_time(), time.perf_counter()
    write_summary(out / "汇总表.xlsx", outcomes)
    summary_cpu = time.process_time() - cpu_summary0
    summary_wall = time.perf_counter() - start
    cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - cpu0
    series: dict[int, list[float]] = {}
    for o in outcomes:
        series.setdefault(o.pid, []).append(o.rss_mb)
    workers = {str(pid): [v[9], v[-1], len(v)] for pid, v in series.items() if len(v) > 10}
    return {"n": len(outcomes), "failed": sum(not o.ok for o in outcomes),
            "cpu": cpu, "steady": steady, "wall": time.perf_counter() - wall0, "batch_wall": batch_wall,
            "parent_rss": [rss0, rss_after_batch, _rss_mb()], "workers": workers,
            "summary_cpu": summary_cpu, "summary_wall": summary_wall,
            "time_went": [sum(last[i] - first[i] for first, last in seen.values())
                          for i in range(3)]}


def bare_docxtpl_cpu(root: Path, n: int = 10) -> list[float]:
    """CPU seconds of n bare docxtpl loads, renders and saves of our template with the
    context of the first department (after one warm-up)."""
    from baseline import bare_docxtpl, context_of, timings

    context = context_of(next(iter(sorted(root.iterdir()))))
    return timings(lambda: bare_docxtpl(context), n, clock=time.process_time)


def applied_levels(report: Path) -> dict[str, list[int]]:
    """For each deflated entry of a written report, the zlib levels (1-9) whose raw deflate
    of the entry's content is byte for byte what the file stores: the level applied,
    measured from the output rather than read from the code."""
    import struct
    import zipfile
    import zlib

    levels = {}
    raw = report.read_bytes()
    with zipfile.ZipFile(report) as archive:
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_DEFLATED:
                continue
            name_len, extra_len = struct.unpack_from("<HH", raw, info.header_offset + 26)
            start = info.header_offset + 30 + name_len + extra_len
            stored = raw[start:start + info.compress_size]
            data = archive.read(info)
            levels[info.filename] = [
                level for level in range(1, 10)
                if (packer := zlib.compressobj(level, zlib.DEFLATED, -15)).compress(data)
                + packer.flush() == stored]
    return levels


def level_line(report: Path) -> str:
    found = applied_levels(report)
    every = sorted(set.intersection(*(set(v) for v in found.values()))) if found else []
    return (f"zip level applied, measured on {report.name} (each deflated entry re-deflated "
            f"at levels 1-9; the levels giving its stored bytes): word/document.xml "
            f"{found.get('word/document.xml')}, all {len(found)} entries {every}")


def interleaved(root: Path, out: Path, n: int = 200) -> tuple[float, float]:
    """CPU seconds per report of our build and of a bare docxtpl render-and-save, taken in
    turn for each of n departments (the bare one with that department's template context),
    in one warm process: both see the machine's load of the same moment."""
    import gc

    from baseline import bare_docxtpl, context_of

    from reportgen.batch import build_chunk

    shutil.rmtree(out, ignore_errors=True)
    folders = sorted(root.iterdir())[:n + 10]
    for folder in folders[:10]:  # warm: template, frameworks, caches
        build_chunk(root, [folder], out)
    ours = bare = 0.0
    for folder in folders[10:]:
        start = time.process_time()
        build_chunk(root, [folder], out)
        ours += time.process_time() - start
        context = context_of(folder)
        start = time.process_time()
        bare_docxtpl(context)
        bare += time.process_time() - start
        gc.collect()  # docxtpl's cycles, not to be charged to the next build
    count = len(folders) - 10
    return ours / count, bare / count


def measure(root: Path, out: Path, jobs: int) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--run", str(root), str(out), str(jobs)],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    return json.loads(result.stdout.strip().splitlines()[-1])


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--work", type=Path, default=Path("/tmp/perf"))
    parser.add_argument("--interleave", type=int, default=200)
    parser.add_argument("--run", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        root, out, jobs = args.run
        print(json.dumps(run_one(Path(root), Path(out), int(jobs))))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    small, large = min(args.sizes), max(args.sizes)
    # The machine is shared and its load drifts over the minutes the largest size takes:
    # the smallest size runs again at the end, and compares by the mean of both runs.
    plan = [(size, jobs) for size in args.sizes for jobs in args.jobs]
    plan += [(small, jobs) for jobs in args.jobs] if small != large else []
    results: dict[tuple[int, int], list[dict]] = {}
    bare: dict[int, list[float]] = {}  # CPU samples, taken before and after the batches
    roots = {size: departments(args.work, size) for size in args.sizes}
    for i, (size, jobs) in enumerate(plan):
        if plan.index((size, jobs)) == i and jobs == args.jobs[0]:
            bare.setdefault(size, []).extend(bare_docxtpl_cpu(roots[size]))
        load = os.getloadavg()[0]
        r = measure(roots[size], args.work / f"out-{size}-j{jobs}", jobs)
        results.setdefault((size, jobs), []).append(r)
        parent, went = r["parent_rss"], r["time_went"]
        # -j1: the parent is the worker; its growth is taken from its 10th report on.
        growth = max(v[1] - v[0] for v in r["workers"].values())
        parent_growth = parent[1] - parent[0] if jobs > 1 else growth
        print(f"{size:>6} departments -j{jobs}: wall {r['wall']:6.1f} s "
              f"(batch {r['batch_wall']:6.1f}, 汇总表 {r['summary_wall']:5.1f}; CPU-bound "
              f"floor of the batch {(r['cpu'] - r['summary_cpu']) / jobs:6.1f} s), "
              f"load {load:.1f}→{os.getloadavg()[0]:.1f}; "
              f"CPU {1000 * r['cpu'] / size:5.2f} ms/report"
              + (f" ({1000 * r['steady']:.2f} warm)" if r["steady"] else "") +
              f", 汇总表 CPU {1e6 * r['summary_cpu'] / size:4.0f} µs/row, failed {r['failed']}; "
              f"RSS parent {parent[0]:.0f}→{parent[1]:.0f} MB in the batch "
              f"(growth {parent_growth:+.1f}), {parent[2]:.0f} MB after 汇总表 "
              f"({parent[2] - parent[0]:+.1f}); worker growth from its 10th report "
              f"{growth:+.1f} MB (target < 50); building processes' wall time "
              f"{went[0]:.1f} s: on a CPU {went[1]:.1f} s, waiting for one {went[2]:.1f} s, "
              f"blocked {went[0] - went[1] - went[2]:.1f} s")
        sys.stdout.flush()
    for size in args.sizes:
        bare[size].extend(bare_docxtpl_cpu(roots[size]))
    print()
    for size in args.sizes:
        base = statistics.median(bare[size])
        runs = results[size, args.jobs[0]]
        warm = [r["steady"] for r in results.get((size, 1), []) if r["steady"]]
        started = {jobs: _mean([r["cpu"] / size for r in results[size, jobs]])
                   for jobs in args.jobs}
        print(f"{size:>6}: bare docxtpl render-and-save {1000 * base:.1f} ms CPU (median of "
              f"{len(bare[size])}, before and after the batches); per report / bare = "
              + (f"{_mean(warm) / base:4.2f} warm (-j1), " if warm else "")
              + ", ".join(f"{started[jobs] / base:4.2f} with start-up (-j{jobs})"
                          for jobs in args.jobs) + " (target ≤ 0.5)"
              + (f"; {len(runs)} runs" if len(runs) > 1 else ""))
    mine, theirs = interleaved(roots[small], args.work / "out-interleaved", args.interleave)
    print(f"{args.interleave} departments in turn, ours then bare docxtpl with its context, "
          f"one warm process: {1000 * mine:.2f} ms / {1000 * theirs:.2f} ms CPU = "
          f"{mine / theirs:4.2f} (target ≤ 0.5)")
    for size in args.sizes:  # a report written by the last batch of that size
        print(level_line(next((args.work / f"out-{size}-j{args.jobs[-1]}").glob("*.docx"))))
    if small != large:
        for jobs in args.jobs:
            before_after = [r["cpu"] / small for r in results[small, jobs]]
            b = results[large, jobs][0]
            per_report = (b["cpu"] / large) / _mean(before_after)
            per_row = (b["summary_cpu"] / large) / _mean(
                [r["summary_cpu"] / small for r in results[small, jobs]])
            print(f"-j{jobs}: CPU per report at {large} / at {small} = {per_report:4.2f} "
                  f"(target ≤ 1.10; {small} before and after: "
                  + " and ".join(f"{1000 * v:.2f}" for v in before_after)
                  + f" ms); 汇总表 CPU per row {per_row:4.2f} (linear ≈ 1.0)")


if __name__ == "__main__":
    main()
