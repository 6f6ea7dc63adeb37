"""The local dashboard as a Starlette app: every page in HTML and as a JSON twin of the same dict.

Routes: ``/`` (overview), ``/followers`` (``tier``, ``segment``, ``q``, ``page``, ``per_page``),
``/account?id=ID``, ``/hollow``, ``/reach``, ``/forecast``, ``/advice``, ``/changes``,
``/definitions``. Each also answers as JSON at ``<path>.json`` (``/overview.json`` for ``/``) or with
``?format=json``. Pages carry no script; the Content-Security-Policy allows nothing from any other
origin, no script at all, and styles only from this server's own stylesheet. The Host header must
name the address the dashboard was started on (a guard against DNS rebinding).
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from typing import Any

CSP = ("default-src 'self'; script-src 'none'; object-src 'none'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]

def _nav() -> tuple[tuple[str, str], ...]:
    """The dashboard's navigation: the overview, the followers list, then each page of the registry."""
    from .dashboard import PAGES

    return (("/", "overview"), ("/followers", "followers"),
            *((f"/{name}", name) for name in PAGES if name != "overview"))


NAV = _nav()
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def clean(o: Any) -> Any:
    """JSON-ready: NaN/NA -> None (unknown is null), numpy scalars -> Python, dates -> ISO text."""
    if isinstance(o, dict):
        return {str(k): clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean(v) for v in o]
    if isinstance(o, float):
        return None if math.isnan(o) or math.isinf(o) else o
    if o is None or isinstance(o, (str, int, bool)):
        return o
    if type(o).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "item"):
        return clean(o.item())
    return str(o)


def to_json(data: dict) -> bytes:
    return json.dumps(clean(data), ensure_ascii=False, allow_nan=False).encode("utf-8")


class SecurityHeaders:
    """ASGI middleware adding the CSP and friends to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)


class Pages:
    """Renders the dashboard's dicts as HTML or JSON, and keeps finished responses in a bounded cache."""

    def __init__(self, dashboard, *, cache_size: int = 2048):
        self.dashboard = dashboard
        self.cache: OrderedDict = OrderedDict()
        self.cache_size = cache_size
        self._charts = None

    def charts(self) -> dict:
        from ..report.html import charts_for

        if self._charts is None:
            self._charts = charts_for(self.dashboard.load().report)
        return self._charts

    def html(self, template: str, data: dict, *, here: str, json_url: str) -> bytes:
        from ..report.html import environment

        page = environment().get_template(template).render(
            data=data, meta=data.get("meta") or {}, title=data.get("title", "innercircle"), nav=NAV, here=here,
            charts=self.charts() if self.dashboard.ready else {}, json_url=json_url)
        return page.encode("utf-8")

    def warm(self) -> "Pages":
        """Render the section pages, their JSON twins and the first page of each follower view now."""
        from .dashboard import PAGES, TIER_FILTERS

        for name in PAGES:
            for as_json in (False, True):
                self.remember((name, as_json, ""), _compute(self, name, as_json, {}))
        for tier in ("",) + TIER_FILTERS:
            query = f"tier={tier}" if tier else ""
            for as_json in (False, True):
                self.remember(("followers", as_json, query), _compute(self, "followers", as_json, {"tier": tier},
                                                                      query))
        return self

    def remember(self, key, value):
        self.cache[key] = value
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)
        return value


def _wants_json(request, path: str) -> bool:
    return path.endswith(".json") or request.query_params.get("format") == "json"


def _int(params, name: str, default: int) -> int:
    from ..errors import UsageError

    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise UsageError(f"{name} must be a whole number, not {raw[:20]!r}", field=name) from None


def _compute(pages: Pages, name: str, as_json: bool, params, query: str = "") -> tuple[int, bytes, str]:
    """(status, body, media type) of one page; ``params`` are its query parameters (a mapping)."""
    from ..errors import InnercircleError

    d = pages.dashboard
    base = "/" if name == "overview" else f"/{name}"
    json_url = ("/overview.json" if name == "overview" else f"/{name}.json")
    try:
        if name == "followers":
            q = params
            data = d.followers(tier=q.get("tier"), segment=q.get("segment"), q=q.get("q"),
                               page=_int(q, "page", 1), per_page=_int(q, "per_page", 50))
            if data["filters"]["tier"] and data["filters"]["tier"] not in data["tiers"]:
                return _error(pages, 400, f"unknown tier {data['filters']['tier'][:40]!r}: choose one of "
                                          + ", ".join(data["tiers"]), as_json)
            json_url = "/followers.json" + (f"?{query}" if query else "")
            template = "web/followers.html"
        elif name == "account":
            account_id = params.get("id")
            if not account_id:
                return _error(pages, 400, "give the account id: /account?id=ID", as_json)
            data = d.account(account_id)
            if data is None:
                return _error(pages, 404, f"no account with id {account_id[:80]!r} in the workspace", as_json)
            from urllib.parse import urlencode

            json_url = "/account.json?" + urlencode({"id": account_id})
            template = "web/account.html"
        else:
            data = d.page(name)
            template = "web/overview.html" if name == "overview" else "web/section.html"
    except InnercircleError as e:
        return _error(pages, 400, str(e), as_json)
    if as_json:
        return 200, to_json(data), "application/json"
    return 200, pages.html(template, data, here=base, json_url=json_url), "text/html; charset=utf-8"


