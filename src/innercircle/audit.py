"""The audit: follower count versus the people who actually work for you.

``follower_table`` joins the per-follower measures (ledger and tiers, care, segments, values
alignment, hollowness) into one DataFrame; ``audit`` summarises it into the ``audit --json`` object.
Definitions live in :mod:`innercircle.metrics.engagement` and the docs (docs/measures.md).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from .errors import UsageError
from .metrics.engagement import KIND_COLUMNS, TIERS, Window, concentration, finish_ledger, ledger, resolve_window
from .model import ACTIVE_KINDS, PASSIVE_KINDS
from .store import Workspace

#: Column order of the follower table (a contract: add, never rename).
FOLLOWER_COLUMNS = [
    "id", "handle", "name", "tier", "engagement_score", "shares", "replies", "mentions", "likes", "visits",
    "messages", "contributions", "word_of_mouth", "responses", "active_days", "first_active", "last_active",
    "care_received", "care_given", "care_balance", "mutual", "segment", "segment_source", "segment_confidence",
    "alignment_score", "hollow_risk", "hollow", "hollow_kind", "hollow_reasons", "tags", "followers_count",
    "following_count",
]


@dataclass(frozen=True)
class Owner:
    """Whose network is audited, and how that was decided ("--me", "workspace", "most followers")."""

    id: str
    source: str


def resolve_owner(ws: Workspace, me: str | None = None) -> Owner:
    """``me`` if given, else the workspace's owner, else the account with the most followers."""
    if me is not None:
        if not ws.con.execute("SELECT count(*) FROM accounts WHERE id = ?", [str(me)]).fetchone()[0]:
            raise UsageError(f"no account with id {str(me)!r} in the workspace", field="--me",
                             hint="check the id (ids are text: '007' and '7' differ)")
        return Owner(str(me), "--me")
    if ws.owner is not None:
        return Owner(ws.owner, "workspace")
    row = ws.con.execute("SELECT followee, count(*) AS n FROM follows GROUP BY followee "
                         "ORDER BY n DESC, followee LIMIT 1").fetchone()
    if row is None:
        raise UsageError("no owner: the workspace names none and holds no follows",
                         hint="import a source with --me ID")
    return Owner(str(row[0]), "most followers")


def owner_values(ws: Workspace, values: str | None = None) -> str | None:
    """The owner's stated values: ``values`` if given, else the workspace setting."""
    return values if values else ws.get_setting("values")


def _hollow_available() -> bool:
    return importlib.util.find_spec("innercircle.metrics.hollow") is not None


def follower_table(ws: Workspace, me: str | None = None, *, as_of=None, window_days: int = 365,
                   half_life_days: float = 90.0, like_weight: float = 0.1, committed_days: int = 3,
                   values: str | None = None, hollow: bool = True, hollow_threshold: float = 0.5,
                   window: Window | None = None, progress=None):
    """One row per follower of the owner, sorted by engagement_score (see FOLLOWER_COLUMNS).

    ``progress``, when given, is called as ``progress(done, total, label)`` between steps.
    """
    return _tables(ws, me, as_of=as_of, window_days=window_days, half_life_days=half_life_days,
                   like_weight=like_weight, committed_days=committed_days, values=values, hollow=hollow,
                   hollow_threshold=hollow_threshold, window=window, progress=progress)[0]


def _tables(ws: Workspace, me, *, as_of=None, window_days: int = 365, half_life_days: float = 90.0,
            like_weight: float = 0.1, committed_days: int = 3, values: str | None = None, hollow: bool = True,
            hollow_threshold: float = 0.5, window: Window | None = None, progress=None):
    """(follower table, ledger of non-followers who acted toward the owner), from one pass."""
    step = progress or (lambda done, total, label: None)
    step(0, 4, "counting what each follower did for you")
    owner = resolve_owner(ws, me)
    window = window or resolve_window(ws.con, as_of=as_of, window_days=window_days)
    both = ledger(ws.con, owner.id, window, half_life_days=half_life_days, like_weight=like_weight, actors="all")
    both = finish_ledger(both, ws.unknown, committed_days=committed_days)
    others = both[~both["is_follower"]].reset_index(drop=True)
    df = both[both["is_follower"]].drop(columns=["is_follower"]).reset_index(drop=True)
    step(1, 4, "segments")
    df = _with_profiles(ws, owner.id, df)
    step(2, 4, "values alignment")
    df = _with_alignment(ws, df, owner_values(ws, values))
    step(3, 4, "hollow followers")
    df = _with_hollow(ws, owner.id, df, hollow and _hollow_available(), hollow_threshold, window.as_of)
    df = df.sort_values(["engagement_score", "id"], ascending=[False, True], kind="stable")
    table = df[FOLLOWER_COLUMNS + [c for c in df.columns if c not in FOLLOWER_COLUMNS]].reset_index(drop=True)
    step(4, 4, "done")
    return table, others


