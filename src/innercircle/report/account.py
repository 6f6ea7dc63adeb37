"""One account, explained: its profile, its ledger both ways, and the reasons behind every score.

``account_detail`` returns a JSON-ready dict (the dashboard's account page renders it, and its JSON
twin returns it as is). The ledger lists what the account did for the owner (actions toward the owner
or the owner's posts) and what the owner did for it (the owner's actions toward it or its posts),
newest first, with the text of the post involved where it is known.
"""

from __future__ import annotations

from ..model import TABLES
from ..store import queries
from .build import num, safe_url, text, when

PROFILE_COLUMNS = tuple(TABLES["accounts"])
PROFILE_SQL = ", ".join(f'"{c}"' for c in PROFILE_COLUMNS)
#: Ledger rows listed per direction (the counts by kind are always complete).
LEDGER_LIMIT = 200


def account_detail(con, owner: str, account_id: str, *, row: dict | None, window, unknown=frozenset(),
                   limit: int = LEDGER_LIMIT, index: "LedgerIndex | None" = None,
                   you_follow: bool | None = None, posts: dict | None = None,
                   profiles: dict | None = None) -> dict | None:
    """Everything about ``account_id`` as the owner sees it; None when the workspace has no such account.

    ``con`` is a DuckDB connection (or cursor); ``row`` is the account's row of the follower table
    (None when it does not follow the owner); ``window`` the audit's window. With ``index`` (a
    :class:`LedgerIndex` of the owner) the ledger comes from memory instead of a scan; ``posts``
    (post id -> (text, url)) likewise saves a query for the posts the ledger names.
    """
    found = queries.account_row(con, account_id, TABLES["accounts"])
    if found is None:
        return None
    profile = {c: (when(v) if c in ("created_at", "observed_at") else num(v))
               for c, v in zip(PROFILE_COLUMNS, found)}
    profile["url_safe"] = safe_url(profile.get("url"))
    if you_follow is None:
        you_follow = queries.follows_edge(con, owner, account_id)
    index = index or LedgerIndex(con, owner, account=account_id)
    toward, toward_counts = index.ledger(account_id, toward=True, window=window, limit=limit)
    given, given_counts = index.ledger(account_id, toward=False, window=window, limit=limit)
    _attach_posts(con, toward + given, posts)
    return {
        "id": account_id, "owner": owner, "is_owner": account_id == owner,
        "profile": profile, "follows_you": row is not None, "you_follow": bool(you_follow),
        "scores": _scores(row) if row else None,
        "reasons": reasons(row, window=window, unknown=unknown) if row else [],
        "did_for_you": {"counts": toward_counts, "events": toward, "limit": limit},
        "you_did": {"counts": given_counts, "events": given, "limit": limit},
        "window": {"as_of": when(window.as_of), "days": window.days, "start": when(window.start)},
    }


class LedgerIndex:
    """Every interaction between the owner and anyone, grouped by account, for look-ups in memory.

    *Toward the owner*: interactions by the account whose target is the owner or whose post is one of
    the owner's posts. *From the owner*: the owner's interactions whose target is the account or whose
    post is one of the account's posts. ``account`` limits the index to one account (one query).
    """

    def __init__(self, con, owner: str, *, account: str | None = None):
        import numpy as np

        df = queries.owner_ledger(con, owner, account)
        acc = df["account"].to_numpy(dtype=object)
        starts = np.flatnonzero(np.r_[True, acc[1:] != acc[:-1]]) if len(acc) else np.zeros(0, dtype=int)
        ends = np.r_[starts[1:], len(acc)]
        self.spans = {acc[a]: (int(a), int(b)) for a, b in zip(starts, ends)}
        self.toward = df["toward"].to_numpy(dtype=bool)
        self.kind = df["kind"].to_numpy(dtype=object)
        self.at = df["at"]
        self.post = df["post"].to_numpy(dtype=object)

    def __len__(self) -> int:
        return len(self.toward)

    def ledger(self, account: str, *, toward: bool, window, limit: int) -> tuple[list[dict], list[dict]]:
        """(newest ``limit`` events, counts by kind) between ``account`` and the owner in one direction."""
        import numpy as np

        a, b = self.spans.get(account, (0, 0))
        keep = np.flatnonzero(self.toward[a:b] == toward) + a
        at = self.at.iloc[keep]
        inside = ((at > window.start) & (at <= window.as_of)).to_numpy()
        kinds, posts, stamps = self.kind[keep], self.post[keep], at.tolist()
        events = [{"kind": kinds[j], "at": when(stamps[j]), "post": text(posts[j]), "in_window": bool(inside[j])}
                  for j in range(min(limit, len(keep)))]
        tally: dict[str, list] = {}
        for k, t, w in zip(kinds, stamps, inside):  # rows arrive newest first: the first seen is the last
            c = tally.setdefault(k, [0, 0, t])
            c[0] += 1
            c[1] += bool(w)
        counts = [{"kind": k, "all_time": n, "in_window": w, "last": when(last)}
                  for k, (n, w, last) in sorted(tally.items(), key=lambda kv: (-kv[1][0], kv[0]))]
        return events, counts


