"""The report as data: one dict built from a workspace, rendered by the HTML report and the dashboard.

Every section is a plain dict of JSON-ready values with ``available`` (bool) and, when it is False,
``reason`` (why, in words): a module that is missing or fails makes its section "not available",
never the whole report. Unknown values are ``None`` (shown as "unknown"), never 0.

Sections: ``headline``, ``tiers``, ``activity`` (active actions by kind per month), ``care``
(given versus received, a scatter), ``top`` (the people who work for you), ``hollow`` (by kind with
reasons), ``reach`` (the funnel with the naive sums beside it), ``forecast`` (with its range),
``advice``, ``changes`` (since the previous snapshot) and ``definitions`` (every measure in plain words).

>>> import innercircle
>>> from innercircle.report.build import build_report
>>> ws = innercircle.open(":memory:")
>>> _ = ws.import_batch(innercircle.sample.generate(followers=300))
>>> report = build_report(ws)
>>> report["headline"]["followers"]
300
"""

from __future__ import annotations

import threading

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from ..model import ACTIVE_KINDS, PASSIVE_KINDS, iso
from ..store import queries

TIER_ORDER = ("committed", "occasional", "attentive", "silent", "hollow", "unknown")
WORKING_TIERS = ("committed", "occasional")
#: Most points drawn in the care scatter; all working followers come first, then a seeded sample.
SCATTER_POINTS = 1500
#: Most ids listed (new and lost followers, tier moves); the counts are always complete.
LIST_LIMIT = 100

#: Plain-words definitions of every measure the report and the dashboard show (docs/report.md too).
DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("followers", "Accounts that follow you, as your imported sources tell it; unknown when no source lists "
                  "who follows you."),
    ("working for you", "Followers who did something active for you in the window: committed plus occasional."),
    ("effective network", "The people who actually act for you: your working followers plus the accounts that "
                          "do not follow you but shared, replied, mentioned, visited, messaged, contributed, "
                          "recommended you or answered your requests."),
    ("working share", "Working followers divided by followers."),
    ("window", "The days counted (365 by default) up to the as-of date, the latest interaction on record."),
    ("active action", "A share, reply, mention, profile visit, message, contribution, word of mouth "
                      "(recommending you) or response to your request, toward you or one of your posts. "
                      "A like is passive."),
    ("committed", "Active on at least 3 different days in the window, once in the last 90 days."),
    ("occasional", "At least one active action in the window, but not committed."),
    ("attentive", "Only likes in the window, no active action."),
    ("silent", "Nothing toward you in the window."),
    ("hollow", "Judged fake, automated, a mass follower, a follow-back farm or long inactive from the "
               "profile and network signals; each flag comes with its reasons."),
    ("unknown tier", "Did nothing known toward you while your sources cannot tell some kinds of action "
                     "(an X archive does not say who liked your posts), so silent cannot be claimed."),
    ("engagement score", "Active actions weighted by how recent they are (an action loses half its weight "
                         "every 90 days); a like counts a tenth of an active action."),
    ("care received", "What a follower did for you in the window: one per active action, a tenth per like."),
    ("care given", "What you did for them in the window: your replies, shares, mentions and messages "
                   "toward them or their posts, plus one if you follow them."),
    ("care balance", "(received − given) / (received + given): +1 they give and get nothing back, −1 you "
                     "give and get nothing back, 0 balanced; unknown when neither gives."),
    ("care correlation", "Rank correlation between care given and care received over your followers: do "
                         "you answer the people who work for you?"),
    ("concentration", "The fewest followers who together produce 80% of the active actions toward you."),
    ("segment", "Why an account follows you (customer, supplier, prospect, peer, fan, competitor, press, "
                "other), from your tags first, else suggested from its profile text."),
    ("alignment score", "How close an account's words (bio, company, position, posts) are to the values you "
                        "stated, from 0 to 1; unknown when you stated none or it has no text."),
    ("hollow risk", "The chance, from 0 to 1, that nobody real and reachable stands behind the follow."),
    ("first degree", "Distinct accounts that follow you."),
    ("second degree", "Distinct followers of your followers who do not follow you themselves (nor are you)."),
    ("via working followers", "The second degree reached through your working followers only: the people "
                              "who see what the ones who pass things on pass on."),
    ("groups", "Distinct members of the groups you belong to."),
    ("naive sum", "What adding up audiences claims: every follower's follower count and every group's "
                  "member count summed, counting people who are in several places many times."),
    ("response forecast", "How many people will answer your next request for help: the expected number "
                          "and a range that holds the true number 8 times in 10 (10th to 90th percentile), "
                          "from each follower's own history of answering, pulled toward their tier's average "
                          "when that history is short."),
    ("changes", "New and lost followers and tier moves between the previous snapshot and the current one."),
)


