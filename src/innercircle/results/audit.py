"""The audit: follower count versus the people who actually work for you.

:class:`Audit` is built once per command (``Audit.load(ws, me=..., as_of=..., window_days=...)``) and
holds everything the other results read: the resolved owner, the as-of and the window, the follower
table (tiers, hollow flags judged at the same as-of, care, segments, alignment), the non-followers who
act, and the Network, loaded once on first use. Every command, the report, the dashboard and the
library read it, so a number means the same everywhere. Definitions: docs/measures.md and
:mod:`innercircle.metrics.engagement`.

>>> import innercircle
>>> ws = innercircle.open(":memory:")
>>> _ = ws.import_batch(innercircle.sample.generate(followers=300))
>>> a = Audit.load(ws)
>>> a.summary["followers"] == len(a.followers) == 300
True
>>> a.summary["working"] == int(a.followers["tier"].isin(["committed", "occasional"]).sum())
True
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ..store import queries
from ..errors import UsageError
from ..metrics.engagement import Window, concentration, finish_ledger, ledger, resolve_window
from ..model import iso, unknown_kinds
from ..store import Workspace
from .tiers import TIERS, WORKING_TIERS

#: Column order of the follower table (a contract: add, never rename).
FOLLOWER_COLUMNS = [
    "id", "handle", "name", "tier", "engagement_score", "shares", "replies", "mentions", "likes", "visits",
    "messages", "contributions", "word_of_mouth", "responses", "active_days", "first_active", "last_active",
    "care_received", "care_given", "care_balance", "mutual", "segment", "segment_source", "segment_confidence",
    "alignment_score", "hollow_risk", "hollow", "hollow_kind", "hollow_reasons", "tags", "followers_count",
    "following_count",
]
HOLLOW_COLUMNS = ("hollow_risk", "hollow", "hollow_kind", "hollow_reasons")


@dataclass(frozen=True)
class Owner:
    """Whose network is audited, and how that was decided ("--me", "workspace", "most followers")."""

    id: str
    source: str


def resolve_owner(ws: Workspace, me: str | None = None) -> Owner:
    """The one owner rule: ``me`` (an id, a handle with or without @, or a profile URL) if given,
    else the workspace's owner, else the account with the most followers.

    An unknown ``me`` is an error naming it; so is a handle that several accounts share.
    """
    if me is not None:
        return Owner(match_account(ws, me), "--me")
    if ws.owner is not None:
        return Owner(ws.owner, "workspace")
    top = queries.most_followed(ws.con)
    if top is None:
        raise UsageError("no owner: the workspace names none and holds no follows",
                         hint="import a source with --me ID")
    return Owner(top, "most followers")


def match_account(ws: Workspace, me: str) -> str:
    """The id of the account ``me`` names (id, handle, @handle or profile URL), or a UsageError."""
    text = str(me).strip()
    found = queries.match_account(ws.con, text, handle_of(text))
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise UsageError(f"{text!r} names {len(found)} accounts", field="--me",
                         hint="give the account id instead (innercircle followers --csv - lists them)")
    raise UsageError(f"no account {text!r} in the workspace", field="--me",
                     hint="give an id, a handle (with or without @) or a profile URL of an account it holds")


def handle_of(text: str) -> str:
    """The handle a user most likely means: '@ada', 'ada' and 'https://x.com/ada' all give 'ada'.

    >>> handle_of("https://mastodon.social/@ada/")
    'ada'
    """
    t = text.strip().rstrip("/")
    if "://" in t:
        t = t.split("://", 1)[1].split("?", 1)[0].split("#", 1)[0].rstrip("/")
        t = t.rsplit("/", 1)[-1] if "/" in t else ""
    return t.lstrip("@").split("@", 1)[0].lower()


def owner_values(ws: Workspace, values: str | None = None) -> str | None:
    """The owner's stated values: ``values`` if given, else the workspace setting."""
    return values if values else ws.get_setting("values")


@dataclass(frozen=True)
class Options:
    """The audit's parameters (defaults in docs/measures.md); every command passes the same ones."""

    half_life_days: float = 90.0
    like_weight: float = 0.1
    committed_days: int = 3
    recent_days: int = 90
    values: str | None = None
    hollow: bool = True
    hollow_threshold: float | None = None


