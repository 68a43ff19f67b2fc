"""Benchmark the web page (reportgen serve) on 127.0.0.1 only, in one run:

* the bureau page with N departments (default 200): server time (Server-Timing) per view,
  sorted and filtered, median and max;
* W department accounts (default 20) saving a narrative at the same moment: all kept?
  server time median and max, wall time;
* save-then-check on the seed example (examples/xiangxi-commerce-2018, data.yaml):
  server time of the save (which runs check and records the status) and of the page.

A script, not a timed test (tests/test_web_load.py asserts the bounds). Passwords are
hashed with small Argon2 costs here so that logging in W accounts is not what is measured.

Usage: python bench/bench_web.py [-n 200] [-w 20]
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from argon2 import PasswordHasher

from reportgen.web import auth
from reportgen.web.app import create_app
from reportgen.web.store import Store

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="([^"]+)"')


def ms(response: httpx.Response) -> float:
    return float(response.headers["server-timing"].split("dur=")[1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def login(base: str, name: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=120)
    page = client.get("/login")
    r = client.post("/login", data={"csrf": CSRF.search(page.text).group(1), "name": name,
                                    "password": password})
    assert r.status_code == 303, r.text
    return client


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=200, help="departments")
    ap.add_argument("-w", type=int, default=20, help="concurrent writers")
    args = ap.parse_args()
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    work = Path(tempfile.mkdtemp(prefix="bench-web-"))
    root = work / "root"
    root.mkdir()
    for i in range(args.n):
        shutil.copytree(EXAMPLES / "county-transport-2023", root / f"d{i:03d}")
    shutil.copytree(EXAMPLES / "xiangxi-commerce-2018", root / "seed")
    accounts = auth.Accounts(Store(root))
    accounts.add("admin", "admin", password="admin")
    for i in range(args.w):
        accounts.add(f"u{i}", "department", f"d{i:03d}", password=f"p{i}")
    accounts.add("seed", "department", "seed", password="seed")

    began = time.perf_counter()
    app = create_app(root)
    store = Store(root)
    while any(not r.checked for r in store.departments()):
        time.sleep(0.1)
    print(f"first start: {args.n + 1} departments checked in {time.perf_counter() - began:.1f} s")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        admin = login(base, "admin", "admin")
        admin.get("/bureau")  # templates compiled
        times = [ms(admin.get(f"/bureau{q}")) for q in
                 ["", "?sort=total&order=desc", "?sort=status", "?status=草稿", "?q=d1"] * 10]
        print(f"/bureau, {args.n + 1} departments: median {statistics.median(times):.1f} ms, "
              f"max {max(times):.1f} ms server time ({len(times)} views)")

        clients = [login(base, f"u{i}", f"p{i}") for i in range(args.w)]
        forms = []
        for i, c in enumerate(clients):
            page = c.get(f"/d/d{i:03d}/narratives/建议和请求").text
            forms.append({"csrf": CSRF.search(page).group(1),
                          "version": VERSION.search(page).group(1), "text": f"第{i}号的建议。"})
        barrier = threading.Barrier(args.w)
        results: list[tuple[int, float]] = [(0, 0.0)] * args.w

        def save(i: int) -> None:
            barrier.wait()
            r = clients[i].post(f"/d/d{i:03d}/narratives/建议和请求", data=forms[i])
            results[i] = (r.status_code, ms(r))

        threads = [threading.Thread(target=save, args=(i,)) for i in range(args.w)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - began
        kept = sum((root / f"d{i:03d}" / "narratives" / "建议和请求.md").read_text(
            encoding="utf-8") == f"第{i}号的建议。" for i in range(args.w))
        codes = sorted({code for code, _ in results})
        saves = [t for _, t in results]
        print(f"{args.w} concurrent saves: status {codes}, {kept}/{args.w} kept, wall {wall:.2f} s, "
              f"server median {statistics.median(saves):.0f} ms, max {max(saves):.0f} ms")

        seed = login(base, "seed", "seed")
        text = (root / "seed" / "data.yaml").read_text(encoding="utf-8")
        seed.get("/d/seed/yaml")
        after_save, page_times = [], []
        for i in range(10):
            page = seed.get("/d/seed/yaml").text
            body = text.replace("本年追加预算: 5383.91", f"本年追加预算: {5383 + i}.91")
            r = seed.post("/d/seed/yaml", data={"csrf": CSRF.search(page).group(1),
                                                "version": VERSION.search(page).group(1),
                                                "text": body})
            assert r.status_code == 303
            after_save.append(ms(r))
            page_times.append(ms(seed.get("/d/seed")))
        print(f"seed example: save+check median {statistics.median(after_save):.0f} ms, "
              f"max {max(after_save):.0f} ms; department page with check median "
              f"{statistics.median(page_times):.0f} ms (server time)")
    finally:
        server.should_exit = True
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
