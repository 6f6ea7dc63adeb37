"""Changes between snapshots: new and lost followers, and tier moves (e.g. committed → silent)."""

from __future__ import annotations

from .audit import resolve_owner
from ..errors import UsageError
from ..metrics.engagement import finish_ledger, ledger, resolve_window
from ..store import Workspace, queries


def _at(table: str, snapshot: int) -> str:
    """The rows of ``table`` as the network was right after ``snapshot`` (a SQL subquery)."""
    from ..model import TABLES

    cols = ", ".join(f'r."{c}"' for c in TABLES[table])
    return (f"(SELECT DISTINCT {cols} FROM {table}_raw r JOIN snapshots s ON r.snapshot = s.id "
            f"WHERE s.id <= {int(snapshot)} AND (s.superseded_by IS NULL OR s.superseded_by > {int(snapshot)}))")


def tiers_at(ws: Workspace, me: str, snapshot: int | None, *, window_days: int = 365):
    """Tier of each follower of ``me`` in the network after ``snapshot`` (None: the current one)."""
    tables = {t: (t if snapshot is None else _at(t, snapshot)) for t in ("follows", "interactions", "posts")}
    window = resolve_window(ws.con, window_days=window_days, interactions=tables["interactions"])
    df = ledger(ws.con, me, window, follows=tables["follows"], interactions=tables["interactions"],
                posts=tables["posts"])
    return finish_ledger(df, ws.unknown)[["id", "tier"]]


def changes(ws: Workspace, me: str | None = None, *, since: int | None = None, window_days: int = 365) -> dict:
    """Compare the current network with the one after snapshot ``since`` (default: the one before the latest).

    Returns ``{"me", "from_snapshot", "to_snapshot", "new_followers": [...], "lost_followers": [...],
    "tier_moves": [{"id", "from", "to"}], "moves": {"committed -> silent": n, ...}}``.
    """
    snaps = queries.snapshot_list(ws.con)
    if len(snaps) < 2:
        raise UsageError("changes need two snapshots; this workspace has "
                         f"{len(snaps)}", hint="import a newer export of the same source first")
    owner = resolve_owner(ws, me)
    prev = int(since) if since is not None else int(snaps["id"].iloc[-2])
    if prev not in set(snaps["id"]):
        raise UsageError(f"no snapshot {prev}", field="--since", hint="see 'innercircle snapshots'")
    before = tiers_at(ws, owner.id, prev, window_days=window_days)
    after = tiers_at(ws, owner.id, None, window_days=window_days)
    both = before.merge(after, on="id", how="outer", suffixes=("_from", "_to"), indicator=True)
    new = sorted(both.loc[both["_merge"] == "right_only", "id"])
    lost = sorted(both.loc[both["_merge"] == "left_only", "id"])
    kept = both[(both["_merge"] == "both") & (both["tier_from"] != both["tier_to"])]
    moves = kept.groupby(["tier_from", "tier_to"]).size()
    return {
        "me": owner.id,
        "from_snapshot": prev,
        "to_snapshot": int(snaps["id"].iloc[-1]),
        "new_followers": new,
        "lost_followers": lost,
        "tier_moves": [{"id": r.id, "from": r.tier_from, "to": r.tier_to}
                       for r in kept.sort_values("id").itertuples(index=False)],
        "moves": {f"{a} -> {b}": int(n) for (a, b), n in moves.items()},
    }
