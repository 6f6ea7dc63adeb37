"""Import ../shared/data/slashdot (948,464 follow edges) into a fresh workspace, beside pandas.read_csv
of the same file measured in the same run.

    python benchmarks/bench_import.py [--repeat 3]

Prints edges/s and peak memory of each, and the ratio import / read_csv (target: <= 3).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _measure import run_isolated

SLASHDOT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "slashdot" / "soc-Slashdot0902.txt.gz"

IMPORT = f"""
import tempfile, os
t0 = time.perf_counter()
from innercircle import open as open_ws
from innercircle.imports import import_source
d = tempfile.mkdtemp()
ws = open_ws(os.path.join(d, "w.duckdb"))
s = import_source(ws, {str(SLASHDOT)!r})
ws.close()
result = s["counts"]["follows"] + sum(s["skipped"].values())
"""

PANDAS = f"""
t0 = time.perf_counter()
import pandas as pd
df = pd.read_csv({str(SLASHDOT)!r}, sep="\\t", comment="#", header=None, names=["follower", "followee"], dtype=str)
result = len(df)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not SLASHDOT.exists():
        print(f"skipped: {SLASHDOT} is not here")
        return 0
    ours = run_isolated(IMPORT, repeat=args.repeat)
    theirs = run_isolated(PANDAS, repeat=args.repeat)
    edges = theirs["result"]
    assert ours["result"] == edges, (ours["result"], edges)
    print(f"slashdot: {edges:,} edge lines (median of {args.repeat} fresh processes; imports included in the time)")
    print(f"{'':24}{'seconds':>10}{'edges/s':>14}{'peak MB':>10}")
    for name, r in (("innercircle import", ours), ("pandas.read_csv", theirs)):
        print(f"{name:24}{r['seconds']:>10.2f}{edges / r['seconds']:>14,.0f}{r['peak_mb']:>10.0f}")
    ratio = ours["seconds"] / theirs["seconds"]
    print(f"ratio import / read_csv: {ratio:.2f} (target <= 3.00: {'met' if ratio <= 3 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
