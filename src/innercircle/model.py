"""The domain: the generic tables, their columns and types, and the kinds of interaction."""

from __future__ import annotations

from dataclasses import dataclass

#: Column name -> DuckDB type, per table of the generic import format. This is a contract.
TABLES: dict[str, dict[str, str]] = {
    "accounts": {
        "id": "VARCHAR", "handle": "VARCHAR", "name": "VARCHAR", "bio": "VARCHAR",
        "followers_count": "BIGINT", "following_count": "BIGINT", "posts_count": "BIGINT",
        "created_at": "TIMESTAMP", "url": "VARCHAR", "has_avatar": "BOOLEAN", "verified": "BOOLEAN",
        "location": "VARCHAR", "lang": "VARCHAR", "company": "VARCHAR", "position": "VARCHAR",
        "email": "VARCHAR", "tags": "VARCHAR", "observed_at": "TIMESTAMP",
    },
    "follows": {"follower": "VARCHAR", "followee": "VARCHAR", "since": "TIMESTAMP"},
    "interactions": {
        "actor": "VARCHAR", "target": "VARCHAR", "kind": "VARCHAR", "at": "TIMESTAMP",
        "post": "VARCHAR", "weight": "DOUBLE",
    },
    "posts": {"id": "VARCHAR", "author": "VARCHAR", "at": "TIMESTAMP", "text": "VARCHAR",
              "reply_to": "VARCHAR", "url": "VARCHAR"},
    "groups": {"group": "VARCHAR", "name": "VARCHAR", "members_count": "BIGINT"},
    "memberships": {"group": "VARCHAR", "account": "VARCHAR"},
}

#: Columns that must be present (and non-empty) in each table when the file is given.
REQUIRED: dict[str, tuple[str, ...]] = {
    "accounts": ("id",),
    "follows": ("follower", "followee"),
    "interactions": ("actor", "target", "kind"),
    "posts": ("id",),
    "groups": ("group",),
    "memberships": ("group", "account"),
}

#: Free-text account columns: an empty cell means "none" (no bio), not unknown.
FREE_TEXT = frozenset({"handle", "name", "bio", "url", "location", "lang", "company", "position",
                       "email", "tags", "text"})

@dataclass(frozen=True)
class Kind:
    """One kind of interaction: what it is, how it counts, how it is shown.

    ``role``: "active" (work for the owner), "passive" (attention: a like) or "other" (requests,
    invitations: recorded, not counted as work). ``column``: its ledger column in the follower table.
    ``fact``: the :data:`UNKNOWABLE` fact without which a source cannot have recorded it toward the
    owner (None: any source with interactions can). ``care_given``: whether the owner doing it for an
    account counts as care given.
    """

    name: str
    role: str
    label: str
    colour: str
    column: str | None = None
    fact: str | None = None
    care_given: bool = False


#: The registry of interaction kinds: every list of kinds elsewhere is derived from it.
KIND_REGISTRY: tuple[Kind, ...] = (
    Kind("share", "active", "shares", "#1b7f5b", "shares", "shares_received", care_given=True),
    Kind("reply", "active", "replies", "#2e6fb7", "replies", "replies_received", care_given=True),
    Kind("mention", "active", "mentions", "#7b5ea7", "mentions", "mentions_received", care_given=True),
    Kind("visit", "active", "profile visits", "#e0b341", "visits"),
    Kind("message", "active", "messages", "#d1495b", "messages", "messages", care_given=True),
    Kind("contribution", "active", "contributions", "#00a6a6", "contributions"),
    Kind("word_of_mouth", "active", "word of mouth", "#f28f3b", "word_of_mouth"),
    Kind("response", "active", "responses to requests", "#6a994e", "responses"),
    Kind("like", "passive", "likes", "#c0c5ce", "likes", "likes_received"),
    Kind("request", "other", "requests for help", "#8d99ae"),
    Kind("invitation", "other", "invitations", "#8d99ae"),
)
KIND_BY_NAME = {k.name: k for k in KIND_REGISTRY}
ACTIVE_KINDS = tuple(k.name for k in KIND_REGISTRY if k.role == "active")
PASSIVE_KINDS = tuple(k.name for k in KIND_REGISTRY if k.role == "passive")
OTHER_KINDS = tuple(k.name for k in KIND_REGISTRY if k.role == "other")
KINDS = ACTIVE_KINDS + PASSIVE_KINDS + OTHER_KINDS
#: The owner's actions that count as care given to an account.
CARE_GIVEN_KINDS = tuple(k.name for k in KIND_REGISTRY if k.care_given)


def unknown_kinds(unknown) -> frozenset:
    """Kinds no current source could have recorded toward the owner, given the unknown facts.

    >>> sorted(unknown_kinds({"likes_received"}))
    ['like']
    >>> len(unknown_kinds({"interactions"})) == len(KINDS)
    True
    """
    if "interactions" in unknown:
        return frozenset(KINDS)
    return frozenset(k.name for k in KIND_REGISTRY if k.fact and k.fact in unknown)


#: Facts a source may be unable to tell; recorded per snapshot so results say "unknown", not 0.
UNKNOWABLE = (
    "interactions",       # any interaction at all (a bare edge list records none)
    "followers",          # who follows the owner
    "following",          # whom the owner follows
    "likes_received",     # who liked the owner's posts
    "shares_received",    # who shared the owner's posts
    "replies_received",
    "mentions_received",
    "messages",
    "profiles",           # follower/following counts, bios etc. of other accounts
)


def iso(t) -> str:
    """A time as ISO 8601 in UTC with its zone, ``2026-06-29T23:59:59Z`` (naive times are UTC): how
    every JSON output and table writes a time.

    >>> from datetime import datetime
    >>> iso(datetime(2026, 6, 29, 23, 59, 59))
    '2026-06-29T23:59:59Z'
    """
    from datetime import datetime, timezone

    if getattr(t, "tzinfo", None) is not None:
        t = t.astimezone(timezone.utc).replace(tzinfo=None)
    if hasattr(t, "to_pydatetime"):
        t = t.to_pydatetime()
    if isinstance(t, datetime):
        return t.isoformat(timespec="seconds") + "Z"
    return t.isoformat()


def round_floats(values, decimals: int):
    """``values`` (a pandas Series) rounded to ``decimals``, leaving numbers too large to round as
    they are (rounding 1.7e308 to 9 decimals overflows).

    >>> import pandas as pd
    >>> round_floats(pd.Series([0.1 + 0.2, 1.7e308]), 6).tolist()
    [0.3, 1.7e+308]
    """
    small = values.abs() < 1e15
    return values.where(~small, values.where(small, 0).round(decimals)).astype(values.dtype)

