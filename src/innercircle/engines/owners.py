"""Many owners in one pass: the ``audit --json`` counts of every owner in a list, on either engine.

The tiers, window and as-of are those of :class:`innercircle.results.audit.Audit` (definitions in
:mod:`innercircle.metrics.engagement`), written once here as SQL over the engine's relations:

* **followers**: distinct accounts that follow the owner (the owner left out);
* **toward the owner**: interactions in the window whose target is the owner or whose post is one
  of the owner's posts, by anyone but the owner;
* per follower: *committed* (active on ≥ ``committed_days`` distinct UTC days, one in the last
  ``recent_days``), *occasional* (some active action), *attentive* (a like), else *silent*
  (*unknown* where the sources cannot tell some kinds); a follower judged hollow is *hollow*;
* **hollow**: as ``hollow_followers`` judges: per owner (a pandas step per group), the followers'
  profiles scored by the hollow package, raised by the network signals (follow-back farms, follower
  bursts, inactivity; their facts gathered by the shared SQL), vouched for by active days toward the
  owner, and adjusted to that follower list's estimated hollow share.

>>> import innercircle
>>> from innercircle.engines.duckdb import DuckDBEngine
>>> from innercircle.results.audit import Audit
>>> ws = innercircle.open(":memory:")
>>> _ = ws.import_batch(innercircle.sample.generate(followers=200))
>>> a = Audit.load(ws)
>>> row = audit_owners(DuckDBEngine(ws), [a.me], a.window).iloc[0]
>>> int(row["working"]) == a.summary["working"], int(row["followers"]) == a.summary["followers"]
(True, True)
"""

from __future__ import annotations

import functools

import numpy as np

from ..model import TABLES, unknown_kinds
from ._sql import DAY_US, Bounds, day, dbl, kinds, us

#: The output columns, in order: the contract of ``audit --owners``.
COLUMNS = ("id", "followers", "working", "committed", "occasional", "attentive", "silent", "hollow",
           "working_share", "handle", "following", "mutual", "followers_count_profile",
           "following_count_profile", "unknown_tier", "hollow_share", "hollow_unknown", "concentration",
           "concentration_share", "non_follower_working", "non_follower_actions", "accounts", "follows",
           "interactions", "as_of", "window_days", "future_interactions_left_out", "me_source")

_FLAGS = {"oid": "string", "id": "string", "hollow": "boolean"}


def audit_owners(engine, owners: list[str], window, *, committed_days: int = 3, recent_days: int = 90,
                 threshold: float | None = None, hollow: bool = True):
    """One row per owner (:data:`COLUMNS`) under the audit's rules, ``window`` and as-of."""
    import pyarrow as pa

    b = Bounds.of(window, recent_days=recent_days)
    engine.put("ic_owners", pa.table({"oid": pa.array([str(o) for o in owners], pa.string())}))
    define_followers(engine)
    define_toward(engine, b)
    engine.define("ic_acts", acts_sql(b), keep=True)
    quiet = "unknown" if unknown_kinds(engine.unknown) else "silent"
    engine.define("ic_tiers", tiers_sql(committed_days, quiet), keep=True)
    if hollow:
        judge_hollow(engine, window, b, threshold=threshold)
    else:
        engine.define("ic_flags", "SELECT oid, id, CAST(NULL AS BOOLEAN) AS hollow FROM ic_own_followers")
    counts = engine.arrow(summary_sql()).to_pandas()
    return finish(counts, owners, engine, window)


def define_followers(engine) -> None:
    engine.define("ic_own_followers",
                  "SELECT DISTINCT f.followee AS oid, f.follower AS id FROM ic_follows f "
                  "JOIN ic_owners o ON f.followee = o.oid WHERE f.follower <> f.followee", keep=True)


