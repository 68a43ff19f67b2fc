"""Benchmark: how long the everyday commands take from a cold start, side by side with
`python -c pass` and a bare docxtpl script (import, render the same template, save),
interleaved in one run, and the floor the libraries set (importing pydantic and PyYAML and
validating one model). CPU time (getrusage of the child) is the steadier figure on a
shared machine; wall time is printed too. Usage: python bench/bench_commands.py [-n 15]

The children run with bytecode, as an installed reportgen does (pip writes .pyc files): the
shell's PYTHONDONTWRITEBYTECODE is dropped and PYTHONPYCACHEPREFIX points at a temporary
folder, so no .pyc lands in the repository; the warm-up round writes them, the timed rounds
read them. Without this, each run compiles reportgen's modules from source (~35 ms).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "county-transport-2023"  # a YAML department
CLI = "import sys; from reportgen.cli import main; sys.exit(main())"  # as the console script
BARE_DOCXTPL = f"""
import io
from docxtpl import DocxTemplate
t = DocxTemplate({str(ROOT / "templates" / "report.docx")!r})
t.render({{}})
t.save(io.BytesIO())
"""
# Below what check, score and build can reach while they validate with pydantic and read
# YAML: importing the two libraries and validating one small model (plugins off, as the
# command line has them).
LIBRARY_FLOOR = """
import os
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
import yaml
from pydantic import BaseModel
class Probe(BaseModel):
    x: int
Probe(x=1)
"""
TARGETS = {"reportgen --help": 0.060, "reportgen check": 0.120, "reportgen score": 0.120,
           "reportgen build": 0.200}


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, check=False, env=env)
    if done.returncode:  # a command that fails early would look fast
        sys.exit(f"{args[1:]} exited {done.returncode}:\n{done.stderr.decode(errors='replace')}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=15)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as work:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = f"{work}/pycache"
        commands = {
            "python -c pass": [py, "-c", "pass"],
            "bare docxtpl script": [py, "-c", BARE_DOCXTPL],
            "pydantic+yaml floor": [py, "-c", LIBRARY_FLOOR],
            "reportgen --help": [py, "-c", CLI, "--help"],
            "reportgen check": [py, "-c", CLI, "check", str(EXAMPLE)],
            "reportgen score": [py, "-c", CLI, "score", str(EXAMPLE)],
            "reportgen build": [py, "-c", CLI, "build", str(EXAMPLE), "-o", f"{work}/r.docx"],
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for command in commands.values():  # warm the disk cache and write the bytecode
            run(command, env)
        for _ in range(args.n):
            for name, command in commands.items():
                times[name].append(run(command, env))
    base_cpu = statistics.median(c for _, c in times["python -c pass"])
    bare_cpu = statistics.median(c for _, c in times["bare docxtpl script"])
    print(f"{'command':<22}{'wall ms':>9}{'CPU ms':>9}{'× python':>10}{'× docxtpl':>11}  target")
    for name in commands:
        wall = statistics.median(w for w, _ in times[name]) * 1000
        cpu = statistics.median(c for _, c in times[name]) * 1000
        target = TARGETS.get(name)
        verdict = "" if target is None else (
            f"≤ {target * 1000:.0f} ms: {'yes' if cpu <= target * 1000 else 'NO'} (CPU)")
        print(f"{name:<22}{wall:9.1f}{cpu:9.1f}{cpu / base_cpu / 1000:10.1f}"
              f"{cpu / bare_cpu / 1000:11.2f}  {verdict}")


if __name__ == "__main__":
    main()
