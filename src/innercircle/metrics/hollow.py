"""Hollow followers: fake, automated, mass-follower, follow-back-farm and inactive accounts.

A follow is *hollow* when nobody real and reachable stands behind it. Every account gets

- ``hollow_risk``: 0-1, the chance (model) or rule score that the account is hollow; NaN when too
  little is known to say;
- ``hollow``: the string ``"true"`` (risk ≥ threshold), ``"false"``, or ``"unknown"`` (risk NaN);
  an unknown counts as not flagged wherever accuracy is measured;
- ``hollow_kind``: ``fake``, ``automated``, ``mass_follower``, ``follow_back_farm``,
  ``inactive``, or ``""`` when not hollow;
- ``reasons``: readable facts that decided, e.g. "follows 48,200 accounts; 3 posts; account 9 days
  old", plus any value that was ignored as unreadable;
- ``hollow_confidence``: the share (0-1) of the model's evidence that was known for the row.

Nothing here blocks or unfollows anyone: it only labels and explains.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import UsageError
from .hollow_features import FEATURE_GROUPS, clean_accounts, profile_features
from .rules import RULE_SETS, fmt_age, fmt_count, plural

__all__ = ["HOLLOW_KINDS", "METHODS", "RULE_SETS", "follower_bursts", "hollow_followers",
           "score_accounts", "summarize"]

HOLLOW_KINDS = ("fake", "automated", "mass_follower", "follow_back_farm", "inactive")
METHODS = ("model",) + tuple(RULE_SETS)
COLUMNS = ("id", "hollow_risk", "hollow", "hollow_kind", "reasons", "hollow_confidence")

#: How much of the model's evidence each feature group carries; a row whose known groups sum to
#: less than MIN_CONFIDENCE is ``unknown`` (e.g. two of the three counts suffice, one does not).
EVIDENCE = {"followers": 0.2, "following": 0.2, "posts": 0.2, "age": 0.2, "text": 0.15,
            "avatar": 0.05}
MIN_CONFIDENCE = 0.4
_GROUP_OF = {"log_followers": "followers", "log_following": "following", "log_posts": "posts",
             "log_age_days": "age", "bio_len": "text", "has_url": "text", "handle_len": "text",
             "handle_digits": "text", "name_handle_sim": "text", "has_avatar": "avatar"}
_OCCLUDE = FEATURE_GROUPS

#: Structural rules of the ``model`` method (beyond the profile classifier).
MASS_FOLLOWING = 5000         # following this many or more: sees nothing of what it follows
FARM_MIN, FARM_BAND = 1000, 1.25  # with a network signal: both counts ≥ 1,000, within ×1.25
PROFILE_FARM_MIN, PROFILE_FARM_BAND = 3000, 1.15  # from the profile alone: stricter
AUTOMATED_POSTS_PER_DAY = 100
INACTIVE_DAYS = 365
ENGAGED_DAYS = 3  # distinct days with active actions toward the owner that vouch for a follower


# --------------------------------------------------------------------------------------------
# profile scoring


def score_accounts(accounts: pd.DataFrame, *, threshold: float = 0.5, method: str = "model",
                   as_of=None, model=None) -> pd.DataFrame:
    """Score any accounts table in the generic accounts format, one output row per input row.

    ``method`` is ``"model"`` (the shipped classifier plus the mass-follower, follow-back,
    automation and inactivity rules) or a transparent rule set of :data:`RULE_SETS`. Account
    age and posting rate are measured at each row's ``observed_at`` (else ``as_of``, else now).
    Bad values (non-numeric, negative or absurd counts, unreadable or future dates) are ignored
    and named in ``reasons``; the row is scored from what is known. ``model`` replaces the
    shipped classifier (a :class:`~innercircle.metrics.hollow_classifier.TreeModel`; for
    evaluation).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["a"], "followers_count": [3], "following_count": [48200],
    ...                    "posts_count": [3]})
    >>> score_accounts(df).loc[0, ["hollow", "hollow_kind"]].tolist()
    ['true', 'mass_follower']
    """
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}", field="--method",
                         hint=f"choose one of: {', '.join(METHODS)}")
    if "id" not in accounts.columns:
        accounts = accounts.assign(id=[str(i) for i in range(len(accounts))])
    clean, notes = clean_accounts(accounts, as_of=as_of)
    return _score(clean, notes, method=method, threshold=threshold, model=model)


def _score(clean: pd.DataFrame, notes: list[list[str]], *, method: str, threshold: float,
           signals: pd.DataFrame | None = None, model=None) -> pd.DataFrame:
    if method == "model":
        risk, kind, reasons, conf = _model_method(clean, model)
    else:
        r = RULE_SETS[method].fn(clean)
        risk, kind, reasons = r["risk"].to_numpy(), r["kind"].to_numpy(), list(r["reasons"])
        for i in np.flatnonzero(np.isnan(risk)):
            reasons[i] = [f"too little known for the {RULE_SETS[method].title} rules"]
        conf = np.where(np.isnan(risk), 0.0, 1.0)
    if signals is not None and len(signals):
        risk, kind, reasons = _merge_signals(risk, kind, reasons, signals)
        risk = _engaged(risk, reasons, signals["active_days"].to_numpy(), threshold)
    return _finish(clean["id"], risk, kind, reasons, conf, notes, threshold)


def _finish(ids, risk, kind, reasons, conf, notes, threshold) -> pd.DataFrame:
    # the flag is decided on the risk as shown (4 decimals), so the printed number and the flag agree
    risk = np.round(np.asarray(risk, dtype="float64"), 4)
    flag = np.where(np.isnan(risk), "unknown", np.where(risk >= threshold, "true", "false"))
    kind = np.where(flag == "true", np.asarray(kind, dtype=object), "")
    kind = np.where((flag == "true") & (kind == ""), "fake", kind)
    text = ["; ".join(dict.fromkeys(f for x in r + n if x for f in x.split("; ")))
            for r, n in zip(reasons, notes)]
    return pd.DataFrame({
        "id": pd.Series(ids, dtype="string").to_numpy(), "hollow_risk": risk,
        "hollow": flag, "hollow_kind": kind.astype(str), "reasons": text,
        "hollow_confidence": np.round(np.asarray(conf, dtype="float64"), 3)})


def confidence(X: pd.DataFrame) -> np.ndarray:
    """Share of the model's evidence (:data:`EVIDENCE`) known per row, 0-1."""
    conf = np.zeros(len(X))
    for group, weight in EVIDENCE.items():
        cols = [c for c, g in _GROUP_OF.items() if g == group]
        conf += weight * X[cols].notna().to_numpy().mean(axis=1)
    return conf


