"""recommend: whom to connect with beyond the current network, from the circle of trust.

For an owner ``o`` with trusted core ``C`` (see :mod:`innercircle.advise.trust`), every account
``v`` that is neither ``o`` nor already tied to ``o`` (a follow either way) is a candidate, scored

    score(v) = proximity(v) + 0.3 · alignment(v) + 0.2 · activity(v) − 0.5 · hollow_risk(v)

- ``proximity`` = personalised PageRank of ``v`` from the core over the care graph, divided by the
  highest value among ``o``'s candidates (so the best-connected candidate has 1), plus 0.5 ×
  ``core_links(v) / |C|`` — the share of the core tied to ``v`` ("followed by 6 of your committed
  followers"): walks find the circle of trust, direct ties from the core confirm it;
- ``alignment`` = ``alignment_score`` with the owner's stated values (0-1);
- ``activity`` = ``log(1 + actions v made) / log(1 + most actions of any account)`` (0-1);
- ``hollow_risk`` = the hollow detector's risk from ``v``'s profile (0-1).

An unknown term (no values stated, no interactions or profiles in the data) adds nothing and the
reasons say so; on a bare follow graph the score is the proximity alone. Many owners are scored
together: one sparse-times-dense product per PageRank step serves a whole batch of owners.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .trust import CORE_NOUNS, Core, care_graph, personalized_pagerank, ties, transition

#: Alignment from which the reasons say "shares your values" (TF-IDF cosines run low: 0.1 already
#: means several shared words).
ALIGNED = 0.1
#: Weights of the score terms (see the module docstring).
WEIGHTS = {"core_links": 0.5, "alignment": 0.3, "activity": 0.2, "hollow": 0.5}


def mutual_cores(net, owners: np.ndarray) -> list[Core]:
    """Per owner, the bare-graph core: mutual follows, else the owner alone (vectorised)."""
    f = net.follows
    mutual = (f[owners] * f.T.tocsr()[owners]).tocsr()  # boolean AND of "o follows v" and "v follows o"
    out = []
    for b, o in enumerate(owners):
        m = mutual.indices[mutual.indptr[b]:mutual.indptr[b + 1]]
        m = m[m != o]
        out.append(Core(m.astype(np.int64), "mutual") if len(m) else Core(np.array([o], np.int64), "owner"))
    return out


@dataclass
class Picks:
    """Top-k candidates of many owners, flat: row ``i`` is the ``rank[i]``-th pick of ``owner[i]``."""

    owner: np.ndarray      # position in the owners list
    rank: np.ndarray       # 1..k
    account: np.ndarray    # index into the Network
    score: np.ndarray
    proximity: np.ndarray
    core_links: np.ndarray  # core members tied to the account
    core_size: np.ndarray   # size of that owner's core


def recommend_indices(net, owners, *, k: int = 10, cores: list[Core] | None = None, extra=None,
                      w=None, damping: float = 0.5, batch: int = 512, exclude_ties: bool = True) -> Picks:
    """The top ``k`` candidates for each owner in ``owners`` (Network indices), best first.

    ``cores`` defaults to :func:`mutual_cores`; ``extra`` is an optional per-account float array
    added to every owner's score (the alignment, activity and hollow terms, 0 where unknown).
    """
    import scipy.sparse as sp

    owners = np.asarray(owners, dtype=np.int64)
    cores = mutual_cores(net, owners) if cores is None else cores
    w = care_graph(net) if w is None else w
    prepared = transition(w)
    tied = ties(net)
    parts = []
    for lo in range(0, len(owners), batch):
        sel = np.arange(lo, min(lo + batch, len(owners)))
        parts.append(_batch(net, owners[sel], [cores[i] for i in sel], sel, tied, prepared, w,
                            k=k, extra=extra, damping=damping, exclude_ties=exclude_ties, sp=sp))
    return Picks(*(np.concatenate([getattr(p, f) for p in parts]) if parts else np.zeros(0)
                   for f in Picks.__dataclass_fields__))


def _batch(net, owners, cores, positions, tied, prepared, w, *, k, extra, damping, exclude_ties, sp) -> Picks:
    n, b = net.n, len(owners)
    col = np.repeat(np.arange(b), [len(c.members) for c in cores])
    row = np.concatenate([c.members for c in cores]) if b else np.zeros(0, np.int64)
    seeds = sp.coo_array((np.ones(len(row), np.float32), (row, col)), shape=(n, b)).tocsc()
    r = personalized_pagerank(w, seeds.toarray(), damping=damping, max_iter=30, tol=1e-5, prepared=prepared).T
    links = (seeds.T.tocsr().astype(np.float32) @ tied.astype(np.float32)).tocsr()  # b×n core ties per account
    size = np.array([max(len(c.members), 1) for c in cores], dtype=np.float64)
    # excluded: the owner and whoever it is tied to already
    mask = np.zeros((b, n), dtype=bool)
    mask[np.arange(b), owners] = True
    if exclude_ties:
        t = tied[owners].tocoo()
        mask[t.row, t.col] = True
    r = np.where(mask, 0.0, r)
    top = r.max(axis=1, keepdims=True)
    prox = np.divide(r, top, out=np.zeros_like(r), where=top > 0)
    lk = links.toarray()
    prox += WEIGHTS["core_links"] * lk / size[:, None]
    score = prox + (0.0 if extra is None else np.asarray(extra, np.float32)[None, :])
    score = np.where(mask | (r <= 0), -np.inf, score)  # only accounts the core's walks reach
    kk = min(k, n)
    if kk == 0:
        idx = np.zeros((b, 0), np.int64)
    else:
        idx = np.argpartition(-score, kk - 1, axis=1)[:, :kk]
        order = np.argsort(-np.take_along_axis(score, idx, axis=1), axis=1, kind="stable")
        idx = np.take_along_axis(idx, order, axis=1)
    s = np.take_along_axis(score, idx, axis=1)
    ok = np.isfinite(s)
    bi = np.broadcast_to(np.arange(b)[:, None], idx.shape)
    ranks = np.broadcast_to(np.arange(1, idx.shape[1] + 1)[None, :], idx.shape)
    return Picks(owner=positions[bi[ok]], rank=ranks[ok], account=idx[ok], score=s[ok].astype(np.float64),
                 proximity=prox[bi[ok], idx[ok]].astype(np.float64), core_links=lk[bi[ok], idx[ok]].astype(np.int64),
                 core_size=size[bi[ok]].astype(np.int64))


# ------------------------------------------------------------------------------------------------
# workspace level

#: Columns of :func:`recommend` (a contract: add, never rename).
RECOMMEND_COLUMNS = ["me", "rank", "account", "handle", "name", "score", "trust_score", "core_links",
                     "followed_by_core", "mutual_contacts", "alignment_score", "activity", "hollow_risk", "reasons"]
#: Columns of :func:`recommend_many` (the ``--me-file`` output).
MANY_COLUMNS = ["me", "rank", "account", "score", "reasons"]


def activity(ws, net, window=None) -> tuple[np.ndarray, bool]:
    """(activity 0-1 per Network index, known): log(1 + actions made) / log(1 + the most made)."""
    from ..store import history as stored, queries

    if not queries.has_interactions(ws.con):
        return np.zeros(net.n), False
    df = stored.actions_made(ws.con, window)
    out = np.zeros(net.n)
    ix = net.index_of(df["actor"].astype(object).to_numpy())
    ok = ix >= 0
    out[ix[ok]] = np.log1p(df["n"].to_numpy(float)[ok])
    top = out.max()
    return (out / top if top > 0 else out), True


def _extra(alignment, act, act_known, hollow_risk) -> np.ndarray:
    a = np.nan_to_num(np.asarray(alignment, float), nan=0.0)
    h = np.nan_to_num(np.asarray(hollow_risk, float), nan=0.0)
    x = WEIGHTS["alignment"] * a - WEIGHTS["hollow"] * h
    return x + (WEIGHTS["activity"] * np.asarray(act, float) if act_known else 0.0)


def _core_phrase(noun: str, followed_by: int, links: int, common: int) -> list[str]:
    parts = []
    if noun != CORE_NOUNS["owner"] and followed_by > 0:
        parts.append(f"followed by {followed_by} of your {noun}")
    elif noun != CORE_NOUNS["owner"] and links > 0:
        parts.append(f"tied to {links} of your {noun}")
    if common > 0:
        parts.append(f"{common} contact{'s' if common != 1 else ''} in common")
    return parts or ["in your circle of trust"]


def _reasons(core_noun, followed_by, links, common, toward, trust, alignment, act_n, hollow_risk,
             values_known) -> list[str]:
    out = []
    for fb, lk, cm, tw, t, al, an, hr in zip(followed_by, links, common, toward, trust, alignment, act_n,
                                             hollow_risk):
        parts = _core_phrase(core_noun, fb, lk, cm)
        if tw == tw and tw > 0:
            parts.insert(0, f"acted toward you {int(tw)} time{'s' if tw != 1 else ''}")
        parts.append(f"trust: {t:.2f}")
        if al == al:  # not NaN
            parts.append(f"shares your values: {al:.2f}" if al >= ALIGNED else f"values: {al:.2f}")
        elif not values_known:
            parts.append("values: unknown")
        if an == an and an > 0:
            parts.append(f"active: {int(an):,} actions")
        if hr == hr and hr >= 0.3:
            parts.append(f"hollow risk {hr:.2f}")
        out.append("; ".join(parts))
    return out


def recommend(ws, me: str | None = None, *, k: int = 10, values: str | None = None, hollow: bool = True,
              ctx=None):
    """Whom the owner could connect with beyond the current network, best first.

    One row per recommendation (:data:`RECOMMEND_COLUMNS`); ``reasons`` in plain words, e.g.
    "followed by 6 of your committed followers; trust: 0.97; shares your values: 0.71". The score is
    defined in the module docstring. Advice only: nobody is followed or messaged.
    """
    import pandas as pd

    from .facts import account_facts, context

    ctx = ctx or context(ws, me, values=values, hollow=hollow)
    net = ctx.net
    pool = recommend_indices(net, [ctx.owner_ix], k=max(5 * k, 50), cores=[ctx.core])
    if not len(pool.account):
        return pd.DataFrame({c: [] for c in RECOMMEND_COLUMNS})
    ids = [str(x) for x in net.ids[pool.account]]
    facts = account_facts(ctx, ids)
    act, act_known = activity(ws, net, ctx.window)
    a = act[pool.account]
    score = pool.proximity + _extra(facts["alignment_score"], a, act_known, facts["hollow_risk"])
    order = np.argsort(-score, kind="stable")[:k]
    fol = net.follows.T.tocsr()
    in_core = np.zeros(net.n, bool)
    in_core[ctx.core.members] = True
    followed_by = np.array([int(in_core[fol.indices[fol.indptr[v]:fol.indptr[v + 1]]].sum())
                            for v in pool.account[order]], dtype=np.int64)
    f = facts.iloc[order].reset_index(drop=True)
    act_n = _actions_made(ws, f["id"].tolist(), ctx.window) if act_known else np.full(len(f), np.nan)
    out = pd.DataFrame({
        "me": ctx.me, "rank": np.arange(1, len(order) + 1), "account": f["id"], "handle": f["handle"],
        "name": f["name"], "score": np.round(score[order], 4), "trust_score": f["trust_score"],
        "core_links": pool.core_links[order], "followed_by_core": followed_by,
        "mutual_contacts": f["mutual_contacts"], "alignment_score": np.round(f["alignment_score"].astype(float), 4),
        "activity": np.round(a[order], 4) if act_known else np.nan,
        "hollow_risk": f["hollow_risk"].astype(float)})
    out["reasons"] = _reasons(ctx.core.noun, followed_by, pool.core_links[order], out["mutual_contacts"],
                              f["active_actions"].astype(float).fillna(np.nan), out["trust_score"],
                              out["alignment_score"], act_n, out["hollow_risk"], bool(ctx.values))
    return out[RECOMMEND_COLUMNS]


def _actions_made(ws, ids: list[str], window) -> np.ndarray:
    import pandas as pd

    from ..store import history as stored

    df = stored.actions_made(ws.con, window, ids)
    return pd.Series(ids).map(dict(zip(df["actor"], df["n"]))).fillna(0).to_numpy(float)


def care_cores(net, owners: np.ndarray) -> list[Core]:
    """Per owner: followers with care both ways, else mutual follows, else the owner alone."""
    from ..model import ACTIVE_KINDS

    fallback = mutual_cores(net, owners)
    if not len(net.actor):
        return fallback
    c = net.interaction_matrix(ACTIVE_KINDS).astype(bool)
    both = (c[owners].multiply(c.T.tocsr()[owners])).multiply(net.followers[owners]).tocsr()
    out = []
    for b, o in enumerate(owners):
        m = both.indices[both.indptr[b]:both.indptr[b + 1]]
        m = m[m != o]
        out.append(Core(m.astype(np.int64), "committed") if len(m) else fallback[b])
    return out


def recommend_many(ws, owners: list[str], *, k: int = 10, hollow: bool = True, progress=None):
    """``recommend`` for many owners in one run: rows ``me, rank, account, score, reasons``.

    Candidates are ranked by the learned link ranker (:mod:`innercircle.advise.ranker`: common
    neighbours, Adamic–Adar, resource allocation, personalised PageRank, degrees, triangle closure
    and community, combined by a model trained on real graphs); the score is its probability of a
    tie, lowered by half the hollow risk where profiles tell it. Where the workspace has
    interactions, followers who act toward the owner and whom the owner does not follow back are
    candidates too (:func:`acting_evidence`). Each owner's core (for the reasons) is its followers
    with care both ways, else its mutual follows, else the owner. Owners not in the workspace are
    reported in the returned ``missing`` list and skipped.
    """
    import pandas as pd

    from ..graph.network import load_network

    net = load_network(ws, groups=False)
    ix = net.index_of([str(o) for o in owners])
    missing = [str(o) for o, i in zip(owners, ix) if i < 0]
    owners_ix = ix[ix >= 0]
    if not len(owners_ix):
        return pd.DataFrame({c: [] for c in MANY_COLUMNS}), missing
    risk = _all_hollow_risk(ws, net) if hollow else np.full(net.n, np.nan)
    picks, acted = _learned_picks(net, owners_ix, k=k, risk=risk)
    cores = care_cores(net, owners_ix)
    tied = ties(net).astype(np.float32)
    followed_by = _core_counts(net.follows, picks, cores)
    links = _core_counts(tied, picks, cores)
    common = np.asarray((tied[owners_ix] @ tied).tocsr()[picks.owner, picks.account]).ravel().astype(np.int64)
    noun = np.array([CORE_NOUNS[c.source] for c in cores], dtype=object)[picks.owner]
    reasons = list(_reasons_many(noun, followed_by, links, common, risk[picks.account], acted))
    out = pd.DataFrame({"me": net.ids[owners_ix][picks.owner], "rank": picks.rank,
                        "account": net.ids[picks.account], "score": np.round(picks.score, 4), "reasons": reasons})
    return out[MANY_COLUMNS], missing


def _learned_picks(net, owners_ix: np.ndarray, *, k: int, risk: np.ndarray) -> tuple[Picks, np.ndarray]:
    """Top ``k`` per owner: the ranker's candidates and the acting followers, by score."""
    from .ranker import rank_candidates

    ob, vb, p, _ = rank_candidates(ties(net), owners_ix, k=k)
    eo, ev, ep, acts = acting_evidence(net, owners_ix)
    ob, vb = np.concatenate([ob, eo]), np.concatenate([vb, ev])
    p, acts = np.concatenate([p, ep]), np.concatenate([np.zeros(len(p)), acts])
    score = p * (1.0 - WEIGHTS["hollow"] * np.nan_to_num(risk[vb], nan=0.0))
    order = np.lexsort((-score, ob))
    ob, vb, score, acts = ob[order], vb[order], score[order], acts[order]
    first = np.r_[0, np.flatnonzero(np.diff(ob)) + 1] if len(ob) else np.zeros(0, np.int64)
    rank = np.arange(len(ob)) - np.repeat(first, np.diff(np.r_[first, len(ob)])) + 1
    keep = rank <= k
    zeros = np.zeros(int(keep.sum()))
    return Picks(owner=ob[keep], rank=rank[keep], account=vb[keep], score=score[keep], proximity=zeros,
                 core_links=zeros.astype(np.int64), core_size=zeros.astype(np.int64)), acts[keep]


