"""The domain: the generic tables, their columns and types, and the kinds of interaction."""

from __future__ import annotations

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

ACTIVE_KINDS = ("share", "reply", "mention", "visit", "message", "contribution", "word_of_mouth",
                "response")
PASSIVE_KINDS = ("like",)
OTHER_KINDS = ("request", "invitation")
KINDS = ACTIVE_KINDS + PASSIVE_KINDS + OTHER_KINDS

#: Facts a source may be unable to tell; recorded per snapshot so results say "unknown", not 0.
UNKNOWABLE = (
    "followers",          # who follows the owner
    "following",          # whom the owner follows
    "likes_received",     # who liked the owner's posts
    "shares_received",    # who shared the owner's posts
    "replies_received",
    "mentions_received",
    "messages",
    "profiles",           # follower/following counts, bios etc. of other accounts
)