def _model_method(clean: pd.DataFrame, model=None):
    """Profile classifier risk, raised by the structural rules where they apply."""
    from .hollow_classifier import load_model

    X = profile_features(clean)
    model = model or load_model()
    conf = confidence(X)
    p = model.predict_proba(X[list(model.features)].to_numpy())
    p[conf < MIN_CONFIDENCE] = np.nan
    risk, kind = p.copy(), np.full(len(p), "fake", dtype=object)
    reasons: list[list[str]] = [[] for _ in range(len(p))]
    struck = np.zeros(len(p), dtype=bool)
    for c_risk, c_kind, c_reason in _structural(clean):  # in order of precedence
        fires = np.nan_to_num(c_risk, nan=0.0) >= 0.5
        risk = np.where(fires, np.fmax(risk, c_risk), risk)
        kind = np.where(fires & ~struck, c_kind, kind)
        for i in np.flatnonzero(fires & ~struck):  # the most specific rule's facts only
            reasons[i].append(c_reason[i])
        struck |= fires
    verified = clean["verified"].to_numpy() == 1.0
    risk = np.where(verified, risk * 0.2, risk)
    for i in np.flatnonzero(verified):
        reasons[i].append("verified account")
    _explain_model(model, X, p, np.where(struck, np.inf, risk), reasons)
    for i in np.flatnonzero(np.isnan(risk)):
        reasons[i].insert(0, "too little known: " + _missing(X.iloc[i]))
    return risk, kind, reasons, conf