def define_toward(engine, b: Bounds) -> None:
    """Interactions toward each owner in the window (target the owner, or a post of theirs)."""
    engine.define("ic_toward", f"""
        WITH op AS (SELECT DISTINCT p.id AS post, p.author AS oid FROM ic_posts p
                    JOIN ic_owners o ON p.author = o.oid),
        ev AS (
            SELECT o.oid, i.actor, i.kind, i.t FROM ic_interactions i JOIN ic_owners o ON i.target = o.oid
            UNION ALL
            SELECT op.oid, i.actor, i.kind, i.t FROM ic_interactions i JOIN op ON i.post = op.post
            WHERE i.target IS NULL OR i.target <> op.oid)
        SELECT oid, actor, kind, t FROM ev WHERE actor <> oid AND t > {b.start} AND t <= {b.as_of}""", keep=True)


def acts_sql(b: Bounds) -> str:
    act = kinds()
    return f"""
        SELECT oid, actor AS id,
               count(CASE WHEN kind IN {act} THEN 1 END) AS active_actions,
               count(DISTINCT CASE WHEN kind IN {act} THEN {day('t')} END) AS active_days,
               count(CASE WHEN kind IN {act} AND t > {b.recent} THEN 1 END) AS recent_active,
               count(CASE WHEN kind = 'like' THEN 1 END) AS likes
        FROM ic_toward GROUP BY oid, actor"""


def tiers_sql(committed_days: int, quiet: str) -> str:
    return f"""
        SELECT f.oid, f.id, coalesce(a.active_actions, 0) AS active_actions,
               CASE WHEN coalesce(a.active_days, 0) >= {int(committed_days)} AND coalesce(a.recent_active, 0) > 0
                    THEN 'committed'
                    WHEN coalesce(a.active_actions, 0) > 0 THEN 'occasional'
                    WHEN coalesce(a.likes, 0) > 0 THEN 'attentive'
                    ELSE '{quiet}' END AS tier
        FROM ic_own_followers f LEFT JOIN ic_acts a ON a.oid = f.oid AND a.id = f.id"""


# -- hollow followers ----------------------------------------------------------------------------


def judge_hollow(engine, window, b: Bounds, *, threshold: float | None) -> None:
    """Relation ``ic_flags`` (oid, id, hollow): each follower's hollow flag toward each owner, scored
    per owner by the hollow package itself (profile model, network signals, the adjustment to the
    follower list's estimated hollow share), from the facts the shared SQL gathers."""
    engine.define("ic_signals", signals_sql(b), keep=True)
    engine.group_pandas("ic_flags", "SELECT * FROM ic_signals", "oid",
                        functools.partial(hollow_flags, as_of=window.as_of, threshold=threshold), _FLAGS)


def signals_sql(b: Bounds) -> str:
    """Per (owner, follower): what the network signals read (follow-back minutes, mutual follows
    among the owner's followers, last activity, active days toward the owner, follow time)."""
    act = kinds()
    cols = ", ".join(f"j.{c}" for c in TABLES["accounts"])
    return f"""
        WITH back AS (
            SELECT a.followee AS oid, a.follower AS id,
                   min({_secs('a.since_us')} - {_secs('b.since_us')}) / {dbl(60)} AS back_minutes
            FROM ic_follows a JOIN ic_owners o ON a.followee = o.oid
            JOIN ic_follows b ON b.follower = a.followee AND b.followee = a.follower
            WHERE a.since_us IS NOT NULL AND b.since_us IS NOT NULL AND a.since_us >= b.since_us
            GROUP BY a.followee, a.follower),
        mutual AS (
            SELECT fx.oid, x.follower AS id, count(*) AS mutual_followers
            FROM ic_follows x JOIN ic_follows y ON y.follower = x.followee AND y.followee = x.follower
            JOIN ic_own_followers fx ON fx.id = x.follower
            JOIN ic_own_followers fy ON fy.id = x.followee AND fy.oid = fx.oid
            GROUP BY fx.oid, x.follower),
        seen AS (
            SELECT id, max(t) AS last_t FROM (
                SELECT author AS id, t FROM ic_posts WHERE t IS NOT NULL
                UNION ALL SELECT actor AS id, t FROM ic_interactions WHERE t IS NOT NULL) s
            WHERE id IN (SELECT id FROM ic_own_followers) GROUP BY id),
        hdays AS (
            SELECT o.oid, i.actor AS id, count(DISTINCT {day('i.t')}) AS hdays
            FROM ic_interactions i JOIN ic_owners o ON i.target = o.oid
            WHERE i.kind IN {act} AND i.t > {b.year} AND i.t <= {b.as_of}
            GROUP BY o.oid, i.actor),
        since AS (
            SELECT f.followee AS oid, f.follower AS id, min(f.since_us) AS since_us
            FROM ic_follows f JOIN ic_owners o ON f.followee = o.oid GROUP BY f.followee, f.follower)
        SELECT f.oid, {cols}, since.since_us, back.back_minutes,
               coalesce(mutual.mutual_followers, 0) AS mutual_followers, seen.last_t,
               coalesce(hdays.hdays, 0) AS hdays
        FROM ic_own_followers f JOIN ic_accounts j ON j.id = f.id
        LEFT JOIN back ON back.oid = f.oid AND back.id = f.id
        LEFT JOIN mutual ON mutual.oid = f.oid AND mutual.id = f.id
        LEFT JOIN seen ON seen.id = f.id
        LEFT JOIN hdays ON hdays.oid = f.oid AND hdays.id = f.id
        LEFT JOIN since ON since.oid = f.oid AND since.id = f.id"""