def acting_evidence(net, owners_ix: np.ndarray):
    """Followers who act toward each owner and whom it does not follow back: (owner position,
    account, score, actions). They already work for the owner, so the score is high: 1 - 0.5 ** m
    for m active actions (shares, replies, mentions, messages, ...), i.e. 0.5 for one, 0.875 for three.
    """
    from ..model import ACTIVE_KINDS

    empty = np.zeros(0, np.int64)
    if not len(net.actor):
        return empty, empty, np.zeros(0), np.zeros(0)
    acts = net.interaction_matrix(ACTIVE_KINDS).T.tocsr()[owners_ix].tocoo()  # owner × actor: actions toward it
    followed = np.asarray(net.follows[owners_ix[acts.row], acts.col]).ravel() > 0
    keep = ~followed & (acts.col != owners_ix[acts.row]) & (acts.data > 0)
    m = acts.data[keep].astype(float)
    return acts.row[keep].astype(np.int64), acts.col[keep].astype(np.int64), 1.0 - 0.5 ** m, m


def _core_counts(graph, picks: Picks, cores: list[Core]) -> np.ndarray:
    """How many members of each pick's owner core have an edge to the picked account in ``graph``."""
    import scipy.sparse as sp

    b = len(cores)
    col = np.repeat(np.arange(b), [len(c.members) for c in cores])
    row = np.concatenate([c.members for c in cores]) if b else np.zeros(0, np.int64)
    member = sp.coo_array((np.ones(len(row), np.float32), (col, row)), shape=(b, graph.shape[0])).tocsr()
    counts = (member @ sp.csr_array(graph).astype(np.float32)).tocsr()  # owners × n
    return np.asarray(counts[picks.owner, picks.account]).ravel().astype(np.int64)


def _reasons_many(noun, followed_by, links, common, risk, acted):
    for nn, fb, lk, cm, hr, ac in zip(noun, followed_by, links, common, risk, acted):
        parts = _core_phrase(nn, fb, lk, cm)
        if ac > 0:
            parts = [p for p in parts if p != "in your circle of trust"]
            parts.insert(0, f"acted toward you {int(ac)} time{'s' if ac != 1 else ''}; you don't follow back")
        yield "; ".join(parts) + (f"; hollow risk {hr:.2f}" if hr == hr and hr >= 0.3 else "")


def _all_hollow_risk(ws, net) -> np.ndarray:
    """Profile-based hollow risk of every account (NaN where unknown or no profiles imported)."""
    out = np.full(net.n, np.nan)
    from ..store import history as stored, queries

    if "profiles" in ws.unknown or not queries.has_profile_counts(ws.con):
        return out
    try:
        from ..metrics.hollow import score_accounts
    except ImportError:
        return out
    acc = stored.profiled_accounts(ws.con)
    h = score_accounts(acc)
    ix = net.index_of(h["id"].astype(object).to_numpy())
    ok = ix >= 0
    out[ix[ok]] = h["hollow_risk"].to_numpy(float)[ok]
    return out