@dataclass(eq=False)
class Audit:
    """One owner's audit at one as-of: the object every command reads. Build with :meth:`load`."""

    ws: Workspace
    owner: Owner
    window: Window
    options: Options = field(default_factory=Options)

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._progress = None

    @classmethod
    def load(cls, ws: Workspace, *, me: str | None = None, as_of=None, window_days: int = 365,
             window: Window | None = None, progress=None, **options) -> "Audit":
        """Resolve the owner, the as-of and the window once; the tables are computed on first use.

        ``options`` are the fields of :class:`Options`. ``progress(done, total, label)`` is called
        while the follower table is built.
        """
        owner = resolve_owner(ws, me)
        window = window or resolve_window(ws.con, as_of=as_of, window_days=window_days)
        audit = cls(ws, owner, window, Options(**options))
        audit._progress = progress
        return audit

    @property
    def me(self) -> str:
        return self.owner.id

    @property
    def unknown(self) -> frozenset:
        """Facts no current snapshot can tell (``model.UNKNOWABLE`` names)."""
        return self.ws.unknown

    @property
    def values(self) -> str | None:
        return owner_values(self.ws, self.options.values)

    def _once(self, name: str, build):
        with self._lock:
            if name not in self.__dict__:
                self.__dict__[name] = build()
            return self.__dict__[name]

    @property
    def followers(self):
        """One row per follower (:data:`FOLLOWER_COLUMNS`), sorted by engagement_score."""
        return self._once("_followers", lambda: _tables(self))[0]

    @property
    def others(self):
        """The ledger of non-followers who acted toward the owner in the window."""
        return self._once("_followers", lambda: _tables(self))[1]

    @property
    def hollow_table(self):
        """Every follower's hollow judgement at the audit's as-of (columns of ``hollow --csv``);
        ``hollow`` is a nullable boolean: NA where the data cannot tell."""
        return self._once("_hollow", lambda: _judge_hollow(self))

    @property
    def network(self):
        """The workspace's Network (follows, interactions, groups), loaded once."""
        from ..graph.network import load_network

        return self._once("_network", lambda: load_network(self.ws, me=self.me))

    @property
    def tier_map(self):
        """id -> tier of every follower (a pandas Series), for the forecast and the simulation."""
        import pandas as pd

        t = self.followers
        return pd.Series(t["tier"].to_numpy(dtype=object), index=t["id"].astype(str).to_numpy())

    @property
    def working_ids(self) -> list[str]:
        return self.followers.loc[self.followers["tier"].isin(WORKING_TIERS), "id"].tolist()

    @property
    def summary(self) -> dict:
        """The ``audit --json`` object (keys are a contract)."""
        return self._once("_summary", lambda: _summary(self))

    def __repr__(self) -> str:
        return f"<Audit owner={self.me!r} as_of={self.window.as_of:%Y-%m-%d} window={self.window.days}d>"


def as_audit(source, me: str | None = None, **options) -> Audit:
    """``source`` itself when it is an Audit, else ``Audit.load(source, me=me, **options)``."""
    if isinstance(source, Audit):
        return source
    return Audit.load(source, me=me, **{k: v for k, v in options.items() if v is not None})


# -- the follower table --------------------------------------------------------------------------


def _tables(a: Audit):
    """(follower table, ledger of non-followers who acted toward the owner), from one pass."""
    step = a._progress or (lambda done, total, label: None)
    o = a.options
    step(0, 4, "counting what each follower did for you")
    both = ledger(a.ws.con, a.me, a.window, half_life_days=o.half_life_days, like_weight=o.like_weight,
                  actors="all", recent_days=o.recent_days)
    both = finish_ledger(both, a.unknown, committed_days=o.committed_days)
    others = both[~both["is_follower"]].reset_index(drop=True)
    df = both[both["is_follower"]].drop(columns=["is_follower"]).reset_index(drop=True)
    step(1, 4, "segments")
    df = _with_profiles(a, df)
    step(2, 4, "values alignment")
    df = _with_alignment(a, df)
    step(3, 4, "hollow followers")
    df = _with_hollow(a, df)
    df = df.sort_values(["engagement_score", "id"], ascending=[False, True], kind="stable")
    table = df[FOLLOWER_COLUMNS + [c for c in df.columns if c not in FOLLOWER_COLUMNS]].reset_index(drop=True)
    step(4, 4, "done")
    return _typed(table), others


