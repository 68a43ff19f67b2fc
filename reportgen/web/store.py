"""The web page's own records, in one SQLite file under ROOT: accounts, sessions, the audit
log, each department's save version and last check, and the history of builds.

The department folders stay the record of the data; this file holds only what the command
line has no use for. One short-lived connection per call: SQLite serialises writers itself
(WAL mode lets readers go on meanwhile), so request threads need no shared handle.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STATE_DIR = ".reportgen-web"  # under ROOT; holds no data.yaml/data.xlsx, so batch skips it
DB_NAME = "web.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'department')),
    department TEXT,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures(key, at);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    user_name TEXT NOT NULL,
    department TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS departments (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '未开始',
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    total TEXT NOT NULL DEFAULT '',
    grade TEXT NOT NULL DEFAULT '',
    digest TEXT NOT NULL DEFAULT '',
    checked INTEGER NOT NULL DEFAULT 0,
    changed_at REAL,
    changed_by TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS builds (
    department TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at REAL NOT NULL,
    user_name TEXT NOT NULL,
    file TEXT NOT NULL,
    total TEXT NOT NULL,
    grade TEXT NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    draft INTEGER NOT NULL,
    digest TEXT NOT NULL,
    change TEXT NOT NULL,
    PRIMARY KEY (department, seq)
);
"""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    department: str | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class DepartmentRow:
    id: str
    version: int
    name: str
    status: str
    errors: int
    warnings: int
    total: str
    grade: str
    digest: str
    checked: bool
    changed_at: float | None
    changed_by: str


@dataclass(frozen=True)
class BuildRow:
    department: str
    seq: int
    at: float
    user_name: str
    file: str
    total: str
    grade: str
    errors: int
    warnings: int
    draft: int  # errors behind printed figures: the report was written as a 草稿
    digest: str
    change: str


