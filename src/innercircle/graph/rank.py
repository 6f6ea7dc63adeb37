"""Network-wide ranking: followers versus the people who act, for every account in a workspace."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..model import ACTIVE_KINDS
from .network import Network, load_network
from .pagerank import pagerank

#: The measures of :func:`rank_table`, in column order after ``id``.
MEASURES = ("followers", "working_followers", "shares", "mentions", "replies", "pagerank")

#: Which unknowable fact makes which measure unknown for the owner (model.UNKNOWABLE names).
_UNKNOWN_FOR_OWNER = {"followers": "followers", "shares": "shares_received",
                      "mentions": "mentions_received", "replies": "replies_received"}


def received_counts(ws) -> "pandas.DataFrame":  # noqa: F821
    """Per target account: working_followers, shares, mentions, replies (DuckDB aggregation).

    ``working_followers`` counts distinct accounts other than the target that made at least one
    active interaction (model.ACTIVE_KINDS) toward it; the others count interactions of that
    kind received from other accounts (one row of the interactions table = one event).
    """
    active = ", ".join(f"'{k}'" for k in ACTIVE_KINDS)
    q = f"""SELECT target AS id,
                   count(DISTINCT actor) FILTER (WHERE kind IN ({active})) AS working_followers,
                   count(*) FILTER (WHERE kind = 'share') AS shares,
                   count(*) FILTER (WHERE kind = 'mention') AS mentions,
                   count(*) FILTER (WHERE kind = 'reply') AS replies
            FROM interactions WHERE actor <> target AND target IS NOT NULL GROUP BY target"""
    cur = ws.con.cursor()
    try:
        return cur.sql(q).df()
    finally:
        cur.close()


def rank_table(ws, *, net: Network | None = None, damping: float = 0.85) -> "pandas.DataFrame":  # noqa: F821
    """One row per account of the workspace, with the measures of an influence ranking.

    Columns: ``id``; ``followers`` = in-degree in the follow graph; ``working_followers`` =
    distinct other accounts that made an active interaction toward it; ``shares``, ``mentions``,
    ``replies`` = such interactions received from others; ``pagerank`` = standard PageRank of
    the follow graph (:func:`innercircle.graph.pagerank.pagerank`, damping 0.85, edges from
    follower to followee). Sorted by pagerank, highest first. The owner's value of a measure is
    unknown (NA) when no current snapshot can tell it (``ws.unknown``).
    """
    import pandas as pd

    if net is None:
        net = load_network(ws, interactions=False, groups=False)
    df = pd.DataFrame({"id": net.ids, "followers": net.in_degree()})
    got = received_counts(ws)
    pos = net.index_of(got["id"].to_numpy(dtype=object))
    for col in ("working_followers", "shares", "mentions", "replies"):
        values = np.zeros(net.n, dtype=np.int64)
        values[pos[pos >= 0]] = got[col].to_numpy(np.int64)[pos >= 0]
        df[col] = values
    df["pagerank"] = pagerank(net, damping=damping)
    df = df.astype({c: "Int64" for c in MEASURES if c != "pagerank"})
    if net.owner is not None:
        for col, fact in _UNKNOWN_FOR_OWNER.items():
            if fact in net.unknown:
                df.loc[net.owner, col] = pd.NA
    return df.sort_values(["pagerank", "id"], ascending=[False, True], kind="stable",
                          ignore_index=True)


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


def rank_correlations(df, *, top: float = 0.01,
                      measures: Sequence[str] = MEASURES) -> dict:
    """Spearman rank correlations between measures, overall and among the top accounts.

    As in Cha et al. 2010 ("Measuring user influence in Twitter: the million follower fallacy"),
    with ``k = ceil(top * accounts)`` (1% by default, at least 3):

    * ``overall[a][b]``: Spearman's rho over every account;
    * ``top_by[a][b]``: rho over the top k accounts by ``a`` (so not symmetric): among the most
      followed, do the more followed also get more shares?
    * ``top_union[a][b]``: rho over the union of the top k by ``a`` and the top k by ``b``: do
      the two top lists agree? Negative when each list's leaders are low on the other measure.

    None where undefined (fewer than 3 accounts, or a constant measure among them).
    """
    values = {m: df[m].to_numpy(dtype=np.float64, na_value=np.nan) for m in measures}
    n = len(df)
    k = max(3, math.ceil(top * n))
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


def rank(ws, *, top: float = 0.01, limit: int | None = None) -> dict:
    """The ``rank --json`` object: the accounts (first ``limit`` by PageRank; all when None) and
    the Spearman correlations of :func:`rank_correlations`."""
    df = rank_table(ws)
    out = {"accounts_total": len(df), "correlations": rank_correlations(df, top=top)}
    shown = df if limit is None else df.head(limit)
    out["accounts"] = records(shown)
    return out


def records(df) -> list[dict]:
    """Rows as plain-Python dicts, unknown (NA) as None."""
    cols = {c: df[c].to_numpy(dtype=object, na_value=None) if str(df[c].dtype) == "Int64"
            else df[c].tolist() for c in df.columns}
    return [dict(zip(cols, row)) for row in zip(*cols.values())]
