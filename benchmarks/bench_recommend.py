"""Link-prediction evaluation of ``recommend`` on real graphs, and the many-owners timing.

For a random sample of users with at least 10 ties, 20% of each sampled user's ties are hidden
(removed from the graph), every method recommends 10 accounts per user from what is left, and
precision@10 and recall@10 are measured against the hidden ties. ``recommend --me-file`` (the
learned ranker, run through a workspace exactly as the CLI runs it) and the older trust walk run
beside common neighbours, Adamic–Adar and plain personalised PageRank (from the user alone,
damping 0.85), all in the same run on the same hidden ties; the last line of each graph is the
ratio of ``recommend --me-file`` to the best of the three. Data: MUSAE Twitch (Rozemberczki et al.
2019), SNAP ego-Facebook (McAuley & Leskovec 2012) and SNAP soc-Slashdot0902 (Leskovec et al. 2009,
links as ties regardless of direction) from ../shared/data; a data set that is absent is skipped.

The shipped ranker was trained on all these graphs (with other hidden ties: seed 1, here seed 7),
so these are in-graph figures, except Slashdot, which no ranker saw; the cross-graph figures
(train on some graphs, test on others) are printed by scripts/train_ranker.py.

The timing part answers ``recommend --me-file`` for 1,000 owners on a 300,000-edge graph (the
real Twitch DE graph, 153,138 ties, both directions as follows: 306,276 edges).

    python benchmarks/bench_recommend.py [--users 300] [--seed 7] [--quick]
"""

from __future__ import annotations

import argparse
import io
import sys
import tarfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT / ".." / "shared" / "data"


def load_twitch(country: str = "DE"):
    import pandas as pd

    path = DATA / "twitch" / f"twitch_{country}_edges.csv"
    if not path.exists():
        return None
    e = pd.read_csv(path)
    return e["from"].to_numpy(), e["to"].to_numpy()


def load_facebook():
    """The union of the ten ego networks, each ego tied to its alters (SNAP's facebook_combined)."""
    path = DATA / "ego_facebook" / "facebook.tar.gz"
    if not path.exists():
        return None
    src, dst = [], []
    with tarfile.open(path) as tar:
        for m in tar.getmembers():
            if not m.name.endswith(".edges"):
                continue
            ego = int(Path(m.name).stem)
            pairs = np.loadtxt(io.BytesIO(tar.extractfile(m).read()), dtype=np.int64, ndmin=2)
            src.append(pairs[:, 0]), dst.append(pairs[:, 1])
            alters = np.unique(pairs)
            src.append(np.full(len(alters), ego)), dst.append(alters)
    return np.concatenate(src), np.concatenate(dst)


def load_slashdot():
    """SNAP soc-Slashdot0902 (Leskovec et al. 2009): a technology news community's friend/foe links,
    never used in training — the held-out graph of another kind."""
    path = DATA / "slashdot" / "soc-Slashdot0902.txt.gz"
    if not path.exists():
        return None
    pairs = np.loadtxt(path, dtype=np.int64, comments="#", ndmin=2)
    return pairs[:, 0], pairs[:, 1]


def undirected(src, dst):
    """Symmetric boolean CSR over 0..n-1 (ids factorised), no self-ties."""
    import pandas as pd
    import scipy.sparse as sp

    codes, uniq = pd.factorize(np.concatenate([src, dst]))
    a, b = codes[: len(src)], codes[len(src):]
    keep = a != b
    a, b = a[keep], b[keep]
    n = len(uniq)
    u = sp.coo_array((np.ones(2 * len(a), bool), (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n))
    u = u.tocsr()
    u.sum_duplicates()
    return u


def hide(u, *, users: int, seed: int, share: float = 0.2):
    """(training graph, sampled users, hidden ties per user) — the same for every method."""
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    deg = np.diff(u.indptr)
    eligible = np.flatnonzero(deg >= 10)
    sample = np.sort(rng.choice(eligible, size=min(users, len(eligible)), replace=False))
    hidden = {}
    for o in sample:
        nb = u.indices[u.indptr[o]:u.indptr[o + 1]]
        hidden[int(o)] = set(rng.choice(nb, size=max(1, int(round(share * len(nb)))), replace=False).tolist())
    rows = [(o, v) for o, hs in hidden.items() for v in hs]
    r = np.array([p[0] for p in rows] + [p[1] for p in rows])
    c = np.array([p[1] for p in rows] + [p[0] for p in rows])
    drop = sp.coo_array((np.ones(len(r), bool), (r, c)), shape=u.shape).tocsr()
    train = (u.astype(np.int8) - drop.multiply(u).astype(np.int8)).tocsr()
    train.eliminate_zeros()
    train = train.astype(bool)
    # ties hidden twice (both ends sampled) are hidden once from the graph, counted for both ends
    truth = {o: {v for v in hs} | {x for x, ys in hidden.items() if o in ys} for o, hs in hidden.items()}
    return train, sample, truth


def top_k(scores, owners, train, k: int = 10):
    """Top-k per row of a dense owners×n score array, leaving out the owner and its current ties."""
    scores = np.array(scores, dtype=np.float64)
    t = train[owners].tocoo()
    scores[t.row, t.col] = -np.inf
    scores[np.arange(len(owners)), owners] = -np.inf
    idx = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    s = np.take_along_axis(scores, idx, axis=1)
    return [set(i[np.isfinite(x) & (x > 0)].tolist()) for i, x in zip(idx, s)]


def common_neighbours(train, owners):
    a = train.astype(np.float32)
    return (a[owners] @ a).toarray()


def adamic_adar(train, owners):
    import scipy.sparse as sp

    a = train.astype(np.float32)
    deg = np.diff(train.indptr).astype(np.float64)
    inv = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2.0)), 0.0)
    return (a[owners] @ sp.diags_array(inv.astype(np.float32)) @ a).toarray()


