"""What the advisor knows about an owner and any account: the audit row, trust, ties, profile facts.

:func:`context` loads, once per command, the owner, the audit's follower table, the Network, the
trusted core and the trust scores; :func:`account_facts` turns any list of account ids into one row
per account with every field a policy may use (:data:`innercircle.advise.policy.FIELDS`).
Unknown stays unknown: NaN / NA in numbers, None in flags, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import ACTIVE_KINDS, CARE_GIVEN_KINDS
from ..store import queries
from .trust import Core, ties, trust_scores, trusted_core

#: Segments a picky owner does business with (used by reasons and the picky preset).
BUSINESS_SEGMENTS = ("customer", "supplier", "prospect", "peer")
#: Tags that mean the owner knows the account in person or in business (never pruned).
KEPT_TAGS = frozenset({"trusted", "met", "customer", "supplier"})
CONVERSATION_KINDS = ("message", "reply")
#: What the owner does that counts as acting toward an account: care given, plus answering its requests.
FROM_ME_KINDS = CARE_GIVEN_KINDS + ("response",)


@dataclass(eq=False)
class Context:
    """Everything loaded once per command for one owner."""

    ws: object
    me: str
    me_source: str
    net: object
    table: object              # the audit's follower table
    core: Core
    trust: np.ndarray          # trust_score (percentile) per Network index
    trust_raw: np.ndarray      # personalised PageRank per Network index
    values: str | None
    window: object
    has_interactions: bool
    has_profiles: bool
    hollow: bool

    @property
    def owner_ix(self) -> int:
        return int(self.net.owner)

    def core_ids(self) -> list[str]:
        return [str(x) for x in self.net.ids[self.core.members]]


def context(ws, me: str | None = None, *, values: str | None = None, hollow: bool = True, as_of=None,
            window_days: int = 365, table=None, audit=None) -> Context:
    """The owner's audit (``audit``, the command's :class:`~innercircle.results.audit.Audit`; else one
    is built), its follower table (or ``table``), Network, trusted core and trust scores."""
    from ..results.audit import as_audit

    audit = as_audit(audit if audit is not None else ws, me, as_of=as_of, window_days=window_days,
                     values=values, hollow=hollow)
    ws, owner, window, values = audit.ws, audit.owner, audit.window, audit.values
    table = audit.followers if table is None else table
    net = audit.network
    tagged = queries.tagged(ws.con, "trusted")
    mutual_care = table[(table["tier"] == "committed") & (table["care_received"] > 0) & (table["care_given"] > 0)
                        & table["mutual"].fillna(False).astype(bool)]
    core = trusted_core(net, tagged=net.index_of(list(tagged)) if len(tagged) else None,
                        committed=net.index_of(mutual_care["id"].tolist()) if len(mutual_care) else None)
    trust, raw = trust_scores(net, core)
    has_inter = queries.has_interactions(ws.con)
    has_prof = "profiles" not in ws.unknown and queries.has_profile_counts(ws.con)
    return Context(ws, owner.id, owner.source, net, table, core, trust, raw, values, window,
                   has_inter, has_prof, audit.options.hollow)


def invitations(ctx: Context) -> list[str]:
    """Accounts with a pending invitation to the owner: kind 'invitation', not followed by the owner."""
    return queries.pending_invitations(ctx.ws.con, ctx.me)


def _profiles(ctx: Context, ids: list[str]):
    con = ctx.ws.con
    prof = queries.accounts_of(con, ids)
    pair = queries.pair_activity(con, ctx.me, ids, ctx.window, active=ACTIVE_KINDS, from_me=FROM_ME_KINDS,
                                 conversation=CONVERSATION_KINDS)
    return prof, pair


def _hollow_of(ctx: Context, prof):
    """Profile-based hollow risk for accounts that are not followers (NA when it cannot be told)."""
    import pandas as pd

    empty = pd.DataFrame({"id": prof["id"], "hollow_risk": np.nan, "hollow": pd.NA, "hollow_kind": pd.NA,
                          "hollow_reasons": pd.NA})
    if not ctx.hollow or not ctx.has_profiles or prof.empty:
        return empty
    try:
        from ..metrics.hollow import score_accounts
    except ImportError:  # hollow detection not installed in this build
        return empty
    h = score_accounts(prof)
    return h[["id", "hollow_risk", "hollow", "hollow_kind", "reasons"]].rename(columns={"reasons": "hollow_reasons"})


def _alignment(ctx: Context, prof):
    from ..metrics.alignment import alignment_scores

    if not ctx.values or prof.empty:
        return np.full(len(prof), np.nan)
    posts = queries.recent_post_text(ctx.ws.con)
    texts = prof[["id", "bio", "company", "position"]].merge(posts, on="id", how="left")
    joined = texts[["bio", "company", "position", "post_text"]].fillna("").astype(str).agg(" ".join, axis=1)
    return alignment_scores(joined.tolist(), ctx.values)


def _flag(series):
    """'true'/'false'/other (unknown) or booleans → object array of True/False/None."""
    out = []
    for v in series:
        s = str(v).lower()
        out.append(True if s in ("true", "1") else False if s in ("false", "0") else None)
    return np.array(out, dtype=object)


def account_facts(ctx: Context, ids) -> "object":
    """One row per id with every policy field (see :data:`~innercircle.advise.policy.FIELDS`)."""
    import pandas as pd

    from ..metrics.segments import segment_table

    ids = [str(i) for i in dict.fromkeys(ids)]
    prof, pair = _profiles(ctx, ids)
    base = pd.DataFrame({"id": pd.Series(ids, dtype=object)})
    prof = base.merge(prof, on="id", how="left")
    for col in ("tags", "bio", "company", "position", "handle", "name"):
        if col not in prof:
            prof[col] = None
    out = prof[["id", "handle", "name"]].copy()
    net, me = ctx.net, ctx.owner_ix
    ix = net.index_of(ids)
    follows_me = np.isin(ix, net.followers[[me]].indices) & (ix >= 0)
    i_follow = np.isin(ix, net.follows[[me]].indices) & (ix >= 0)
    out["follows_me"] = follows_me if "followers" not in ctx.net.unknown or follows_me.any() else None
    out["i_follow"] = i_follow
    out["invited_me"] = out["id"].isin(set(invitations(ctx)))
    pair = base.merge(pair, on="id", how="left")
    counts = pair[["active_to_me", "likes_to_me", "from_me", "talk_to_me", "talk_from_me"]].fillna(0).astype("int64")
    known = ctx.has_interactions
    out["active_actions"] = counts["active_to_me"].astype("Float64") if known else pd.Series(pd.NA, dtype="Float64",
                                                                                              index=out.index)
    out["engagement_score"] = np.nan
    out["care_received"] = (counts["active_to_me"] + 0.1 * counts["likes_to_me"]).astype(float) if known else np.nan
    out["care_given"] = counts["from_me"].astype(float) + i_follow
    total = out["care_received"] + out["care_given"]
    out["care_balance"] = ((out["care_received"] - out["care_given"]) / total.where(total > 0)).astype(float)
    both = (counts["talk_to_me"] > 0) & (counts["talk_from_me"] > 0)
    out["conversation_both_ways"] = np.where(both, True, False if known else None).astype(object)
    out["last_active"] = pair["last_active"]
    out["tier"] = np.where(follows_me, "unknown", "not_follower").astype(object)
    others = prof[~prof["id"].isin(ctx.table["id"])]  # followers take the audit's segment and hollowness
    seg = segment_table(others[["id", "tags", "bio", "company", "position"]])
    out = out.merge(seg, on="id", how="left")
    out = out.merge(_hollow_of(ctx, others), on="id", how="left")
    out["alignment_score"] = _alignment(ctx, prof)
    out["tags"] = [frozenset(t.strip() for t in str(x).lower().split(";") if t.strip()) if isinstance(x, str)
                   else frozenset() for x in prof["tags"]]
    out["followers_count"] = prof["followers_count"].astype("Float64") if "followers_count" in prof else pd.NA
    out["following_count"] = prof["following_count"].astype("Float64") if "following_count" in prof else pd.NA
    tied = ties(net)
    ok = ix >= 0
    mine = tied[[me]].astype(np.float32)
    core_row = np.zeros(net.n, np.float32)
    core_row[ctx.core.members] = 1.0
    mutual = np.asarray((mine @ tied.astype(np.float32)).todense()).ravel()
    links = tied.astype(np.float32).T @ core_row
    out["mutual_contacts"] = np.where(ok, mutual[np.where(ok, ix, 0)], 0).astype(np.int64)
    out["core_links"] = np.where(ok, links[np.where(ok, ix, 0)], 0).astype(np.int64)
    out["trust_score"] = np.where(ok, ctx.trust[np.where(ok, ix, 0)], 0.0).round(4)
    out = _with_audit(out, ctx.table)
    out["hollow"] = _flag(out["hollow"])
    return out


def _with_audit(out, table):
    """Followers take their audit values (tier, engagement, care, hollow, segment)."""
    cols = ["tier", "engagement_score", "active_actions", "care_received", "care_given", "care_balance",
            "hollow_risk", "hollow", "hollow_kind", "hollow_reasons", "segment", "segment_source",
            "segment_confidence"]
    t = table.set_index("id")
    sel = out["id"].isin(t.index)
    if not sel.any():
        return out
    rows = t.loc[out.loc[sel, "id"]]
    for c in cols:
        if c not in rows:
            continue
        values = rows[c].to_numpy()
        if out[c].dtype != object and not np.issubdtype(np.asarray(values).dtype, np.number):
            out[c] = out[c].astype(object)
        elif str(out[c].dtype) == "Float64":
            values = np.asarray(values, dtype=float)
        out.loc[sel, c] = values
    return out


__all__ = ["BUSINESS_SEGMENTS", "Context", "KEPT_TAGS", "account_facts", "context", "invitations"]
