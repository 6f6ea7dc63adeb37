"""The dashboard's data: the audit computed once, then pages served from cached tables.

:class:`Dashboard` runs the audit and builds the report once (``load``), keeps the follower table in
memory with a lower-cased search column, and answers each page with a plain dict: the HTML pages
render it and their JSON twins return it unchanged. Filtering, searching and paging work on the
cached table (pandas), never by recomputing the audit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from urllib.parse import urlencode

from ..report.build import WORKING_TIERS, LazyReport, compute_basis, num, person
from ..store import queries

def _pages() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each page's title and the report sections it shows, in order: from the section registry."""
    from ..report.build import SECTION_REGISTRY

    pages: dict[str, tuple[str, tuple[str, ...]]] = {"overview": ("Overview", ())}
    for sec in SECTION_REGISTRY:
        for page in sec.pages:
            title, names = pages.get(page, (sec.title, ()))
            pages[page] = (title, names + (sec.name,))
    return pages


#: Pages besides followers and account, and the report sections each one shows.
PAGES: dict[str, tuple[str, tuple[str, ...]]] = _pages()
TIER_FILTERS = ("working", "committed", "occasional", "attentive", "silent", "hollow", "unknown")
PER_PAGE = (25, 50, 100, 200)
MAX_PER_PAGE = 500
LIST_COLUMNS = ("id", "handle", "name", "tier", "engagement_score", "active_actions", "likes", "care_balance",
                "segment", "hollow_risk", "hollow_kind", "last_active")


