"""Engagement ledger, tiers and care both ways for every follower of the owner.

Definitions (defaults; every threshold is a keyword argument):

* **as-of**: the latest interaction time in the workspace that is not in the future, unless given.
  **window**: the ``window_days`` (365) days up to as-of.
* **Active actions toward me**: interactions whose target is the owner, or whose ``post`` is one of
  the owner's posts, of kind share, reply, mention, visit, message, contribution, word_of_mouth or
  response. **Passive**: like.
* **Tiers** within the window: *committed* — active actions on at least ``committed_days`` (3)
  distinct UTC calendar days, at least one in the last ``recent_days`` (90) before as-of;
  *occasional* — at least one active action, not committed; *attentive* — no active action, at least
  one like; *silent* — no interaction toward me at all; *unknown* — no known action while the
  workspace's sources cannot tell some kinds of action (an X archive does not say who liked or
  shared the owner's posts). A follower judged hollow gets tier *hollow* (see metrics.hollow).
* **engagement_score** = Σ weight · 0.5^(age_days / half_life_days) over active actions, plus
  ``like_weight`` (0.1) times the same sum over likes; half-life 90 days.
* **care_received** = the account's actions toward the owner in the window (likes count
  ``like_weight``); **care_given** = the owner's replies, shares, mentions and messages toward the
  account or its posts in the window, plus 1 when the owner follows the account;
  **care_balance** = (care_received − care_given) / (care_received + care_given) in [−1, 1]:
  +1 they give and get nothing back, −1 the owner gives and gets nothing; unknown when neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..model import KIND_REGISTRY, round_floats, unknown_kinds

#: Ledger column for each interaction kind, and the fact that must be known for it to count
#: (derived from :data:`innercircle.model.KIND_REGISTRY`).
KIND_COLUMNS = {k.name: (k.column, k.fact) for k in KIND_REGISTRY if k.column}
TIERS = ("committed", "occasional", "attentive", "silent", "hollow", "unknown")


@dataclass(frozen=True)
class Window:
    """The time window of an audit: ``start`` < at ≤ ``as_of`` (naive UTC datetimes)."""

    as_of: datetime
    days: int
    future_left_out: int = 0

    @property
    def start(self) -> datetime:
        return self.as_of - timedelta(days=self.days)


def resolve_window(con, *, as_of=None, window_days: int = 365, interactions: str = "interactions") -> Window:
    """The one as-of and window rule of every command.

    as-of: given (a bare date means the end of that day, UTC), else the latest interaction that is
    not in the future, else the latest post, follow or import on record: a time of the data, never
    "now", so the same workspace gives the same answer on every run. Interactions after the as-of
    are left out and counted in ``future_left_out``.
    """
    from ..store import queries

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    if as_of is None:
        as_of = queries.latest_time(con, now, interactions=interactions) or now.replace(microsecond=0)
    else:
        as_of = parse_as_of(as_of)
    future = queries.interactions_after(con, as_of, interactions=interactions)
    return Window(as_of=as_of, days=int(window_days), future_left_out=int(future))


def parse_as_of(value) -> datetime:
    """A date or time (text, date or datetime) as a naive UTC datetime; a bare date is its last second.

    >>> parse_as_of("2026-06-30")
    datetime.datetime(2026, 6, 30, 23, 59, 59)
    """
    import pandas as pd

    from ..errors import UsageError

    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        raise UsageError(f"cannot read {str(value)[:40]!r} as a date", field="--as-of",
                         hint="give an ISO date such as 2026-06-30") from None
    if ts is pd.NaT:
        raise UsageError("--as-of is empty", field="--as-of", hint="give an ISO date such as 2026-06-30")
    ts = ts.tz_convert("UTC").tz_localize(None) if ts.tzinfo is not None else ts
    out = ts.to_pydatetime()
    if isinstance(value, str) and len(value.strip()) <= 10:  # a bare date means the end of that day
        out = out + timedelta(days=1) - timedelta(seconds=1)
    return out


def ledger(con, me: str, window: Window, *, half_life_days: float = 90.0, like_weight: float = 0.1,
           follows: str = "follows", interactions: str = "interactions", posts: str = "posts",
           actors: str = "followers", recent_days: int = 90):
    """Per-account counts of actions toward ``me`` in the window, with score and care.

    ``actors="followers"`` gives one row per follower of ``me`` (zeros for those who did nothing);
    ``actors="others"`` one row per non-follower who acted toward ``me``; ``"all"`` both, in one pass.
    Column ``is_follower`` tells them apart. The SQL is :func:`innercircle.store.queries.ledger`.
    """
    from ..store import queries

    return queries.ledger(con, me, window, half_life_days=half_life_days, like_weight=like_weight,
                          follows=follows, interactions=interactions, posts=posts, actors=actors,
                          recent_days=recent_days, columns=KIND_COLUMNS)


def assign_tiers(df, unknown_facts=frozenset(), *, committed_days: int = 3, recent_days_hit: str = "recent_active"):
    """Add ``tier`` from the ledger columns (see the module docstring for the definitions)."""
    import numpy as np

    some_unknown = bool(unknown_kinds(unknown_facts))
    active = df["active_actions"].to_numpy() > 0
    committed = (df["active_days"].to_numpy() >= committed_days) & (df[recent_days_hit].to_numpy() > 0)
    likes = df["likes"].fillna(0).to_numpy() > 0
    quiet = "unknown" if some_unknown else "silent"
    tier = np.where(committed, "committed", np.where(active, "occasional", np.where(likes, "attentive", quiet)))
    df["tier"] = tier
    return df


def finish_ledger(df, unknown_facts=frozenset(), *, committed_days: int = 3):
    """Fill zeros for followers who did nothing, mark unknown kinds, add tier and care balance."""
    import numpy as np

    count_cols = [col for col, _ in KIND_COLUMNS.values()] + ["active_days", "recent_active", "active_actions"]
    for col in count_cols:
        df[col] = df[col].fillna(0).astype("int64")
    for col in ("engagement_score", "care_received", "care_given"):
        # rounded: DuckDB's parallel sums differ in the last bits from run to run
        df[col] = round_floats(df[col].fillna(0.0).astype("float64"), 9)
    assign_tiers(df, unknown_facts, committed_days=committed_days)
    blind = unknown_kinds(unknown_facts)
    for kind, (col, fact) in KIND_COLUMNS.items():
        if kind in blind:
            # What the sources cannot tell stays unknown, never 0 (known actions stay counted).
            df[col] = df[col].astype("Float64").mask(df[col] == 0)
    total = df["care_received"] + df["care_given"]
    df["care_balance"] = np.where(total > 0, (df["care_received"] - df["care_given"]) / total.where(total > 0, 1),
                                  np.nan)
    return df.drop(columns=["recent_active"])


def concentration(active_actions, share: float = 0.8) -> int:
    """How many accounts produce ``share`` (80%) of the active actions: the smallest such number."""
    import numpy as np

    counts = np.sort(np.asarray(active_actions, dtype=float))[::-1]
    total = counts.sum()
    if total <= 0:
        return 0
    return int(np.searchsorted(np.cumsum(counts), share * total - 1e-9) + 1)