def _with_profiles(ws: Workspace, me: str, df):
    from .metrics.segments import segment_table

    ws.con.register("_ids", df[["id"]])
    try:
        prof = ws.con.execute(
            "SELECT a.id, a.handle, a.name, a.tags, a.bio, a.company, a.position, a.followers_count, "
            "a.following_count, EXISTS (SELECT 1 FROM follows f WHERE f.follower = ? AND f.followee = a.id) AS mutual "
            "FROM accounts a SEMI JOIN _ids ON a.id = _ids.id", [me]).df()
    finally:
        ws.con.unregister("_ids")
    prof = prof.merge(segment_table(prof), on="id", how="left")
    out = df.drop(columns=["i_follow"]).merge(prof, on="id", how="left")
    return out


def _with_alignment(ws: Workspace, df, values: str | None):
    from .metrics.alignment import alignment_scores
    from .metrics.segments import join_text

    if values:
        posts = ws.con.execute(
            "SELECT author AS id, string_agg(text, ' ') AS post_text FROM "
            "(SELECT author, text FROM posts WHERE text IS NOT NULL AND text <> '' "
            ' QUALIFY row_number() OVER (PARTITION BY author ORDER BY "at" DESC NULLS LAST) <= 50) GROUP BY author'
        ).df()
        texts = df[["id", "bio", "company", "position"]].merge(posts, on="id", how="left")
        joined = join_text(texts, ["bio", "company", "position", "post_text"])
        df["alignment_score"] = alignment_scores(joined.tolist(), values)
    else:
        df["alignment_score"] = float("nan")
    return df.drop(columns=["bio", "company", "position"])


def _with_hollow(ws: Workspace, me: str, df, enabled: bool, threshold: float, as_of):
    import pandas as pd

    if not enabled or df.empty:
        for col in ("hollow_risk", "hollow", "hollow_kind", "hollow_reasons"):
            df[col] = pd.NA
        return df
    from .metrics.hollow import hollow_followers

    # inactivity and account age are judged at the audit's as-of, not today
    h = hollow_followers(ws, me, threshold=threshold, as_of=as_of)
    h = h[["id", "hollow_risk", "hollow", "hollow_kind", "reasons"]].rename(columns={"reasons": "hollow_reasons"})
    df = df.merge(h, on="id", how="left")
    is_hollow = df["hollow"].astype(str).str.lower().isin(["true", "1"])
    df.loc[is_hollow, "tier"] = "hollow"
    return df


def working_ids(ws: Workspace, me: str | None = None, **options) -> list[str]:
    """Ids of the owner's working followers (committed and occasional)."""
    t = follower_table(ws, me, hollow=options.pop("hollow", False), **options)
    return t.loc[t["tier"].isin(["committed", "occasional"]), "id"].tolist()


def audit(ws: Workspace, me: str | None = None, *, as_of=None, window_days: int = 365, values: str | None = None,
          hollow: bool = True, **options) -> dict:
    """The audit summary: the ``audit --json`` object (keys are a contract)."""
    return audit_with_followers(ws, me, as_of=as_of, window_days=window_days, values=values, hollow=hollow,
                                **options)[0]


