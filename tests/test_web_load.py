"""A bounded load test against 127.0.0.1 only: 200 departments on the bureau page, and 20
department saves at the same moment through a real uvicorn server.

Times are the server's own (the Server-Timing header each response carries), so the
client's and the test runner's overhead on a shared machine do not count."""

from __future__ import annotations

import re
import shutil
import statistics
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

from reportgen.web import auth  # noqa: E402
from web_helpers import CHEAP_HASHER, EXAMPLES, csrf_of, free_port, server_ms  # noqa: E402

DEPARTMENTS = 200
WRITERS = 20


@pytest.fixture(scope="module")
def cheap_hashing():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", CHEAP_HASHER)
        yield


@pytest.fixture(scope="module")
def big_root(tmp_path_factory, cheap_hashing) -> Path:
    from reportgen.web.auth import Accounts
    from reportgen.web.store import Store

    root = tmp_path_factory.mktemp("load") / "root"
    root.mkdir()
    for i in range(DEPARTMENTS):
        shutil.copytree(EXAMPLES / "county-transport-2023", root / f"d{i:03d}")
    accounts = Accounts(Store(root))
    accounts.add("admin", "admin", password="admin-pass-1")
    for i in range(WRITERS):
        accounts.add(f"u{i:03d}", "department", f"d{i:03d}", password=f"pass-{i:03d}")
    return root


@pytest.fixture(scope="module")
def served(big_root: Path):
    import uvicorn

    from reportgen.web.app import create_app
    from reportgen.web.store import Store

    app = create_app(big_root)
    store = Store(big_root)
    deadline = time.monotonic() + 120  # the first start checks every department once
    while any(not r.checked for r in store.departments()):
        assert time.monotonic() < deadline, "the start-up check did not finish in time"
        time.sleep(0.2)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", big_root
    server.should_exit = True
    thread.join(timeout=10)


def logged_in(base: str, name: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/login")
    r = client.post("/login", data={"csrf": csrf_of(page.text), "name": name,
                                    "password": password})
    assert r.status_code == 303
    return client


def test_bureau_page_with_200_departments_renders_under_100_ms(served) -> None:
    base, _ = served
    admin = logged_in(base, "admin", "admin-pass-1")
    times = []
    for query in ["", "?sort=total&order=desc", "?sort=status", "?status=草稿", "?q=d1"] * 4:
        r = admin.get(f"/bureau{query}")
        assert r.status_code == 200
        times.append(server_ms(r))
    full = admin.get("/bureau").text
    assert full.count('<a href="/d/d') == DEPARTMENTS and "示例县交通运输局" in full
    print(f"\n/bureau with {DEPARTMENTS} departments: median {statistics.median(times):.1f} ms, "
          f"max {max(times):.1f} ms of server time over {len(times)} requests")
    assert statistics.median(times) < 100, times


def test_20_concurrent_department_saves_lose_nothing(served) -> None:
    base, root = served
    clients = [logged_in(base, f"u{i:03d}", f"pass-{i:03d}") for i in range(WRITERS)]
    forms = []
    for i, client in enumerate(clients):
        page = client.get(f"/d/d{i:03d}/narratives/建议和请求").text
        version = re.search(r'name="version" value="([^"]+)"', page).group(1)
        forms.append({"csrf": csrf_of(page), "version": version, "text": f"第{i}号部门的建议。"})
    start = threading.Barrier(WRITERS)
    results: list[tuple[int, float]] = [(0, 0.0)] * WRITERS

    def save(i: int) -> None:
        start.wait()
        r = clients[i].post(f"/d/d{i:03d}/narratives/建议和请求", data=forms[i])
        results[i] = (r.status_code, server_ms(r))

    threads = [threading.Thread(target=save, args=(i,)) for i in range(WRITERS)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    wall = time.perf_counter() - began
    assert [code for code, _ in results] == [303] * WRITERS
    for i in range(WRITERS):
        saved = (root / f"d{i:03d}" / "narratives" / "建议和请求.md").read_text(encoding="utf-8")
        assert saved == f"第{i}号部门的建议。"
    from reportgen.web.store import Store

    store = Store(root)
    rows = {r.id: r for r in store.departments()}
    assert all(rows[f"d{i:03d}"].version == int(forms[i]["version"].split("-")[0]) + 1 for i in range(WRITERS))
    saves = [e for e in store.audit_entries() if e["action"] == "保存文字材料"]
    assert len(saves) == WRITERS
    times = [ms for _, ms in results]
    print(f"\n{WRITERS} concurrent saves: all 303 in {wall:.2f} s wall; server time median "
          f"{statistics.median(times):.0f} ms, max {max(times):.0f} ms")


def test_20_concurrent_saves_of_one_department_one_wins_the_rest_conflict(served) -> None:
    base, root = served
    admin = logged_in(base, "admin", "admin-pass-1")
    page = admin.get("/d/d199/narratives/建议和请求").text
    version = re.search(r'name="version" value="([^"]+)"', page).group(1)
    token = csrf_of(page)
    start = threading.Barrier(WRITERS)
    codes: list[int] = [0] * WRITERS

    def save(i: int) -> None:
        with httpx.Client(base_url=base, timeout=60, cookies=admin.cookies) as client:
            start.wait()
            codes[i] = client.post("/d/d199/narratives/建议和请求",
                                   data={"csrf": token, "version": version,
                                         "text": f"第{i}位的文字。"}).status_code

    threads = [threading.Thread(target=save, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(codes) == [303] + [409] * (WRITERS - 1)
    winner = codes.index(303)
    saved = (root / "d199" / "narratives" / "建议和请求.md").read_text(encoding="utf-8")
    assert saved == f"第{winner}位的文字。"
