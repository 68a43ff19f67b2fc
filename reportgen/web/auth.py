"""Passwords, sessions, CSRF tokens and the login rate limit.

Passwords: Argon2id through argon2-cffi (memory-hard, the reference implementation; its
defaults follow RFC 9106's recommendations). Session cookies carry a random token; the
database stores only its SHA-256, so a copied database opens no session. Each session has
its own CSRF token, which every state-changing request must echo (form field or header).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .store import Store, User

SESSION_COOKIE = "reportgen_session"
LOGIN_COOKIE = "reportgen_login"  # the login form's own CSRF token, before any session
SESSION_SECONDS = 12 * 3600
FAILURE_WINDOW = 15 * 60
MAX_FAILURES = 5
USER_NAME_MAX = 64

SERVER_HASHER = PasswordHasher()
_hasher = SERVER_HASHER
_dummy: dict[int, str] = {}


def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist: both cases cost the same."""
    key = id(_hasher)
    if key not in _dummy:
        _dummy[key] = _hasher.hash(secrets.token_urlsafe(16))
    return _dummy[key]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def new_password() -> str:
    return secrets.token_urlsafe(12)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    token: str


class TooManyAttempts(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(minutes)
        self.minutes = minutes


class Accounts:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, name: str, role: str, department: str | None = None,
            password: str | None = None) -> str:
        """Returns the password (generated when not given) to show once."""
        password = password or new_password()
        self.store.add_user(name, hash_password(password), role, department)
        return password

    def reset(self, name: str) -> str:
        password = new_password()
        self.store.set_password(name, hash_password(password))
        return password

    def login(self, name: str, password: str, client: str) -> Session | None:
        """None for a wrong name or password; TooManyAttempts once the limit is reached.

        Failures count per account and per client address, so guessing many passwords for
        one account and one password for many accounts are both slowed down."""
        keys = [f"user:{name[:USER_NAME_MAX]}", f"ip:{client}"]
        if self.store.login_failures(keys, time.time() - FAILURE_WINDOW) >= MAX_FAILURES:
            raise TooManyAttempts(FAILURE_WINDOW // 60)
        stored = self.store.password_hash(name) if len(name) <= USER_NAME_MAX else None
        try:
            _hasher.verify(stored or _dummy_hash(), password)
            ok = stored is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            self.store.add_login_failure(keys)
            return None
        self.store.clear_login_failures(keys[0])
        if _hasher.check_needs_rehash(stored):
            self.store.set_password(name, hash_password(password))
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.store.add_session(token_hash(token), name, csrf, time.time() + SESSION_SECONDS)
        user = self.store.user(name)
        assert user is not None
        return Session(user, csrf, token)

    def session(self, token: str | None) -> Session | None:
        if not token or len(token) > 200:
            return None
        found = self.store.session(token_hash(token))
        return None if found is None else Session(found[0], found[1], token)

    def logout(self, token: str) -> None:
        self.store.drop_session(token_hash(token))
