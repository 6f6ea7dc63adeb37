"""The owner, the owner list and the window, resolved on an engine with the rules of ``audit --me``.

With a workspace the workspace's own rules apply (:func:`innercircle.results.audit.resolve_owner`,
:func:`innercircle.metrics.engagement.resolve_window`). Straight from a source there is no workspace,
so the same rules run as SQL on the engine: the owner named by ``--me`` (an id, a handle with or
without @, or a profile URL), else the most followed account; the as-of is the latest interaction
not in the future, else the latest post or follow.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from pathlib import Path

from ..errors import InputError, UsageError
from ._sql import us

def resolve_window_on(engine, *, as_of=None, window_days: int = 365):
    """The :class:`~innercircle.metrics.engagement.Window` of a source read by ``engine``."""
    from ..metrics.engagement import Window, parse_as_of

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    if as_of is None:
        as_of = _latest(engine, us(now)) or now.replace(microsecond=0)
    else:
        as_of = parse_as_of(as_of)
    future = engine.arrow(f"SELECT count(*) AS n FROM ic_interactions WHERE t > {us(as_of)}").to_pylist()[0]["n"]
    return Window(as_of=as_of, days=int(window_days), future_left_out=int(future))


def _latest(engine, now_us: int):
    from datetime import timedelta

    for sql in (f"SELECT max(t) AS t FROM ic_interactions WHERE t <= {now_us}",
                f"SELECT max(t) AS t FROM ic_posts WHERE t <= {now_us}",
                f"SELECT max(since_us) AS t FROM ic_follows WHERE since_us <= {now_us}"):
        value = engine.arrow(sql).to_pylist()[0]["t"]
        if value is not None:
            return datetime(1970, 1, 1) + timedelta(microseconds=int(value))
    return None


def most_followed_on(engine) -> str | None:
    """The account with the most followers (ties: the smallest id)."""
    rows = engine.arrow("SELECT followee, count(*) AS n FROM ic_follows GROUP BY followee "
                        "ORDER BY n DESC, followee LIMIT 1").to_pylist()
    return rows[0]["followee"] if rows else None


def read_owner_list(path) -> list[str]:
    """Entries of an owners file: one id, handle or profile URL per line (``#`` comments), or a CSV
    whose header has an ``id`` column."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"no file {p}", field="--owners", hint="give a file with one account per line") from None
    except UnicodeDecodeError:
        raise InputError("the owners file is not UTF-8 text", file=str(p), hint="save it as UTF-8") from None
    lines = [ln for ln in raw.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise InputError("the owners file lists no account", file=str(p), hint="one id, handle or URL per line")
    header = [c.strip().lower() for c in next(csv.reader([lines[0]]))]
    if "id" in header and len(header) > 1 or header == ["id"]:
        rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
        key = next(c for c in rows[0].keys() if c.strip().lower() == "id") if rows else "id"
        entries = [str(r[key]).strip() for r in rows if r.get(key) and str(r[key]).strip()]
    else:
        entries = [ln.strip() for ln in lines]
    return list(dict.fromkeys(entries))


def match_owners(engine, entries: list[str]) -> list[str]:
    """The account id each entry names: an exact id, else a handle (case-insensitive, without @), else
    a profile URL; one error lists the entries that name no account or several."""
    import pyarrow as pa

    from ..results.audit import handle_of

    engine.put("ic_entries", pa.table({"pos": pa.array(range(len(entries)), pa.int64()),
                                       "txt": pa.array(entries, pa.string()),
                                       "hdl": pa.array([handle_of(e) for e in entries], pa.string())}))
    found = engine.arrow(_MATCH_SQL).to_pylist()
    by_pos: dict[int, list[str]] = {}
    for r in found:
        by_pos.setdefault(int(r["pos"]), []).append(r["id"])
    missing = [entries[i] for i in range(len(entries)) if i not in by_pos]
    several = [entries[i] for i, ids in by_pos.items() if len(ids) > 1]
    if missing or several:
        what = (f"no account {', '.join(map(repr, missing[:5]))}" if missing else
                f"{several[0]!r} names several accounts")
        more = len(missing) + len(several) - 1
        raise UsageError(what + (f" (and {more} more)" if more > 0 else ""), field="--owners",
                         hint="give ids, handles (with or without @) or profile URLs of accounts in the network")
    return [by_pos[i][0] for i in range(len(entries))]


#: Exact id first, else handle, else URL (``queries.match_account``'s order), for many entries at once.
_MATCH_SQL = """
    WITH by_id AS (SELECT e.pos, a.id, 1 AS rule FROM ic_entries e JOIN ic_accounts a ON a.id = e.txt),
    by_handle AS (SELECT e.pos, a.id, 2 AS rule FROM ic_entries e
                  JOIN ic_accounts a ON lower(TRIM(LEADING '@' FROM a.handle)) = e.hdl WHERE e.hdl <> ''),
    by_url AS (SELECT e.pos, a.id, 3 AS rule FROM ic_entries e JOIN ic_accounts a
               ON a.url IS NOT NULL AND TRIM(TRAILING '/' FROM lower(a.url)) = TRIM(TRAILING '/' FROM lower(e.txt))),
    every AS (SELECT * FROM by_id UNION ALL SELECT * FROM by_handle UNION ALL SELECT * FROM by_url),
    best AS (SELECT pos, min(rule) AS rule FROM every GROUP BY pos)
    SELECT DISTINCT every.pos, every.id FROM every JOIN best ON best.pos = every.pos AND best.rule = every.rule
    ORDER BY every.pos, every.id"""


def owner_on(engine, me: str | None) -> str | None:
    """The one owner of a source: ``me`` matched, else the most followed account."""
    if me is not None:
        return match_owners(engine, [me])[0]
    return most_followed_on(engine)
