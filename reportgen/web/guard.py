"""ASGI layers under every route: a bound on request bodies, the server time of each
response (Server-Timing, read by the load test), and headers that keep the page to itself."""

from __future__ import annotations

import contextlib
import time

from .uploads import MAX_UPLOAD

MAX_BODY = MAX_UPLOAD + 256 * 1024  # an upload plus the form around it

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
]

TOO_LARGE = ("<!doctype html><meta charset=utf-8><title>文件过大</title>"
             f"<p>提交的内容超过 {MAX_BODY // 1024 // 1024} MB 的上限，已拒绝。填报表通常不到 1 MB；"
             "请检查是否选错了文件。<p><a href=/>返回</a>").encode()


class Guard:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            await _reply(send, 413, TOO_LARGE)
            return
        received = 0
        replied = False  # the 413 went out: whatever the app sends after it is dropped

        async def limited_receive():
            nonlocal received, replied
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY:  # a body sent without (or lying about) its length
                    if not replied:
                        replied = True
                        await _reply(send, 413, TOO_LARGE)
                    raise BodyTooLarge
            return message

        async def timed_send(message):
            if replied:
                return
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", f"app;dur={ms:.1f}".encode()))
                headers.extend(SECURITY_HEADERS)
                message = {**message, "headers": headers}
            await send(message)

        with contextlib.suppress(BodyTooLarge):  # answered with 413 when the limit was passed
            await self.app(scope, limited_receive, timed_send)


class BodyTooLarge(Exception):
    pass


async def _reply(send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})
