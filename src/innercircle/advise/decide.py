"""advise, nurture and prune: decisions and lists with reasons in plain words — advice only.

Nothing here follows, unfollows, blocks or messages anyone; every function returns tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .facts import KEPT_TAGS, Context, account_facts, context, invitations
from .policy import Policy, load_policy

#: Columns of the advise table (a contract: add, never rename).
ADVISE_COLUMNS = ["id", "handle", "name", "relation", "decision", "reasons", "decided_by", "follows_me",
                  "invited_me", "tier", "segment", "trust_score", "alignment_score", "hollow_risk", "hollow",
                  "engagement_score", "care_balance", "conversation_both_ways", "mutual_contacts", "core_links",
                  "score"]
NURTURE_COLUMNS = ["id", "handle", "name", "nurture", "tier", "engagement_score", "active_actions",
                   "recent_actions", "earlier_actions", "care_received", "care_given", "care_balance",
                   "trust_score", "last_active", "reasons"]
PRUNE_COLUMNS = ["id", "handle", "name", "prune", "follows_me", "tier", "hollow_risk", "hollow_kind",
                 "alignment_score", "trust_score", "active_actions", "reasons"]

#: Nurture thresholds: a follower "goes quiet" when its last-90-day rate falls below half its
#: earlier rate (per 90 days) after at least QUIET_MIN_EARLIER earlier actions; a follower is owed
#: an answer after IMBALANCE_MIN_ACTIONS actions toward the owner with nothing back.
QUIET_MIN_EARLIER = 3
QUIET_RATIO = 0.5
IMBALANCE_MIN_ACTIONS = 5
#: Prune: "not aligned" means alignment below this.
ALIGNED = 0.1


@dataclass
class Advice:
    """What ``advise`` returns: the decisions table and the picky / follow-back comparison."""

    me: str
    policy: str
    table: object
    summary: dict
    core: dict = field(default_factory=dict)
    unknown_rules: dict = field(default_factory=dict)
    policy_obj: Policy | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        """The ``advise --json`` object."""
        import pandas as pd

        counts = {d: int((self.table["decision"] == d).sum()) for d in ("connect", "decline", "review")}
        rows = self.table.astype(object).where(pd.notna(self.table), None).to_dict(orient="records")
        return {"me": self.me, "policy": self.policy, "counts": counts, "trusted_core": self.core,
                "unknown_rules": self.unknown_rules, "comparison": self.summary, "candidates": rows}


def _policy(policy) -> Policy:
    return policy if isinstance(policy, Policy) else load_policy(policy)


def candidates(ctx: Context, *, k: int = 10):
    """Ids of the advise candidates with their relation: invitations, followers not followed back,
    recommended accounts (in that order of precedence)."""
    from .recommend import recommend

    t = ctx.table
    followers = t.loc[~t["mutual"].fillna(False).astype(bool), "id"].tolist()
    invited = invitations(ctx)
    rec = recommend(ctx.ws, ctx.me, k=k, ctx=ctx) if k > 0 else None
    rel: dict[str, str] = {}
    for ids, label in ((invited, "invitation"), (followers, "follower"),
                       ([] if rec is None else rec["account"].tolist(), "recommended")):
        for i in ids:
            rel.setdefault(str(i), label)
    scores = {} if rec is None else dict(zip(rec["account"], rec["score"]))
    return rel, scores


def decide(facts, policy: Policy):
    """Apply ``policy`` to a facts table: (decision, reasons, decided_by) columns as lists."""
    records = facts.to_dict(orient="records")
    out = [policy.decide(r) for r in records]
    return [o[0] for o in out], ["; ".join(o[1]) for o in out], [", ".join(o[2]) for o in out]


def advise(ws, me: str | None = None, *, policy="picky", k: int = 10, values: str | None = None,
           hollow: bool = True, ctx: Context | None = None) -> Advice:
    """Decide connect / decline / review for every candidate, with the rules that decided.

    Candidates: followers the owner does not follow back, pending invitations (kind 'invitation'
    toward the owner from accounts the owner does not follow) and the top ``k`` recommendations.
    ``summary`` compares what ``picky`` and ``follow-back`` would do (see :func:`compare`).
    """
    import pandas as pd

    pol = _policy(policy)
    ctx = ctx or context(ws, me, values=values, hollow=hollow)
    rel, scores = candidates(ctx, k=k)
    facts = account_facts(ctx, list(rel))
    facts["relation"] = facts["id"].map(rel)
    facts["score"] = facts["id"].map(scores).astype(float)
    d, r, by = decide(facts, pol)
    facts["decision"], facts["reasons"], facts["decided_by"] = d, r, by
    order = {"connect": 0, "review": 1, "decline": 2}
    facts = facts.assign(_o=facts["decision"].map(order)).sort_values(
        ["_o", "trust_score", "id"], ascending=[True, False, True], kind="stable").drop(columns="_o")
    table = facts[ADVISE_COLUMNS].reset_index(drop=True)
    table["hollow"] = table["hollow"].astype(object).where(pd.notna(table["hollow"]), None)
    core = {"source": ctx.core.source, "label": ctx.core.label, "size": int(len(ctx.core.members))}
    return Advice(ctx.me, pol.name, table, compare(ctx, facts, policy=pol), core, unknown_rules(facts, pol), pol)


def unknown_rules(facts, policy: Policy) -> dict:
    """Per rule, how many candidates it could not judge (its facts unknown): why reviews happen."""
    from .policy import evaluate

    records = facts.to_dict(orient="records")
    out = {r.name: sum(evaluate(r.tree, row) is None for row in records) for r in policy.rules}
    return {k: int(v) for k, v in out.items() if v}


def compare(ctx: Context, facts, *, policy: Policy | None = None) -> dict:
    """What ``picky`` and ``follow-back`` (and ``policy``, when it is the user's own) would each do
    to the owner's followers.

    Per policy: how many followers it would connect, decline or leave for review, how many of
    those it connects are working (``working_connected``) or hollow (``hollow_connected``), and the
    owner's connections afterwards (followers followed back now, plus those it connects):
    ``working_share`` = working followers (committed + occasional) among them, ``hollow_share`` =
    hollow ones among them (null when hollowness is unknown for all of them).
    """
    t = ctx.table
    mutual = t["mutual"].fillna(False).astype(bool)
    working = t["tier"].isin(["committed", "occasional"]) | (
        (t["tier"] == "hollow") & (t.get("active_actions", 0) > 0))
    hollow_flag = t["hollow"].astype("string").str.lower()
    followers = facts[facts["follows_me"].astype(bool) & ~facts["i_follow"].astype(bool)]
    if not ctx.has_interactions:  # nobody can be told working without interactions
        working = None
    out = {"now": _shares(t, mutual, working, hollow_flag)}
    policies = {name: load_policy(name) for name in ("picky", "follow-back")}
    if policy is not None and policy.name not in policies:
        policies[policy.name] = policy
    for name, pol in policies.items():
        d, _, _ = decide(followers, pol)
        connect = set(followers["id"][np.array(d) == "connect"])
        after = mutual | t["id"].isin(connect)
        new = t["id"].isin(connect)
        out[name] = {"connect": len(connect), "decline": int(sum(x == "decline" for x in d)),
                     "review": int(sum(x == "review" for x in d)),
                     "working_connected": int((working & new).sum()) if working is not None else None,
                     "hollow_connected": int((new & (hollow_flag == "true")).sum())
                     if bool(hollow_flag.isin(["true", "false"]).any()) else None,
                     **_shares(t, after, working, hollow_flag)}
    return out


def _shares(t, connected, working, hollow_flag) -> dict:
    n = int(connected.sum())
    known = hollow_flag[connected].isin(["true", "false"])
    return {"connections": n,
            "working_share": round(float(working[connected].sum()) / n, 4) if n and working is not None else None,
            "hollow_share": (round(float((hollow_flag[connected] == "true").sum()) / n, 4)
                             if n and bool(known.any()) else None)}


def nurture(ws, me: str | None = None, *, values: str | None = None, hollow: bool = True,
            ctx: Context | None = None):
    """Followers to look after, with reasons (:data:`NURTURE_COLUMNS`), most urgent first.

    - ``going_quiet``: followers who were active on at least the committed number of days, or
      made at least 3 active actions in the 275 days before the last 90, whose last-90-day rate
      fell below half of that earlier rate per 90 days;
    - ``care_imbalance``: followers who made at least 5 active actions toward the owner in the
      window while the owner answered none (no reply, share, mention, message or response) —
      and, on a follow graph without interactions, followers the trusted core vouches for
      (trust_score ≥ 0.8) whom the owner does not follow back.
    """
    import pandas as pd

    ctx = ctx or context(ws, me, values=values, hollow=hollow)
    t = ctx.table
    rate = _rates(ctx)
    f = t.merge(rate, on="id", how="left")
    f[["recent_actions", "earlier_actions", "from_me"]] = f[["recent_actions", "earlier_actions",
                                                              "from_me"]].fillna(0).astype("int64")
    trust = _trust_of(ctx, f["id"])
    f["trust_score"] = trust
    rows = []
    if ctx.has_interactions:
        per90 = f["earlier_actions"] / (max(ctx.window.days - 90, 1) / 90.0)
        quiet = (f["earlier_actions"] >= QUIET_MIN_EARLIER) & (f["recent_actions"] < QUIET_RATIO * per90) & \
            (f["tier"] != "hollow")
        for r in f[quiet].itertuples(index=False):
            rows.append((r, "going_quiet", r.earlier_actions,
                         f"{r.recent_actions} active actions in the last 90 days against "
                         f"{r.earlier_actions / (max(ctx.window.days - 90, 1) / 90.0):.1f} per 90 days before; "
                         f"last active {_day(r.last_active)}"))
        owed = (f["active_actions"] >= IMBALANCE_MIN_ACTIONS) & (f["from_me"] == 0) & (f["tier"] != "hollow")
        for r in f[owed].itertuples(index=False):
            rows.append((r, "care_imbalance", r.active_actions,
                         f"{r.active_actions} active actions toward you in {ctx.window.days} days; you answered "
                         f"none (care balance {r.care_balance:.2f})"))
    else:
        owed = (f["trust_score"] >= 0.8) & ~f["mutual"].fillna(False).astype(bool)
        for r in f[owed].itertuples(index=False):
            rows.append((r, "care_imbalance", r.trust_score,
                         f"follows you and is trusted by your {ctx.core.noun} (trust {r.trust_score:.2f}); you "
                         "do not follow back; engagement unknown (no interactions imported)"))
    if not rows:
        return pd.DataFrame({c: [] for c in NURTURE_COLUMNS})
    out = pd.DataFrame([r._asdict() | {"nurture": kind, "_p": float(p), "reasons": why} for r, kind, p, why in rows])
    out = out.sort_values(["_p", "id"], ascending=[False, True], kind="stable")
    return out[NURTURE_COLUMNS].reset_index(drop=True)


def _day(ts) -> str:
    import pandas as pd

    return "unknown" if ts is None or pd.isna(ts) else pd.Timestamp(ts).date().isoformat()


def _trust_of(ctx: Context, ids) -> np.ndarray:
    ix = ctx.net.index_of(list(ids))
    return np.where(ix >= 0, ctx.trust[np.where(ix >= 0, ix, 0)], 0.0).round(4)


def _rates(ctx: Context):
    from datetime import timedelta

    from ..model import ACTIVE_KINDS
    from ..store import queries

    w = ctx.window
    return queries.recent_and_earlier(ctx.ws.con, ctx.me, w, w.as_of - timedelta(days=90), kinds=ACTIVE_KINDS)


def prune(ws, me: str | None = None, *, values: str | None = None, hollow: bool = True,
          ctx: Context | None = None):
    """Accounts the owner follows that could go, with reasons (:data:`PRUNE_COLUMNS`).

    - ``hollow``: judged hollow (the audit for followers, the profile detector for others);
    - ``never_engages``: no active action toward the owner in the window and not aligned with
      the owner's values (alignment below 0.1, or unknown — the reasons say which);
    - ``one_way``: on a follow graph without interactions, accounts that do not follow back and
      that the trusted core barely vouches for (trust_score below 0.5).

    Accounts in the trusted core or tagged trusted, met, customer or supplier are never listed.
    """
    import pandas as pd

    ctx = ctx or context(ws, me, values=values, hollow=hollow)
    net = ctx.net
    followees = [str(x) for x in net.ids[net.follows[[ctx.owner_ix]].indices] if str(x) != ctx.me]
    if not followees:
        return pd.DataFrame({c: [] for c in PRUNE_COLUMNS})
    f = account_facts(ctx, followees)
    core = set(ctx.core_ids())
    keep = f["id"].isin(core) | f["tags"].map(lambda t: bool(t & KEPT_TAGS))
    f = f[~keep].reset_index(drop=True)
    kind, why = [], []
    for r in f.itertuples(index=False):
        k, w = _prune_one(ctx, r)
        kind.append(k), why.append(w)
    f["prune"], f["reasons"] = kind, why
    f = f[f["prune"].notna()].copy()
    f["_o"] = f["prune"].map({"hollow": 0, "never_engages": 1, "one_way": 2})
    f = f.sort_values(["_o", "trust_score", "id"], ascending=[True, True, True], kind="stable")
    return f[PRUNE_COLUMNS].reset_index(drop=True)


def _prune_one(ctx: Context, r) -> tuple[str | None, str]:
    if r.hollow is True:
        detail = r.hollow_reasons if isinstance(r.hollow_reasons, str) and r.hollow_reasons else r.hollow_kind
        return "hollow", f"looks hollow ({r.hollow_kind or 'fake'}): {detail}; hollow risk {r.hollow_risk:.2f}"
    if ctx.has_interactions:
        if r.active_actions == 0:
            al = r.alignment_score
            if al == al and al >= ALIGNED:
                return None, ""
            values = f"not aligned with your values ({al:.2f})" if al == al else "alignment unknown"
            follow = "follows you" if r.follows_me else "does not follow you"
            return "never_engages", (f"no share, reply, mention, message or visit toward you in "
                                     f"{ctx.window.days} days; {values}; {follow}")
        return None, ""
    if not r.follows_me and r.trust_score < 0.5:
        return "one_way", (f"does not follow you back; little trust from your {ctx.core.noun} "
                           f"(trust {r.trust_score:.2f}); engagement unknown (no interactions imported)")
    return None, ""


__all__ = ["ADVISE_COLUMNS", "Advice", "NURTURE_COLUMNS", "PRUNE_COLUMNS", "advise", "candidates", "compare",
           "decide", "nurture", "prune"]
