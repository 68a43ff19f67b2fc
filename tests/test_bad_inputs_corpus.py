"""The hostile and broken input corpus: tests/bad_inputs/NN-name/ holds a department folder
(or the part of one that matters) and expect.yaml:

    说明: what is wrong, in a sentence
    command: check | score | build
    exit: the exit code
    messages: substrings the output must contain (each names the file and the place)
    template: (build) a template in the case folder, passed as --template
    output, make_files, make_dirs: (build) the output name and what to put beside it
    isolate: true to run in a subprocess (cases that once crashed the interpreter)

A build case writes into a folder that already holds a good report from an earlier build:
after the failed build that report must be byte for byte the same and no file may appear.
A check or score case must write nothing at all. Each case runs in its department folder,
so a file made by code that should never have run shows up there too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLE
from reportgen.cli import main

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "expect.yaml").is_file())
KEYS = {"说明", "command", "exit", "messages", "template", "output", "make_files", "make_dirs",
        "isolate"}


def expectation(case: Path) -> dict:
    return yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def good_report(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("good") / "报告.docx"
    assert main(["build", str(EXAMPLE), "-o", str(out)]) == 0
    return out.read_bytes()


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


LAST_RESORT = "程序内部错误"  # what cli.report_unexpected prints


@pytest.fixture(autouse=True)
def no_last_resort(monkeypatch):
    """Every corpus case is foreseen: reaching the command line's last-resort handler (an
    unexpected exception turned into a short message) fails the case."""
    from reportgen import cli

    def reached(argv):
        raise AssertionError(f"the last-resort handler was reached: reportgen {argv}")

    monkeypatch.setattr(cli, "report_unexpected", reached)


def run(args: list[str], isolate: bool, capsys) -> tuple[int, str]:
    if isolate:
        result = subprocess.run([sys.executable, "-m", "reportgen.cli", *args], cwd=args[1],
                                capture_output=True, text=True, timeout=60,
                                env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        return result.returncode, result.stdout + result.stderr
    code = main(args)  # anything but InputError escaping main() is a traceback: the test fails
    out = capsys.readouterr()
    return code, out.out + out.err


def test_corpus_is_large_and_well_formed():
    assert len(CASES) >= 30
    kinds = {expectation(c)["command"] for c in CASES}
    assert kinds == {"check", "score", "build"}
    for case in CASES:
        expect = expectation(case)
        assert set(expect) <= KEYS, case.name
        assert expect["messages"], case.name
        assert all(isinstance(m, str) and m for m in expect["messages"]), case.name
        assert expect["exit"] != 0 or expect["说明"], case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Path, tmp_path: Path, good_report: bytes, capsys, monkeypatch):
    expect = expectation(case)
    folder = tmp_path / "部门"
    shutil.copytree(case, folder, ignore=shutil.ignore_patterns("expect.yaml"))
    monkeypatch.chdir(folder)  # code a framework smuggled in would leave its mark here
    args = [expect["command"], str(folder)]
    out_dir = tmp_path / "输出"
    if expect["command"] == "build":
        out_dir.mkdir()
        (out_dir / "报告.docx").write_bytes(good_report)
        for name in expect.get("make_files", []):
            (out_dir / name).write_bytes(b"")
        for name in expect.get("make_dirs", []):
            (out_dir / name).mkdir()
        args += ["-o", str(out_dir / expect.get("output", "报告.docx"))]
        if "template" in expect:
            args += ["--template", str(folder / expect["template"])]
    before_in, before_out = snapshot(folder), snapshot(out_dir) if out_dir.exists() else {}

    code, output = run(args, expect.get("isolate", False), capsys)

    assert "Traceback" not in output and LAST_RESORT not in output, output
    assert code == expect["exit"], output
    for message in expect["messages"]:
        assert message in output, f"{message!r} not in:\n{output}"
    if code != 0:
        assert any(line.startswith("[错误]") for line in output.splitlines()), output
    assert snapshot(folder) == before_in, "the input folder was written to"
    if out_dir.exists():
        assert snapshot(out_dir) == before_out, "the earlier report was replaced or a file appeared"
        assert (out_dir / "报告.docx").read_bytes() == good_report


def test_a_paragraph_too_long_for_word(tmp_path, good_report, capsys):
    """Generated rather than stored (1 MB): one paragraph beyond what Word, python-docx and
    libxml2 take is refused with its file and line, and the earlier report stays."""
    folder = tmp_path / "部门"
    shutil.copytree(EXAMPLE, folder)
    (folder / "narratives" / "项目实施情况.md").write_text("开头一段。\n\n" + "长" * 1_000_001,
                                                     encoding="utf-8")
    target = tmp_path / "报告.docx"
    target.write_bytes(good_report)
    code, output = run(["build", str(folder), "-o", str(target)], False, capsys)
    assert code == 2 and "Traceback" not in output
    assert "项目实施情况.md:3：此行起的段落长达1000001字，超过1000000字的上限" in output
    assert target.read_bytes() == good_report
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.docx", "部门"]
