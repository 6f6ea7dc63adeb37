"""Audit a generated network of 100,000 followers and 2,000,000 interactions: wall time and peak memory,
beside the same audit written plainly in pandas, measured in the same run.

    python benchmarks/bench_audit.py [--followers 100000] [--interactions 2000000] [--repeat 3]

The network is the built-in sample generator's (synthetic; see docs/sample.md). Setup (generating and
importing it, writing Parquet copies for pandas) is not timed. Each timed run is a fresh process that
opens the data and computes the tiers of every follower. Targets: <= 10 s and <= 2 GB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _measure import run_isolated

OURS = """
t0 = time.perf_counter()
import innercircle
from innercircle.audit import audit
ws = innercircle.open({ws!r}, read_only=True)
r = audit(ws, hollow={hollow})
result = {{"working": r["working"], "committed": r["committed"], "followers": r["followers"]}}
"""

PANDAS = """
t0 = time.perf_counter()
import pandas as pd, numpy as np
me = {me!r}
follows = pd.read_parquet({dir!r} + "/follows.parquet")
inter = pd.read_parquet({dir!r} + "/interactions.parquet")
posts = pd.read_parquet({dir!r} + "/posts.parquet")
followers = follows.loc[follows["followee"] == me, "follower"].unique()
as_of = inter["at"].max()
win = inter[(inter["at"] > as_of - pd.Timedelta(days=365)) & (inter["at"] <= as_of) & (inter["actor"] != me)]
mine = set(posts.loc[posts["author"] == me, "id"])
toward = win[(win["target"] == me) | win["post"].isin(mine)]
active_kinds = ["share", "reply", "mention", "visit", "message", "contribution", "word_of_mouth", "response"]
act = toward[toward["kind"].isin(active_kinds)].copy()
act["day"] = act["at"].dt.floor("D")
g = act.groupby("actor")
days = g["day"].nunique()
recent = act[act["at"] > as_of - pd.Timedelta(days=90)].groupby("actor").size()
likes = toward[toward["kind"] == "like"].groupby("actor").size()
age = (as_of - act["at"]).dt.total_seconds() / 86400
act["score"] = act["weight"].fillna(1) * 0.5 ** (age / 90)
score = act.groupby("actor")["score"].sum()
counts = toward.pivot_table(index="actor", columns="kind", values="at", aggfunc="count", fill_value=0)
t = pd.DataFrame(index=pd.Index(followers, name="id"))
t["days"] = days.reindex(t.index).fillna(0)
t["recent"] = recent.reindex(t.index).fillna(0)
t["active"] = g.size().reindex(t.index).fillna(0)
t["likes"] = likes.reindex(t.index).fillna(0)
t["score"] = score.reindex(t.index).fillna(0)
t = t.join(counts, how="left").fillna(0)
t["tier"] = np.select([(t["days"] >= 3) & (t["recent"] > 0), t["active"] > 0, t["likes"] > 0],
                      ["committed", "occasional", "attentive"], "silent")
tiers = t["tier"].value_counts()
result = {{"working": int(tiers.get("committed", 0) + tiers.get("occasional", 0)),
          "committed": int(tiers.get("committed", 0)), "followers": len(t)}}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import innercircle
    from innercircle import sample

    tmp = Path(tempfile.mkdtemp(prefix="innercircle-bench-"))
    batch = sample.generate(followers=args.followers, interactions=args.interactions)
    ws_path = tmp / "w.duckdb"
    with innercircle.open(ws_path) as ws:
        ws.import_batch(batch)
        me = ws.owner
        for t in ("follows", "interactions", "posts"):
            ws.con.execute(f"COPY (SELECT * FROM {t}) TO '{tmp / (t + '.parquet')}' (FORMAT parquet)")
        sizes = ws.counts()
    print(f"generated network: {sizes['accounts']:,} accounts, {sizes['follows']:,} follows, "
          f"{sizes['interactions']:,} interactions (synthetic, built-in sample generator)")
    runs = {
        "innercircle audit (all measures, hollow included)": run_isolated(OURS.format(ws=str(ws_path), hollow=True),
                                                                           repeat=args.repeat),
        "innercircle audit (tiers and care only)": run_isolated(OURS.format(ws=str(ws_path), hollow=False),
                                                                 repeat=args.repeat),
        "plain pandas (tiers only)": run_isolated(PANDAS.format(dir=str(tmp), me=me), repeat=args.repeat),
    }
    base = runs["plain pandas (tiers only)"]
    print(f"{'':52}{'seconds':>9}{'peak MB':>9}{'vs pandas':>11}")
    for name, r in runs.items():
        print(f"{name:52}{r['seconds']:>9.2f}{r['peak_mb']:>9.0f}{r['seconds'] / base['seconds']:>10.2f}x")
    ours, theirs = runs["innercircle audit (tiers and care only)"]["result"], base["result"]
    print(f"same tiers: working {ours['working']:,} vs {theirs['working']:,}; committed {ours['committed']:,} vs "
          f"{theirs['committed']:,}")
    full = runs["innercircle audit (all measures, hollow included)"]
    print(f"targets: <= 10 s ({'met' if full['seconds'] <= 10 else 'NOT met'}), "
          f"<= 2048 MB ({'met' if full['peak_mb'] <= 2048 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