def _structural(clean: pd.DataFrame):
    """(risk, kind, reason) per structural rule, the most specific kind first."""
    fo, fg, po = (clean[c].to_numpy(dtype="float64") for c in
                  ("followers_count", "following_count", "posts_count"))
    age = clean["age_days"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        mass = np.where(fg >= MASS_FOLLOWING,
                        0.6 + 0.35 * np.clip(np.log10(fg / MASS_FOLLOWING), 0, 1), 0.0)
        farm = _farmlike(fo, fg, PROFILE_FARM_MIN, PROFILE_FARM_BAND)
        rate = po / np.maximum(age, 1.0)
        auto = (rate >= AUTOMATED_POSTS_PER_DAY) & (age >= 7)
        inactive = (po == 0) & (age >= INACTIVE_DAYS)
    out = [
        (np.where(farm, 0.55, 0.0), "follow_back_farm",
         [f"follows {fmt_count(b)} accounts and has {plural(a, 'follower')} (follow-back pattern)"
          if f else "" for a, b, f in zip(fo, fg, farm)]),
        (np.where(np.isnan(fg), np.nan, mass), "mass_follower",
         [_mass_reason(a, b, c) if b >= MASS_FOLLOWING else "" for a, b, c in zip(fo, fg, po)]),
        (np.where(auto, 0.8, 0.0), "automated",
         [f"{r:,.0f} posts a day over {fmt_age(d)}" if f else "" for r, d, f in zip(rate, age, auto)]),
        (np.where(inactive, 0.6, 0.0), "inactive",
         [f"never posted in {fmt_age(d)}" if f else "" for d, f in zip(age, inactive)]),
    ]
    return out


def _farmlike(fo: np.ndarray, fg: np.ndarray, low: float, band: float) -> np.ndarray:
    """Following and followers both at least ``low`` and within a factor ``band`` of each other."""
    with np.errstate(invalid="ignore", divide="ignore"):
        near = np.abs(np.log(np.maximum(fg, 1) / np.maximum(fo, 1))) <= np.log(band)
    return (fo >= low) & (fg >= low) & near


def _mass_reason(fo: float, fg: float, po: float) -> str:
    bits = [f"follows {fmt_count(fg)} accounts"]
    bits += [] if np.isnan(fo) else [plural(fo, "follower")]
    bits += [] if np.isnan(po) else [plural(po, "post")]
    return "; ".join(bits)


def _explain_model(model, X: pd.DataFrame, p: np.ndarray, risk: np.ndarray, reasons) -> None:
    """For rows the classifier flags: the facts of the feature groups that raised the risk most.

    Attribution by occlusion: the drop in the log-odds of hollow when a group is made unknown
    (log-odds, not probability, so that a saturated 0.99 still ranks its causes).
    """
    rows = np.flatnonzero((p >= 0.5) & (p >= np.nan_to_num(risk, nan=0.0) - 1e-12))
    if not len(rows):
        return
    Xr = X.iloc[rows]
    groups = list(_OCCLUDE)
    drops = np.empty((len(rows), len(groups)))
    base = model.decision(Xr[list(model.features)].to_numpy())
    for k, group in enumerate(groups):
        Xo = Xr.copy()
        Xo[list(_OCCLUDE[group])] = np.nan
        drops[:, k] = base - model.decision(Xo[list(model.features)].to_numpy())
    order = np.argsort(-drops, axis=1, kind="stable")
    cols = {c: Xr[c].to_numpy() for c in Xr.columns}
    for j, i in enumerate(rows):
        top = [groups[k] for k in order[j, :3] if drops[j, k] > 0.1] or [groups[order[j, 0]]]
        facts = [f for g in top for f in _facts(g, cols, j)]
        reasons[i].insert(0, f"profile classifier {p[i]:.2f}: " + "; ".join(facts))


def _facts(group: str, cols: dict, j: int) -> list[str]:
    """Readable values of one feature group of row ``j`` of the feature columns ``cols``."""
    x = {c: v[j] for c, v in cols.items()}
    e = np.expm1
    if group == "followers":
        return [plural(round(e(x["log_followers"])), "follower")]
    if group == "following":
        return [f"follows {fmt_count(round(e(x['log_following'])))} accounts"]
    if group == "posts":
        return [plural(round(e(x["log_posts"])), "post")]
    if group == "age":
        out = [f"account {fmt_age(e(x['log_age_days']))} old"]
        if not np.isnan(x["log_posts_per_day"]):
            out.append(f"{e(x['log_posts_per_day']):.2f} posts a day")
        return out
    if group == "avatar":
        return ["no profile picture" if x["has_avatar"] == 0 else "has a profile picture"]
    out = []
    if not np.isnan(x["bio_len"]):
        out.append("no bio" if x["bio_len"] == 0 else f"bio of {int(x['bio_len'])} characters")
    if x["has_url"] == 0:
        out.append("no URL")
    if x["handle_digits"] >= 0.3:
        out.append(f"handle {x['handle_digits']:.0%} digits")
    if not np.isnan(x["name_handle_sim"]) and x["name_handle_sim"] < 0.3:
        out.append("display name unlike the handle")
    return out or ["profile text"]


def _missing(x: pd.Series) -> str:
    names = {"log_followers": "followers count", "log_following": "following count",
             "log_posts": "posts count", "log_age_days": "creation date"}
    gone = [v for k, v in names.items() if np.isnan(x[k])]
    return ", ".join(gone) + " unknown" if gone else "profile mostly unknown"


# --------------------------------------------------------------------------------------------
# network signals


def _merge_signals(risk, kind, reasons, signals: pd.DataFrame):
    """Raise each row's risk to its network signal (``signal_risk``), keeping the stronger kind."""
    s_risk = signals["signal_risk"].to_numpy(dtype="float64")
    # only an actual signal counts: "no signal" (0) must not turn an unknown risk into a known 0
    take = (s_risk > 0) & (s_risk > np.nan_to_num(np.asarray(risk, dtype="float64"), nan=-1.0))
    risk = np.where(take, s_risk, risk)
    kind = np.where(take, signals["signal_kind"].to_numpy(dtype=object), kind)
    reasons = [([s] if s else []) + r for s, r in zip(signals["signal_reason"], reasons)]
    return risk, kind, reasons


def _engaged(risk, reasons, days: np.ndarray, threshold: float) -> np.ndarray:
    """Someone who acts toward the owner on several days stands behind the follow.

    Active on ≥ ``ENGAGED_DAYS`` distinct days of the last year: risk capped just below the
    threshold; on fewer (but some) days: risk × 0.8. Unknown stays unknown.
    """
    risk = np.asarray(risk, dtype="float64").copy()
    some = (days > 0) & ~np.isnan(risk)
    capped = some & (days >= ENGAGED_DAYS) & (risk >= threshold)
    risk[some] = risk[some] * 0.8
    risk[capped] = np.minimum(risk[capped], max(threshold - 0.01, 0.0))
    for i in np.flatnonzero(capped):
        reasons[i].append(f"but active toward you on {int(days[i])} days, so not counted hollow")
    return risk


def _owner(ws, me):
    me = me or ws.owner
    if not me:
        raise UsageError("no owner known for this workspace", field="--me",
                         hint="pass --me ID or import a source that names its owner")
    return str(me)


def _followers(ws, me: str) -> pd.DataFrame:
    return ws.sql("SELECT a.* FROM accounts a JOIN (SELECT DISTINCT follower FROM follows "
                  "WHERE followee = ?) f ON a.id = f.follower ORDER BY a.id", [me])


def hollow_followers(ws, me: str | None = None, *, threshold: float = 0.5, method: str = "model",
                     as_of=None) -> pd.DataFrame:
    """The owner's followers scored from their profiles and the workspace's network signals.

    Same columns as :func:`score_accounts`, one row per follower. With ``method="model"`` the
    network signals raise the risk: follow-back farms (following ≈ followers at ≥ 1,000 and a
    follow back within 10 minutes of the owner's follow or ≥ 5 mutual follows with other
    followers: risk 0.9), members of a follower burst (:func:`follower_bursts`: risk 0.9,
    ``fake``), and accounts whose last recorded activity is more than a year before ``as_of``
    (risk 0.6, ``inactive``). Rule-set methods use the profile alone, as published.
    """
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}", field="--method",
                         hint=f"choose one of: {', '.join(METHODS)}")
    me = _owner(ws, me)
    acc = _followers(ws, me)
    if acc.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("hollow_risk", "hollow_confidence")
                                          else "object") for c in COLUMNS})
    as_of = as_of if as_of is not None else _default_as_of(ws, acc)
    clean, notes = clean_accounts(acc, as_of=as_of)
    signals = network_signals(ws, me, clean, as_of=as_of) if method == "model" else None
    return _score(clean, notes, method=method, threshold=threshold, signals=signals)