def _secs(col: str) -> str:
    return f"CAST(floor({col} / {dbl(1e6)}) AS BIGINT)"


def hollow_flags(g, *, as_of, threshold: float | None):
    """One owner's followers judged as ``hollow_followers`` judges them: their profiles cleaned and
    scored by the hollow package, raised by the network signals computed here from the gathered
    facts (follow-back farms, follower bursts, inactivity) and vouched for by active days."""
    import pandas as pd

    from ..hollow import network as hn
    from ..hollow.features import clean_accounts
    from ..hollow.score import INACTIVE_DAYS, _score

    g = g.sort_values("id", kind="stable").reset_index(drop=True)
    clean, notes = clean_accounts(g[list(TABLES["accounts"])], as_of=as_of)
    fo, fg = clean["followers_count"].to_numpy(float), clean["following_count"].to_numpy(float)
    signal, kind = np.zeros(len(g)), np.full(len(g), "", dtype=object)
    back = pd.to_numeric(g["back_minutes"]).to_numpy(dtype="float64")
    fast = ~np.isnan(back) & (back <= 10)
    farm = _farmlike(fo, fg, hn.FARM_MIN, hn.FARM_BAND) & (fast | (g["mutual_followers"].to_numpy() >= 5))
    signal[farm], kind[farm] = 0.9, "follow_back_farm"
    burst = burst_members(clean, g["since_us"]) & (signal < 0.9)
    signal[burst], kind[burst] = 0.9, "fake"
    last = pd.to_numeric(g["last_t"]).to_numpy(dtype="float64")
    idle = (last < us(pd.Timestamp(as_of).to_pydatetime()) - INACTIVE_DAYS * DAY_US) & (signal < 0.6)
    signal[idle], kind[idle] = 0.6, "inactive"
    signals = pd.DataFrame({"signal_risk": signal, "signal_kind": kind, "signal_reason": [""] * len(g),
                            "active_days": g["hdays"].to_numpy(dtype="float64")})
    scored = _score(clean, notes, method="model", threshold=threshold, signals=signals)
    flag = scored["hollow"].astype(str).map({"true": True, "false": False})
    return pd.DataFrame({"oid": g["oid"].astype(str), "id": g["id"].astype(str),
                         "hollow": pd.array(flag.to_numpy(dtype=object), dtype="boolean")})


