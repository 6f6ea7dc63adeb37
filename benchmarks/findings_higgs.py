"""Followers versus working followers on real Twitter behaviour (SNAP Higgs, De Domenico et al. 2013).

    python benchmarks/findings_higgs.py > out.md

Follows come from the social-network slice (`higgs-social_network.edgelist.prefix355k`: the first
355,074 edges of the 14.9M original, i.e. the follow lists of 5,395 accounts; an edge `a b` means a
follows b — checked: retweeters follow the retweeted author in 2,613 of 4,772 cases, the reverse 159
times). Interactions come from `higgs-activity_time.txt.gz`: `a b ts RT|MT|RE` means a retweeted (share),
mentioned or replied to b at ts. Prints the markdown tables of docs/findings.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HIGGS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "higgs"
KINDS = {"RT": "share", "MT": "mention", "RE": "reply"}


def load():
    import innercircle
    from innercircle.imports import import_source

    ws = innercircle.open(":memory:")
    import_source(ws, HIGGS / "higgs-social_network.edgelist.prefix355k")
    act = pd.read_csv(HIGGS / "higgs-activity_time.txt.gz", sep=" ", header=None, names=["actor", "target", "at", "k"],
                      dtype={"actor": str, "target": str})
    act["kind"] = act["k"].map(KINDS)
    act["at"] = pd.to_datetime(act["at"], unit="s")
    batch = innercircle.ImportBatch(format="generic", source="higgs-activity",
                                    tables={"interactions": act[["actor", "target", "kind", "at"]]})
    ws.import_batch(batch)
    return ws, act


def followers_vs_working(ws, owners):
    from innercircle.audit import audit

    rows = []
    for label, me in owners:
        r = audit(ws, me, hollow=False)
        rows.append((label, me, r["followers"], r["working"], r["committed"], r["working_share"],
                     r["non_follower_working"], r["by_kind"]["share"]))
    return pd.DataFrame(rows, columns=["picked by", "account", "followers", "working", "committed", "working_share",
                                       "non_follower_working", "shares_received"])


def time_check(ws, act, owners, rng, tiers=("committed",)):
    """First-half followers of ``tiers`` vs the same number picked at random or by follower count:
    what share of the second half's active actions (by followers) each group produces."""
    from innercircle.audit import follower_table

    mid = act["at"].min() + (act["at"].max() - act["at"].min()) / 2
    indeg = ws.sql("SELECT followee AS id, count(*) AS n FROM follows GROUP BY followee").set_index("id")["n"]
    rows = []
    for label, me in owners:
        first = follower_table(ws, me, as_of=mid.to_pydatetime(), window_days=365, hollow=False)
        chosen = set(first.loc[first["tier"].isin(tiers), "id"])
        followers = first["id"].to_numpy()
        later = act[(act["at"] > mid) & (act["target"] == me) & act["actor"].isin(set(followers))]
        total, k = len(later), len(chosen)
        if k == 0 or total == 0:
            rows.append((label, me, k, total, None, None, None))
            continue
        share = later["actor"].isin(chosen).mean()
        rand = np.mean([later["actor"].isin(set(rng.choice(followers, k, replace=False))).mean() for _ in range(200)])
        by_count = set(indeg.reindex(followers).fillna(0).sort_values(ascending=False, kind="stable").index[:k])
        rows.append((label, me, k, total, share, rand, later["actor"].isin(by_count).mean()))
    name = "+".join(tiers)
    return pd.DataFrame(rows, columns=["picked by", "account", f"{name} in 1st half", "2nd-half actions by followers",
                                       f"share by {name}", "share by random (mean of 200)",
                                       "share by most-followed"]), mid


def summary(table) -> str:
    valid = table.dropna()
    if not len(valid):
        return "no account had both a chosen group and second-half actions"
    w = valid["2nd-half actions by followers"]
    parts = [f"{col}: {(valid[col] * w).sum() / w.sum():.3f}" for col in valid.columns[4:]]
    return f"weighted by second-half actions over {len(valid)} accounts — " + "; ".join(parts)


def main() -> int:
    if not HIGGS.exists():
        print(f"skipped: {HIGGS} is not here")
        return 0
    ws, act = load()
    top_followed = ws.sql("SELECT followee AS id, count(*) AS n FROM follows GROUP BY followee "
                          "ORDER BY n DESC, id LIMIT 10")["id"].tolist()
    top_rt = (act[act["kind"] == "share"].groupby("target").size().sort_values(ascending=False, kind="stable")
              .head(10).index.tolist())
    owners = [("most followers", i) for i in top_followed] + [("most retweeted", i) for i in top_rt]
    print("## Followers versus working followers (Higgs, 1-7 July 2012)\n")
    t1 = followers_vs_working(ws, owners)
    print(t1.to_markdown(index=False, floatfmt=".3f"))
    for tiers in (("committed",), ("committed", "occasional")):
        t2, mid = time_check(ws, act, owners, np.random.default_rng(7), tiers)
        print(f"\n## Time check ({' + '.join(tiers)}): split at {mid:%Y-%m-%d %H:%M} UTC\n")
        print(t2.to_markdown(index=False, floatfmt=".3f"))
        print(f"\n{summary(t2)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