def _default_as_of(ws, acc: pd.DataFrame):
    """The latest observation in the data (so an old export is judged at its own date)."""
    obs = pd.to_datetime(acc.get("observed_at"), errors="coerce") if "observed_at" in acc else None
    if obs is not None and obs.notna().any():
        return obs.max()
    row = ws.con.execute("SELECT max(imported_at) FROM snapshots").fetchone()
    return pd.Timestamp(row[0]) if row and row[0] is not None else None


def network_signals(ws, me: str, clean: pd.DataFrame, *, as_of=None) -> pd.DataFrame:
    """Per follower (rows of ``clean``): ``signal_risk``, ``signal_kind``, ``signal_reason``."""
    n = len(clean)
    risk, kind = np.zeros(n), np.full(n, "", dtype=object)
    reason = np.full(n, "", dtype=object)
    pos = {v: i for i, v in enumerate(clean["id"].astype(str))}
    net = _network_facts(ws, me)
    fo, fg = clean["followers_count"].to_numpy(float), clean["following_count"].to_numpy(float)
    farmlike = _farmlike(fo, fg, FARM_MIN, FARM_BAND)
    for row in net.itertuples(index=False):
        i = pos.get(str(row.id))
        if i is None:
            continue
        fast = row.back_minutes is not None and not pd.isna(row.back_minutes) and row.back_minutes <= 10
        cluster = row.mutual_followers >= 5
        if farmlike[i] and (fast or cluster):
            bits = [f"follows {fmt_count(fg[i])} accounts and has {plural(fo[i], 'follower')} "
                    "(follow-back pattern)"]
            if fast:
                bits.append(f"followed back within {max(int(row.back_minutes), 1)} minutes")
            if cluster:
                bits.append(f"in a dense cluster: {int(row.mutual_followers)} mutual follows "
                            "with your other followers")
            risk[i], kind[i], reason[i] = 0.9, "follow_back_farm", "; ".join(bits)
    bursts, members = _bursts(ws, me, clean)
    for b in bursts.itertuples(index=False):
        text = (f"one of {b.size:,} accounts created {b.created_from:%Y-%m-%d} to "
                f"{b.created_to:%Y-%m-%d} that followed you in a burst (burst {b.burst})")
        for acc_id in members[b.burst]:
            i = pos[acc_id]
            if risk[i] < 0.9:
                risk[i], kind[i], reason[i] = 0.9, "fake", text
    _inactive(ws, clean, pos, risk, kind, reason, as_of)
    days = np.zeros(n)
    for row in _active_days(ws, me, as_of).itertuples(index=False):
        i = pos.get(str(row.id))
        if i is not None:
            days[i] = row.days
    return pd.DataFrame({"signal_risk": risk, "signal_kind": kind, "signal_reason": reason,
                         "active_days": days})


