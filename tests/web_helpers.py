"""Shared set-up for the web tests: a ROOT with two departments and three accounts."""

from __future__ import annotations

import re
import shutil
import socket
from pathlib import Path

from argon2 import PasswordHasher

# Argon2id with small costs: the tests log in often, and the machine is shared.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PASSWORDS = {"admin": "admin-pass-1", "xxsw": "xxsw-pass-1", "other": "other-pass-1"}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def make_root(root: Path) -> Path:
    """ROOT/xxsw is the seed example (data.yaml), ROOT/other the county example."""
    from reportgen.web.auth import Accounts
    from reportgen.web.store import Store

    shutil.copytree(EXAMPLES / "xiangxi-commerce-2018", root / "xxsw")
    shutil.copytree(EXAMPLES / "county-transport-2023", root / "other")
    accounts = Accounts(Store(root))
    accounts.add("admin", "admin", password=PASSWORDS["admin"])
    accounts.add("xxsw", "department", "xxsw", password=PASSWORDS["xxsw"])
    accounts.add("other", "department", "other", password=PASSWORDS["other"])
    return root


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "page has no CSRF field"
    return found.group(1)


def login(client, name: str, password: str | None = None):
    page = client.get("/login")
    return client.post("/login", data={"csrf": csrf_of(page.text), "name": name,
                                       "password": password or PASSWORDS[name]},
                       follow_redirects=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_ms(response) -> float:
    return float(response.headers["server-timing"].split("dur=")[1])
