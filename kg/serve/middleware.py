"""ASGI middleware of the server: request size limits and security headers on every response."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The policy of the server's own pages: their scripts and styles come from /static only, nothing from outside.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
    "frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'; object-src 'none'"
)


class RequestLimits:
    """Refuse with 413 a request whose URL or declared body is larger than ``max_bytes``.

    Bodies sent without a length (chunked) are counted while the handlers read them (see ``read_body``).
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        url_len = len(scope.get("query_string") or b"") + len(scope.get("raw_path") or b"")
        declared = 0
        for k, v in scope.get("headers") or []:
            if k == b"content-length":
                try:
                    declared = int(v)
                except ValueError:
                    await _plain(send, 400, "The Content-Length header is not a number.")
                    return
        if url_len > self.max_bytes or declared > self.max_bytes:
            what = "URL" if url_len > self.max_bytes else "request body"
            await _plain(
                send, 413,
                f"The {what} is larger than this server accepts ({self.max_bytes} bytes). Send a shorter query "
                "(POST it as application/sparql-query when it is long), or start the server with a larger "
                "--max-request-bytes.",
            )
            return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Headers every response carries: no MIME sniffing, no referrer, and a strict CSP on HTML pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers") or [])
                names = {k.lower() for k, _ in headers}
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if ctype.startswith(b"text/html") and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", PAGE_CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode("utf-8")
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})


async def read_body(request: Any, max_bytes: int) -> bytes:
    """The request body, refusing (413) one that grows past ``max_bytes`` whatever its declared length."""
    from kg.serve.sparql_protocol import ProtocolError

    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise ProtocolError(413, f"The request body is larger than this server accepts ({max_bytes} bytes).")
        chunks.append(chunk)
    return b"".join(chunks)