def _active_days(ws, me: str, as_of) -> pd.DataFrame:
    """Distinct days each account acted toward the owner (active kinds) in the year to ``as_of``."""
    from ..model import ACTIVE_KINDS

    end = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.max.floor("D")
    start = end - pd.Timedelta(days=365)
    return ws.sql(
        'SELECT actor AS id, count(DISTINCT CAST("at" AS DATE)) AS days FROM interactions '
        'WHERE target = $me AND kind IN (SELECT unnest($kinds)) AND "at" > $start AND "at" <= $end '
        'GROUP BY actor',
        {"me": me, "kinds": list(ACTIVE_KINDS), "start": start.to_pydatetime(),
         "end": end.to_pydatetime()})


def _network_facts(ws, me: str) -> pd.DataFrame:
    """Per follower: minutes from the owner's follow to their follow back; mutual follows with
    other followers of the owner."""
    return ws.sql(
        """
        WITH f AS (SELECT DISTINCT follower AS id FROM follows WHERE followee = $me),
        back AS (
            SELECT a.follower AS id,
                   min(date_diff('second', b.since, a.since)) / 60.0 AS back_minutes
            FROM follows a JOIN follows b ON b.follower = $me AND b.followee = a.follower
            WHERE a.followee = $me AND a.since IS NOT NULL AND b.since IS NOT NULL
              AND a.since >= b.since
            GROUP BY a.follower),
        mutual AS (
            SELECT x.follower AS id, count(*) AS mutual_followers
            FROM follows x
            JOIN follows y ON y.follower = x.followee AND y.followee = x.follower
            JOIN f fx ON fx.id = x.follower JOIN f fy ON fy.id = x.followee
            GROUP BY x.follower)
        SELECT f.id, back.back_minutes, coalesce(mutual.mutual_followers, 0) AS mutual_followers
        FROM f LEFT JOIN back USING (id) LEFT JOIN mutual USING (id)
        """, {"me": me})