def _attach_posts(con, events: list[dict], posts: dict | None = None) -> None:
    """Add ``post_text`` and a safe ``post_url`` to events that name a post."""
    ids = sorted({e["post"] for e in events if e.get("post")})
    found = posts if posts is not None else {}
    if ids and posts is None:
        found = queries.post_texts(con, ids)
    for e in events:
        t, u = found.get(e.get("post"), (None, None))
        e["post_text"], e["post_url"] = text(t), safe_url(u)


SCORE_FIELDS = ("tier", "engagement_score", "active_actions", "active_days", "shares", "replies", "mentions",
                "likes", "visits", "messages", "contributions", "word_of_mouth", "responses", "first_active",
                "last_active", "care_received", "care_given", "care_balance", "mutual", "segment",
                "segment_source", "segment_confidence", "alignment_score", "hollow_risk", "hollow", "hollow_kind",
                "hollow_reasons", "tags")


def _scores(row: dict) -> dict:
    out = {}
    for c in SCORE_FIELDS:
        v = row.get(c)
        out[c] = when(v) if c in ("first_active", "last_active") else num(v)
    return out


def reasons(row: dict, *, window, unknown=frozenset(), committed_days: int = 3) -> list[dict]:
    """Plain-words reasons behind each score of one follower-table row."""
    r = _scores(row)
    out = [{"measure": "tier", "value": r["tier"], "reason": _tier_reason(r, window, unknown, committed_days)}]
    likes = r["likes"]
    out.append({"measure": "engagement_score", "value": _r(r["engagement_score"]), "reason": (
        f"{r['active_actions'] or 0} active actions in the window, each weighted by recency (half its weight "
        f"every 90 days), plus a tenth of the same for {'an unknown number of' if likes is None else likes} likes")})
    out.append({"measure": "care_balance", "value": _r(r["care_balance"]), "reason": _care_reason(r)})
    seg_conf = r["segment_confidence"]
    out.append({"measure": "segment", "value": r["segment"], "reason": (
        "from your tags" if r["segment_source"] == "tag" else
        "no tag and no cue in the profile text" if r["segment"] == "other" else
        f"suggested from the profile text (confidence {seg_conf if seg_conf is not None else 'unknown'})")})
    out.append({"measure": "alignment_score", "value": _r(r["alignment_score"]), "reason": (
        "unknown: you stated no values, or the account has no text" if r["alignment_score"] is None else
        "similarity of its bio, company, position and posts to the values you stated (0 to 1)")})
    out.append({"measure": "hollow_risk", "value": _r(r["hollow_risk"]), "reason": _hollow_reason(r)})
    return out


def _r(v, digits: int = 3):
    return None if v is None else round(float(v), digits)


def _tier_reason(r: dict, window, unknown, committed_days: int) -> str:
    t, days, last = r["tier"], r["active_days"] or 0, (r["last_active"] or "unknown")[:10]
    if t == "hollow":
        return f"judged hollow ({r['hollow_kind'] or 'unspecified'}): {r['hollow_reasons'] or 'no reason recorded'}"
    if t == "committed":
        return (f"active on {days} distinct days in the {window.days}-day window (≥ {committed_days}), "
                f"last on {last}, within 90 days of {str(window.as_of)[:10]}")
    if t == "occasional":
        why = (f"only {days} active day(s)" if days < committed_days else "no active action in the last 90 days")
        return f"{r['active_actions']} active action(s) in the window, but {why}: not committed"
    if t == "attentive":
        return f"no active action in the window, {r['likes']} like(s)"
    if t == "unknown":
        return ("nothing known toward you, but your sources cannot tell " + ", ".join(sorted(unknown)) +
                ": silent cannot be claimed")
    return "nothing toward you in the window"


def _care_reason(r: dict) -> str:
    got, gave = r["care_received"] or 0.0, r["care_given"] or 0.0
    base = f"received {got:g} (their actions toward you; likes count 0.1), given {gave:g} (your replies, " \
           f"shares, mentions and messages to them, plus 1 if you follow them)"
    if r["care_balance"] is None:
        return base + ": unknown, neither gives"
    lean = ("they give more than they get" if r["care_balance"] > 0.2 else
            "you give more than you get" if r["care_balance"] < -0.2 else "about balanced")
    return f"{base}: {lean}"


def _hollow_reason(r: dict) -> str:
    if r["hollow"] is None:
        return "hollow detection did not run"
    if r["hollow"] is None or str(r["hollow"]).lower() in ("unknown", "<na>", "nan", "none"):
        return "too little is known about the profile to judge"
    verdict = "hollow" if str(r["hollow"]).lower() == "true" else "not hollow"
    return f"{verdict}: {r['hollow_reasons'] or 'no warning sign'}"


__all__ = ["LedgerIndex", "account_detail", "reasons"]