def _loading(pages: Pages, as_json: bool) -> tuple[int, bytes, str]:
    """503 while the audit runs: the page refreshes itself every 2 seconds until the numbers are ready."""
    d = pages.dashboard
    if d.failed:
        return _error(pages, 500, f"the audit failed: {d.failed}", as_json)
    message = f"Preparing the audit: {d.status}. This page refreshes by itself."
    if as_json:
        return 503, to_json({"status": "loading", "step": d.status, "retry_after": 2}), "application/json"
    data = {"page": "loading", "title": "Preparing your audit", "error": message, "meta": {}}
    return 503, pages.html("web/error.html", data, here="", json_url="?format=json"), "text/html; charset=utf-8"


def _error(pages: Pages, status: int, message: str, as_json: bool) -> tuple[int, bytes, str]:
    message = " ".join(str(message).split())
    if as_json:
        return status, to_json({"error": message, "status": status}), "application/json"
    data = {"page": "error", "title": "Not found" if status == 404 else "Cannot show this page",
            "error": message, "meta": pages.dashboard.meta if pages.dashboard.ready else {}}
    return status, pages.html("web/error.html", data, here="", json_url="?format=json"), "text/html; charset=utf-8"


def create_app(dashboard, *, allowed_hosts: list[str] | tuple[str, ...] | None = None, token: str | None = None):
    """The Starlette app serving ``dashboard`` (a :class:`~innercircle.web.dashboard.Dashboard`).

    ``allowed_hosts``: Host header values accepted (default: 127.0.0.1, localhost, ::1); ``["*"]``
    accepts any. ``token``: when given, every request without it gets 401 (see
    :mod:`innercircle.web.access`).
    """
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.responses import Response
    from starlette.routing import Route

    from ..report.html import stylesheet

    pages = Pages(dashboard)
    css = stylesheet().encode("utf-8")

    def endpoint(name: str):
        async def handle(request):
            as_json = _wants_json(request, request.url.path)
            if not dashboard.ready:  # the audit is still running in the background: say so at once
                status, body, media = await run_in_threadpool(_loading, pages, as_json)
                return Response(body, status_code=status, media_type=media,
                                headers={"retry-after": "2", "refresh": "2", "cache-control": "no-store"})
            key = (name, as_json, request.url.query)
            hit = pages.cache.get(key)
            if hit is None:
                hit = await run_in_threadpool(_compute, pages, name, as_json, request.query_params,
                                              request.url.query)
                if hit[0] in (200, 404):
                    pages.remember(key, hit)
            status, body, media = hit
            return Response(body, status_code=status, media_type=media,
                            headers={"cache-control": "no-store"} if media.startswith("text/html") else None)
        return handle

    async def style(request):
        return Response(css, media_type="text/css", headers={"cache-control": "max-age=3600"})

    async def not_found(request, exc):
        as_json = _wants_json(request, request.url.path)
        status, body, media = await run_in_threadpool(_error, pages, 404, f"no page at {request.url.path[:100]}",
                                                      as_json)
        return Response(body, status_code=status, media_type=media)

    async def favicon(request):
        return Response(status_code=204)

    routes = [Route("/favicon.ico", favicon), Route("/", endpoint("overview")),
              Route("/overview", endpoint("overview")),
              Route("/overview.json", endpoint("overview")), Route("/static/style.css", style)]
    from .dashboard import PAGES

    for name in ("followers", "account", *(p for p in PAGES if p != "overview")):
        routes += [Route(f"/{name}", endpoint(name)), Route(f"/{name}.json", endpoint(name))]
    from .access import TokenGuard

    hosts = list(allowed_hosts) if allowed_hosts else list(LOCAL_HOSTS)
    guards = [Middleware(TokenGuard, token=token)] if token else []
    app = Starlette(routes=routes, exception_handlers={404: not_found},
                    middleware=[Middleware(SecurityHeaders), Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
                                *guards])
    app.state.dashboard = dashboard
    app.state.pages = pages
    return app


__all__ = ["CSP", "create_app", "to_json"]