@dataclass
class Basis:
    """What the sections are computed from: the command's Audit, its summary and follower table."""

    ws: Any
    owner: str
    audit: dict
    table: Any  # pandas DataFrame, one row per follower (audit.FOLLOWER_COLUMNS)
    window: Any
    options: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    source: Any = None  # the innercircle.results.audit.Audit itself


def compute_basis(source, me: str | None = None, *, as_of=None, window_days: int = 365,
                  values: str | None = None) -> Basis:
    """The basis of every section: ``source`` is the command's Audit (or a workspace, audited here).

    Every section reads it; nothing resolves the owner or the window again.
    """
    from dataclasses import replace

    from ..results.audit import Audit, as_audit

    a = as_audit(source, me, as_of=as_of, window_days=window_days, values=values)
    notes: list[str] = []
    try:
        result, table = a.summary, a.followers
    except Exception as e:  # noqa: BLE001 - hollow detection may fail; the rest still stands
        notes.append(f"hollow detection not available: {_why(e)}")
        a = Audit(a.ws, a.owner, a.window, replace(a.options, hollow=False))
        result, table = a.summary, a.followers
    return Basis(a.ws, a.me, result, table, a.window,
                 dict(as_of=a.window.as_of, window_days=a.window.days, values=a.options.values), notes, a)


def build_report(source, me: str | None = None, *, as_of=None, window_days: int = 365, values: str | None = None,
                 top: int = 25, progress: Callable[[int, int, str], None] | None = None,
                 basis: Basis | None = None) -> dict:
    """The whole report as one JSON-ready dict (keys: ``meta`` and every name of :data:`SECTIONS`)."""
    steps = [("audit", None)] + [(name, SECTION_BUILDERS[name]) for name in SECTIONS]
    tick = progress or (lambda done, total, label: None)
    tick(0, len(steps), "auditing")
    basis = basis or compute_basis(source, me, as_of=as_of, window_days=window_days, values=values)
    report = {"meta": meta(basis)}
    for i, (name, builder) in enumerate(steps[1:], start=1):
        tick(i, len(steps), name)
        report[name] = section(builder, basis, top=top)
    tick(len(steps), len(steps), "done")
    return report


class LazyReport(dict):
    """The report dict whose sections are built on first use, each once (thread-safe).

    The dashboard starts with the audit alone; a slow section (the advice) is computed when its page
    is first opened, not before the overview can be served.
    """

    def __init__(self, basis: Basis, *, top: int = 25):
        super().__init__(meta=meta(basis))
        self._basis, self._top = basis, top
        self._lock = threading.Lock()

    def __missing__(self, name: str) -> dict:
        if name not in SECTION_BUILDERS:
            raise KeyError(name)
        with self._lock:
            if not dict.__contains__(self, name):
                dict.__setitem__(self, name, section(SECTION_BUILDERS[name], self._basis, top=self._top))
        return dict.__getitem__(self, name)

    def get(self, name: str, default=None):
        try:
            return self[name]
        except KeyError:
            return default


def section(builder: Callable, basis: Basis, **kw) -> dict:
    """Run one section builder; a failure becomes ``{"available": False, "reason": ...}``."""
    try:
        return builder(basis, **kw)
    except Exception as e:  # noqa: BLE001 - one section failing must not sink the report
        return unavailable(_why(e))


