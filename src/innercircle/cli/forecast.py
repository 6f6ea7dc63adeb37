"""innercircle forecast, simulate: who will answer the next request, and how far a post travels."""

from __future__ import annotations

import click

from ._common import common_options, echo_json, output_options, plural, write_frame
from ._main import main
from ._options import owner_options
from ._session import load_audit, network


def _fmt(value, digits: int = 0) -> str:
    if value is None:
        return "unknown"
    return f"{value:,.{digits}f}"


def _range(d: dict, digits: int = 0) -> str:
    if d.get("expected") is None:
        return "unknown"
    return f"{_fmt(d['expected'], digits)}  (10%-90%: {_fmt(d['low'])} to {_fmt(d['high'])})"


@main.command("forecast")
@common_options
@owner_options
@output_options(jsonl=False)
@click.option("--followers", "n_followers", default=None, type=click.IntRange(0), metavar="N",
              help="What-if: a network of N followers (give --working-share too).")
@click.option("--working-share", default=None, type=click.FloatRange(0, 1), metavar="X",
              help="What-if: the share of those followers that work (0.05 = 5%).")
@click.option("--backtest", is_flag=True, help="Also predict each past request from the ones before it.")
@click.option("--seed", default=7, show_default=True, type=int, help="Seed for Monte Carlo draws.")
@click.option("--method", type=click.Choice(["auto", "exact", "monte-carlo"]), default="auto", show_default=True,
              help="How the 10th/90th percentiles are computed.")
@click.option("--runs", default=20_000, show_default=True, type=click.IntRange(100), help="Monte Carlo runs.")
def forecast_cmd(ctx_obj, me, as_of, window_days, csv_path, as_json, n_followers, working_share, backtest, seed,
                 method, runs):
    """How many people will answer your next request for help (expected, 10th and 90th percentile).

    Each follower's chance comes from its history: the requests for help it could have seen and
    the ones it answered, or, without requests on record, how often it was active toward you per
    30 days. Followers with little history are pulled toward the population (or tier) rate
    (beta-binomial empirical Bayes); the total is a Poisson-binomial. --followers N
    --working-share X shows the arithmetic of size versus quality with your own rates.

    Example: innercircle forecast --json --followers 7000 --working-share 0.05
    """
    from ..results import forecast as fc
    from ..errors import UsageError

    if (n_followers is None) != (working_share is None):
        raise UsageError("--followers and --working-share go together", hint="give both, e.g. "
                         "--followers 7000 --working-share 0.05")
    with network(ctx_obj) as ws:
        a = load_audit(ctx_obj, ws, me=me, as_of=as_of, window_days=window_days)
        result = fc.forecast(a, method=method, runs=runs, seed=seed)
        if backtest and result.get("basis"):
            result["backtest"] = fc.backtest(a, method=method, seed=seed)
        if n_followers is not None:
            rates = fc.working_rates(a)
            wi = fc.what_if(n_followers, working_share, working_rate=rates["working_rate"],
                            other_rate=rates["other_rate"], seed=seed)
            result["what_if"] = {**wi, "rates_source": rates["source"], "working_means": rates["working_means"]}
    if csv_path:
        _forecast_csv(result, csv_path)
    if as_json:
        echo_json(result)
    elif not csv_path:
        _print_forecast(result)


def _forecast_csv(result: dict, path: str) -> None:
    """The forecast's scalar figures as a one-row CSV (the back-test rows, when asked, are in --json)."""
    import pandas as pd

    write_frame(pd.DataFrame([{k: v for k, v in result.items() if not isinstance(v, (dict, list))}]), path)


def _print_forecast(r: dict) -> None:
    lines = []
    if r["expected_responders"] is None:
        lines.append("Expected responders to your next request: unknown")
    else:
        lines.append(f"Expected responders to your next request: {_fmt(r['expected_responders'], 1)}"
                     f"  (10%-90%: {r['low']} to {r['high']})")
    lines.append(f"  model: {r['model']}")
    for tier, t in (r.get("by_tier") or {}).items():
        lines.append(f"  {tier:<11} {t['followers']:>7,} followers  mean rate {t['mean_rate']:.4f}  "
                     f"expected {t['expected_responders']:,.1f}")
    bt = r.get("backtest")
    if bt:
        if bt["coverage"] is None:
            lines.append("  back-test: too few requests to test")
        else:
            lines.append(f"  back-test over {plural(bt['tested'], 'past ' + ('request' if bt['basis'] == 'requests' else 'period'))}:"
                         f" truth inside [low, high] {bt['coverage']:.0%} of the time, mean absolute error "
                         f"{bt['mean_absolute_error']:.1f}")
    wi = r.get("what_if")
    if wi:
        lines.append(f"What if: {plural(wi['followers'], 'follower')}, {wi['working_share']:.1%} working "
                     f"({wi['working_followers']:,} working x {wi['working_rate']:.3g} + {wi['other_followers']:,} "
                     f"others x {wi['other_rate']:.3g}) = {wi['expected_responders']:,.1f} responders "
                     f"(10%-90%: {wi['low']} to {wi['high']}; rates from {wi['rates_source']})")
    for note in r.get("notes") or []:
        lines.append(f"  note: {note}")
    click.echo("\n".join(lines))


