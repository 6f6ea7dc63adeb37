"""Convert the celebrity-retweeter files (Li et al. 2016) into the generic import format.

    python benchmarks/celebs_generic.py OUT_DIR [--data DIR] [--handles a,b,c]

``tweets/<handle>.txt`` holds ``unix_ts,node_id,is_retweet_of_celebrity`` rows, time-sorted: node 1
is the account, nodes 2-51 are 50 of its recent retweeters. For each account this writes
``OUT_DIR/<handle>/`` with

* ``accounts.csv`` (``id``, ``handle``): the account (id ``1``) and its retweeters (their node id);
* ``follows.csv``: each retweeter follows the account (no date: the data has none);
* ``interactions.csv``: each post of the account is a row actor = target = the account,
  ``kind = request``, ``at`` = Unix seconds, ``post`` = a post id (``p0``, ``p1``, ... in time
  order); each retweet of the account is a row actor = the retweeter, target = the account,
  ``kind = response``, ``at``, with an empty ``post`` (the data does not say which post: the import
  attributes it to the latest post at or before it).

The retweeters' own tweets (third column 0) are not requests or answers and are left out. This is
the layout of the issue's held-out check, so `innercircle import OUT_DIR/<handle> --me 1` followed
by `innercircle forecast --backtest --json` runs exactly what the check runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "celebs_retweeters" / "tweets"
OWNER = "1"


def read_tweets(path: Path) -> pd.DataFrame:
    """One account's file as a frame with columns ``at`` (int seconds), ``node`` (text), ``rt`` (0/1)."""
    df = pd.read_csv(path, header=None, names=["at", "node", "rt"], dtype={"at": "int64", "node": str, "rt": "int64"})
    return df.sort_values("at", kind="stable").reset_index(drop=True)


def generic_tables(tweets: pd.DataFrame, handle: str) -> dict[str, pd.DataFrame]:
    """The three generic tables for one account (see the module docstring)."""
    posts = tweets[tweets["node"] == OWNER].reset_index(drop=True)
    retweets = tweets[(tweets["node"] != OWNER) & (tweets["rt"] == 1)]
    others = sorted(set(tweets.loc[tweets["node"] != OWNER, "node"]), key=int)
    accounts = pd.DataFrame({"id": [OWNER, *others], "handle": [handle, *(f"{handle}_rt{n}" for n in others)]})
    follows = pd.DataFrame({"follower": others, "followee": OWNER})
    requests = pd.DataFrame({"actor": OWNER, "target": OWNER, "kind": "request", "at": posts["at"],
                             "post": [f"p{i}" for i in range(len(posts))]})
    responses = pd.DataFrame({"actor": retweets["node"], "target": OWNER, "kind": "response",
                              "at": retweets["at"], "post": ""})
    return {"accounts": accounts, "follows": follows,
            "interactions": pd.concat([requests, responses], ignore_index=True)}


def write_account(path: Path, out: Path) -> Path:
    """Write ``out/<handle>/`` for the file ``path``; returns the folder."""
    handle = path.stem
    folder = out / handle
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in generic_tables(read_tweets(path), handle).items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def convert(out: Path, data: Path = DATA, handles=None) -> list[Path]:
    """Convert every (or the named) account under ``data`` into ``out``; returns the folders."""
    files = sorted(data.glob("*.txt"))
    if handles:
        files = [f for f in files if f.stem in set(handles)]
    return [write_account(f, Path(out)) for f in files]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--handles", default=None, help="Comma-separated handles (default: all).")
    args = ap.parse_args()
    folders = convert(args.out, args.data, args.handles.split(",") if args.handles else None)
    print(f"wrote {len(folders)} account folders under {args.out}")


if __name__ == "__main__":
    main()
