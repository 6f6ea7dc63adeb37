"""Row accumulator shared by the Mastodon and Bluesky readers and API clients: rows in, an ImportBatch out."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..batch import ImportBatch

_TS = {"accounts": ("created_at", "observed_at"), "follows": ("since",), "interactions": ("at",),
       "posts": ("at",)}


class Rows:
    """Collects generic-table rows as plain dicts; `batch()` turns them into DataFrames once.

    Accounts are merged by id: the first non-empty value of each field wins, so a file that names
    a handle fills it for an id another file only referenced.
    """

    def __init__(self) -> None:
        self.accounts: dict[str, dict[str, Any]] = {}
        self.follows: dict[tuple[str, str], dict[str, Any]] = {}
        self.interactions: list[dict[str, Any]] = []
        self.posts: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.memberships: set[tuple[str, str]] = set()

    def account(self, id: str | None, **fields: Any) -> None:
        if not id:
            return
        rec = self.accounts.setdefault(id, {"id": id})
        for k, v in fields.items():
            if v is not None and v != "" and rec.get(k) is None:
                rec[k] = v

    def follow(self, follower: str, followee: str, since: Any = None) -> bool:
        """Add one edge; False (not added) for a self-follow or a duplicate."""
        if not follower or not followee or follower == followee or (follower, followee) in self.follows:
            return False
        self.follows[(follower, followee)] = {"follower": follower, "followee": followee, "since": since}
        return True

    def interact(self, actor: str | None, target: str | None, kind: str, *, at: Any = None,
                 post: str | None = None, weight: float | None = None) -> bool:
        if not actor or not target or actor == target:
            return False
        self.interactions.append({"actor": actor, "target": target, "kind": kind, "at": at,
                                  "post": post, "weight": weight})
        return True

    def post(self, id: str, **fields: Any) -> None:
        if id and id not in self.posts:
            self.posts[id] = {"id": id, **fields}

    def group(self, id: str, name: str | None = None) -> None:
        self.groups.setdefault(id, {"group": id, "name": name})

    def member(self, group: str, account: str) -> None:
        if group and account:
            self.memberships.add((group, account))

    def kind_counts(self) -> Counter:
        return Counter(r["kind"] for r in self.interactions)

    def frames(self) -> dict[str, Any]:
        import pandas as pd

        from ...redact import scrub

        out: dict[str, Any] = {}
        rows = {"accounts": list(self.accounts.values()), "follows": list(self.follows.values()),
                "interactions": self.interactions, "posts": list(self.posts.values())}
        for name, recs in rows.items():
            if not recs:
                continue
            df = pd.DataFrame.from_records(recs)
            for col in _TS.get(name, ()):
                if col in df.columns:
                    df[col] = to_utc(df[col])
            out[name] = scrub(df)  # an API that echoes the token must not get it into the workspace
        if self.groups:
            counts = Counter(g for g, _ in self.memberships)
            out["groups"] = pd.DataFrame([{**g, "members_count": counts.get(g["group"], 0)}
                                          for g in self.groups.values()])
        if self.memberships:
            out["memberships"] = pd.DataFrame(sorted(self.memberships), columns=["group", "account"])
        return out

    def summary(self) -> str:
        """One readable line: what was found, counts per kind."""
        parts = [f"{len(self.accounts)} accounts", f"{len(self.follows)} follows", f"{len(self.posts)} posts"]
        parts += [f"{n} {kind}" for kind, n in sorted(self.kind_counts().items())]
        if self.groups:
            parts.append(f"{len(self.groups)} lists with {len(self.memberships)} members")
        return "found " + ", ".join(parts)

    def batch(self, fmt: str, source: str, *, owner: str | None, unknown: set[str],
              notes: list[str], skipped: dict[str, int]) -> ImportBatch:
        return ImportBatch(format=fmt, source=source, tables=self.frames(), owner=owner,
                           unknown=set(unknown), notes=[self.summary(), *notes], skipped=dict(skipped))


def to_utc(values):
    """ISO-8601 strings (or datetimes) -> naive UTC timestamps; unreadable values become NaT."""
    import pandas as pd

    s = pd.Series(values, dtype=object)
    s = s.where(s.map(lambda v: isinstance(v, str) and 0 < len(v) < 64), None)
    ts = pd.to_datetime(s, utc=True, errors="coerce", format="ISO8601")
    return ts.dt.tz_localize(None)
