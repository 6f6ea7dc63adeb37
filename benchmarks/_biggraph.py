"""Inputs for the graph benchmark: generated heavy-tailed graphs, a big owner workspace, and Higgs.

Everything generated here is synthetic and says so; the real graphs come from ../shared/data.

    python benchmarks/_biggraph.py higgs OUTDIR   # Higgs as generic-format Parquet (for `innercircle import`)
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".." / "shared" / "data"


def heavy_tailed_edges(edges: int, *, nodes: int | None = None, seed: int = 1,
                       popularity_exponent: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
    """A generated directed graph of exactly ``edges`` distinct follows, with heavy tails.

    A Chung-Lu style model: out-degrees (how many accounts one follows) are lognormal (median
    about 4, a long tail); the followed account is drawn with probability proportional to
    ``rank ** -popularity_exponent`` over a random permutation of the accounts, so in-degrees
    follow a Zipf law (at 20M edges and 2M accounts: a few accounts with tens of thousands of
    followers, the median account with a handful). Self-follows and duplicates are dropped and
    the edge list topped up until it holds ``edges`` distinct follows. Returns (follower, followee)
    index arrays.
    """
    rng = np.random.default_rng(seed)
    nodes = nodes or max(1000, edges // 10)
    weights = 1.0 / np.arange(1, nodes + 1, dtype=np.float64) ** popularity_exponent
    cum = np.cumsum(weights)
    cum /= cum[-1]
    perm = rng.permutation(nodes)
    target, keys = edges, np.zeros(0, dtype=np.int64)
    while len(keys) < edges:
        out = rng.lognormal(mean=1.5, sigma=1.3, size=nodes)
        out = np.round(out * target / out.sum()).astype(np.int64)
        src = np.repeat(np.arange(nodes, dtype=np.int64), out)
        dst = perm[np.searchsorted(cum, rng.random(len(src)), side="right").clip(max=nodes - 1)]
        keys = np.unique(src[src != dst] * nodes + dst[src != dst])
        target = int(target * edges / max(len(keys), 1) * 1.01) + 1
    keys = np.sort(rng.choice(keys, edges, replace=False))
    return keys // nodes, keys % nodes


def owner_workspace(path: str | Path, *, followers: int = 100_000, mean_followers: int = 200,
                    pool: int = 5_000_000, seed: int = 3) -> str:
    """A generated workspace: one owner with ``followers`` followers, each followed on average by
    ``mean_followers`` accounts (lognormal spread) drawn with Zipf popularity from ``pool``
    accounts, so about ``followers * mean_followers`` second-degree follow edges, imported as
    one batch (the id strings are formatted by DuckDB, not by Python). Returns the owner id.
    """
    import pyarrow as pa

    import innercircle

    rng = np.random.default_rng(seed)
    k = rng.lognormal(mean=0.0, sigma=0.8, size=followers)
    k = np.maximum(1, np.round(k * mean_followers / k.mean())).astype(np.int64)
    dst = np.repeat(np.arange(followers, dtype=np.int64), k)
    weights = 1.0 / np.arange(1, pool + 1, dtype=np.float64) ** 0.6
    cum = np.cumsum(weights)
    cum /= cum[-1]
    src = np.searchsorted(cum, rng.random(len(dst)), side="right").clip(max=pool - 1)
    import duckdb

    scratch = duckdb.connect()
    scratch.register("_edges", pa.table({"a": src, "b": dst}))
    # pool accounts are 'p<i>'; a tenth of them are also first-degree followers (overlap)
    follows = _arrow(scratch.sql(f"""
        SELECT CASE WHEN a % 10 = 0 AND a // 10 < {followers} THEN 'f' || (a // 10) ELSE 'p' || a END
               AS follower, 'f' || b AS followee FROM _edges
        UNION ALL SELECT 'f' || i, 'owner' FROM range({followers}) t(i)"""))
    scratch.close()
    batch = innercircle.ImportBatch(format="generated", source="benchmark owner network",
                                    tables={"follows": follows}, owner="owner")
    ws = innercircle.open(path)
    ws.import_batch(batch)
    ws.close()
    return "owner"


def _arrow(rel):
    for name in ("to_arrow_table", "fetch_arrow_table", "arrow"):
        if hasattr(rel, name):
            return getattr(rel, name)()
    raise TypeError("cannot read a DuckDB relation as Arrow")


def higgs_tables(folder: Path | None = None):
    """Higgs (De Domenico et al. 2013) as generic tables: follows from the social-network prefix,
    interactions from the activity file.

    Direction: a line ``A B`` of the social network means A follows B (SNAP's follower graph;
    KONECT lists its maximum out-degree as 1,259 and in-degree as 51,386, the shape of "following"
    versus "followers" on Twitter, and retweets run along A -> B twice as often as B -> A). A line
    ``A B ts RT|MT|RE`` of the activity file means A retweeted / mentioned / replied to B:
    actor A, target B, kind share / mention / reply, at ts (UTC). The prefix file's last line is
    cut mid-record and is dropped.
    """
    import pandas as pd

    folder = Path(folder or DATA / "higgs")
    social = folder / "higgs-social_network.edgelist.prefix355k"
    raw = social.read_bytes()
    if not raw.endswith(b"\n"):
        raw = raw[: raw.rfind(b"\n") + 1]
    follows = pd.read_csv(io.BytesIO(raw), sep=" ", header=None, names=["follower", "followee"],
                          dtype=str)
    act = pd.read_csv(folder / "higgs-activity_time.txt.gz", sep=" ", header=None,
                      names=["actor", "target", "ts", "k"], dtype={"actor": str, "target": str})
    kinds = {"RT": "share", "MT": "mention", "RE": "reply"}
    interactions = pd.DataFrame({
        "actor": act["actor"], "target": act["target"], "kind": act["k"].map(kinds),
        "at": pd.to_datetime(act["ts"], unit="s"),
    })
    return {"follows": follows, "interactions": interactions}


def write_higgs(out: Path) -> None:
    """Write Higgs as a generic-format folder (follows.parquet, interactions.parquet)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, df in higgs_tables().items():
        df.to_parquet(out / f"{name}.parquet", index=False)
        print(f"{out / (name + '.parquet')}: {len(df):,} rows")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "higgs":
        sys.exit("usage: python benchmarks/_biggraph.py higgs OUTDIR")
    write_higgs(Path(sys.argv[2]))
