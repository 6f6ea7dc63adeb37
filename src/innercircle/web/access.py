"""Who may reach the dashboard: the Host check, and a token once it listens beyond this machine.

On a loopback address (the default) only this machine can connect and no token is needed. On any
other address anyone on the network could read the owner's whole network, so :func:`plan` asks
for a token (generated when none is given) and keeps the Host check on with the names the user
allows. :class:`TokenGuard` answers 401 to every request without the token; a browser sends it
once as ``?token=…`` and then carries it in a same-site, HTTP-only cookie.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

COOKIE = "innercircle_token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Access:
    """What the server enforces: ``hosts`` (Host header names accepted) and ``token`` (None: none)."""

    hosts: tuple[str, ...]
    token: str | None
    generated: bool = False

    def url(self, host: str, port: int) -> str:
        shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return f"http://{shown}:{port}/" + (f"?token={self.token}" if self.token else "")


def plan(host: str, *, token: str | None = None, allowed_hosts: tuple[str, ...] = ()) -> Access:
    """The access rules for a server bound to ``host``.

    Loopback: the loopback names (plus ``allowed_hosts``), a token only when one is given.
    Anything else: a token always (``token`` or a new random one), and the Host header must be a
    loopback name, the bound address, this machine's name, or one of ``allowed_hosts``.
    """
    names = list(LOOPBACK_NAMES) + [h.strip().lower() for h in allowed_hosts if h.strip()]
    if is_loopback(host):
        return Access(tuple(dict.fromkeys(names)), token or None)
    if host not in ("0.0.0.0", "::", ""):
        names.append(host.strip("[]").lower())
    names.append(socket.gethostname().lower())
    return Access(tuple(dict.fromkeys(names)), token or secrets.token_urlsafe(24), generated=not token)


class TokenGuard:
    """ASGI middleware: 401 unless the request carries the token (header, query or cookie).

    ``Authorization: Bearer <token>`` suits scripts; ``?token=<token>`` is answered with a redirect
    to the same URL without it, setting the cookie, so the token leaves the address bar and history.
    """

    def __init__(self, app, *, token: str):
        self.app, self.token = app, token.encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [v for k, v in query if k == "token"]
        if given and self._ok(given[0].encode()):
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            return await _redirect(send, scope["path"] + (f"?{rest}" if rest else ""), self.token)
        if self._ok(_bearer(scope)) or self._ok(_cookie(scope)):
            return await self.app(scope, receive, send)
        await _unauthorised(send)

    def _ok(self, value: bytes | None) -> bool:
        return value is not None and hmac.compare_digest(value, self.token)


def _headers(scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", [])}


def _bearer(scope) -> bytes | None:
    value = _headers(scope).get(b"authorization", b"")
    return value[7:].strip() if value[:7].lower() == b"bearer " else None


def _cookie(scope) -> bytes | None:
    for part in _headers(scope).get(b"cookie", b"").split(b";"):
        name, _, value = part.strip().partition(b"=")
        if name == COOKIE.encode():
            return value
    return None


async def _redirect(send, location: str, token: bytes) -> None:
    cookie = f"{COOKIE}={token.decode()}; HttpOnly; SameSite=Strict; Path=/".encode()
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode("latin-1", "replace")), (b"set-cookie", cookie),
                            (b"cache-control", b"no-store"), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


async def _unauthorised(send) -> None:
    body = b"401 unauthorised: this dashboard needs the token printed when it was started\n"
    await send({"type": "http.response.start", "status": 401,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"www-authenticate", b"Bearer"),
                            (b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})