def _inactive(ws, clean, pos, risk, kind, reason, as_of) -> None:
    """Followers whose last recorded post or action is more than a year before ``as_of``."""
    if as_of is None:
        return
    last = ws.sql(
        'SELECT id, max("at") AS last_at FROM ('
        ' SELECT author AS id, "at" FROM posts WHERE "at" IS NOT NULL'
        ' UNION ALL SELECT actor AS id, "at" FROM interactions WHERE "at" IS NOT NULL) GROUP BY id')
    cutoff = pd.Timestamp(as_of) - pd.Timedelta(days=INACTIVE_DAYS)
    for row in last.itertuples(index=False):
        i = pos.get(str(row.id))
        if i is not None and pd.Timestamp(row.last_at) < cutoff and risk[i] < 0.6:
            months = (pd.Timestamp(as_of) - pd.Timestamp(row.last_at)).days / 30.44
            risk[i], kind[i] = 0.6, "inactive"
            reason[i] = f"last active {pd.Timestamp(row.last_at):%Y-%m-%d} ({months:.0f} months before)"


# --------------------------------------------------------------------------------------------
# bursts

BURST_WINDOW_DAYS = 10
BURST_MIN_SIZE = 20
BURST_FACTOR = 5.0
BURST_FOLLOW_WITHIN_DAYS = 30


def follower_bursts(ws, me: str | None = None) -> pd.DataFrame:
    """Bursts of new followers: many accounts created in the same short period that followed soon.

    A burst is a run of creation dates where some 10-day window holds at least 20 of the owner's
    followers and at least 5 times as many as expected from the followers' creation dates over
    the surrounding year (and over all time); where ``follows.since`` is known, only accounts
    that followed within 30 days of being created count. One row per burst: ``burst`` (number),
    ``start``/``end`` (first and last follow, or the creation dates when follow times are
    unknown), ``size``, ``created_from``/``created_to``, ``followed_from``/``followed_to``
    (NaT when unknown), ``share`` (of all followers), ``expected`` (accounts expected in such a
    window).
    """
    me = _owner(ws, me)
    acc = _followers(ws, me)
    clean, _ = clean_accounts(acc, as_of=_default_as_of(ws, acc) if len(acc) else None)
    return _bursts(ws, me, clean)[0]