def _farmlike(fo: np.ndarray, fg: np.ndarray, low: float, band: float) -> np.ndarray:
    """Following and followers both at least ``low`` and within a factor ``band`` of each other
    (the follow-back pattern of ``metrics.hollow``)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        near = np.abs(np.log(np.maximum(fg, 1) / np.maximum(fo, 1))) <= np.log(band)
    return (fo >= low) & (fg >= low) & near


def burst_members(clean, since_us) -> np.ndarray:
    """Which of one owner's followers (rows of ``clean``, sorted by id) belong to a follower burst:
    many accounts created within days of each other that followed soon after (``follower_bursts``)."""
    from ..hollow import network as h

    out = np.zeros(len(clean), dtype=bool)
    created = clean["created_at"]
    known = np.flatnonzero(created.notna().to_numpy())
    if len(known) < h.BURST_MIN_SIZE:
        return out
    cre = created.iloc[known].astype("datetime64[ns]").astype("int64").to_numpy().astype("float64")
    day_ = created.iloc[known].astype("datetime64[s]").astype("int64").to_numpy() / 86400.0
    since = np.asarray(since_us, dtype="float64")[known] * 1000.0
    order = np.argsort(day_, kind="stable")
    rows, day_, since, cre = known[order], day_[order], since[order], cre[order]
    w = h.BURST_WINDOW_DAYS
    span = max(day_[-1] - day_[0], 365.0)
    hi = np.searchsorted(day_, day_ + w, side="left")
    count = hi - np.arange(len(day_))
    near = np.searchsorted(day_, day_ + w + 182, side="left") - np.searchsorted(day_, day_ - 182, side="left") - count
    expected = np.maximum(len(day_) * w / span, near * w / 364.0)
    hot = (count >= h.BURST_MIN_SIZE) & (count >= h.BURST_FACTOR * expected)
    cover = np.zeros(len(day_) + 1, dtype=int)
    np.add.at(cover, np.flatnonzero(hot), 1)
    np.add.at(cover, hi[hot], -1)
    member = np.cumsum(cover[:-1]) > 0
    lag = (since - cre) / (DAY_US * 1000.0)
    member &= ~(~np.isnan(lag) & (lag > h.BURST_FOLLOW_WITHIN_DAYS))
    idx = np.flatnonzero(member)
    for grp in np.split(idx, np.flatnonzero(np.diff(day_[idx]) > w) + 1) if len(idx) else []:
        if len(grp) >= h.BURST_MIN_SIZE:
            out[rows[grp]] = True
    return out


# -- the summary ---------------------------------------------------------------------------------


def summary_sql() -> str:
    act_tiers = ", ".join(f"count(CASE WHEN tier = '{t}' THEN 1 END) AS {t}"
                          for t in ("committed", "occasional", "attentive", "silent"))
    return f"""
        WITH ft AS (
            SELECT t.oid, t.active_actions,
                   CASE WHEN coalesce(fl.hollow, false) THEN 'hollow' ELSE t.tier END AS tier, fl.hollow
            FROM ic_tiers t LEFT JOIN ic_flags fl ON fl.oid = t.oid AND fl.id = t.id),
        per AS (
            SELECT oid, count(*) AS followers, {act_tiers},
                   count(CASE WHEN tier = 'unknown' THEN 1 END) AS unknown_tier,
                   count(CASE WHEN hollow THEN 1 END) AS hollow,
                   count(hollow) AS judged
            FROM ft GROUP BY oid),
        conc AS (
            SELECT oid, count(CASE WHEN cum < {dbl(0.8)} * total - {dbl(1e-9)} THEN 1 END) + 1 AS concentration
            FROM (SELECT oid, active_actions,
                         sum(active_actions) OVER (PARTITION BY oid ORDER BY active_actions DESC
                                                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum,
                         sum(active_actions) OVER (PARTITION BY oid) AS total
                  FROM ic_tiers WHERE active_actions > 0) c GROUP BY oid),
        others AS (
            SELECT a.oid, count(CASE WHEN a.active_actions > 0 THEN 1 END) AS non_follower_working,
                   sum(a.active_actions) AS non_follower_actions
            FROM ic_acts a LEFT JOIN ic_own_followers f ON f.oid = a.oid AND f.id = a.id
            WHERE f.id IS NULL GROUP BY a.oid),
        fing AS (
            SELECT f.follower AS oid, count(DISTINCT f.followee) AS following
            FROM ic_follows f JOIN ic_owners o ON f.follower = o.oid WHERE f.followee <> f.follower
            GROUP BY f.follower),
        mut AS (
            SELECT a.followee AS oid, count(DISTINCT a.follower) AS mutual
            FROM ic_follows a JOIN ic_owners o ON a.followee = o.oid
            JOIN ic_follows b ON b.follower = a.followee AND b.followee = a.follower GROUP BY a.followee)
        SELECT o.oid AS id, per.followers, per.committed, per.occasional, per.attentive, per.silent,
               per.unknown_tier, per.hollow, per.judged, conc.concentration,
               others.non_follower_working, others.non_follower_actions, fing.following, mut.mutual,
               acc.handle, acc.followers_count AS followers_count_profile,
               acc.following_count AS following_count_profile
        FROM ic_owners o LEFT JOIN per ON per.oid = o.oid LEFT JOIN conc ON conc.oid = o.oid
        LEFT JOIN others ON others.oid = o.oid LEFT JOIN fing ON fing.oid = o.oid
        LEFT JOIN mut ON mut.oid = o.oid LEFT JOIN ic_accounts acc ON acc.id = o.oid"""


def finish(counts, owners: list[str], engine, window):
    """The per-owner counts in the audit's vocabulary: unknown is null, never 0."""
    import pandas as pd

    from ..model import iso

    df = counts.set_index("id").reindex([str(o) for o in owners]).reset_index()
    ints = ["followers", "committed", "occasional", "attentive", "silent", "unknown_tier", "hollow", "judged",
            "concentration", "non_follower_working", "non_follower_actions", "following", "mutual"]
    for c in ints:
        df[c] = pd.array(pd.to_numeric(df[c]).fillna(0).astype("int64"), dtype="Int64")
    rows = [_row(r, engine.unknown) for r in df.to_dict(orient="records")]
    out = pd.DataFrame(rows)
    sizes = table_sizes(engine)
    for k, v in sizes.items():
        out[k] = v
    out["as_of"] = iso(window.as_of)
    out["window_days"] = window.days
    out["future_interactions_left_out"] = window.future_left_out
    out["me_source"] = "--owners"
    for c in ("followers", "working", "committed", "occasional", "attentive", "silent", "hollow", "following",
              "mutual", "followers_count_profile", "following_count_profile", "unknown_tier", "hollow_unknown",
              "concentration", "non_follower_working", "non_follower_actions", "future_interactions_left_out"):
        out[c] = pd.array(out[c].to_numpy(dtype=object), dtype="Int64")
    return out[list(COLUMNS)]


def _row(r: dict, unknown: frozenset) -> dict:
    """One owner's summary with the audit's null rules (see ``results.audit._summary``)."""
    n = int(r["followers"])
    followers_known = "followers" not in unknown
    tiers_known = followers_known and ("interactions" not in unknown or n == 0)
    tiers = {t: int(r[t]) if tiers_known else None for t in ("committed", "occasional", "attentive", "silent")}
    working = int(r["committed"]) + int(r["occasional"])
    judged = int(r["judged"])
    conc = int(r["concentration"]) if tiers_known else None
    return {
        "id": r["id"], "followers": n if followers_known else None,
        "working": working if tiers_known else None, **tiers,
        "hollow": int(r["hollow"]) if judged else None,
        "working_share": round(working / n, 4) if tiers_known and n else None,
        "handle": r["handle"], "following": int(r["following"]) if "following" not in unknown else None,
        "mutual": int(r["mutual"]) if followers_known and "following" not in unknown else None,
        "followers_count_profile": _int(r["followers_count_profile"]),
        "following_count_profile": _int(r["following_count_profile"]),
        "unknown_tier": int(r["unknown_tier"]),
        "hollow_share": round(int(r["hollow"]) / n, 4) if judged and followers_known and n else None,
        "hollow_unknown": (n - judged) if judged else (n or None),
        "concentration": conc,
        "concentration_share": round(conc / n, 4) if conc is not None and n else None,
        "non_follower_working": int(r["non_follower_working"]) if tiers_known else None,
        "non_follower_actions": int(r["non_follower_actions"]) if tiers_known else None,
    }


def _int(v):
    import pandas as pd

    return None if v is None or pd.isna(v) else int(v)


def table_sizes(engine) -> dict:
    """Rows of accounts, follows and interactions (as ``audit --json`` reports them)."""
    t = engine.arrow("SELECT (SELECT count(*) FROM ic_accounts) AS accounts, (SELECT count(*) FROM ic_follows) "
                     "AS follows, (SELECT count(*) FROM ic_interactions) AS interactions").to_pylist()[0]
    return {k: int(v) for k, v in t.items()}