def _typed(t):
    """Nullable dtypes: text as ``string``, flags as ``boolean``, counts as ``Int64``."""
    text = ["id", "handle", "name", "tier", "segment", "segment_source", "hollow_kind", "hollow_reasons", "tags"]
    t = t.astype({c: "string" for c in text if c in t.columns})
    t["mutual"] = t["mutual"].astype("boolean")
    for c in ("followers_count", "following_count", "active_days", "active_actions"):
        if c in t.columns:
            t[c] = t[c].astype("Int64")
    return t


def _with_profiles(a: Audit, df):
    from ..metrics.segments import segment_table

    prof = queries.follower_profiles(a.ws.con, a.me, df[["id"]])
    prof = prof.merge(segment_table(prof), on="id", how="left")
    return df.drop(columns=["i_follow"]).merge(prof, on="id", how="left")


def _with_alignment(a: Audit, df):
    from ..metrics.alignment import alignment_scores
    from ..metrics.segments import join_text

    values = a.values
    if values:
        texts = df[["id", "bio", "company", "position"]].merge(queries.recent_post_text(a.ws.con), on="id",
                                                               how="left")
        joined = join_text(texts, ["bio", "company", "position", "post_text"])
        df["alignment_score"] = alignment_scores(joined.tolist(), values)
    else:
        df["alignment_score"] = float("nan")
    return df.drop(columns=["bio", "company", "position"])


def _hollow_enabled(a: Audit) -> bool:
    import importlib.util

    return a.options.hollow and importlib.util.find_spec("innercircle.metrics.hollow") is not None


def _judge_hollow(a: Audit):
    """hollow_followers at the audit's as-of, with the flag as a nullable boolean."""
    import pandas as pd

    from ..metrics.hollow import hollow_followers

    kw = {} if a.options.hollow_threshold is None else {"threshold": a.options.hollow_threshold}
    h = hollow_followers(a.ws, a.me, as_of=a.window.as_of, **kw)
    return present_hollow(h) if len(h) else h.assign(hollow=pd.Series(dtype="boolean"))


def present_hollow(h):
    """The hollow scorer's table in the shared vocabulary: ``hollow`` true/false/NA (boolean dtype),
    ``hollow_kind`` and ``reasons`` NA rather than empty text."""
    import pandas as pd

    out = h.copy()
    flag = out["hollow"].astype("string").str.lower()
    out["hollow"] = flag.map({"true": True, "false": False}).astype("boolean")
    for col in ("hollow_kind", "reasons"):
        if col in out.columns:
            out[col] = out[col].astype("string").replace("", pd.NA)
    out["id"] = out["id"].astype("string")
    out["hollow_risk"] = pd.to_numeric(out["hollow_risk"], errors="coerce")
    return out


def _with_hollow(a: Audit, df):
    import pandas as pd

    if not _hollow_enabled(a) or df.empty:
        for col in HOLLOW_COLUMNS:
            df[col] = pd.NA
        df["hollow"] = df["hollow"].astype("boolean")
        return df
    h = a.hollow_table[["id", "hollow_risk", "hollow", "hollow_kind", "reasons"]]
    h = h.rename(columns={"reasons": "hollow_reasons"}).astype({"id": object})
    df = df.merge(h, on="id", how="left")
    df.loc[df["hollow"].fillna(False).astype(bool), "tier"] = "hollow"
    return df


def working_ids(ws: Workspace, me: str | None = None, **options) -> list[str]:
    """Ids of the owner's working followers (committed and occasional), as the audit counts them."""
    return as_audit(ws, me, **options).working_ids


def follower_table(ws: Workspace, me: str | None = None, *, progress=None, **options):
    """One row per follower of the owner, sorted by engagement_score (see FOLLOWER_COLUMNS)."""
    return as_audit(ws, me, progress=progress, **options).followers


def audit(ws: Workspace, me: str | None = None, **options) -> dict:
    """The audit summary: the ``audit --json`` object (keys are a contract)."""
    return as_audit(ws, me, **options).summary


def audit_with_followers(ws: Workspace, me: str | None = None, **options):
    """(the audit summary, the follower table) from one pass, for callers that need both."""
    a = as_audit(ws, me, **options)
    return a.summary, a.followers


# -- the summary ---------------------------------------------------------------------------------