def _bursts(ws, me: str, clean: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, list[str]]]:
    cols = ["burst", "start", "end", "size", "created_from", "created_to", "followed_from",
            "followed_to", "share", "expected"]
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in cols}), {}
    created = clean["created_at"]
    known = created.notna().to_numpy()
    if known.sum() < BURST_MIN_SIZE:
        return empty
    since = ws.sql("SELECT follower AS id, min(since) AS since FROM follows WHERE followee = ? "
                   "GROUP BY follower", [me])
    since = clean[["id"]].astype({"id": str}).merge(since.astype({"id": str}), on="id", how="left")["since"]
    ids = clean["id"].astype(str).to_numpy()[known]
    day = (created[known].astype("datetime64[s]").astype("int64").to_numpy() / 86400.0)
    sn = pd.to_datetime(since[known]).to_numpy()
    order = np.argsort(day, kind="stable")
    ids, day, sn = ids[order], day[order], sn[order]
    cre = created[known].to_numpy()[order]
    span = max(day[-1] - day[0], 365.0)
    glob = len(day) * BURST_WINDOW_DAYS / span
    hi = np.searchsorted(day, day + BURST_WINDOW_DAYS, side="left")
    count = hi - np.arange(len(day))
    near = (np.searchsorted(day, day + BURST_WINDOW_DAYS + 182, side="left")
            - np.searchsorted(day, day - 182, side="left") - count)
    local = near * BURST_WINDOW_DAYS / 364.0
    expected = np.maximum(glob, local)
    hot = (count >= BURST_MIN_SIZE) & (count >= BURST_FACTOR * expected)
    member = np.zeros(len(day), dtype=bool)
    cover = np.zeros(len(day) + 1, dtype=int)
    for s in np.flatnonzero(hot):
        cover[s] += 1
        cover[hi[s]] -= 1
    member = np.cumsum(cover[:-1]) > 0
    # follows within N days of creation, where the follow time is known
    lag = (sn - cre) / np.timedelta64(1, "D")
    late = ~np.isnan(lag) & (lag > BURST_FOLLOW_WITHIN_DAYS)
    member &= ~late
    rows, members = [], {}
    idx = np.flatnonzero(member)
    if not len(idx):
        return empty
    groups = np.split(idx, np.flatnonzero(np.diff(day[idx]) > BURST_WINDOW_DAYS) + 1)
    total = len(clean)
    for g in groups:
        if len(g) < BURST_MIN_SIZE:
            continue
        b = len(rows) + 1
        c_from, c_to = pd.Timestamp(cre[g].min()), pd.Timestamp(cre[g].max())
        s_known = sn[g][~pd.isna(sn[g])]
        f_from = pd.Timestamp(s_known.min()) if len(s_known) else pd.NaT
        f_to = pd.Timestamp(s_known.max()) if len(s_known) else pd.NaT
        rows.append({"burst": b, "start": f_from if len(s_known) else c_from,
                     "end": f_to if len(s_known) else c_to, "size": int(len(g)),
                     "created_from": c_from, "created_to": c_to, "followed_from": f_from,
                     "followed_to": f_to, "share": round(len(g) / total, 4),
                     "expected": round(float(expected[g].max()), 1)})
        members[b] = ids[g].tolist()
    if not rows:
        return empty
    return pd.DataFrame(rows, columns=cols), members


# --------------------------------------------------------------------------------------------
# summary


def summarize(scored: pd.DataFrame, bursts: pd.DataFrame | None = None, *,
              method: str = "model", threshold: float = 0.5) -> dict:
    """Counts by ``hollow`` and ``hollow_kind`` (plain Python values), with the bursts if given."""
    flags = scored["hollow"].astype(str)
    n = len(scored)
    hollow = int((flags == "true").sum())
    by_kind = scored.loc[flags == "true", "hollow_kind"].value_counts()
    out = {
        "accounts": n, "hollow": hollow, "not_hollow": int((flags == "false").sum()),
        "unknown": int((flags == "unknown").sum()),
        "hollow_share": round(hollow / n, 4) if n else None,
        "by_kind": {k: int(by_kind.get(k, 0)) for k in HOLLOW_KINDS},
        "method": method, "threshold": threshold,
    }
    if bursts is not None:
        out["bursts"] = [
            {k: (None if pd.isna(v) else (v.isoformat() if isinstance(v, pd.Timestamp) else v))
             for k, v in row.items()} for row in bursts.to_dict(orient="records")]
    return out

