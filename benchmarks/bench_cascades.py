"""Validate the spread simulation's cascade model against real retweet cascades (SNAP Higgs).

    python benchmarks/bench_cascades.py [--seeds 400] [--runs 40] [--seed 7]

Data (De Domenico et al. 2013, ../shared/data/higgs): the follow lists of the 5,395 accounts in
the 355k-line prefix of the follower graph (``a b`` = a follows b, checked in findings_higgs.py),
and the retweet layer (``a b w`` = a retweeted b, w times, during the week of the Higgs
announcement). A retweet of a retweet is credited to the original author on Twitter, so the
accounts that retweeted b are b's whole cascade. Only the 5,395 accounts with known follow lists
can be reached in a simulation, so the observed cascade of b is the number of those accounts that
retweeted b.

The model is the one ``simulate`` runs (:func:`innercircle.simulate.independent_cascade`): b
posts, its followers see it, each account that sees it passes it on once with its pass-on
probability q_v, reaching all its followers; the cascade size is the number of accounts that
passed it on. Two ways of setting q, each fitted on one half of the seed accounts (the mean
cascade size matched by bisection) and scored on the other half:

* one q for everybody;
* q_v proportional to (1 + retweets v made that week), shrunk: the workspace-style "per-account
  rate from its own history" (capped at 1).

It prints, for the held-out half, the observed and simulated cascade-size distributions (share of
empty cascades, mean, median, 90th and 99th percentiles, largest) and the Kolmogorov-Smirnov
distance between them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
HIGGS = ROOT / ".." / "shared" / "data" / "higgs"

from innercircle.results.simulate import independent_cascade  # noqa: E402


def load(n_seeds: int, seed: int):
    """(followers CSR over sources + seeds, activity per node, seed nodes, observed sizes)."""
    import scipy.sparse as sp

    social = pd.read_csv(HIGGS / "higgs-social_network.edgelist.prefix355k", sep=" ", header=None,
                         names=["follower", "followee"], on_bad_lines="skip", dtype=str).dropna()
    rt = pd.read_csv(HIGGS / "higgs-retweet_network.edgelist.gz", sep=" ", header=None,
                     names=["actor", "target", "w"], dtype={"actor": str, "target": str})
    sources = pd.Index(social["follower"].unique())
    rt_in = rt[rt["actor"].isin(sources) & (rt["actor"] != rt["target"])]
    observed = rt_in.groupby("target")["actor"].nunique()
    n_followers = social.groupby("followee").size()
    candidates = n_followers[n_followers >= 20].index  # accounts whose post reaches 20+ known accounts
    rng = np.random.default_rng(seed)
    seeds = rng.choice(np.asarray(candidates), size=min(n_seeds, len(candidates)), replace=False)
    ids = sources.append(pd.Index(seeds).difference(sources))
    fol = social[social["followee"].isin(ids)]
    rows, cols = ids.get_indexer(fol["followee"]), ids.get_indexer(fol["follower"])
    followers = sp.csr_array((np.ones(len(rows), bool), (rows, cols)), shape=(len(ids), len(ids)))
    made = rt[rt["actor"] != rt["target"]].groupby("actor").size()
    activity = made.reindex(ids).fillna(0).to_numpy(float)
    seed_ix = ids.get_indexer(seeds)
    return followers, activity, seed_ix, observed.reindex(seeds).fillna(0).to_numpy(float)


def simulate_sizes(followers, q, seeds, *, runs: int, seed: int) -> np.ndarray:
    """Cascade sizes (accounts passing it on) of each seed, ``runs`` runs each, flattened."""
    return np.concatenate([independent_cascade(followers, q, [s], runs=runs, seed=seed + i)["sharers"]
                           for i, s in enumerate(seeds)])


def fit_scale(followers, base: np.ndarray, seeds, target_mean: float, *, runs: int, seed: int) -> float:
    """The c with mean simulated size of q = min(1, c * base) equal to ``target_mean`` (bisection in log c)."""
    lo, hi = -12.0, 2.0
    for _ in range(14):
        mid = (lo + hi) / 2
        mean = simulate_sizes(followers, np.minimum(1.0, np.exp(mid) * base), seeds, runs=runs, seed=seed).mean()
        lo, hi = (mid, hi) if mean < target_mean else (lo, mid)
    return float(np.exp((lo + hi) / 2))


def describe(x: np.ndarray) -> str:
    q = np.quantile(x, [0.5, 0.9, 0.99])
    return (f"empty {np.mean(x == 0):6.1%}  mean {x.mean():7.2f}  median {q[0]:5.0f}  p90 {q[1]:6.0f}  "
            f"p99 {q[2]:6.0f}  max {x.max():6.0f}")


def ks(a: np.ndarray, b: np.ndarray) -> float:
    grid = np.union1d(a, b)
    fa = np.searchsorted(np.sort(a), grid, side="right") / len(a)
    fb = np.searchsorted(np.sort(b), grid, side="right") / len(b)
    return float(np.max(np.abs(fa - fb)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=400)
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if not (HIGGS / "higgs-retweet_network.edgelist.gz").exists():
        print("Higgs: skipped (../shared/data/higgs is absent)")
        return
    t0 = time.perf_counter()
    followers, activity, seeds, observed = load(args.seeds, args.seed)
    fit, test = np.arange(len(seeds)) % 2 == 0, np.arange(len(seeds)) % 2 == 1
    print(f"Higgs retweet cascades: {len(seeds)} seed accounts with >= 20 known followers "
          f"(fitted on {fit.sum()}, scored on {test.sum()}); {followers.shape[0]:,} accounts, "
          f"{followers.nnz:,} known follows")
    print(f"  {'observed, fitting half':<28} {describe(observed[fit])}")
    print(f"  {'observed, scored half':<28} {describe(observed[test])}")
    for label, base in (("one q for everybody", np.ones(len(activity))),
                        ("q per account from activity", 1.0 + activity)):
        c = fit_scale(followers, base, seeds[fit], observed[fit].mean(), runs=max(args.runs // 4, 5), seed=args.seed)
        q = np.minimum(1.0, c * base)
        sim = simulate_sizes(followers, q, seeds[test], runs=args.runs, seed=args.seed)
        print(f"  {label:<28} {describe(sim)}  KS {ks(observed[test], sim):.3f}  (mean q {q.mean():.4f})")
    print(f"total {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
