"""innercircle policy show, advise, recommend, nurture, prune — advice only, nothing is followed or sent."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from ._common import common_options, echo_json, emit, plural, frame_records, output_options, write_frame, write_jsonl
from ._main import main
from ._options import owner_options
from ._session import load_audit, network

ADVICE_ONLY = "Advice only: innercircle never follows, unfollows, blocks or messages anyone."


def _owner_options(fn):
    fn = click.option("--values", default=None, metavar="TEXT",
                      help="Your values or topics, for alignment_score (else the workspace setting).")(fn)
    return owner_options(fn)


@contextlib.contextmanager
def _context(ctx_obj, me, as_of, window_days, values):
    """The advisor's context, built on the command's one Audit."""
    from ..advise import context

    with network(ctx_obj) as ws:
        a = load_audit(ctx_obj, ws, me=me, as_of=as_of, window_days=window_days, values=values)
        yield context(ws, audit=a)


def _cell(v, fmt: str = "{:.2f}") -> str:
    import pandas as pd

    if v is None or (not isinstance(v, (str, frozenset)) and pd.isna(v)):
        return "unknown"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return fmt.format(v)
    return str(v)


@main.group("policy")
def policy_group() -> None:
    """Connection policies: the rules advise applies (presets: picky, follow-back)."""


@policy_group.command("show")
@common_options(workspace=False)
@click.argument("name")
def policy_show_cmd(ctx_obj, name):
    """Print a preset (picky, follow-back) or a policy FILE as TOML, to copy and edit.

    Example: innercircle policy show picky > my-policy.toml
    """
    from ..advise.policy import PRESETS, load_policy, preset_text

    if name in PRESETS:
        click.echo(preset_text(name), nl=False)
    else:
        click.echo(load_policy(name).to_toml(), nl=False)


@main.command("advise")
@common_options
@_owner_options
@click.option("--policy", "policy", default="picky", show_default=True, metavar="picky|follow-back|FILE",
              help="The policy: a preset or a TOML file (see 'innercircle policy show picky').")
@click.option("--k", default=10, show_default=True, type=click.IntRange(0, 1000),
              help="How many recommended accounts to add to the candidates.")
@click.option("--decision", type=click.Choice(["connect", "decline", "review"]), default=None,
              help="Only candidates with this decision.")
@output_options
@click.option("--limit", default=30, show_default=True, type=click.IntRange(0), help="At most this many rows on screen.")
def advise_cmd(ctx_obj, me, as_of, window_days, values, policy, k, decision, csv_path, as_json, as_jsonl, limit):
    """Connect, decline or review each candidate, with the rules that decided in plain words.

    Candidates: followers you do not follow back, pending invitations, and recommended accounts.
    A summary compares what 'picky' and 'follow-back' would do to your connections: how many
    followers each connects, and the working and hollow shares of your connections afterwards.
    Unknown facts never lead to connect: they lead to review.

    Example: innercircle advise --policy picky --csv advice.csv
    """
    from ..advise import load_policy
    from ..advise.decide import advise

    pol = load_policy(policy)  # a bad policy file fails before any work
    with _context(ctx_obj, me, as_of, window_days, values) as ctx:
        result = advise(ctx.ws, ctx.me, policy=pol, k=k, ctx=ctx)
    table = result.table
    if decision:
        table = table[table["decision"] == decision].reset_index(drop=True)
    payload = result.to_dict()
    if decision:
        payload["candidates"] = frame_records(table)
    emit(ctx_obj, table, csv_path=csv_path, as_json=as_json, as_jsonl=as_jsonl, payload=payload,
         label="candidates", show=lambda: _show_advice(result, table, limit))


def _show_advice(result, table, limit: int) -> None:
    counts = result.to_dict()["counts"]
    click.echo(f"policy {result.policy}: {counts['connect']:,} connect, {counts['review']:,} review, "
               f"{counts['decline']:,} decline  (trusted core: {result.core['label']}, {result.core['size']:,})")
    for r in table.head(limit).itertuples(index=False):
        click.echo(f"{r.decision:<8} {_cell(r.handle) if r.handle else r.id:<24} {r.relation:<12} {r.reasons}")
    if len(table) > limit:
        click.echo(f"... {len(table) - limit:,} more (use --csv FILE for all)")
    for rule, n in result.unknown_rules.items():
        values = "alignment_score" in _rule_fields(result, rule)
        hint = " (state your values: innercircle values TEXT)" if values else ""
        click.echo(f"{plural(n, 'candidate')} could not be judged on {rule}: its facts are unknown{hint}")
    click.echo("\nif you applied each policy to your followers:")
    s = result.summary
    for name in s:
        row = s[name]
        lead = "now        " if name == "now" else f"{name:<11}"
        extra = "" if name == "now" else (f" connect {row['connect']:,} (working {_cell(row['working_connected'])}, "
                                          f"hollow {_cell(row['hollow_connected'])});")
        click.echo(f"  {lead}{extra} connections {row['connections']:,}; working share "
                   f"{_cell(row['working_share'])}; hollow share {_cell(row['hollow_share'])}")
    click.echo(ADVICE_ONLY)


def _rule_fields(result, rule_name: str) -> list[str]:
    from ..advise import load_policy

    pol = result.policy_obj or load_policy(result.policy)
    return next((r.fields for r in pol.rules if r.name == rule_name), [])


@main.command("recommend")
@common_options
@_owner_options
@click.option("--me-file", "me_file", default=None, type=click.Path(path_type=Path), metavar="FILE",
              help="Answer for many owners: one account id per line; rows me,rank,account,score,reasons.")
@click.option("--k", default=10, show_default=True, type=click.IntRange(1, 1000), help="Recommendations per owner.")
@output_options
def recommend_cmd(ctx_obj, me, as_of, window_days, values, me_file, k, csv_path, as_json, as_jsonl):
    """Whom to connect with beyond your network: friends of your trusted core, with reasons.

    Scored by trust from your core, values alignment and activity, minus hollow risk, e.g.
    "followed by 6 of your committed followers; trust: 0.97; shares your values: 0.71".
    With --me-file, one run answers for every owner listed with the learned link ranker
    (gradient-boosted trees over common neighbours, Adamic-Adar, resource allocation, personalised
    PageRank, degrees, triangle closure and communities; docs/advise.md) and writes CSV rows
    me,rank,account,score,reasons (to --csv FILE, else stdout).

    Example: innercircle recommend --k 10 --json
    """
    if me and me_file:
        raise click.UsageError("use --me or --me-file, not both")
    if me_file:
        return _recommend_many(ctx_obj, me_file, k, csv_path, as_json, as_jsonl)
    from ..advise.recommend import recommend

    with _context(ctx_obj, me, as_of, window_days, values) as ctx:
        table = recommend(ctx.ws, ctx.me, k=k, ctx=ctx)
    payload = {"me": ctx.me, "k": k, "count": len(table), "recommendations": frame_records(table)}
    emit(ctx_obj, table, csv_path=csv_path, as_json=as_json, as_jsonl=as_jsonl, payload=payload,
         label="recommendations", show=lambda: _show_recs(table))


def _show_recs(table) -> None:
    if table.empty:
        click.echo("no recommendations: nobody beyond your network is reachable from your trusted core")
        return
    for r in table.itertuples(index=False):
        who = r.handle if isinstance(r.handle, str) and r.handle else r.account
        click.echo(f"{r.rank:>3}. {who:<24} score {r.score:.3f}  {r.reasons}")
    click.echo(ADVICE_ONLY)


def _read_owners(path: Path) -> list[str]:
    from ..errors import InputError

    if not path.is_file():
        raise InputError("no such file", file=str(path), field="--me-file")
    owners = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            owners.append(line.split(",")[0].strip())
    if owners and owners[0].lower() in ("id", "account", "account_id"):  # a header line
        owners = owners[1:]
    if not owners:
        raise InputError("no account ids in the file", file=str(path), field="--me-file",
                         hint="write one account id per line")
    return list(dict.fromkeys(owners))


def _recommend_many(ctx_obj, me_file: Path, k: int, csv_path, as_json, as_jsonl=False) -> None:
    from ..advise.recommend import recommend_many

    owners = _read_owners(me_file)
    with network(ctx_obj) as ws:
        rows, missing = recommend_many(ws, owners, k=k)
    if missing:
        ctx_obj.warn(f"{len(missing):,} of {plural(len(owners), 'owner')} not in the workspace, skipped, "
                     f"e.g. {missing[0]!r}")
    if as_jsonl and not csv_path:
        write_jsonl(rows)
        return
    if as_json and not csv_path:
        echo_json({"owners": len(owners) - len(missing), "missing": missing, "k": k, "count": len(rows),
                   "rows": frame_records(rows)})
        return
    write_frame(rows, csv_path or "-")
    if csv_path and csv_path != "-":
        ctx_obj.info(f"wrote {plural(len(rows), 'recommendations')} for {plural(len(owners) - len(missing), 'owner')} "
                     f"to {csv_path}")


@main.command("nurture")
@common_options
@_owner_options
@output_options
@click.option("--limit", default=30, show_default=True, type=click.IntRange(0), help="At most this many rows on screen.")
def nurture_cmd(ctx_obj, me, as_of, window_days, values, csv_path, as_json, as_jsonl, limit):
    """Followers to look after: committed followers going quiet, and strong followers you never answer.

    Example: innercircle nurture --csv nurture.csv
    """
    from ..advise.decide import nurture

    with _context(ctx_obj, me, as_of, window_days, values) as ctx:
        table = nurture(ctx.ws, ctx.me, ctx=ctx)
    counts = table["nurture"].value_counts().to_dict() if len(table) else {}
    payload = {"count": len(table), "going_quiet": int(counts.get("going_quiet", 0)),
               "care_imbalance": int(counts.get("care_imbalance", 0)), "accounts": frame_records(table)}
    emit(ctx_obj, table, csv_path=csv_path, as_json=as_json, as_jsonl=as_jsonl, payload=payload, label="accounts",
         show=lambda: _show_list(table, "nurture", limit))


@main.command("prune")
@common_options
@_owner_options
@output_options
@click.option("--limit", default=30, show_default=True, type=click.IntRange(0), help="At most this many rows on screen.")
def prune_cmd(ctx_obj, me, as_of, window_days, values, csv_path, as_json, as_jsonl, limit):
    """Accounts you follow that could go: hollow ones, and ones that never engage and are not aligned.

    Accounts you tagged trusted, met, customer or supplier, and your trusted core, are never listed.

    Example: innercircle prune --json
    """
    from ..advise.decide import prune

    with _context(ctx_obj, me, as_of, window_days, values) as ctx:
        table = prune(ctx.ws, ctx.me, ctx=ctx)
    counts = table["prune"].value_counts().to_dict() if len(table) else {}
    payload = {"count": len(table), **{k: int(counts.get(k, 0)) for k in ("hollow", "never_engages", "one_way")},
               "accounts": frame_records(table)}
    emit(ctx_obj, table, csv_path=csv_path, as_json=as_json, as_jsonl=as_jsonl, payload=payload, label="accounts",
         show=lambda: _show_list(table, "prune", limit))


def _show_list(table, kind_col: str, limit: int) -> None:
    if table.empty:
        click.echo(f"nothing to {kind_col}")
    for r in table.head(limit).itertuples(index=False):
        who = r.handle if isinstance(r.handle, str) and r.handle else r.id
        click.echo(f"{getattr(r, kind_col):<15} {who:<24} {r.reasons}")
    if len(table) > limit:
        click.echo(f"... {len(table) - limit:,} more (use --csv FILE for all)")
    click.echo(ADVICE_ONLY)
