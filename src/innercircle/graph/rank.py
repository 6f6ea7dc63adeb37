"""Network-wide ranking: followers versus the people who act, for every account in a workspace."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from .network import Network
from .pagerank import pagerank

#: The measures of :func:`rank_table`, in column order after ``id``.
MEASURES = ("followers", "working_followers", "shares", "mentions", "replies", "pagerank")

#: Which unknowable fact makes which measure unknown for the owner (model.UNKNOWABLE names).
_UNKNOWN_FOR_OWNER = {"followers": "followers", "shares": "shares_received",
                      "mentions": "mentions_received", "replies": "replies_received"}


def received_counts(ws) -> "pandas.DataFrame":  # noqa: F821
    """Per target account: shares, mentions, replies received from other accounts (one row of the
    interactions table = one event)."""
    from ..store import queries

    cur = ws.con.cursor()
    try:
        return queries.received_counts(cur)
    finally:
        cur.close()


def working_followers(audit) -> "pandas.DataFrame":  # noqa: F821
    """Per account: its working followers under the audit's rules, window and as-of (``id``,
    ``working_followers``).

    A working follower follows the account and acted for it in the window (committed or occasional:
    :func:`innercircle.store.queries.working_pairs`), and is not judged hollow. For the workspace owner the
    count is the audit's own ``working``. For any other account, a follower is judged hollow from its
    profile with the same model, threshold and as-of, vouched for by its active days toward that
    account as in the audit; the signals that only the owner's follower list carries (follow-back
    timing, follower bursts) are judged for the owner alone.
    """
    import pandas as pd

    from ..store import queries

    o = audit.options
    pairs = queries.working_pairs(audit.ws.con, audit.window, committed_days=o.committed_days,
                                  recent_days=o.recent_days)
    pairs = pairs[pairs["id"] != audit.me]
    pairs = pairs[~_hollow_pairs(audit, pairs)]
    counts = pairs.groupby("id").size().rename("working_followers").reset_index()
    own = pd.DataFrame({"id": [audit.me], "working_followers": [audit.summary["working"]]})
    return pd.concat([counts, own], ignore_index=True)


def _hollow_pairs(audit, pairs) -> np.ndarray:
    """Whether each (account, follower) pair's follower is judged hollow toward that account: its
    profile risk (the model at the audit's as-of, on its reference prior), vouched for by its active
    days toward that account as the audit does (:func:`innercircle.hollow.network.engaged`)."""
    if not len(pairs) or not audit.options.hollow:
        return np.zeros(len(pairs), dtype=bool)
    from ..hollow.network import engaged
    from ..metrics.hollow import score_accounts
    from ..store import queries

    acc = queries.accounts_of(audit.ws.con, pairs["follower"].drop_duplicates().tolist())
    if not len(acc):
        return np.zeros(len(pairs), dtype=bool)
    scored = score_accounts(acc, as_of=audit.window.as_of, threshold=audit.options.hollow_threshold, adjust=False)
    threshold = scored.attrs["threshold"]
    risk = pd_map(pairs["follower"], scored["id"], scored["hollow_risk"])
    vouched = engaged(risk, [[] for _ in range(len(risk))], pairs["days"].to_numpy(), threshold)
    return np.nan_to_num(vouched, nan=-1.0) >= threshold


def pd_map(keys, index, values) -> np.ndarray:
    """``values`` looked up by ``keys`` through ``index`` (NaN where missing)."""
    import pandas as pd

    return pd.Series(keys).map(pd.Series(np.asarray(values, dtype="float64"), index=np.asarray(index))) \
        .to_numpy(dtype="float64")


def rank_table(source, *, net: Network | None = None, damping: float = 0.85) -> "pandas.DataFrame":  # noqa: F821
    """One row per account of the workspace, with the measures of an influence ranking.

    ``source`` is an :class:`~innercircle.results.audit.Audit` (or a workspace, audited with the
    defaults). Columns: ``id``; ``followers`` = in-degree in the follow graph; ``working_followers``
    = what ``audit --me ACCOUNT`` calls working (:func:`working_followers`); ``shares``,
    ``mentions``, ``replies`` = such interactions received from others; ``pagerank`` = standard
    PageRank of the follow graph (:func:`innercircle.graph.pagerank.pagerank`, damping 0.85, edges
    from follower to followee). Sorted by pagerank, highest first. The owner's value of a measure is
    unknown (NA) when no current snapshot can tell it.
    """
    import pandas as pd

    from ..results.audit import as_audit

    audit = as_audit(source)
    net = net or audit.network
    df = pd.DataFrame({"id": net.ids, "followers": net.in_degree()})
    got = received_counts(audit.ws).merge(working_followers(audit), on="id", how="outer")
    pos = net.index_of(got["id"].to_numpy(dtype=object))
    for col in ("working_followers", "shares", "mentions", "replies"):
        values = np.zeros(net.n, dtype=np.float64)
        values[pos[pos >= 0]] = pd.to_numeric(got[col], errors="coerce").to_numpy("float64", na_value=np.nan)[pos >= 0]
        df[col] = pd.array(np.nan_to_num(values), dtype="Int64")
    df["pagerank"] = pagerank(net, damping=damping)
    df = df[["id", *MEASURES]]
    if "interactions" in audit.unknown:
        df[["working_followers", "shares", "mentions", "replies"]] = pd.NA
    if net.owner is not None:
        for col, fact in _UNKNOWN_FOR_OWNER.items():
            if fact in net.unknown:
                df.loc[net.owner, col] = pd.NA
        if audit.summary["working"] is None:
            df.loc[net.owner, "working_followers"] = pd.NA
    return df.sort_values(["pagerank", "id"], ascending=[False, True], kind="stable", ignore_index=True)


def spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    """Spearman's rank correlation (average ranks for ties); None when undefined (constant input)."""
    import pandas as pd

    ok = ~(pd.isna(a) | pd.isna(b))
    if ok.sum() < 3:
        return None
    ra = pd.Series(np.asarray(a, dtype=np.float64)[ok]).rank().to_numpy()
    rb = pd.Series(np.asarray(b, dtype=np.float64)[ok]).rank().to_numpy()
    if ra.std() == 0 or rb.std() == 0:
        return None
    return float(np.corrcoef(ra, rb)[0, 1])


def rank_correlations(df, *, top: float = 0.01, k: int | None = None,
                      measures: Sequence[str] = MEASURES) -> dict:
    """Spearman rank correlations between measures, overall and among the top accounts.

    As in Cha et al. 2010 ("Measuring user influence in Twitter: the million follower fallacy"),
    with ``k = ceil(top * accounts)`` (1% by default, at least 3) unless ``k`` is given:

    * ``overall[a][b]``: Spearman's rho over every account;
    * ``top_by[a][b]``: rho over the top k accounts by ``a`` (so not symmetric): among the most
      followed, do the more followed also get more shares?
    * ``top_union[a][b]``: rho over the union of the top k by ``a`` and the top k by ``b``: do
      the two top lists agree? Negative when each list's leaders are low on the other measure.

    None where undefined (fewer than 3 accounts, or a constant measure among them).
    """
    values = {m: df[m].to_numpy(dtype=np.float64, na_value=np.nan) for m in measures}
    n = len(df)
    k = max(3, math.ceil(top * n)) if k is None else max(1, int(k))
    tops = {m: _top_mask(values[m], k) for m in measures}
    overall = {a: {} for a in measures}
    top_by = {a: {} for a in measures}
    top_union = {a: {} for a in measures}
    for a in measures:
        for b in measures:
            top_by[a][b] = spearman(values[a][tops[a]], values[b][tops[a]])
    for i, a in enumerate(measures):
        for b in measures[i:]:
            sel = tops[a] | tops[b]
            rho = spearman(values[a], values[b])
            rho_union = spearman(values[a][sel], values[b][sel])
            overall[a][b] = overall[b][a] = rho
            top_union[a][b] = top_union[b][a] = rho_union
    return {"overall": overall, "top_by": top_by, "top_union": top_union, "top_fraction": top,
            "top_accounts": k, "accounts": n, "measures": list(measures)}


def _top_mask(v: np.ndarray, k: int) -> np.ndarray:
    """The k largest values (ties at the cut broken by position); NaN never counts as top."""
    w = np.where(np.isnan(v), -np.inf, v)
    mask = np.zeros(len(v), dtype=bool)
    if len(v):
        mask[np.argsort(-w, kind="stable")[:k]] = True
    return mask & ~np.isnan(v)


def rank(source, *, top: float = 0.01, limit: int | None = None) -> dict:
    """The ``rank --json`` object: the accounts (first ``limit`` by PageRank; all when None) and
    the Spearman correlations of :func:`rank_correlations`."""
    df = rank_table(source)
    out = {"accounts_total": len(df), "correlations": rank_correlations(df, top=top)}
    shown = df if limit is None else df.head(limit)
    out["accounts"] = records(shown)
    return out


def records(df) -> list[dict]:
    """Rows as plain-Python dicts, unknown (NA) as None."""
    cols = {c: df[c].to_numpy(dtype=object, na_value=None) if str(df[c].dtype) == "Int64"
            else df[c].tolist() for c in df.columns}
    return [dict(zip(cols, row)) for row in zip(*cols.values())]