def _summary(a: Audit) -> dict:
    table, others = a.followers, a.others
    counts = queries.owner_counts(a.ws.con, a.me)
    unknown = a.unknown
    followers_known = "followers" not in unknown
    n_followers = counts["followers"]
    # tiers need interactions; over no followers at all every count is a true 0
    tiers_known = followers_known and ("interactions" not in unknown or n_followers == 0)
    tiers = table["tier"].value_counts().to_dict()
    working = int(sum(tiers.get(t, 0) for t in WORKING_TIERS))
    profile = queries.account_profile(a.ws.con, a.me)
    result = {
        "me": a.me,
        "me_source": a.owner.source,
        "handle": profile["handle"],
        "followers": n_followers if followers_known else None,
        "following": counts["following"] if "following" not in unknown else None,
        "mutual": counts["mutual"] if followers_known and "following" not in unknown else None,
        "followers_count_profile": profile["followers_count"],
        "following_count_profile": profile["following_count"],
        **queries.table_sizes(a.ws.con),
        "working": working if tiers_known else None,
        **{t: (int(tiers.get(t, 0)) if tiers_known else None) for t in TIERS if t not in ("hollow", "unknown")},
        "unknown_tier": int(tiers.get("unknown", 0)),
        **_hollow_summary(table, n_followers if followers_known else None),
        **_expected_share(a),
        "working_share": round(working / n_followers, 4) if tiers_known and n_followers else None,
        "by_kind": by_kind(a),
        "concentration": concentration(table["active_actions"]) if tiers_known else None,
        "care_correlation": _care_correlation(table),
        "non_follower_working": int((others["active_actions"] > 0).sum()) if tiers_known else None,
        "non_follower_actions": int(others["active_actions"].sum()) if tiers_known else None,
        "as_of": iso(a.window.as_of),
        "window_days": a.window.days,
        "future_interactions_left_out": a.window.future_left_out,
        "unknown_facts": sorted(unknown),
        "segments": table["segment"].value_counts().to_dict() if not table.empty else {},
    }
    conc = result["concentration"]
    result["concentration_share"] = round(conc / n_followers, 4) if conc is not None and n_followers else None
    result["alignment_mean"] = (None if table.empty or table["alignment_score"].isna().all()
                                else round(float(table["alignment_score"].mean()), 4))
    return result


def _hollow_summary(table, n_followers: int | None) -> dict:
    """hollow (flagged), hollow_share, hollow_by_kind, hollow_unknown; null when nobody could be judged."""
    flags = table["hollow"]
    judged = int(flags.notna().sum())
    if not judged:
        return {"hollow": None, "hollow_share": None, "hollow_by_kind": None,
                "hollow_unknown": len(table) if len(table) else None}
    flagged = table[flags.fillna(False).astype(bool)]
    kinds = flagged["hollow_kind"].fillna("unspecified").value_counts()
    return {"hollow": len(flagged),
            "hollow_share": round(len(flagged) / n_followers, 4) if n_followers else None,
            "hollow_by_kind": {str(k): int(v) for k, v in kinds.items()},
            "hollow_unknown": len(table) - judged}


def _expected_share(a: Audit) -> dict:
    """hollow_expected_share with its interval: the mean set-adjusted risk over judged followers
    (:func:`innercircle.hollow.expected_share`), null when nobody could be judged."""
    if not _hollow_enabled(a) or a.followers.empty:
        return {"hollow_expected_share": None, "hollow_expected_share_low": None,
                "hollow_expected_share_high": None}
    from ..metrics.hollow import expected_share

    out = expected_share(a.hollow_table["hollow_risk"].to_numpy(dtype="float64", na_value=float("nan")))
    out.pop("judged", None)
    return out


def _care_correlation(table) -> float | None:
    """Spearman's rho between care given and care received over the followers (None when undefined)."""
    care = table[["care_given", "care_received"]]
    if len(care) < 3 or care["care_given"].nunique() < 2 or care["care_received"].nunique() < 2:
        return None
    return round(float(care["care_given"].rank().corr(care["care_received"].rank())), 4)


def by_kind(a: Audit) -> dict:
    """Actions toward the owner in the window by kind (active and passive); null for a kind that no
    current source could have recorded."""
    from ..model import ACTIVE_KINDS, PASSIVE_KINDS

    rows = queries.actions_by_kind(a.ws.con, a.me, a.window)
    blind = unknown_kinds(a.unknown)
    return {k: (None if k in blind and not rows.get(k) else int(rows.get(k, 0)))
            for k in ACTIVE_KINDS + PASSIVE_KINDS}


__all__ = ["Audit", "FOLLOWER_COLUMNS", "Options", "Owner", "TIERS", "as_audit", "audit", "audit_with_followers",
           "follower_table", "handle_of", "match_account", "present_hollow", "resolve_owner", "working_ids"]
