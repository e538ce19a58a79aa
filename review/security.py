"""What keeps the review app safe on a shared machine and against hostile pages.

- **Who may ask**: the app answers only requests addressed to the host names it was bound to
  (``127.0.0.1``, ``localhost`` by default), so a web page cannot reach it by DNS rebinding.
- **Cross-site forms**: every form carries a token tied to a cookie of this app
  (``SameSite=Strict``, HTTP-only); a POST whose token does not match the cookie, or whose
  ``Origin``/``Sec-Fetch-Site`` says it came from another site, is refused (403) before anything
  is written.
- **Archived pages**: the agency's page is served with a ``sandbox`` Content-Security-Policy (no
  script, no plugins, a unique origin, nothing loaded from anywhere) and shown in a sandboxed
  frame; the review pages themselves run no inline script and load nothing from elsewhere.
"""

from __future__ import annotations

import hmac
import secrets
from hashlib import sha256

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "ogi_review"
APP_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SOURCE_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
"""For archived bodies: scripts, forms, plugins and every fetch are off; shown only in a frame of
this app."""


class Tokens:
    """Cross-site request forgery tokens: an HMAC of the browser's cookie under a secret of this
    server (a new secret at each start: tokens do not outlive the server)."""

    def __init__(self, secret: bytes | None = None) -> None:
        self.secret = secret or secrets.token_bytes(32)

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(24)

    def token(self, cookie: str) -> str:
        return hmac.new(self.secret, cookie.encode("utf-8"), sha256).hexdigest()

    def valid(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token:
            return False
        return hmac.compare_digest(self.token(cookie), token)


def same_origin(headers: Headers, host: str) -> bool:
    """Whether the browser says the request comes from this app's own pages."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is not None and origin != "null":
        return origin.split("://", 1)[-1] == host
    return origin != "null"  # an opaque origin (a sandboxed frame, a file) is never ours


class Guard:
    """ASGI middleware: refuse requests for other hosts; add the security headers."""

    def __init__(self, app: ASGIApp, allowed_hosts: set[str]) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if "*" not in self.allowed and host not in self.allowed and name not in self.allowed:
            await _plain(send, 421, b"misdirected request: unknown host")
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                names = {k.lower() for k, _v in headers}
                defaults = [
                    (b"content-security-policy", APP_CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (
                        b"referrer-policy",
                        b"same-origin",
                    ),  # no-referrer makes form POSTs say Origin: null
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                ]
                headers += [(k, v) for k, v in defaults if k not in names]
            await send(message)

        await self.app(scope, receive, with_headers)


async def _plain(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})
