"""The README's set-up is the one CI runs, on a fresh machine, in a virtual environment."""

from __future__ import annotations

import re
import shlex

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    section = README[README.index("## 两条命令上手"):]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_two_commands_each_create_and_use_a_virtual_environment():
    commands = setup_commands()
    assert len(commands) == 2
    for command in commands:
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install ")
    assert ".venv/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_the_first_command_writes_into_an_ignored_folder():
    build = setup_commands()[0]
    output = shlex.split(build)[shlex.split(build).index("-o") + 1]
    assert output.startswith("out/")
    assert "/out/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_ci_runs_exactly_the_readme_test_command():
    test_command = setup_commands()[1]
    assert test_command.endswith("python -m pytest -q")
    ci_lines = [line for line in CI.splitlines() if line and not line.lstrip().startswith("#")]
    assert ci_lines[-1] == test_command


def test_windows_is_documented():
    section = README[README.index("## 两条命令上手"):README.index("## 常用命令")]
    assert "py -3.11 -m venv .venv && .venv\\Scripts\\activate && pip install ." in section


def test_readme_names_every_package_ci_installs():
    packages = re.search(r'PACKAGES="([^"]+)"', CI).group(1).split()
    assert {"libreoffice-writer-nogui", "fonts-noto-cjk", "fonts-liberation2", "python3-venv"} <= set(packages)
    apt_lines = [line for line in README.splitlines() if "sudo apt-get install" in line]
    for package in packages:
        assert any(package in line for line in apt_lines), package


def test_readme_says_the_seed_check_errors_are_expected():
    section = README[README.index("## 两条命令上手"):README.index("## 常用命令")]
    assert "reportgen check examples/xiangxi-commerce-2018" in section
    assert "3 个错误" in section and "预期的" in section
    for figure in ("100.00%", "87.75%", "94.47", "90.47"):
        assert figure in section