def unavailable(reason: str) -> dict:
    return {"available": False, "reason": reason}


def _why(e: Exception) -> str:
    text = " ".join(str(e).split())[:300]
    if isinstance(e, (ImportError, ModuleNotFoundError)):
        return f"not available in this version ({text})"
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


# --- small helpers ---------------------------------------------------------------------------


def num(v: Any) -> Any:
    """A plain Python number (or None for unknown/NaN/NA)."""
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if type(v).__name__ in ("NAType", "NaTType"):
        return None
    return v


def text(v: Any) -> str | None:
    v = num(v)
    return None if v is None else str(v)


def when(v: Any) -> str | None:
    """A timestamp as ISO text (seconds), None when unknown."""
    v = num(v)
    if v is None:
        return None
    return v.isoformat(sep="T", timespec="seconds") if hasattr(v, "isoformat") else str(v)


def safe_url(url: Any) -> str | None:
    """``url`` when it is a plain http(s) address, else None: nothing else ever becomes a link."""
    from urllib.parse import urlsplit

    if not isinstance(url, str) or not url or len(url) > 2000:
        return None
    if any(ord(c) < 33 or c in "<>\"'`\\" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def record(row: dict, columns) -> dict:
    return {c: num(row.get(c)) for c in columns}


# --- sections --------------------------------------------------------------------------------


def meta(b: Basis) -> dict:
    a = b.audit
    return {"owner": b.owner, "handle": a.get("handle"), "owner_source": a.get("me_source"),
            "as_of": a.get("as_of"), "window_days": a.get("window_days"),
            "generated_at": iso(datetime.now(timezone.utc)),
            "unknown_facts": list(a.get("unknown_facts") or []), "notes": list(b.notes)}


def headline(b: Basis, **_) -> dict:
    """Followers versus the people working for you, and the effective network."""
    a = b.audit
    working, others = a.get("working"), a.get("non_follower_working")
    effective = None if working is None else working + (others or 0)
    keys = ("followers", "following", "mutual", "working", "working_share", "committed", "occasional",
            "hollow", "hollow_share", "concentration", "concentration_share", "care_correlation",
            "followers_count_profile", "non_follower_working", "non_follower_actions", "alignment_mean")
    return {"available": True, **{k: num(a.get(k)) for k in keys}, "effective_network": effective}


def tiers(b: Basis, **_) -> dict:
    """Followers per tier, with their share of all followers."""
    counts = b.table["tier"].value_counts().to_dict()
    n = len(b.table)
    known = "followers" not in set(b.audit.get("unknown_facts") or [])
    rows = []
    for t in TIER_ORDER:
        c = int(counts.get(t, 0))
        if t in ("hollow", "unknown") and not c:
            continue
        rows.append({"tier": t, "followers": c if known or c else None,
                     "share": round(c / n, 4) if n else None})
    return {"available": True, "followers": n, "tiers": rows}


def activity(b: Basis, **_) -> dict:
    """Actions toward the owner per calendar month of the window, by kind (unknown kinds are None)."""
    from ..metrics.engagement import KIND_COLUMNS

    rows = queries.actions_by_month(b.ws.con.cursor(), b.owner, b.window)
    kinds = ACTIVE_KINDS + PASSIVE_KINDS
    unknown = set(b.audit.get("unknown_facts") or [])
    totals = {k: 0 for k in kinds}
    months: dict[str, dict] = {}
    for month, kind, n in rows:
        if kind in totals:
            months.setdefault(month, {k: 0 for k in kinds})[kind] = int(n)
            totals[kind] += int(n)
    blind = [k for k in kinds if KIND_COLUMNS[k][1] in unknown and totals[k] == 0]
    series = [{"month": m, **{k: (None if k in blind else v[k]) for k in kinds}} for m, v in sorted(months.items())]
    return {"available": True, "kinds": list(kinds), "active_kinds": list(ACTIVE_KINDS),
            "months": series, "totals": {k: (None if k in blind else totals[k]) for k in kinds},
            "unknown_kinds": blind}


def care(b: Basis, **_) -> dict:
    """Care given versus received per follower (at most SCATTER_POINTS points: working followers first,
    then a seeded sample of the others)."""
    import numpy as np
    import pandas as pd

    t = b.table
    some = t[(t["care_given"] > 0) | (t["care_received"] > 0)]
    is_working = some["tier"].isin(WORKING_TIERS)
    working = some[is_working].head(SCATTER_POINTS)
    rest = some[~is_working]
    room = SCATTER_POINTS - len(working)
    if len(rest) > room:
        rest = rest.iloc[np.sort(np.random.default_rng(7).choice(len(rest), size=room, replace=False))]
    frames = [f for f in (working, rest) if len(f)]
    shown = (pd.concat(frames) if frames else some)[["id", "handle", "tier", "care_given", "care_received"]]
    points = [{"id": r["id"], "handle": text(r["handle"]), "tier": r["tier"],
               "care_given": round(float(r["care_given"]), 3), "care_received": round(float(r["care_received"]), 3)}
              for r in shown.to_dict("records")]
    given, received = t["care_given"] > 0, t["care_received"] > 0
    return {"available": True, "points": points, "followers_with_care": int(len(some)), "shown": len(points),
            "both_ways": int((given & received).sum()), "only_received": int((received & ~given).sum()),
            "only_given": int((given & ~received).sum()), "care_correlation": num(b.audit.get("care_correlation"))}


TOP_COLUMNS = ("id", "handle", "name", "tier", "engagement_score", "active_actions", "active_days", "shares",
               "replies", "mentions", "visits", "messages", "contributions", "word_of_mouth", "responses",
               "likes", "last_active", "care_balance", "segment", "alignment_score")


def top(b: Basis, *, top: int = 25, **_) -> dict:
    """The followers who work for you most (committed and occasional, by engagement score)."""
    t = b.table
    rows = t[t["tier"].isin(WORKING_TIERS)].head(top)
    people = [person(r) for r in rows.to_dict("records")]
    urls = profile_urls(b.ws, [p["id"] for p in people])
    for p in people:
        p["url"] = urls.get(p["id"])
    return {"available": True, "people": people, "working": int(t["tier"].isin(WORKING_TIERS).sum())}


def person(r: dict) -> dict:
    out = record(r, TOP_COLUMNS)
    out["engagement_score"] = None if out["engagement_score"] is None else round(out["engagement_score"], 3)
    out["care_balance"] = None if out["care_balance"] is None else round(out["care_balance"], 3)
    out["last_active"] = when(r.get("last_active"))
    return out


def profile_urls(ws, ids: list[str]) -> dict[str, str | None]:
    """id -> a safe http(s) profile URL (or None) for a few accounts."""
    if not ids:
        return {}
    return {i: safe_url(u) for i, u in queries.column_of(ws.con.cursor(), ids, "url").items()}


def hollow(b: Basis, *, examples: int = 10, **_) -> dict:
    """Hollow followers by kind, with the most certain examples of each kind and their reasons."""
    t = b.table
    flags = t["hollow"].astype("string").str.lower()
    if flags.isna().all():
        reason = next((n for n in b.notes if n.startswith("hollow")), "hollow detection not available")
        return unavailable(reason)
    flagged = t[flags == "true"].copy()
    flagged["hollow_kind"] = flagged["hollow_kind"].fillna("").replace("", "unspecified")
    kinds = []
    for kind, g in flagged.groupby("hollow_kind", sort=False):
        g = g.sort_values(["hollow_risk", "id"], ascending=[False, True], kind="stable").head(examples)
        kinds.append({"kind": str(kind), "followers": int((flagged["hollow_kind"] == kind).sum()),
                      "examples": [{"id": r["id"], "handle": text(r["handle"]), "name": text(r["name"]),
                                    "hollow_risk": _round(r["hollow_risk"]), "reasons": text(r["hollow_reasons"])}
                                   for r in g.to_dict("records")]})
    kinds.sort(key=lambda k: (-k["followers"], k["kind"]))
    n = len(t)
    return {"available": True, "hollow": int(len(flagged)), "followers": n,
            "hollow_share": round(len(flagged) / n, 4) if n else None,
            "unknown": int(flags.isna().sum() + (flags == "unknown").sum()), "by_kind": kinds}


def _round(v, digits: int = 3):
    v = num(v)
    return None if v is None else round(float(v), digits)


def reach(b: Basis, **_) -> dict:
    """The reach funnel (first degree → second degree → via working followers → groups) and naive sums."""
    from ..graph.reach import reach as reach_fn

    net = b.source.network
    working = b.table.loc[b.table["tier"].isin(WORKING_TIERS), "id"].tolist()
    r = {k: num(v) for k, v in reach_fn(net, b.owner, working=working).items()}
    naive = naive_sums(b)
    funnel = [
        {"step": "first degree", "key": "first_degree", "distinct": r.get("first_degree"),
         "naive": naive["first_degree_profile"]},
        {"step": "second degree", "key": "second_degree", "distinct": r.get("second_degree"),
         "naive": naive["second_degree"]},
        {"step": "via working followers", "key": "second_degree_via_working",
         "distinct": r.get("second_degree_via_working"), "naive": naive["second_degree_via_working"]},
        {"step": "groups", "key": "groups", "distinct": r.get("groups"), "naive": r.get("groups_raw_sum")},
    ]
    distinct_total = _sum([r.get("first_degree"), r.get("second_degree"), r.get("groups")])
    naive_total = _sum([naive["first_degree_profile"] or r.get("first_degree"), naive["second_degree"],
                        r.get("groups_raw_sum")])
    return {"available": True, **r, "funnel": funnel, "naive": naive,
            "distinct_total_upper_bound": distinct_total, "naive_total": naive_total}


def naive_sums(b: Basis) -> dict:
    """Sums that count the same person many times: followers' follower counts, as people add them up."""
    n = queries.naive_reach(b.ws.con.cursor(), b.owner)
    working = b.table.loc[b.table["tier"].isin(WORKING_TIERS), "followers_count"]
    graph = n["graph_edges"]
    best = int(n["profile_sum"]) if n["profiles_with_counts"] else (graph if graph else None)
    return {"first_degree_profile": num(n["own"]),
            "second_degree": best, "second_degree_graph_edges": graph,
            "second_degree_via_working": int(working.dropna().sum()) if working.notna().any() else None,
            "profiles_with_counts": n["profiles_with_counts"]}


def _sum(values) -> int | None:
    values = [v for v in values if v is not None]
    return int(sum(values)) if values else None


def forecast(b: Basis, **_) -> dict:
    """The response forecast (expected responders and its 10th–90th percentile range)."""
    from ..results import forecast as fc

    out = fc.forecast(b.source)
    keep = ("expected_responders", "low", "high", "model", "basis", "distribution", "population", "requests",
            "periods", "responses", "by_tier", "notes")
    result = {k: _plain(out.get(k)) for k in keep if k in out}
    return {"available": True, **result}


def _plain(v):
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return num(v)


ADVICE_LISTS = ("connect", "review", "decline", "nurture", "prune")


def advice(b: Basis, *, limit: int = 25, **_) -> dict:
    """The advisor's lists: connect / review / decline (picky policy), nurture and prune, with reasons."""
    from ..advise import advise as advise_fn, context, nurture, prune

    # the command's audit: the follower table and the Network are not loaded again
    ctx = context(b.ws, audit=b.source)
    a = advise_fn(b.ws, b.owner, ctx=ctx)
    tables = {d: a.table[a.table["decision"] == d] for d in ("connect", "review", "decline")}
    tables["nurture"] = nurture(b.ws, b.owner, ctx=ctx)
    tables["prune"] = prune(b.ws, b.owner, ctx=ctx)
    lists = {name: [_advice_item(r, name) for r in t.head(limit).to_dict("records")] for name, t in tables.items()}
    return {"available": True, "policy": a.policy, "counts": {k: int(len(t)) for k, t in tables.items()},
            "lists": lists, "comparison": _plain(a.summary), "trusted_core": _plain(a.core)}


def _advice_item(r: dict, name: str) -> dict:
    why = r.get("reasons")
    if isinstance(why, (list, tuple)):
        why = "; ".join(str(x) for x in why)
    label = r.get(name) if name in ("nurture", "prune") else r.get("relation")
    return {"id": text(r.get("id")), "handle": text(r.get("handle")), "name": text(r.get("name")),
            "decision": name, "kind": text(label), "reasons": text(why)}


def changes(b: Basis, **_) -> dict:
    """New and lost followers and tier moves since the previous snapshot."""
    from ..results.changes import changes as changes_fn

    if queries.snapshot_count(b.ws.con.cursor()) < 2:
        return unavailable("only one snapshot on record: import a newer export of the same source to see changes")
    c = changes_fn(b.ws, b.owner, window_days=b.options.get("window_days") or 365)
    handles = _handles(b.ws, c["new_followers"][:LIST_LIMIT] + c["lost_followers"][:LIST_LIMIT])
    named = lambda ids: [{"id": i, "handle": handles.get(i)} for i in ids[:LIST_LIMIT]]  # noqa: E731
    moves = sorted(({"move": k, "followers": int(v)} for k, v in c["moves"].items()),
                   key=lambda m: (-m["followers"], m["move"]))
    return {"available": True, "from_snapshot": c["from_snapshot"], "to_snapshot": c["to_snapshot"],
            "new_count": len(c["new_followers"]), "lost_count": len(c["lost_followers"]),
            "new_followers": named(c["new_followers"]), "lost_followers": named(c["lost_followers"]),
            "moves": moves, "tier_moves_count": len(c["tier_moves"])}


def _handles(ws, ids: list[str]) -> dict[str, str | None]:
    if not ids:
        return {}
    return queries.column_of(ws.con.cursor(), ids, "handle")


def definitions(b: Basis | None = None, **_) -> dict:
    """Every measure in plain words."""
    return {"available": True, "terms": [{"term": t, "definition": d} for t, d in DEFINITIONS]}


@dataclass(frozen=True)
class Section:
    """One report section: its builder (data only), its title, the name of its template macro in
    ``templates/_sections.html`` (the same name), its chart (a function of :mod:`.charts` by name, or
    None), and the dashboard pages that show it. This registry drives the HTML report, its table of
    contents, the dashboard's pages and their navigation: a new section is one entry plus its code."""

    name: str
    title: str
    builder: Callable[..., dict]
    nav: str
    pages: tuple[str, ...]
    chart: str | None = None


SECTION_REGISTRY: tuple[Section, ...] = (
    Section("headline", "Headline", headline, "headline", ("overview",)),
    Section("tiers", "Tiers", tiers, "tiers", ("overview",), chart="tier_bars"),
    Section("activity", "Actions by month", activity, "activity", ("overview",), chart="activity_months"),
    Section("care", "Care given and received", care, "care", ("overview",), chart="care_scatter"),
    Section("top", "The people who work for you", top, "top people", ("overview",)),
    Section("hollow", "Hollow followers", hollow, "hollow", ("hollow",)),
    Section("reach", "Reach", reach, "reach", ("reach",), chart="reach_funnel"),
    Section("forecast", "Response forecast", forecast, "forecast", ("forecast",), chart="forecast_range"),
    Section("advice", "Advice", advice, "advice", ("advice",)),
    Section("changes", "Changes since the previous snapshot", changes, "changes", ("overview", "changes")),
    Section("definitions", "Definitions", definitions, "definitions", ("overview", "definitions")),
)
#: Sections in the order the report shows them.
SECTIONS = tuple(s.name for s in SECTION_REGISTRY)
SECTION_BUILDERS: dict[str, Callable[..., dict]] = {s.name: s.builder for s in SECTION_REGISTRY}

__all__ = ["Basis", "DEFINITIONS", "SECTIONS", "SECTION_REGISTRY", "Section", "build_report", "compute_basis",
           "safe_url", "section"]
