"""Network signals of hollow followers: follow-back farms, follower bursts, inactivity, engagement."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..store import queries
from .features import clean_accounts
from .rules import fmt_count, plural
from .score import COLUMNS, INACTIVE_DAYS, METHODS, _farmlike, _score

FARM_MIN, FARM_BAND = 1000, 1.25  # with a network signal: both counts ≥ 1,000, within ×1.25
ENGAGED_DAYS = 3  # distinct days with active actions toward the owner that vouch for a follower

# --------------------------------------------------------------------------------------------
# network signals


def raise_to_signals(risk, kind, reasons, signals: pd.DataFrame):
    """Raise each row's risk to its network signal (``signal_risk``), keeping the stronger kind.

    The larger of the profile risk and the signal counts, never a combination of the two: a
    follow-back farm's counts are read by both the profile and the farm signal, so adding their
    evidence would count it twice.
    """
    s_risk = signals["signal_risk"].to_numpy(dtype="float64")
    # only an actual signal counts: "no signal" (0) must not turn an unknown risk into a known 0
    take = (s_risk > 0) & (s_risk > np.nan_to_num(np.asarray(risk, dtype="float64"), nan=-1.0))
    risk = np.where(take, s_risk, risk)
    kind = np.where(take, signals["signal_kind"].to_numpy(dtype=object), kind)
    reasons = [([s] if s else []) + r for s, r in zip(signals["signal_reason"], reasons)]
    return risk, kind, reasons


def engaged(risk, reasons, days: np.ndarray, threshold: float) -> np.ndarray:
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
    return queries.follower_accounts(ws.con, me)


def hollow_followers(ws, me: str | None = None, *, threshold: float | None = None,
                     method: str = "model", as_of=None) -> pd.DataFrame:
    """The owner's followers scored from their profiles and the workspace's network signals.

    Same columns as :func:`score_accounts`, one row per follower. With ``method="model"`` the
    network signals raise the risk: follow-back farms (following ≈ followers at ≥ 1,000 and a
    follow back within 10 minutes of the owner's follow or ≥ 5 mutual follows with other
    followers: risk 0.9), members of a follower burst (:func:`follower_bursts`: risk 0.9,
    ``fake``), and accounts whose last recorded activity is more than a year before ``as_of``
    (risk 0.6, ``inactive``); these rule risks are put on the model's scale as the profile rules'
    are. The risks are then adjusted to the follower list's estimated hollow share, and
    ``threshold`` ``None`` means the model's own, as in :func:`score_accounts`. Rule-set methods
    use the profile alone, as published.
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
    latest = queries.latest_import(ws.con)
    return pd.Timestamp(latest) if latest is not None else None


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
    return queries.active_days_toward(ws.con, me, start.to_pydatetime(), end.to_pydatetime(), ACTIVE_KINDS)


def _network_facts(ws, me: str) -> pd.DataFrame:
    """Per follower: minutes from the owner's follow to their follow back; mutual follows with
    other followers of the owner."""
    return queries.follow_back_facts(ws.con, me)


def _inactive(ws, clean, pos, risk, kind, reason, as_of) -> None:
    """Followers whose last recorded post or action is more than a year before ``as_of``."""
    if as_of is None:
        return
    last = queries.last_activity(ws.con)
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
    since = queries.follow_since(ws.con, me)
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