def plain_ppr(train, owners):
    from innercircle.advise.trust import personalized_pagerank

    seeds = np.zeros((train.shape[0], len(owners)), np.float32)
    seeds[owners, np.arange(len(owners))] = 1.0
    return personalized_pagerank(train.astype(np.float32), seeds, damping=0.85, max_iter=100, tol=1e-7).T


def ours(train, owners, k: int = 10):
    from innercircle.advise.recommend import recommend_indices
    from innercircle.graph.network import Network

    net = Network.from_csr(train)
    picks = recommend_indices(net, owners, k=k)
    out = [set() for _ in owners]
    for o, a in zip(picks.owner, picks.account):
        out[int(o)].add(int(a))
    return out


def me_file(train, owners, k: int = 10):
    """``recommend --me-file`` as the CLI runs it: the training graph imported into a workspace as
    an edge list naming each tie once, then :func:`recommend_many` for all owners in one call."""
    import pandas as pd
    import scipy.sparse as sp

    import innercircle
    from innercircle.advise.recommend import recommend_many

    t = sp.triu(train, k=1).tocoo()
    ws = innercircle.open(":memory:")
    ws.import_batch(innercircle.ImportBatch("edgelist", "bench", tables={
        "follows": pd.DataFrame({"follower": t.row.astype(str), "followee": t.col.astype(str)})}))
    rows, _ = recommend_many(ws, [str(o) for o in owners], k=k)
    ws.close()
    pos = {str(o): i for i, o in enumerate(owners)}
    out = [set() for _ in owners]
    for me, acc in zip(rows["me"], rows["account"]):
        out[pos[me]].add(int(acc))
    return out


def evaluate(name, u, *, users: int, seed: int, k: int = 10) -> dict:
    train, owners, truth = hide(u, users=users, seed=seed)
    methods = {
        "common neighbours": lambda: top_k(common_neighbours(train, owners), owners, train, k),
        "Adamic-Adar": lambda: top_k(adamic_adar(train, owners), owners, train, k),
        "personalised PageRank": lambda: top_k(plain_ppr(train, owners), owners, train, k),
        "trust walk (recommend)": lambda: ours(train, owners, k),
        "recommend --me-file": lambda: me_file(train, owners, k),
    }
    print(f"\n{name}: {u.shape[0]:,} accounts, {u.nnz // 2:,} ties; {len(owners)} users with >= 10 ties, "
          f"{sum(len(t) for t in truth.values()):,} hidden ties")
    print(f"  {'method':<24}{'precision@10':>14}{'recall@10':>12}{'seconds':>10}")
    res = {}
    for m, fn in methods.items():
        t0 = time.perf_counter()
        recs = fn()
        dt = time.perf_counter() - t0
        hits = [len(r & truth[int(o)]) for r, o in zip(recs, owners)]
        p = float(np.mean([h / k for h in hits]))
        rc = float(np.mean([h / len(truth[int(o)]) for h, o in zip(hits, owners)]))
        res[m] = (p, rc)
        print(f"  {m:<24}{p:>14.4f}{rc:>12.4f}{dt:>10.2f}")
    best = max(res[m][0] for m in ("common neighbours", "Adamic-Adar", "personalised PageRank"))
    ratio = res["recommend --me-file"][0] / best if best else float("nan")
    print(f"  recommend --me-file / best of CN, AA, PPR precision@10: {ratio:.2f}x (target >= 1.2x)")
    return res


def timing(seed: int, owners_n: int = 1000) -> None:
    """recommend for 1,000 owners on the Twitch DE graph, as --me-file ranks them (from a Network)."""
    from innercircle.advise.ranker import rank_candidates
    from innercircle.advise.recommend import ties
    from innercircle.graph.network import Network

    edges = load_twitch("DE")
    if edges is None:
        print("\ntiming: skipped (../shared/data/twitch absent)")
        return
    src, dst = edges
    net = Network.from_edges(np.concatenate([src, dst]), np.concatenate([dst, src]))
    rng = np.random.default_rng(seed)
    owners = rng.choice(net.n, size=owners_n, replace=False)
    t0 = time.perf_counter()
    _, picks, _, _ = rank_candidates(ties(net), owners, k=10)
    dt = time.perf_counter() - t0
    print(f"\ntiming: {owners_n:,} owners on {net.follows.nnz:,} follow edges ({net.n:,} accounts): "
          f"{dt:.1f} s for {len(picks):,} recommendations (target < 60 s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="fewer users, no timing")
    args = ap.parse_args()
    users = 60 if args.quick else args.users
    graphs = [(f"Twitch {c}", lambda c=c: load_twitch(c)) for c in ("DE", "PTBR", "RU")]
    for name, loader in (*graphs, ("ego-Facebook", load_facebook), ("Slashdot (held out)", load_slashdot)):
        edges = loader()
        if edges is None:
            print(f"\n{name}: skipped (data absent under ../shared/data)")
            continue
        evaluate(name, undirected(*edges), users=users, seed=args.seed)
    if not args.quick:
        timing(args.seed)


if __name__ == "__main__":
    main()
