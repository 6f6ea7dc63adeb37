"""Back-test of the response forecast, and the speed of forecast and simulate, in one run.

    python benchmarks/bench_forecast.py            # celebrities + sample networks + Higgs, a few minutes
    python benchmarks/bench_forecast.py --quick    # celebrities, one sample network, Higgs with 2 owners
    python benchmarks/bench_forecast.py --only celebs

0. Celebrity accounts and their retweeters (Li, Xie, Farajtabar and Song 2016, arXiv:1603.08981;
   ../shared/data/celebs_retweeters): each account's file is converted into the generic import
   format by ``celebs_generic.py`` (each post a request, each retweet by one of the 50 retweeters a
   response, attributed to the latest post before it), imported with the real importer and
   back-tested with the real ``forecast.backtest``: every post from the second on is predicted from
   the posts before it. Pooled over all posts, it prints coverage of [low, high], the 80% interval
   score ((high - low) + 10 x any miss; lower is better) and the mean absolute error, beside the
   naive forecast (mean of past posts; 10th-90th percentile of past counts as the range) on the same
   posts, and the ratio of interval scores. The model's tuned constants (recency half-life and
   appeal-spread prior) were chosen mainly on the even-numbered half of the accounts in alphabetical
   order; the odd half is printed separately (its figures were seen while choosing, so it is not a
   clean hold-out).
1. The built-in sample network (a B2B founder with 12 requests for help a year), several seeds:
   each request is predicted from the ones before it; coverage = how often the truth fell inside
   the forecast's [10th, 90th percentile], and the mean absolute error of the expected value.
2. Higgs Twitter (De Domenico et al. 2013, SNAP; ../shared/data/higgs): no requests for help exist
   there, so the engagement proxy is back-tested: for the most-addressed accounts, periods of the
   week (1 day and 6 hours) stand in for requests, and "answering" is retweeting, mentioning or
   replying to the account in that period. Followers come from the 355k-line prefix of the
   follower graph ("A B" = A follows B); the same test also runs with followers unknown (the
   population is everyone seen acting before). The week holds the Higgs announcement of 4 July
   2012, a burst no history predicts: read its coverage as a stress test.
3. Timings: `forecast` and `simulate` (default 1,000 runs, all scenarios) on the 4,000-follower sample,
   wall clock and CPU time of this process (they include the audit that supplies the tiers).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import innercircle  # noqa: E402
from innercircle.results import forecast as fc  # noqa: E402
from innercircle.results import simulate as sm  # noqa: E402
from innercircle.imports import import_source  # noqa: E402
from innercircle.io.batch import ImportBatch  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
import celebs_generic  # noqa: E402

HIGGS = ROOT / ".." / "shared" / "data" / "higgs"
KIND = {"RT": "share", "MT": "mention", "RE": "reply"}


def _summary(label: str, bts: list[dict]) -> dict:
    rows = [r for bt in bts for r in bt["rows"]]
    if not rows:
        print(f"  {label:<44} no trials to test")
        return {}
    exp = np.array([r["expected"] for r in rows])
    act = np.array([r["actual"] for r in rows])
    inside = np.mean([r["inside"] for r in rows])
    score = fc.interval_score([r["low"] for r in rows], [r["high"] for r in rows], act).mean()
    tested = np.array([bt["tested"] for bt in bts if bt.get("naive") and bt["tested"]])
    naive = [bt["naive"] for bt in bts if bt.get("naive") and bt["tested"]]
    n_cov, n_mae, n_score = (np.average([n[k] for n in naive], weights=tested)
                             for k in ("coverage", "mean_absolute_error", "interval_score"))
    print(f"  {label:<44} trials {len(rows):>4}  coverage {inside:6.1%} (naive {n_cov:6.1%})  "
          f"interval score {score:9.2f} (naive {n_score:9.2f})  MAE {np.mean(np.abs(exp - act)):8.2f} "
          f"(naive {n_mae:8.2f})  mean actual {act.mean():8.2f}")
    return {"trials": len(rows), "coverage": inside}


def _naive_rows(actual: np.ndarray, trials) -> pd.DataFrame:
    """The naive forecast of each trial j: mean and 10th/90th percentiles of the counts before it."""
    rows = []
    for j in trials:
        low, high = np.quantile(actual[:j], fc.QUANTILES)
        rows.append({"expected": actual[:j].mean(), "low": low, "high": high, "actual": actual[j]})
    return pd.DataFrame(rows)


def _measures(rows: pd.DataFrame) -> dict:
    inside = (rows["low"] <= rows["actual"]) & (rows["actual"] <= rows["high"])
    return {"coverage": inside.mean(), "mae": (rows["expected"] - rows["actual"]).abs().mean(),
            "score": fc.interval_score(rows["low"], rows["high"], rows["actual"]).mean()}


def _pooled(runs: list[tuple[dict, np.ndarray]]) -> dict:
    """Coverage, interval score and MAE of the model and of the naive forecast over all rows."""
    model = pd.DataFrame([r for bt, _ in runs for r in bt["rows"]])
    naive = pd.concat([_naive_rows(actual, [r["trial"] for r in bt["rows"]]) for bt, actual in runs])
    return {"posts": len(model), "model": _measures(model), "naive": _measures(naive)}


def celebs_backtest(data: Path) -> None:
    if not data.exists():
        print("Celebrity retweeters: skipped (../shared/data/celebs_retweeters is absent)")
        return
    print("Celebrity accounts (Li et al. 2016): each post predicted from the posts before it, through "
          "import + forecast --backtest")
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for folder in celebs_generic.convert(Path(tmp), data):
            ws = innercircle.open(":memory:")
            import_source(ws, folder, me=celebs_generic.OWNER)
            actual = fc.request_history(ws, celebs_generic.OWNER).actual()
            runs[folder.name] = (fc.backtest(ws), actual)
            ws.close()
    names = sorted(runs)
    halves = (("tuning half (even)", names[0::2]), ("other half (odd)", names[1::2]), ("all", names))
    print(f"  {'accounts':<24} {'posts':>5}  {'coverage':>17}  {'interval score':>19}  {'MAE':>13}  ratio")
    print(f"  {'':<24} {'':>5}  {'model':>8} {'naive':>8}  {'model':>9} {'naive':>9}  {'model':>6} {'naive':>6}")
    for label, sel in halves:
        p = _pooled([runs[n] for n in sel])
        m, b = p["model"], p["naive"]
        print(f"  {label + f' ({len(sel)})':<24} {p['posts']:>5}  {m['coverage']:8.1%} {b['coverage']:8.1%}  "
              f"{m['score']:9.2f} {b['score']:9.2f}  {m['mae']:6.2f} {b['mae']:6.2f}  {m['score'] / b['score']:.3f}")


def sample_backtest(seeds) -> None:
    print("Sample network (4,000 followers, 12 requests a year): predict each request from the earlier ones")
    bts = []
    for seed in seeds:
        ws = innercircle.open(":memory:")
        ws.import_batch(innercircle.sample.generate(seed=seed))
        bt = fc.backtest(ws)
        bts.append(bt)
        _summary(f"seed {seed}", [bt])
    if len(bts) > 1:
        _summary("all seeds", bts)


def _higgs_frames():
    social = pd.read_csv(HIGGS / "higgs-social_network.edgelist.prefix355k", sep=" ", header=None,
                         names=["follower", "followee"], on_bad_lines="skip", dtype=str).dropna()
    act = pd.read_csv(HIGGS / "higgs-activity_time.txt.gz", sep=" ", header=None,
                      names=["actor", "target", "t", "k"], dtype={"actor": str, "target": str})
    act = act[act["actor"] != act["target"]]
    act["kind"] = act["k"].map(KIND)
    act["at"] = pd.to_datetime(act["t"], unit="s")
    return social, act


def higgs_backtest(owners: int) -> None:
    if not (HIGGS / "higgs-activity_time.txt.gz").exists():
        print("Higgs: skipped (../shared/data/higgs is absent)")
        return
    social, act = _higgs_frames()
    followers = social.groupby("followee").size()
    addressed = act.groupby("target").size().sort_values(ascending=False)
    chosen = [o for o in addressed.index if followers.get(o, 0) >= 100][:owners]
    end = act["at"].max() + pd.Timedelta(seconds=1)
    print(f"Higgs Twitter, engagement proxy, {len(chosen)} most-addressed accounts with >= 100 known followers")
    for period, label in ((1.0, "1-day periods (7)"), (0.25, "6-hour periods (28)")):
        for known in (True, False):
            bts = []
            for owner in chosen:
                tables = {"interactions": act.loc[act["target"] == owner, ["actor", "target", "kind", "at"]]}
                if known:
                    tables["follows"] = social.loc[social["followee"] == owner, ["follower", "followee"]]
                ws = innercircle.open(":memory:")
                ws.import_batch(ImportBatch("generic", "higgs", tables=tables, owner=owner))
                bts.append(fc.backtest(ws, as_of=end, window_days=7, period_days=period))
                ws.close()
            _summary(f"{label}, followers {'from the prefix' if known else 'unknown'}", bts)


def timings() -> None:
    ws = innercircle.open(":memory:")
    ws.import_batch(innercircle.sample.generate())
    for label, fn in (("forecast (exact)", lambda: fc.forecast(ws)),
                      ("forecast --backtest", lambda: fc.backtest(ws)),
                      ("simulate, all scenarios, 1,000 runs", lambda: sm.simulate(ws)),
                      ("simulate --scenario real, 1,000 runs", lambda: sm.simulate(ws, scenario="real"))):
        t, c = time.perf_counter(), time.process_time()
        fn()
        print(f"  {label:<44} {time.perf_counter() - t:6.2f} s wall  {time.process_time() - c:6.2f} s CPU")
    out = sm.simulate(ws, scenario="real")["scenarios"]["real"]
    print(f"  (reach of the sample owner: {out['reach']['expected']:,.0f}, 10%-90% "
          f"{out['reach']['low']:,}-{out['reach']['high']:,})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="One sample seed and two Higgs owners.")
    ap.add_argument("--only", choices=["celebs", "sample", "higgs", "timings"], default=None,
                    help="Run one part only.")
    args = ap.parse_args()
    t = time.perf_counter()
    if args.only in (None, "celebs"):
        celebs_backtest(celebs_generic.DATA)
    if args.only in (None, "sample"):
        sample_backtest([7] if args.quick else [7, 8, 9, 10])
    if args.only in (None, "higgs"):
        higgs_backtest(2 if args.quick else 5)
    if args.only in (None, "timings"):
        print("Timings on the 4,000-follower sample network")
        timings()
    print(f"total {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
