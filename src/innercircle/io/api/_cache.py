"""The API cache: fetched pages kept in the workspace, so an interrupted fetch resumes and a repeat is free.

Table ``api_cache`` (created on first use): one row per fetched page of one listing, keyed by
``(service, listing, page)``, with the cursor that asked for it, the cursor of the next page and the
answer as JSON. Table ``api_listings`` marks a listing complete when its last page came. A listing
is reused from the cache when it was completed less than ``max_age`` ago; an incomplete one resumes
from the next cursor of its last cached page.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator

from ...redact import redact

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS api_cache (service VARCHAR, listing VARCHAR, page INTEGER,
        cursor VARCHAR, next_cursor VARCHAR, body VARCHAR, fetched_at TIMESTAMP,
        PRIMARY KEY (service, listing, page))""",
    """CREATE TABLE IF NOT EXISTS api_listings (service VARCHAR, listing VARCHAR, complete BOOLEAN,
        items BIGINT, updated_at TIMESTAMP, PRIMARY KEY (service, listing))""",
]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class ApiCache:
    """Pages of API listings stored in a DuckDB connection (the workspace's, or any other)."""

    def __init__(self, con, service: str, *, max_age: timedelta = timedelta(hours=24)):
        self.con, self.service, self.max_age = con, service, max_age
        for stmt in SCHEMA:
            self.con.execute(stmt).fetchall()
        self.hits = 0

    def _rows(self, query: str, params: list) -> list[tuple]:
        return self.con.execute(query, params).fetchall()

    def pages(self, listing: str) -> list[tuple[str | None, str | None, Any]]:
        rows = self._rows("SELECT cursor, next_cursor, body FROM api_cache WHERE service = ? AND listing = ? "
                          "ORDER BY page", [self.service, listing])
        return [(c, n, json.loads(b)) for c, n, b in rows]

    def state(self, listing: str) -> tuple[bool, datetime | None]:
        row = self._rows("SELECT complete, updated_at FROM api_listings WHERE service = ? AND listing = ?",
                         [self.service, listing])
        return (bool(row[0][0]), row[0][1]) if row else (False, None)

    def fresh(self, listing: str) -> bool:
        """Whether the listing's cached pages may be used (complete and young, or resumable)."""
        _complete, updated = self.state(listing)
        return updated is not None and _now() - updated < self.max_age

    def clear(self, listing: str) -> None:
        for table in ("api_cache", "api_listings"):
            self.con.execute(f"DELETE FROM {table} WHERE service = ? AND listing = ?",
                             [self.service, listing]).fetchall()

    def add(self, listing: str, page: int, cursor: str | None, next_cursor: str | None, body: Any,
            items: int) -> None:
        self.con.execute("INSERT OR REPLACE INTO api_cache VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [self.service, listing, page, cursor, next_cursor, redact(json.dumps(body)), _now()]).fetchall()
        self.con.execute("INSERT OR REPLACE INTO api_listings VALUES (?, ?, ?, ?, ?)",
                         [self.service, listing, next_cursor is None, items, _now()]).fetchall()


def paginate(cache: ApiCache | None, listing: str, fetch: Callable[[str | None], tuple[Any, str | None]],
             items_of: Callable[[Any], list], *, limit: int | None = None,
             refresh: bool = False) -> Iterator[Any]:
    """Yield the items of a paged listing, from the cache where it can, fetching the rest.

    ``fetch(cursor) -> (body, next_cursor)`` asks for one page; ``items_of(body)`` lists its items.
    Each fetched page is stored before its items are yielded, so an interruption loses nothing.
    ``limit`` stops after that many items (a listing cut short by it is not marked complete).
    """
    n, page, cursor = 0, 0, None
    if limit is not None and limit <= 0:
        return
    if cache is not None:
        if refresh or not cache.fresh(listing):
            cache.clear(listing)
        for cursor_, next_cursor, body in cache.pages(listing):
            cache.hits += 1
            page += 1
            for item in items_of(body):
                yield item
                n += 1
                if limit is not None and n >= limit:
                    return
            cursor = next_cursor
            if next_cursor is None:
                return
    while True:
        body, next_cursor = fetch(cursor)
        items = items_of(body)
        if next_cursor == cursor or not items:
            next_cursor = None  # a server that repeats its cursor or sends an empty page is done
        page += 1
        if cache is not None:
            cache.add(listing, page, cursor, next_cursor, body, n + len(items))
        for item in items:
            yield item
            n += 1
            if limit is not None and n >= limit:
                return
        if next_cursor is None:
            return
        cursor = next_cursor
