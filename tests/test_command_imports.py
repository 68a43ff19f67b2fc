"""Each command imports what it uses, and no more: the cost of a cold start is mostly imports
(bench/bench_commands.py times it). Checked in a fresh interpreter, by what is loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys

RUN = """
import contextlib, io, json, sys
from reportgen.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
plugins = getattr(sys.modules.get("pydantic.plugin._loader"), "_plugins", None)
print(json.dumps([code, sorted(sys.modules), plugins is not None]))
"""

# What renders, converts or serves: no command that only reads and scores needs any of it.
RENDERING = {"jinja2", "docxtpl", "docx", "lxml", "openpyxl", "babel", "reportgen.render",
             "reportgen.build", "reportgen.batch", "reportgen.review", "fastapi", "uvicorn"}


def loaded(*args: str) -> tuple[int, set[str]]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    result = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True,
                            check=True, env=env)
    code, modules, plugins_scanned = json.loads(result.stdout.splitlines()[-1])
    # pydantic looks for plugins in every installed package's metadata unless told not to
    assert not plugins_scanned
    return code, set(modules)


def with_packages(modules: set[str]) -> set[str]:
    return modules | {m.split(".")[0] for m in modules}


def test_help_loads_no_library_and_no_stage():
    code, modules = loaded("--help")
    assert code == 0
    ours = {m for m in modules if m.startswith("reportgen")}
    assert ours == {"reportgen", "reportgen.cli", "reportgen.cli_argparse", "reportgen.text",
                    "reportgen.web", "reportgen.web.commands"}
    assert not with_packages(modules) & {"pydantic", "yaml", "dataclasses", "typing", *RENDERING}


def test_check_and_score_load_no_renderer(example_dir):
    for command in (["check"], ["score"], ["score", "--json"]):
        code, modules = loaded(*command, str(example_dir))
        assert code in (0, 1), command  # 2 would be an unreadable folder
        assert "reportgen.scoring" in modules  # the command did run
        assert not with_packages(modules) & RENDERING, command
        assert "_strptime" not in modules  # its locale tables: a date is read without them