class Dashboard:
    """One owner's audit, computed once and cached, answering the dashboard's pages as dicts.

    >>> import innercircle
    >>> ws = innercircle.open(":memory:")
    >>> _ = ws.import_batch(innercircle.sample.generate(followers=300))
    >>> d = Dashboard(ws).load()
    >>> d.followers(tier="committed", per_page=5)["count"] > 0
    True
    """

    def __init__(self, source, me: str | None = None, *, as_of=None, window_days: int = 365,
                 values: str | None = None):
        from ..results.audit import Audit

        #: the command's Audit when it gave one; else the dashboard audits ``source`` (a workspace) itself
        self.audit = source if isinstance(source, Audit) else None
        self.ws, self.me = (source.ws, source.me) if self.audit is not None else (source, me)
        self.options = dict(as_of=as_of, window_days=window_days, values=values)
        self._lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._local = threading.local()
        self.report: dict | None = None
        self.basis = None
        #: what the audit is doing while it loads (shown by the loading page); why it failed, if it did
        self.status, self.failed = "waiting to start", None
        self._matches: OrderedDict = OrderedDict()

    # -- loading --------------------------------------------------------------------------

    def load(self, progress=None, *, basis=None, report: dict | None = None) -> "Dashboard":
        """Run the audit once (later calls return at once); sections are built on first use.

        ``basis`` and ``report`` (from :func:`~innercircle.report.build.compute_basis` and
        :func:`~innercircle.report.build.build_report`) serve a report already built.
        """
        from ..report.account import LedgerIndex

        if self.report is not None:
            return self
        with self._lock:
            if self.report is None:
                shown = progress or (lambda done, total, label: None)

                def tick(done, total, label):
                    self.status = label
                    shown(done, total, label)

                steps = 2  # the audit, the account-page index
                tick(0, steps, "auditing")
                basis = basis or compute_basis(self.audit or self.ws, self.me, **self.options)
                # sections are built when a page first asks for one, so the overview is up quickly
                report = report or LazyReport(basis)
                tick(steps - 1, steps, "indexing interactions for the account pages")
                self._index(basis)
                self.ledgers = LedgerIndex(self.ws.con.cursor(), basis.owner)
                self._you_follow = queries.following_ids(self.ws.con.cursor(), basis.owner)
                self._unknown = self.ws.unknown
                self._posts = self._post_texts()
                self._profiles = self._follower_profiles(basis.owner)
                self.basis, self.report = basis, report
                tick(steps, steps, "ready")
        return self

    @property
    def ready(self) -> bool:
        return self.report is not None

    def load_and_warm(self, pages=None) -> None:
        """Load (and then warm ``pages``) in the background; a failure is kept for the loading page."""
        try:
            self.load()
            if pages is not None:
                pages.warm()
        except Exception as e:  # noqa: BLE001 - shown on every page instead of a dead server
            self.failed = " ".join(f"{type(e).__name__}: {e}".split())[:300]

    def _index(self, basis) -> None:
        import pandas as pd

        t = basis.table
        listing = t[[c for c in LIST_COLUMNS if c in t.columns]].copy()
        hay = (t["id"].astype(str) + "\n" + t["handle"].fillna("").astype(str) + "\n"
               + t["name"].fillna("").astype(str)).str.lower()
        self._listing = listing.reset_index(drop=True)
        self._hay = hay.reset_index(drop=True)
        self._tier = listing["tier"].astype(str).to_numpy()
        self._segment = listing["segment"].fillna("").astype(str).str.lower().to_numpy()
        self._row_index = pd.Index(t["id"].astype(str))
        self._table = t.reset_index(drop=True)
        self.segments = sorted({s for s in self._segment if s})

    def _post_texts(self, most: int = 500_000) -> dict | None:
        """post id -> (text, url) for the ledger pages, when there are not too many posts to hold."""
        return queries.post_texts(self.ws.con.cursor(), most=most)

    def _follower_profiles(self, owner: str) -> dict:
        """id -> profile row for the owner's followers (the account pages most asked for)."""
        from ..report.account import PROFILE_SQL

        return queries.follower_rows(self.ws.con.cursor(), owner, PROFILE_SQL)

    def con(self):
        """A DuckDB cursor for the calling thread (a connection is not shared between threads)."""
        c = getattr(self._local, "con", None)
        if c is None:
            with self._lock:
                c = self._local.con = self.ws.con.cursor()
        return c

    # -- pages ----------------------------------------------------------------------------

    @property
    def meta(self) -> dict:
        return self.load().report["meta"]

    def page(self, name: str) -> dict:
        """The dict of a section page (see :data:`PAGES`)."""
        title, sections = PAGES[name]
        report = self.load().report
        return {"page": name, "title": title, "meta": report["meta"], "sections": list(sections),
                **{s: report[s] for s in sections}}

    def followers(self, *, tier: str | None = None, segment: str | None = None, q: str | None = None,
                  page: int = 1, per_page: int = 50) -> dict:
        """One page of followers, filtered by tier and segment and searched by handle, name or id."""
        self.load()
        tier = tier or None
        segment = (segment or "").strip().lower() or None
        q = " ".join((q or "").split())[:200] or None
        per_page = max(1, min(int(per_page), MAX_PER_PAGE))
        idx = self._match(tier, segment, q)
        count = len(idx)
        pages = max(1, -(-count // per_page))
        page = max(1, min(int(page), pages))
        chosen = idx[(page - 1) * per_page: page * per_page]
        rows = self._listing.iloc[chosen].to_dict("records")
        people = [self._row(r) for r in rows]
        filters = {"tier": tier, "segment": segment, "q": q}

        def url(p: int) -> str:
            params = {k: v for k, v in {**filters, "page": p, "per_page": per_page}.items() if v}
            return "/followers?" + urlencode(params)

        return {"page": "followers", "title": "Followers", "meta": self.meta, "filters": filters,
                "tiers": list(TIER_FILTERS), "segments": self.segments, "total": int(len(self._listing)),
                "count": int(count), "page_number": page, "pages": pages, "per_page": per_page,
                "first": (page - 1) * per_page + 1 if count else 0, "last": (page - 1) * per_page + len(people),
                "followers": people, "prev_url": url(page - 1) if page > 1 else None,
                "next_url": url(page + 1) if page < pages else None}

    def _row(self, r: dict) -> dict:
        out = person(r)
        out = {k: out.get(k) for k in ("id", "handle", "name", "tier", "engagement_score", "active_actions",
                                       "likes", "care_balance", "segment", "last_active")}
        out["hollow_risk"] = None if num(r.get("hollow_risk")) is None else round(float(r["hollow_risk"]), 3)
        out["hollow_kind"] = num(r.get("hollow_kind")) or None
        return out

    def _match(self, tier, segment, q):
        """Row positions matching the filters, in follower-table order (cached per filter)."""
        import numpy as np

        key = (tier, segment, q)
        with self._cache_lock:
            hit = self._matches.get(key)
            if hit is not None:
                self._matches.move_to_end(key)
                return hit
        mask = np.ones(len(self._listing), dtype=bool)
        if tier == "working":
            mask &= np.isin(self._tier, WORKING_TIERS)
        elif tier:
            mask &= self._tier == tier
        if segment:
            mask &= self._segment == segment
        if q:
            for word in q.lower().split():
                mask &= self._hay.str.contains(word, regex=False).to_numpy()
        out = np.flatnonzero(mask)
        with self._cache_lock:
            self._matches[key] = out
            while len(self._matches) > 256:
                self._matches.popitem(last=False)
        return out

    def account(self, account_id: str) -> dict | None:
        """The account page's dict (profile, ledger both ways, reasons), or None when there is none."""
        from ..report.account import account_detail

        self.load()
        pos = self._row_index.get_indexer([str(account_id)])[0]
        row = self._table.iloc[pos].to_dict() if pos >= 0 else None
        detail = account_detail(self.con(), self.basis.owner, str(account_id), row=row, window=self.basis.window,
                                unknown=self._unknown, index=self.ledgers,
                                you_follow=str(account_id) in self._you_follow, posts=self._posts,
                                profiles=self._profiles)
        if detail is None:
            return None
        name = detail["profile"].get("handle") or detail["profile"].get("name") or account_id
        return {"page": "account", "title": f"Account {str(name)[:80]}", "meta": self.meta, **detail}


__all__ = ["Dashboard", "PAGES", "TIER_FILTERS"]