@main.command("simulate")
@common_options
@owner_options
@output_options(jsonl=False)
@click.option("--runs", default=1000, show_default=True, type=click.IntRange(1, 1_000_000), help="Monte Carlo runs.")
@click.option("--seed", default=7, show_default=True, type=int, help="Seed: the same seed gives the same output.")
@click.option("--scenario", type=click.Choice(["real", "committed-vs-random", "growth", "all"]), default="all",
              show_default=True, help="Which scenario to run.")
def simulate_cmd(ctx_obj, me, as_of, window_days, csv_path, as_json, runs, seed, scenario):
    """How far a post of yours travels: independent-cascade Monte Carlo on your follow graph.

    A post reaches your followers; each account reached passes it on once to its own followers
    with its pass-on probability (estimated from the shares of your posts, shrunk toward the
    average; a small default for accounts with no history). Scenarios: 'real' (your network),
    'committed-vs-random' (1,000 committed followers versus 1,000,000 random ones), 'growth'
    (12 months of scripted follow-back versus picky organic growth). Expected values with 10th and
    90th percentiles.

    Example: innercircle simulate --json --scenario all --runs 1000 --seed 7
    """
    from ..results.simulate import simulate

    with network(ctx_obj) as ws:
        a = load_audit(ctx_obj, ws, me=me, as_of=as_of, window_days=window_days)
        result = simulate(a, runs=runs, seed=seed, scenario=scenario)
    if csv_path:
        write_frame(simulation_rows(result), csv_path)
    if as_json:
        echo_json(result)
    elif not csv_path:
        _print_simulation(result)


def simulation_rows(result: dict):
    """Every figure with a range as a row: scenario, what, expected, low, high."""
    import pandas as pd

    rows = []

    def walk(path: list[str], node) -> None:
        if isinstance(node, dict) and {"expected", "low", "high"} <= set(node):
            rows.append({"scenario": path[0], "what": ".".join(path[1:]),
                         **{k: node[k] for k in ("expected", "low", "high")}})
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(path + [str(k)], v)

    for name, scenario in result["scenarios"].items():
        walk([name], scenario)
    return pd.DataFrame(rows, columns=["scenario", "what", "expected", "low", "high"])


def _print_simulation(r: dict) -> None:
    sc = r["scenarios"]
    lines = [f"Spread simulation ({plural(r['runs'], 'run')}, seed {r['seed']})"]
    if "real" in sc:
        a = sc["real"]
        lines += [f"Your network ({plural(a['followers'], 'follower')}):",
                  f"  reach                {_range(a['reach'])}",
                  f"  beyond followers     {_range(a['beyond_followers'])}",
                  f"  accounts passing on  {_range(a['sharers'])}",
                  f"  responders           {_range(a['responders'], 1)}"]
        lines += [f"  note: {n}" for n in a.get("notes", [])]
    if "committed_vs_random" in sc:
        lines.append("1,000 committed followers versus 1,000,000 random ones:")
        for name, b in sc["committed_vs_random"].items():
            lines += [f"  {name} ({b['followers']:,}): reach {_range(b['reach'])}",
                      f"  {'':>{len(name)}}  beyond followers {_range(b['beyond_followers'])}; "
                      f"responders {_range(b['responders'], 1)}"]
    if "growth" in sc:
        g = sc["growth"]
        lines.append(f"12 months of growth (today: {plural(g['today']['followers'], 'follower')}, "
                     f"{g['today']['working_followers']:,} working):")
        for name in ("follow_back", "organic"):
            s = g[name]
            hollow = s["hollow_share"]
            lines += [f"  {name.replace('_', '-')}: +{_fmt(s['followers_added']['expected'])} followers, "
                      f"+{_fmt(s['working_added']['expected'])} working, hollow share "
                      f"{hollow['expected']:.1%}",
                      f"    reach {_range(s['reach'])} (+{_fmt(s['reach_added']['expected'])}, of which "
                      f"{_fmt(s['beyond_followers_added']['expected'])} through shares)",
                      f"    responders {_range(s['responders'], 1)} (+{_fmt(s['responders_added']['expected'], 1)})"]
    lines += [f"note: {n}" for n in r.get("notes", [])]
    click.echo("\n".join(lines))
