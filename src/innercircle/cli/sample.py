"""innercircle sample: write the built-in sample network (or a larger one) as generic import files."""

from __future__ import annotations

import time

import click

from ._common import NoProgress, common_options, deprecated
from ._main import main

#: From this many followers on, generation takes long enough to deserve a progress bar.
_PROGRESS_FROM = 20_000


@main.command("sample")
@common_options(workspace=False)
@click.option("--followers", type=click.IntRange(min=20), default=4000, show_default=True,
              help="How many accounts follow the owner.")
@click.option("--out", "out", type=click.Path(file_okay=False), required=True,
              help="Folder to write accounts, follows, interactions, posts, groups and memberships to.")
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed: same seed, same network.")
@click.option("--interactions", type=click.IntRange(min=0), default=None,
              help="Number of interaction rows [default: 15 per follower].")
@click.option("--output-format", "fmt", type=click.Choice(["csv", "parquet"]), default=None,
              help="File format of the generic tables (default: csv).")
@click.option("--format", "old_fmt", type=click.Choice(["csv", "parquet"]), default=None, hidden=True)
@click.option("--end", default="2026-06-30", show_default=True,
              help="When the year of interactions ends (ISO 8601; profiles are observed then).")
@click.option("--truth", "truth", type=click.Path(dir_okay=False), default=None,
              help="Also write the construction labels (id, kind, segment, follower, hollow) to this CSV.")
def sample_cmd(ctx_obj, followers, out, seed, interactions, fmt, old_fmt, end, truth):
    """Generate a sample network of a B2B founder and write it as generic import files.

    The owner is the account "founder"; followers include committed, occasional, attentive and
    silent ones, a follow-back farm, mass followers, a burst of bought followers and inactive
    accounts. Import the folder with `innercircle import DIR --me founder`.

    Example: innercircle sample --followers 100000 --interactions 2000000 --out big-sample
    """
    from .. import sample

    if old_fmt is not None:
        deprecated("--format", "--output-format", quiet=ctx_obj.quiet)
    fmt = fmt or old_fmt or "csv"

    started = time.perf_counter()
    show = not ctx_obj.quiet and followers >= _PROGRESS_FROM
    with (ctx_obj.progress() if show else NoProgress()) as progress:
        task = progress.add_task("generating", total=8)

        def step(done: int, total: int, label: str) -> None:
            progress.update(task, completed=done, description=f"generating {label}")

        batch = sample.generate(followers=followers, seed=seed, interactions=interactions, end=end,
                                progress=step)
        progress.update(task, completed=7, description=f"writing {fmt}")
        sample.write_batch(batch, out, fmt=fmt)
        if truth:
            sample.write_truth(batch, truth)
        progress.update(task, completed=8)
    counts = ", ".join(f"{len(frame):,} {name}" for name, frame in batch.tables.items())
    ctx_obj.info(f"sample: wrote {counts} to {out} (owner: {batch.owner}; "
                 f"{time.perf_counter() - started:.1f} s)")