def audit_with_followers(ws: Workspace, me: str | None = None, *, as_of=None, window_days: int = 365,
                         values: str | None = None, hollow: bool = True, **options):
    """(the audit summary, the follower table) from one pass, for callers that need both."""
    owner = resolve_owner(ws, me)
    window = resolve_window(ws.con, as_of=as_of, window_days=window_days)
    unknown = ws.unknown
    con = ws.con
    n_followers = con.execute("SELECT count(DISTINCT follower) FROM follows WHERE followee = ?", [owner.id]).fetchone()[0]
    n_following = con.execute("SELECT count(DISTINCT followee) FROM follows WHERE follower = ?", [owner.id]).fetchone()[0]
    n_mutual = con.execute("SELECT count(*) FROM (SELECT follower FROM follows WHERE followee = $me INTERSECT "
                           "SELECT followee FROM follows WHERE follower = $me)", {"me": owner.id}).fetchone()[0]
    followers_known = "followers" not in unknown
    following_known = "following" not in unknown
    table, others = _tables(ws, owner.id, window=window, values=values, hollow=hollow, **options)
    tiers = table["tier"].value_counts().to_dict()
    working = int(tiers.get("committed", 0) + tiers.get("occasional", 0))
    profile = con.execute("SELECT followers_count, following_count, handle, name FROM accounts WHERE id = ?",
                          [owner.id]).fetchone() or (None, None, None, None)
    care = table[["care_given", "care_received"]]
    care_corr = None
    if len(care) >= 3 and care["care_given"].nunique() > 1 and care["care_received"].nunique() > 1:
        care_corr = round(float(care["care_given"].rank().corr(care["care_received"].rank())), 4)
    hollow_done = hollow and _hollow_available() and not table.empty
    hollow_flags = table["hollow"].astype("string").str.lower() if hollow_done else None
    result = {
        "me": owner.id,
        "me_source": owner.source,
        "handle": profile[2],
        "followers": n_followers if followers_known else None,
        "following": n_following if following_known else None,
        "mutual": n_mutual if followers_known and following_known else None,
        "followers_count_profile": profile[0],
        "following_count_profile": profile[1],
        "accounts": con.execute("SELECT count(*) FROM accounts").fetchone()[0],
        "follows": con.execute("SELECT count(*) FROM follows").fetchone()[0],
        "interactions": con.execute("SELECT count(*) FROM interactions").fetchone()[0],
        "working": working if followers_known else None,
        **{t: (int(tiers.get(t, 0)) if followers_known else None) for t in ("committed", "occasional",
                                                                             "attentive", "silent")},
        "unknown_tier": int(tiers.get("unknown", 0)),
        "hollow": int((hollow_flags == "true").sum()) if hollow_done else None,
        "hollow_share": None,
        "hollow_by_kind": None,
        "hollow_unknown": int((hollow_flags == "unknown").sum()) if hollow_done else None,
        "working_share": round(working / n_followers, 4) if followers_known and n_followers else None,
        "by_kind": _by_kind(con, owner.id, window, unknown),
        "concentration": concentration(table["active_actions"]) if not table.empty else 0,
        "care_correlation": care_corr,
        "non_follower_working": int((others["active_actions"] > 0).sum()),
        "non_follower_actions": int(others["active_actions"].sum()),
        "as_of": window.as_of.isoformat(),
        "window_days": window.days,
        "future_interactions_left_out": window.future_left_out,
        "unknown_facts": sorted(unknown),
        "segments": table["segment"].value_counts().to_dict() if not table.empty else {},
    }
    if hollow_done:
        flagged = table[hollow_flags == "true"]
        result["hollow_share"] = round(len(flagged) / n_followers, 4) if n_followers else None
        result["hollow_by_kind"] = {str(k): int(v) for k, v in flagged["hollow_kind"].fillna("").replace("", "unspecified")
                                    .value_counts().items()}
    result["concentration_share"] = (round(result["concentration"] / n_followers, 4) if n_followers else None)
    result["alignment_mean"] = (None if table.empty or table["alignment_score"].isna().all()
                                else round(float(table["alignment_score"].mean()), 4))
    return result, table


def _by_kind(con, me: str, window: Window, unknown) -> dict:
    """Actions toward the owner in the window by kind (active and passive); unknown kinds are null."""
    kinds = ACTIVE_KINDS + PASSIVE_KINDS
    rows = dict(con.execute(
        'SELECT kind, count(*) FROM interactions WHERE actor <> $me AND "at" > $start AND "at" <= $as_of '
        "AND (target = $me OR post IN (SELECT id FROM posts WHERE author = $me)) GROUP BY kind",
        {"me": me, "start": window.start, "as_of": window.as_of}).fetchall())
    out = {}
    for k in kinds:
        fact = KIND_COLUMNS[k][1]
        n = int(rows.get(k, 0))
        out[k] = None if (fact in unknown and n == 0) else n
    return out


__all__ = ["FOLLOWER_COLUMNS", "Owner", "TIERS", "audit", "audit_with_followers", "follower_table", "resolve_owner",
           "working_ids"]