class Store:
    def __init__(self, root: Path) -> None:
        self.dir = root / STATE_DIR
        self.dir.mkdir(mode=0o700, exist_ok=True)
        self.path = self.dir / DB_NAME
        with self.connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys=ON")
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # -- accounts ---------------------------------------------------------------------------

    def add_user(self, name: str, password_hash: str, role: str,
                 department: str | None = None) -> None:
        with self.connect() as db:
            db.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                       (name, password_hash, role, department, time.time()))

    def set_password(self, name: str, password_hash: str) -> None:
        with self.connect() as db:
            db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name))
            db.execute("DELETE FROM sessions WHERE user_name = ?", (name,))

    def password_hash(self, name: str) -> str | None:
        with self.connect() as db:
            row = db.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def user(self, name: str) -> User | None:
        with self.connect() as db:
            row = db.execute("SELECT name, role, department FROM users WHERE name = ?",
                             (name,)).fetchone()
        return None if row is None else User(row["name"], row["role"], row["department"])

    def users(self) -> list[User]:
        with self.connect() as db:
            rows = db.execute("SELECT name, role, department FROM users ORDER BY name").fetchall()
        return [User(r["name"], r["role"], r["department"]) for r in rows]

    def has_admin(self) -> bool:
        with self.connect() as db:
            return db.execute("SELECT 1 FROM users WHERE role = 'admin'").fetchone() is not None

    # -- sessions ---------------------------------------------------------------------------

    def add_session(self, token_hash: str, user: str, csrf: str, expires_at: float) -> None:
        with self.connect() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (time.time(),))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                       (token_hash, user, csrf, expires_at))

    def session(self, token_hash: str) -> tuple[User, str] | None:
        with self.connect() as db:
            row = db.execute(
                "SELECT u.name, u.role, u.department, s.csrf FROM sessions s "
                "JOIN users u ON u.name = s.user_name WHERE s.token_hash = ? AND s.expires_at > ?",
                (token_hash, time.time())).fetchone()
        if row is None:
            return None
        return User(row["name"], row["role"], row["department"]), row["csrf"]

    def drop_session(self, token_hash: str) -> None:
        with self.connect() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    # -- login rate limit -------------------------------------------------------------------

    def login_failures(self, keys: list[str], since: float) -> int:
        with self.connect() as db:
            return max(db.execute("SELECT COUNT(*) FROM login_failures WHERE key = ? AND at > ?",
                                  (key, since)).fetchone()[0] for key in keys)

    def add_login_failure(self, keys: list[str]) -> None:
        now = time.time()
        with self.connect() as db:
            db.executemany("INSERT INTO login_failures VALUES (?, ?)", [(k, now) for k in keys])
            db.execute("DELETE FROM login_failures WHERE at < ?", (now - 86400,))

    def clear_login_failures(self, key: str) -> None:
        with self.connect() as db:
            db.execute("DELETE FROM login_failures WHERE key = ?", (key,))

    # -- audit log --------------------------------------------------------------------------

    def audit(self, user: str, action: str, department: str | None = None,
              detail: str = "") -> None:
        with self.connect() as db:
            db.execute("INSERT INTO audit (at, user_name, department, action, detail) "
                       "VALUES (?, ?, ?, ?, ?)", (time.time(), user, department, action, detail))

    def audit_entries(self, department: str | None = None, limit: int = 200) -> list[sqlite3.Row]:
        with self.connect() as db:
            if department is None:
                return db.execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?",
                                  (limit,)).fetchall()
            return db.execute("SELECT * FROM audit WHERE department = ? ORDER BY id DESC LIMIT ?",
                              (department, limit)).fetchall()

    # -- departments ------------------------------------------------------------------------

    def ensure_department(self, ident: str) -> None:
        with self.connect() as db:
            db.execute("INSERT OR IGNORE INTO departments (id) VALUES (?)", (ident,))

    def department(self, ident: str) -> DepartmentRow | None:
        with self.connect() as db:
            row = db.execute("SELECT * FROM departments WHERE id = ?", (ident,)).fetchone()
        return None if row is None else DepartmentRow(**dict(row))

    def departments(self) -> list[DepartmentRow]:
        with self.connect() as db:
            rows = db.execute("SELECT * FROM departments ORDER BY id").fetchall()
        return [DepartmentRow(**dict(r)) for r in rows]

    def claim_version(self, db: sqlite3.Connection, ident: str, expected: int, user: str) -> bool:
        """The version check of every save: only a writer who saw the current version wins."""
        cursor = db.execute(
            "UPDATE departments SET version = version + 1, changed_at = ?, changed_by = ? "
            "WHERE id = ? AND version = ?", (time.time(), user, ident, expected))
        return cursor.rowcount == 1

    def record_check(self, ident: str, name: str, status: str, errors: int, warnings: int,
                     total: str, grade: str, digest: str, file_time: float | None) -> None:
        """A department never saved through the page shows its files' time, 网页之外."""
        with self.connect() as db:
            db.execute("UPDATE departments SET name = ?, status = ?, errors = ?, warnings = ?, "
                       "total = ?, grade = ?, digest = ?, checked = 1, "
                       "changed_by = CASE WHEN changed_at IS NULL THEN '（网页之外）' "
                       "ELSE changed_by END, changed_at = COALESCE(changed_at, ?) WHERE id = ?",
                       (name, status, errors, warnings, total, grade, digest, file_time, ident))

    # -- builds -----------------------------------------------------------------------------

    def next_build(self, ident: str) -> int:
        with self.connect() as db:
            row = db.execute("SELECT MAX(seq) FROM builds WHERE department = ?",
                             (ident,)).fetchone()
        return (row[0] or 0) + 1

    def add_build(self, build: BuildRow) -> None:
        with self.connect() as db:
            db.execute("INSERT INTO builds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (build.department, build.seq, build.at, build.user_name, build.file,
                        build.total, build.grade, build.errors, build.warnings, build.draft,
                        build.digest, build.change))

    def builds(self, ident: str) -> list[BuildRow]:
        with self.connect() as db:
            rows = db.execute("SELECT * FROM builds WHERE department = ? ORDER BY seq DESC",
                              (ident,)).fetchall()
        return [BuildRow(**dict(r)) for r in rows]

    def build(self, ident: str, seq: int) -> BuildRow | None:
        with self.connect() as db:
            row = db.execute("SELECT * FROM builds WHERE department = ? AND seq = ?",
                             (ident, seq)).fetchone()
        return None if row is None else BuildRow(**dict(row))

    def latest_builds(self) -> dict[str, BuildRow]:
        with self.connect() as db:
            rows = db.execute("SELECT b.* FROM builds b JOIN (SELECT department, MAX(seq) AS seq "
                              "FROM builds GROUP BY department) m "
                              "ON b.department = m.department AND b.seq = m.seq").fetchall()
        return {r["department"]: BuildRow(**dict(r)) for r in rows}
