"""The HTTP layer of the API clients: JSON GETs with retries, rate-limit waits and paging.

Retries: a dropped connection, a timeout or a 5xx answer is tried again up to ``retries`` times with
exponential backoff (``backoff * 2**attempt`` seconds, capped at 60). Rate limits: a 429 waits for
``Retry-After`` (seconds or an HTTP date) or the rate-limit reset header; an answer whose remaining
budget is 0 (Mastodon ``X-RateLimit-Remaining``/``X-RateLimit-Reset`` as an ISO time, Bluesky
``RateLimit-Remaining``/``RateLimit-Reset`` as Unix seconds) waits for the reset before the next
request. A wait longer than ``max_wait`` stops the fetch with :class:`FetchError`; the pages fetched
so far stay in the cache and the next run resumes.

Secrets: the token is registered with :mod:`innercircle.redact`, so no message or log line shows
it, even when a server echoes the Authorization header back. Redirects are followed only within
the same origin (scheme, host and port): another server's answers are never imported, and the
token never travels there.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable

from ...errors import FetchError

USER_AGENT = "innercircle (+local network audit; read-only)"


class Http:
    """A small JSON client over ``httpx.Client`` that honours rate limits and retries failures."""

    def __init__(self, base_url: str, *, retries: int = 5, backoff: float = 0.5,
                 max_wait: float = 900.0, timeout: float = 30.0, token: str | None = None,
                 sleep: Callable[[float], None] = time.sleep, log: Callable[[str], None] | None = None):
        import httpx

        from ...redact import register

        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if token:
            register(token)
            headers["Authorization"] = f"Bearer {token}"
        self.base_url = base_url.rstrip("/")
        self.client = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout,
                                   follow_redirects=False)
        self.retries, self.backoff, self.max_wait = retries, backoff, max_wait
        self.sleep, self._log = sleep, log or (lambda _m: None)
        self.requests = 0
        self.waited = 0.0

    def __repr__(self) -> str:  # never shows the token
        return f"<Http {self.base_url!r}>"

    def log(self, message: str) -> None:
        from ...redact import redact

        self._log(redact(message))

    def _send(self, url: str, params: Any):
        """One GET, following redirects that stay on this origin (at most 5)."""
        r = self.client.get(url, params=params)
        for _ in range(5):
            if not r.is_redirect:
                return r
            target = r.next_request.url if r.next_request is not None else None
            if target is None or _origin(target) != _origin(r.request.url):
                where = f"{target.scheme}://{target.host}" if target is not None else "nowhere"
                raise FetchError(f"{_short_url(url)}: the server redirects to another server ({where}); "
                                 "not followed, so nothing from there is imported")
            r = self.client.send(r.next_request)
        raise FetchError(f"{_short_url(url)}: too many redirects")
    def close(self) -> None:
        self.client.close()

    def get(self, url: str, params: Any = None) -> tuple[Any, dict[str, str]]:
        """GET ``url`` (relative to the base URL, or absolute) -> (decoded JSON, headers)."""
        import httpx

        attempt = 0
        while True:
            try:
                self.requests += 1
                r = self._send(url, params)
            except (httpx.TransportError, httpx.DecodingError) as e:
                attempt = self._retry(attempt, f"{type(e).__name__} on {_short_url(url)}")
                continue
            if r.status_code == 429:
                wait = retry_after(r.headers)
                self._wait(wait if wait is not None else self.backoff * 2 ** attempt, "rate limited (429)")
                attempt += 1
                if attempt > self.retries + 5:
                    raise FetchError(f"{_short_url(url)}: still rate limited after {attempt} waits; "
                                     "run the fetch again later (it resumes where it stopped)")
                continue
            if r.status_code >= 500:
                attempt = self._retry(attempt, f"HTTP {r.status_code} on {_short_url(url)}")
                continue
            if r.status_code >= 400:
                raise FetchError(f"{_short_url(url)}: HTTP {r.status_code} {_reason(r)}")
            try:
                body = r.json()
            except ValueError:
                attempt = self._retry(attempt, f"an answer that is not JSON from {_short_url(url)}")
                continue
            self._respect_budget(r.headers)
            return body, dict(r.headers)

    def _retry(self, attempt: int, what: str) -> int:
        if attempt >= self.retries:
            raise FetchError(f"{what}, {attempt + 1} tries; run the fetch again later "
                             "(it resumes where it stopped)")
        self._wait(min(60.0, self.backoff * 2 ** attempt), f"{what}; trying again")
        return attempt + 1

    def _respect_budget(self, headers) -> None:
        remaining = headers.get("x-ratelimit-remaining") or headers.get("ratelimit-remaining")
        try:
            if remaining is None or int(float(remaining)) > 0:
                return
        except ValueError:
            return
        wait = reset_in(headers)
        if wait:
            self._wait(wait, "rate-limit budget used up")

    def _wait(self, seconds: float, why: str) -> None:
        seconds = max(0.0, float(seconds))
        if seconds > self.max_wait:
            raise FetchError(f"{why}: the server asks to wait {seconds:.0f} s, more than "
                             f"{self.max_wait:.0f} s; run the fetch again later (it resumes where it stopped)")
        self.log(f"{why}: waiting {seconds:.1f} s")
        self.waited += seconds
        self.sleep(seconds)


def retry_after(headers, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or HTTP date), else from the reset header."""
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
                return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
            except (TypeError, ValueError, IndexError):
                pass
    return reset_in(headers, now=now)


def reset_in(headers, *, now: datetime | None = None) -> float | None:
    """Seconds until the rate-limit window resets.

    Mastodon sends ``X-RateLimit-Reset`` as an ISO 8601 time; Bluesky sends ``RateLimit-Reset`` as
    Unix seconds. A small number (< 10^9) is read as seconds from now (the IETF draft's form).
    """
    now = now or datetime.now(timezone.utc)
    value = headers.get("x-ratelimit-reset") or headers.get("ratelimit-reset")
    if not value:
        return None
    try:
        n = float(value)
        return max(0.0, n - now.timestamp()) if n > 1e9 else max(0.0, n)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - now).total_seconds())


def link_next(headers: dict[str, str]) -> str | None:
    """The ``rel="next"`` URL of a Link header (Mastodon's paging)."""
    value = headers.get("link") or headers.get("Link")
    if not value:
        return None
    for part in value.split(","):
        if 'rel="next"' in part or "rel=next" in part:
            start, end = part.find("<"), part.find(">")
            if 0 <= start < end:
                return part[start + 1:end]
    return None


def _reason(r) -> str:
    try:
        body = r.json()
        msg = body.get("error") or body.get("message") if isinstance(body, dict) else None
    except ValueError:
        msg = None
    return str(msg or r.reason_phrase or "")[:160]


def _origin(url) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _short_url(url: str) -> str:
    return url.split("?", 1)[0][-120:]
