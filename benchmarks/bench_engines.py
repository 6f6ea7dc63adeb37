"""rank and audit --owners (1,000 owners) on a Higgs-sized network, on DuckDB and on Spark (local mode):
wall time per stage and peak memory, measured in the same run.

    python benchmarks/bench_engines.py [--follows 15000000] [--owners 1000] [--engines duckdb,spark]
                                       [--workdir DIR] [--driver-memory 8g]

The network: Higgs' 456,626 accounts; ``--follows`` generated follows with a heavy-tailed degree
distribution like Higgs' (``_biggraph.heavy_tailed_edges``: lognormal out-degrees, Zipf in-degrees;
Higgs itself has 14.9M follows, the default), plus the real 563,069 Higgs interactions (retweets,
mentions, replies; ../shared/data/higgs). Owners: the most followed accounts. Setup (generating,
writing Parquet, importing into a workspace) is not timed; ``--workdir`` keeps the network there, so
that one engine can be run after the other without building it again.
Each engine runs in a fresh process; peak memory is the resident high-water mark of the Python
process and, for Spark, of its JVM (local mode: driver and executors in one JVM; the Python
workers that run the hollow model are not included).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HIGGS_ACCOUNTS = 456_626

RUN = r"""
import json, resource, sys, time
sys.path.insert(0, {bench!r})
from _stages import Stages
import innercircle
from innercircle.results.audit import Audit
st = Stages()
ws = innercircle.open({ws!r}, read_only=True)
owners = [r[0] for r in ws.con.execute("SELECT followee FROM follows GROUP BY followee ORDER BY count(*) DESC, "
                                      "followee LIMIT {owners}").fetchall()]
engine_name = {engine!r}
if engine_name == "spark":
    import os
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from innercircle.engines.spark import SparkEngine, session
    with st("start Spark"):
        session("local[*]")
    with st("read the source"):
        eng = SparkEngine.open(source={src!r})
        eng.arrow("SELECT count(*) AS n FROM ic_follows")
else:
    from innercircle.engines.duckdb import DuckDBEngine
    eng = DuckDBEngine(ws)
a = Audit.load(ws)
from innercircle.engines import owners as O, rank as R
with st("audit --owners"):
    table = O.audit_owners(eng, owners, a.window)
b = __import__("innercircle.engines._sql", fromlist=["Bounds"]).Bounds.of(a.window)
with st("rank: working pairs"):
    R.working_pairs(eng, b, owner=a.me)
    eng.arrow("SELECT count(*) AS n FROM ic_pairs")
with st("rank: hollow pairs"):
    R.pair_hollow(eng, a.window, threshold=None, hollow=True)
    eng.arrow("SELECT count(*) AS n FROM ic_pair_flags")
with st("rank: pagerank"):
    steps = R.pagerank(eng)
with st("rank: table"):
    eng.define("ic_rank", R.assemble_sql(eng.unknown, a.me, None), keep=True)
    n = eng.arrow("SELECT count(*) AS n FROM ic_rank").to_pylist()[0]["n"]
if engine_name == "duckdb":
    from innercircle.graph.rank import rank_table
    with st("rank (the default path, rank_table)"):
        rank_table(a)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
jvm = None
if engine_name == "spark":  # the JVM is a running child: its own high-water mark, from /proc
    pid = eng.spark.sparkContext._gateway.proc.pid
    hwm = [ln for ln in open(f"/proc/{{pid}}/status") if ln.startswith("VmHWM")]
    jvm = int(hwm[0].split()[1]) / 1024 if hwm else None
print(json.dumps({{"stages": st.times, "pagerank_steps": steps, "accounts": n, "owners": len(table),
                  "peak_mb": round(peak), "jvm_peak_mb": round(jvm) if jvm else None}}))
"""


def build(folder: Path, follows: int) -> Path:
    """Generic-format Parquet of the Higgs-sized network, and a workspace imported from it."""
    import pandas as pd

    sys.path.insert(0, str(Path(__file__).parent))
    from _biggraph import heavy_tailed_edges, higgs_tables

    src, dst = heavy_tailed_edges(follows, nodes=HIGGS_ACCOUNTS, seed=5)
    net = folder / "net"
    net.mkdir()
    pd.DataFrame({"follower": (src + 1).astype(str), "followee": (dst + 1).astype(str)}).to_parquet(
        net / "follows.parquet", index=False)
    higgs_tables()["interactions"].to_parquet(net / "interactions.parquet", index=False)
    ws = folder / "ws.duckdb"
    subprocess.run([sys.executable, "-m", "innercircle", "import", str(net), "--workspace", str(ws), "--quiet"],
                   check=True)
    return net


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)  # a build that stopped half-way
    folder.mkdir(parents=True)
    return folder


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--follows", type=int, default=15_000_000)
    p.add_argument("--owners", type=int, default=1000)
    p.add_argument("--engines", default="duckdb,spark")
    p.add_argument("--driver-memory", default="8g", help="Spark's JVM heap in local mode (driver and executors)")
    p.add_argument("--workdir", type=Path, help="build the network here once and keep it (default: a temporary folder)")
    args = p.parse_args()
    with contextlib.ExitStack() as stack:
        if args.workdir:
            tmp = args.workdir / f"follows-{args.follows}"
            net = tmp / "net" if (tmp / "ws.duckdb").exists() else build(_fresh(tmp), args.follows)
        else:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="innercircle-bench-")))
            net = build(tmp, args.follows)
        print(f"network: Higgs' id space ({HIGGS_ACCOUNTS:,} ids), {args.follows:,} generated follows, "
              f"563,069 Higgs interactions; {args.owners:,} owners")
        for engine in args.engines.split(","):
            code = RUN.format(bench=str(Path(__file__).parent), ws=str(Path(tmp) / "ws.duckdb"), src=str(net),
                              owners=args.owners, engine=engine)
            env = {**os.environ, "PYSPARK_SUBMIT_ARGS": f"--driver-memory {args.driver_memory} pyspark-shell"}
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
            if out.returncode:
                sys.exit(out.stderr[-3000:])
            r = json.loads(out.stdout.strip().splitlines()[-1])
            jvm = f" + JVM {r['jvm_peak_mb']:,} MB" if r.get("jvm_peak_mb") else ""
            print(f"\n{engine}: peak memory {r['peak_mb']:,} MB (Python){jvm}; PageRank steps {r['pagerank_steps']}")
            for stage, sec in r["stages"].items():
                print(f"  {stage:<40} {sec:8.1f} s")


if __name__ == "__main__":
    main()
