"""The built-in sample network: a B2B founder's followers, working and hollow, built with numpy.

>>> from innercircle import sample
>>> batch = sample.generate(followers=200, seed=1)
>>> batch.owner, sorted(batch.tables)[:2]
('founder', ['accounts', 'follows'])
>>> truth = sample.ground_truth(batch)          # construction labels, never in the generic columns
>>> int((truth["kind"] == "farm").sum()) > 0
True

Everything is drawn from ``numpy.random.default_rng`` streams derived from the seed, one stream per
phase (population, follows, profiles, posts, interactions, groups), so the population and its labels
do not depend on the number of interactions or on the end date, and nothing depends on today.
The bulk is vectorised: there is no Python loop over accounts, edges or interactions; loops run
over the dozen kinds of account, interaction and request only. See docs/sample.md for the numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .errors import UsageError
from .io.batch import ImportBatch
from .model import KINDS, TABLES
from .sample_text import (OTHER_TOPICS, OWNER_TOPICS, _CITIES, _FARM_BIO, _FARM_HANDLE_A, _FARM_HANDLE_B,
                          _FIRST, _GROUPS, _LANG_P, _LANGS, _POST_TEXT, _REQUESTS, _SEGMENT_P, _TAG_P, _bios,
                          _companies, _names, _person_handles, _pick_positions, _slug, _tags_for)

__all__ = ["OWNER", "generate", "ground_truth", "write", "write_batch", "write_truth"]

OWNER = "founder"
FORMAT = "sample"
DEFAULT_END = "2026-06-30"
MIN_FOLLOWERS = 20

MINUTE, HOUR, DAY = 60, 3600, 86400
YEAR = 365 * DAY

#: Kinds of account, in the order of their index ranges. The first is the owner; the next eight
#: follow the owner; the rest do not (followed by the owner, acting without following, inviting,
#: or merely following the owner's followers).
KIND_NAMES = ("owner", "committed", "occasional", "attentive", "silent",
              "farm", "mass", "bought", "inactive",
              "followee", "active_outsider", "inviter", "outside")
TIERS = ("committed", "occasional", "attentive", "silent")
HOLLOW = ("farm", "mass", "bought", "inactive")
SEGMENTS = ("customer", "supplier", "prospect", "peer", "fan", "press", "competitor", "other")

#: Share of the followers in each kind (the silent tier takes the rest).
FOLLOWER_SHARES = {"committed": 0.05, "occasional": 0.08, "attentive": 0.15,
                   "farm": 0.075, "mass": 0.0375, "bought": 0.10, "inactive": 0.05}

_KIND = {k: i for i, k in enumerate(KINDS)}
# Kind mixes (interaction kind -> probability) for each group of actors.
_MIX_COMMITTED = {"like": .28, "share": .12, "reply": .16, "mention": .08, "visit": .16, "message": .09,
                  "contribution": .04, "word_of_mouth": .07}
_MIX_OCCASIONAL = {"share": .20, "reply": .20, "mention": .12, "visit": .25, "message": .08,
                   "contribution": .03, "word_of_mouth": .12}
_MIX_OUTSIDER = {"like": .40, "share": .15, "reply": .12, "mention": .10, "visit": .23}
_MIX_CARE = {"reply": .30, "share": .15, "mention": .20, "message": .35}
_ON_POSTS = ("like", "share", "reply")


def generate(*, followers: int = 4000, seed: int = 7, interactions: int | None = None,
             end: str = DEFAULT_END, progress: Callable[[int, int, str], None] | None = None) -> ImportBatch:
    """The sample network of a B2B founder (owner id ``"founder"``) as an ImportBatch.

    ``followers`` accounts follow the owner: about 5% committed, 8% occasional, 15% attentive
    (likes only) and the rest silent, plus hollow ones built in (a follow-back farm, mass
    followers, a burst of bought followers, long-inactive accounts). ``interactions`` is the
    number of interaction rows (default 15 per follower), over the year before ``end``: exact
    unless it is smaller than the fixed part (the 12 requests, their answers, the invitations
    and a floor per working follower); 0 means none at all.
    Deterministic for a seed. ``progress(step, steps, label)`` is called between phases.
    Construction labels are not in the tables; :func:`ground_truth` returns them.
    """
    if followers < MIN_FOLLOWERS:
        raise UsageError(f"--followers must be at least {MIN_FOLLOWERS} (got {followers})")
    n_inter = 15 * followers if interactions is None else int(interactions)
    if n_inter < 0:
        raise UsageError(f"--interactions must be 0 or more (got {interactions})")
    b = _Builder(followers, seed, n_inter, end)
    steps = (("population", b.population), ("follows", b.follows), ("profiles", b.profiles),
             ("posts", b.posts), ("interactions", b.interactions), ("groups", b.groups))
    for i, (label, step) in enumerate(steps):
        if progress:
            progress(i, len(steps), label)
        step()
    if progress:
        progress(len(steps), len(steps), "done")
    batch = ImportBatch(format=FORMAT, source=f"sample:{followers}:{seed}", tables=b.tables(), owner=OWNER,
                        notes=[f"built-in sample network: {followers} followers, seed {seed}, ends {b.end}"])
    try:
        batch.sample_truth = b.truth()      # ground_truth() rebuilds it from the source if absent
    except AttributeError:
        pass
    return batch


def ground_truth(batch: ImportBatch | None = None, *, followers: int = 4000, seed: int = 7) -> pd.DataFrame:
    """Construction labels of a sample network: one row per account it names.

    Columns: ``id``; ``kind`` (owner, committed, occasional, attentive, silent, farm, mass,
    bought, inactive, followee, active_outsider, inviter, outside); ``segment`` (customer,
    supplier, prospect, peer, fan, press, competitor, other; null for hollow and unprofiled
    accounts); ``follower`` (follows the owner); ``hollow`` (farm, mass, bought or inactive).
    Give the batch :func:`generate` returned, or ``followers`` and ``seed`` to rebuild the labels
    (they do not depend on the number of interactions or the end date).
    """
    if batch is not None:
        truth = getattr(batch, "sample_truth", None)
        if truth is not None:
            return truth.copy()
        parts = str(batch.source).split(":")
        if batch.format != FORMAT or len(parts) != 3:
            raise UsageError(f"not a sample network: {batch.source}")
        followers, seed = int(parts[1]), int(parts[2])
    b = _Builder(followers, seed, 0, DEFAULT_END)
    b.population()
    return b.truth()


def write(out_dir: str | Path, *, followers: int = 4000, seed: int = 7, interactions: int | None = None,
          end: str = DEFAULT_END, fmt: str = "csv") -> dict[str, Path]:
    """Generate the sample network and write it as generic files (accounts.csv, follows.csv, ...).

    ``innercircle import OUT_DIR`` reads them back. Returns table name -> file written.
    """
    batch = generate(followers=followers, seed=seed, interactions=interactions, end=end)
    return write_batch(batch, out_dir, fmt=fmt)


def write_batch(batch: ImportBatch, out_dir: str | Path, *, fmt: str = "csv") -> dict[str, Path]:
    """Write a batch's tables as generic files: CSV (UTF-8, ISO 8601 times, empty = unknown) or Parquet."""
    import pyarrow as pa

    if fmt not in ("csv", "parquet"):
        raise UsageError(f"unknown format {fmt!r}: use csv or parquet")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in batch.tables.items():
        table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
        path = out / f"{name}.{fmt}"
        _write_table(table, path, fmt)
        written[name] = path
    return written


def write_truth(batch: ImportBatch, path: str | Path) -> Path:
    """Write :func:`ground_truth` as CSV (kept apart from the generic files, which never hold labels)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ground_truth(batch).to_csv(path, index=False)
    return path


def _write_table(table, path: Path, fmt: str) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    if fmt == "parquet":
        import pyarrow.parquet as pq
        pq.write_table(table, path)
        return
    import pyarrow.csv as pcsv
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            table = table.set_column(i, field.name, pc.strftime(table.column(i), format="%Y-%m-%dT%H:%M:%S"))
    pcsv.write_csv(table, path)


class _Builder:
    """Builds the network phase by phase; state is columnar, indexed by account number."""

    def __init__(self, followers: int, seed: int, n_interactions: int, end: str):
        self.F, self.seed, self.N = int(followers), int(seed), int(n_interactions)
        try:
            stamp = pd.Timestamp(end)
        except (ValueError, TypeError):
            stamp = pd.NaT
        if pd.isna(stamp):
            raise UsageError(f"cannot read end date {end!r}: use ISO 8601, e.g. 2026-06-30")
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        self.end = stamp.isoformat()
        self.end_s = int(stamp.value // 10**9)
        self.start_s = self.end_s - YEAR

    def _rng(self, phase: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, phase])

    # -- population ------------------------------------------------------------------------
    def population(self) -> None:
        """Kinds, ids, segments and tags of every account."""
        F, rng = self.F, self._rng(1)
        n = {k: int(round(F * s)) for k, s in FOLLOWER_SHARES.items()}
        n["silent"] = F - sum(n.values())
        n.update(owner=1, followee=max(10, round(0.02 * F)), active_outsider=max(5, round(0.03 * F)),
                 inviter=max(3, round(0.01 * F)), outside=round(2.5 * F))
        counts = np.array([n[k] for k in KIND_NAMES])
        self.kind = np.repeat(np.arange(len(KIND_NAMES), dtype=np.int8), counts)
        starts = np.cumsum(counts) - counts
        self.ranges = {k: np.arange(s, s + c) for k, s, c in zip(KIND_NAMES, starts, counts)}
        self.n = int(counts.sum())
        self.ids = _make_ids(rng, self.n)
        self.segment = np.full(self.n, -1, dtype=np.int8)
        for k, p in _SEGMENT_P.items():
            idx = self.ranges[k]
            self.segment[idx] = rng.choice(len(SEGMENTS), size=len(idx), p=np.array(p) / sum(p))
        self.tags = np.full(self.n, "", dtype=object)
        for k, p in _TAG_P.items():
            idx = self.ranges[k]
            idx = idx[rng.random(len(idx)) < p]
            self.tags[idx] = _tags_for(rng, self.segment[idx], trusted_p=.4 if k == "committed" else .05)
        self.is_follower = np.isin(self.kind, [KIND_NAMES.index(k) for k in TIERS + HOLLOW])

    def _idx(self, *kinds: str) -> np.ndarray:
        return np.concatenate([self.ranges[k] for k in kinds])

    def truth(self) -> pd.DataFrame:
        seg = np.array(SEGMENTS + (None,), dtype=object)[self.segment]
        return pd.DataFrame({
            "id": self.ids, "kind": np.array(KIND_NAMES, dtype=object)[self.kind],
            "segment": seg, "follower": self.is_follower,
            "hollow": np.isin(self.kind, [KIND_NAMES.index(k) for k in HOLLOW]),
        })

    # -- follows ---------------------------------------------------------------------------
    def follows(self) -> None:
        """Who follows whom, and since when for edges that touch the owner."""
        rng, r, end = self._rng(2), self.ranges, self.end_s
        since = np.full(self.n, -1, dtype=np.int64)      # when each follower followed the owner
        window = {"committed": .10, "occasional": .20, "attentive": .25, "silent": .30}
        for k, p in window.items():
            idx = r[k]
            recent = rng.random(len(idx)) < p
            since[idx] = np.where(recent, self.start_s + _u(rng, len(idx), 0, YEAR - 7 * DAY),
                                  self.start_s - _u(rng, len(idx), 0, 6 * YEAR))
        since[r["farm"]] = end - _u(rng, len(r["farm"]), 7 * DAY, 2 * YEAR)
        since[r["mass"]] = end - _u(rng, len(r["mass"]), 7 * DAY, 3 * YEAR)
        since[r["bought"]] = end - 88 * DAY + _u(rng, len(r["bought"]), 0, 4 * DAY)
        since[r["inactive"]] = end - _u(rng, len(r["inactive"]), 3 * YEAR, 12 * YEAR)
        self.since = since
        fol = np.flatnonzero(self.is_follower)
        edges = [(fol, np.zeros(len(fol), dtype=np.int64), since[fol])]
        edges.append(self._owner_follows(rng))
        farm, outside = r["farm"], r["outside"]
        d = min(len(farm) - 1, 80)
        src = np.repeat(farm, d)        # each farm account follows d others (offsets 1..n-1: never itself)
        offset = 1 + rng.integers(0, len(farm) - 1, len(src))
        dst = farm[(np.repeat(np.arange(len(farm)), d) + offset) % len(farm)]
        edges.append((src, dst, None))
        for k, per in (("farm", 20), ("mass", 15), ("bought", 3)):
            src = np.repeat(r[k], per)
            edges.append((src, rng.choice(outside, len(src)), None))
        src = np.repeat(r["mass"], 3)
        edges.append((src, rng.choice(fol, len(src)), None))
        edges.append(self._second_degree(rng))
        self.f_src, self.f_dst, self.f_since = _dedupe_edges(edges, self.n)

    def _owner_follows(self, rng) -> tuple:
        """The owner follows most of the farm, which followed back by script within minutes; plus
        peers, partners and notable voices."""
        r, end = self.ranges, self.end_s
        farm = r["farm"][rng.random(len(r["farm"])) < .6]
        farm_since = self.since[farm] - _u(rng, len(farm), MINUTE, 8 * MINUTE)
        liked = np.isin(self.segment, [SEGMENTS.index(s) for s in ("customer", "supplier", "peer")])
        p = np.zeros(self.n)
        p[r["committed"]], p[r["occasional"]], p[r["silent"]] = .15, .05, .01
        p[liked & (p > 0)] *= 3
        real = np.flatnonzero(rng.random(self.n) < p)
        real_since = np.minimum(self.since[real] + _u(rng, len(real), DAY, 200 * DAY), end - 1)
        fe = r["followee"]
        fe_since = end - _u(rng, len(fe), 30 * DAY, 8 * YEAR)
        dst = np.concatenate([farm, real, fe])
        return np.zeros(len(dst), dtype=np.int64), dst, np.concatenate([farm_since, real_since, fe_since])

    def _second_degree(self, rng) -> tuple:
        """Followers of followers: heavy-tailed, overlapping, from other followers and outside accounts."""
        r = self.ranges
        targets = self._idx(*TIERS, "inactive")
        boost = np.where(self.kind[targets] == KIND_NAMES.index("committed"), .7, 0.)
        k = np.minimum(np.exp(rng.normal(np.log(7) + boost, 1.1)), 400).astype(np.int64)
        dst = np.repeat(targets, k)
        from_followers = rng.random(len(dst)) < .35
        pool = self._idx(*TIERS)
        outside = r["outside"]
        popularity = 1.0 / (np.arange(len(outside)) + 10.0) ** .9
        src = np.where(from_followers, rng.choice(pool, len(dst)),
                       rng.choice(outside, len(dst), p=popularity / popularity.sum()))
        back = from_followers & (rng.random(len(dst)) < .3)    # some follow each other
        return np.concatenate([src, dst[back]]), np.concatenate([dst, src[back]]), None

    # -- profiles --------------------------------------------------------------------------
    def profiles(self) -> None:
        """Profile rows for every account except the unprofiled outside ones."""
        rng, end = self._rng(3), self.end_s
        indeg = np.bincount(self.f_dst, minlength=self.n)
        outdeg = np.bincount(self.f_src, minlength=self.n)
        rows = self._idx("owner", *TIERS, *HOLLOW, "followee", "active_outsider", "inviter")
        m = len(rows)
        P = _Profiles(m)
        kind = self.kind[rows]
        people = np.isin(kind, [KIND_NAMES.index(k) for k in TIERS + ("followee", "active_outsider",
                                                                         "inviter", "inactive", "mass")])
        first, last, fh, lh = _names(rng, m)
        P.name[people] = (first + " " + last)[people]
        P.handle[people] = _person_handles(rng, fh, lh)[people]
        segm = self.segment[rows]
        company = _companies(rng, m)
        has_job = (segm >= 0) & np.isin(segm, [0, 1, 2, 3, 6]) & (rng.random(m) < .7)
        position = _pick_positions(rng, segm)
        P.company[has_job], P.position[has_job] = company[has_job], position[has_job]
        P.bio[:] = _bios(rng, segm, position, company, has_job)
        P.lang[:] = rng.choice(_LANGS, m, p=_LANG_P)
        P.location[:] = np.where(rng.random(m) < .7, rng.choice(_CITIES, m), "")
        P.tags[:] = self.tags[rows]
        emailable = (P.tags != "") & has_job & (rng.random(m) < .3)
        P.email[emailable] = (fh + "." + lh + "@" + _slug(company) + ".example")[emailable]
        want_url = (rng.random(m) < .3) & ~np.isin(kind, [KIND_NAMES.index(k) for k in ("owner", *HOLLOW)])
        P.has_avatar[:] = rng.random(m) < .95
        P.verified[:] = rng.random(m) < .02
        since = np.where(self.since[rows] >= 0, self.since[rows], end)
        P.created[:] = np.minimum(end - _u(rng, m, 1.2 * YEAR, 16 * YEAR), since - 30 * DAY)
        P.followers[:] = _lognormal(rng, m, 350, 1.3)
        P.following[:] = _lognormal(rng, m, 300, 1.0)
        P.posts[:] = _lognormal(rng, m, 900, 1.4)
        for k in ("followee", "farm", "mass", "bought", "inactive", "owner"):
            sel = kind == KIND_NAMES.index(k)
            getattr(self, f"_profile_{k}")(rng, P, sel, since[sel])
        P.url[want_url] = "https://" + P.handle[want_url] + ".example"
        P.followers[:] = np.maximum(P.followers, indeg[rows])
        P.following[:] = np.maximum(P.following, outdeg[rows])
        self.profile_rows, self.profile = rows, P

    def _profile_owner(self, rng, P, sel, since) -> None:
        P.set(sel, handle="ada_founder", name="Ada Lindqvist", company="Loomworks",
              position="Founder & CEO", tags="", url="https://loomworks.example", location="Stockholm",
              lang="en", email="", has_avatar=True, verified=True, posts=3240, following=0,
              followers=int(self.F * 1.04), created=self.end_s - 11 * YEAR,
              bio="Founder & CEO at Loomworks: software for sustainable manufacturing. "
                  "Open source, remote teams, circular supply chains.")

    def _profile_followee(self, rng, P, sel, since) -> None:
        c = int(sel.sum())
        P.set(sel, followers=_lognormal(rng, c, 40_000, 1.5), verified=rng.random(c) < .4)

    def _profile_farm(self, rng, P, sel, since) -> None:
        c = int(sel.sum())
        a = pd.Series(rng.choice(_FARM_HANDLE_A, c), dtype=object)
        b = pd.Series(rng.choice(_FARM_HANDLE_B, c), dtype=object)
        digits = pd.Series(rng.integers(10, 1000, c).astype(str), dtype=object)
        followers = rng.integers(2000, 9000, c)
        name = a.str.title() + " " + b.str.strip("_").str.title()
        P.set(sel, handle=(a + b + digits).to_numpy(), name=name.to_numpy(), bio=rng.choice(_FARM_BIO, c),
              company="", position="", tags="", email="", verified=False,
              followers=followers, following=(followers * rng.uniform(.9, 1.15, c)).astype(np.int64),
              posts=_lognormal(rng, c, 150, .8), has_avatar=rng.random(c) < .9,
              created=np.minimum(self.end_s - _u(rng, c, YEAR, 6 * YEAR), since - DAY), lang="en")

    def _profile_mass(self, rng, P, sel, since) -> None:
        c = int(sel.sum())
        P.set(sel, following=rng.integers(20_000, 60_001, c), followers=rng.integers(3, 200, c),
              posts=rng.integers(0, 31, c), has_avatar=rng.random(c) < .5, verified=False,
              company="", position="", tags="", email="", url="",
              bio=np.where(rng.random(c) < .7, "", "Just here to learn"),
              handle=P.handle[sel] + rng.integers(100, 10000, c).astype(str).astype(object),
              created=np.minimum(self.end_s - _u(rng, c, YEAR, 8 * YEAR), since - DAY))

    def _profile_bought(self, rng, P, sel, since) -> None:
        c = int(sel.sum())
        handles = "user" + (rng.choice(90_000_000, c, replace=False) + 10_000_000).astype(str).astype(object)
        P.set(sel, handle=handles, name=np.where(rng.random(c) < .5, rng.choice(_FIRST, c), ""), bio="",
              has_avatar=False, verified=False, posts=rng.integers(0, 4, c), followers=rng.integers(0, 6, c),
              following=rng.integers(50, 1500, c), url="", location="", company="", position="", email="",
              tags="", lang="en", created=self.end_s - 100 * DAY + _u(rng, c, 0, 10 * DAY))

    def _profile_inactive(self, rng, P, sel, since) -> None:
        c = int(sel.sum())
        P.set(sel, posts=rng.integers(1, 41, c), followers=rng.integers(3, 80, c),
              following=rng.integers(10, 200, c), has_avatar=rng.random(c) < .4, verified=False,
              bio=np.where(rng.random(c) < .4, P.bio[sel], ""), url="", email="", company="", position="",
              created=np.minimum(self.end_s - _u(rng, c, 8 * YEAR, 15 * YEAR), since - DAY))

    # -- posts -----------------------------------------------------------------------------
    def posts(self) -> None:
        """The owner's posts and requests, a few posts by followers, old posts by inactive accounts."""
        rng, r = self._rng(4), self.ranges
        n_own = 320
        own_at = np.sort(self._busy_times(rng, n_own))
        monthly = ((np.arange(12) + .5) * YEAR / 12).astype(np.int64)
        req_at = self.start_s + monthly + _u(rng, 12, -5 * DAY, 5 * DAY)
        authors = np.concatenate([np.repeat(r[k], rng.poisson(lam, len(r[k]))) for k, lam in
                                  (("committed", 1.2), ("occasional", .15), ("active_outsider", .3))])
        fol_at = self._busy_times(rng, len(authors))
        inactive = r["inactive"]                  # one last post, long ago
        old_at = self.end_s - _u(rng, len(inactive), 1.5 * YEAR, 7.5 * YEAR)
        n_other = len(authors) + len(inactive)
        self.post_ids = np.concatenate([np.array([f"p{i:05d}" for i in range(1, n_own + 1)], dtype=object),
                                        np.array([f"req-{i:02d}" for i in range(1, 13)], dtype=object),
                                        _seq_ids("p", n_own + 1, n_other)])
        self.post_author = np.concatenate([np.zeros(n_own + 12, dtype=np.int64), authors, inactive])
        self.post_at = np.concatenate([own_at, req_at, fol_at, old_at])
        topics = rng.choice(OWNER_TOPICS, n_own)
        templates = rng.choice(_POST_TEXT, n_own)
        own_text = np.array([t.format(t=x) for t, x in zip(templates, topics)], dtype=object)  # 320 rows
        other_text = np.where(rng.random(n_other) < .5, "Great session on " + rng.choice(
            OWNER_TOPICS + OTHER_TOPICS, n_other).astype(object) + " today", "New blog post is up")
        self.post_text = np.concatenate([own_text, np.array(_REQUESTS, dtype=object), other_text])
        reply_to = np.full(len(self.post_ids), -1)
        k = np.searchsorted(own_at, fol_at) - 1
        replies = (rng.random(len(authors)) < .3) & (k >= 0)
        reply_to[n_own + 12 + np.flatnonzero(replies)] = k[replies]
        self.post_reply_to = reply_to
        self.n_own, self.own_at, self.req_at = n_own, own_at, req_at
        self.own_pop = np.exp(rng.normal(0, 1, n_own))

    def _busy_times(self, rng, n: int) -> np.ndarray:
        """Times in the year before ``end``: weekdays twice as busy as weekends, office hours busiest."""
        days = np.arange(365)
        weekday = (self.start_s // DAY + days + 3) % 7          # 1970-01-01 was a Thursday (3)
        dw = np.where(weekday < 5, 1.0, .45)
        hours = np.array([.2, .1, .1, .1, .2, .4, .8, 1.5, 2.5, 3, 3, 2.6, 2.2, 2.6, 2.8, 2.6, 2.2, 1.8, 1.5,
                          1.4, 1.3, 1.0, .7, .4])
        day = rng.choice(365, n, p=dw / dw.sum())
        hour = rng.choice(24, n, p=hours / hours.sum())
        return self.start_s + day * DAY + hour * HOUR + rng.integers(0, HOUR, n)

    # -- interactions ----------------------------------------------------------------------
    def interactions(self) -> None:
        """A year of interactions of every kind; the committed tier fills the requested total."""
        rng, r, N = self._rng(5), self.ranges, self.N
        if N == 0:
            self.i_actor, self.i_target, self.i_kind, self.i_at, self.i_post = _empty()
            return
        occ, att, out = r["occasional"], r["attentive"], r["active_outsider"]
        self.lapsed = np.zeros(self.n, dtype=bool)
        self.lapsed[occ] = (rng.random(len(occ)) < .6) & (self.since[occ] < self._lapse_cutoff - 30 * DAY)
        parts = [self._requests(), self._responses(rng), self._invitations(rng)]
        parts.append(self._occasional(rng, occ, _quota(N * .025, len(occ))))
        parts.append(self._actions(rng, occ, _quota(N * .012, len(occ)), {"like": 1.0}, floor=0))
        parts.append(self._actions(rng, att, _quota(N * .08, len(att)), {"like": 1.0}, floor=1))
        parts.append(self._actions(rng, out, _quota(N * .04, len(out)), _MIX_OUTSIDER, floor=1))
        parts.append(self._among_followers(rng, int(round(N * .02))))
        com = r["committed"]
        recent = self._recent_visits(rng, com) if N >= 4 * len(com) else _empty()
        parts.append(recent)
        care = int(round(N * .07))
        left = max(N - care - sum(len(p[0]) for p in parts), 0)
        floor = min(12, left // max(len(com), 1))
        parts.append(self._actions(rng, com, left, _MIX_COMMITTED, floor=floor, sigma=1.0))
        parts.append(self._care(rng, parts, min(care, max(N - sum(len(p[0]) for p in parts), 0))))
        actor, target, kind, at, post = (np.concatenate(c) for c in zip(*parts))
        order = np.argsort(at, kind="stable")
        self.i_actor, self.i_target, self.i_kind = actor[order], target[order], kind[order]
        self.i_at, self.i_post = at[order], post[order]

    def _requests(self) -> tuple:
        n = len(self.req_at)
        zeros = np.zeros(n, dtype=np.int64)
        return zeros, zeros, np.full(n, _KIND["request"]), self.req_at, self.n_own + np.arange(n)

    def _responses(self, rng) -> tuple:
        """Answers to the owner's requests, mostly from committed and occasional followers."""
        r = self.ranges
        # Attentive and silent followers never answer: their labels stay true to their behaviour.
        cand = self._idx("committed", "occasional", "active_outsider")
        ab = {"committed": (1.2, 12), "occasional": (1, 30), "active_outsider": (1, 60)}
        p = np.concatenate([rng.beta(*ab[k], len(r[k])) for k in ab])
        appeal = np.exp(rng.normal(0, .6, len(self.req_at)))
        prob = np.minimum(p[:, None] * appeal[None, :], .95)
        could = (self.since[cand][:, None] < self.req_at[None, :]) | (self.since[cand][:, None] < 0)
        # Occasional followers answer only while they are active: lapsed ones, before they lapsed.
        occasional = self.kind[cand] == KIND_NAMES.index("occasional")
        early = self.req_at + 15 * DAY < self._lapse_cutoff
        could &= ~occasional[:, None] | (self.lapsed[cand][:, None] & early[None, :])
        who, req = np.nonzero((rng.random(prob.shape) < prob) & could)
        at = np.minimum(self.req_at[req] + _delay(rng, len(req), 5 * HOUR, 1.2, 14 * DAY), self.end_s - 1)
        return (cand[who], np.zeros(len(who), dtype=np.int64), np.full(len(who), _KIND["response"]), at,
                self.n_own + req)

    def _invitations(self, rng) -> tuple:
        """Pending invitations from non-followers; a few accepted ones (the sender followed soon after)."""
        inv = self.ranges["inviter"]
        at_p = self.end_s - _u(rng, len(inv), HOUR, 90 * DAY)
        real = self._idx(*TIERS)
        joined = real[self.since[real] > self.start_s + 3 * DAY]
        acc = rng.choice(joined, min(len(joined), max(1, round(.003 * self.F))), replace=False)
        at_a = self.since[acc] - _u(rng, len(acc), HOUR, 3 * DAY)
        actor = np.concatenate([inv, acc])
        return (actor, np.zeros(len(actor), dtype=np.int64), np.full(len(actor), _KIND["invitation"]),
                np.concatenate([at_p, at_a]), np.full(len(actor), -1))

    @property
    def _lapse_cutoff(self) -> int:
        """Lapsed followers act no later than this: 90 days before ``end``, and a week's margin."""
        return self.end_s - 97 * DAY

    def _occasional(self, rng, who: np.ndarray, total: int) -> tuple:
        """Active actions of occasional followers, never enough to look committed.

        Committed means active on 3 or more days, one of them in the last 90 days. So 60% of
        occasional followers have lapsed (all their actions more than 97 days before ``end``)
        and the rest act on one or two days of the year only."""
        if total <= 0 or len(who) == 0:
            return _empty()
        floor = min(1, total // len(who))
        w = np.exp(rng.normal(0, .8, len(who)))
        counts = floor + rng.multinomial(total - floor * len(who), w / w.sum())
        actor = np.repeat(who, counts)
        mix = _MIX_OCCASIONAL
        p = np.array(list(mix.values()))
        kind = rng.choice([_KIND[k] for k in mix], len(actor), p=p / p.sum())
        lo = np.maximum(self.since[actor], self.start_s)
        lapsed_at = lo + (rng.random(len(actor)) * (self._lapse_cutoff - lo)).astype(np.int64)
        # One or two days per follower, each a day strictly after the follow and before ``end``.
        lo_w = np.maximum(self.since[who], self.start_s) + DAY
        span = (self.end_s - DAY - lo_w)[:, None]
        days = lo_w[:, None] + (rng.random((len(who), 2)) * span).astype(np.int64)
        days = days // DAY * DAY
        two_days = rng.random(len(who)) < .5
        slot = np.repeat(two_days, counts) * rng.integers(0, 2, len(actor))
        few_at = days[np.repeat(np.arange(len(who)), counts), slot] + _u(rng, len(actor), 6 * HOUR, 22 * HOUR)
        at = np.where(self.lapsed[actor], lapsed_at, few_at)
        post = np.searchsorted(self.own_at, at, side="right") - 1
        on_post = np.isin(kind, [_KIND[k] for k in _ON_POSTS])
        kind[on_post & (post < 0)] = _KIND["visit"]
        post = np.where(on_post & (post >= 0), post, -1)
        return actor, np.zeros(len(actor), dtype=np.int64), kind, at, post

    def _recent_visits(self, rng, who: np.ndarray) -> tuple:
        """One visit in the last 60 days by every committed follower: they are active now."""
        at = self.end_s - _u(rng, len(who), HOUR, 60 * DAY)
        since = self.since[who]
        late = since > at                 # followed only in the last 60 days: visit after that
        at[late] = since[late] + (rng.random(int(late.sum())) * (self.end_s - since[late])).astype(np.int64)
        return (who, np.zeros(len(who), dtype=np.int64), np.full(len(who), _KIND["visit"]), at,
                np.full(len(who), -1))

    def _actions(self, rng, who: np.ndarray, total: int, mix: dict, *, floor: int,
                 sigma: float = .8) -> tuple:
        """``total`` actions toward the owner by ``who``, heavy-tailed (log-normal activity)."""
        if total <= 0 or len(who) == 0:
            return _empty()
        floor = min(floor, total // len(who))
        w = np.exp(rng.normal(0, sigma, len(who)))
        counts = floor + rng.multinomial(total - floor * len(who), w / w.sum())
        actor = np.repeat(who, counts)
        kinds = np.array([_KIND[k] for k in mix])
        kind = rng.choice(kinds, len(actor), p=np.array(list(mix.values())) / sum(mix.values()))
        at, post = self._times_for(rng, actor, kind)
        return actor, np.zeros(len(actor), dtype=np.int64), kind, at, post

    def _times_for(self, rng, actor: np.ndarray, kind: np.ndarray) -> tuple:
        """Likes, shares and replies follow one of the owner's posts; other kinds fall on busy hours.

        No action precedes the actor's follow: those that would are moved into [since, end)."""
        n = len(actor)
        on_post = np.isin(kind, [_KIND[k] for k in _ON_POSTS])
        post = np.full(n, -1)
        at = self._busy_times(rng, n)
        m = int(on_post.sum())
        pop = self.own_pop / self.own_pop.sum()
        post[on_post] = rng.choice(self.n_own, m, p=pop)
        at[on_post] = self.own_at[post[on_post]] + _delay(rng, m, 4 * HOUR, 1.3, 20 * DAY)
        since = self.since[actor]
        late = since > at
        at[late] = since[late] + (rng.random(int(late.sum())) * (self.end_s - since[late])).astype(np.int64)
        fix = late & on_post
        k = np.searchsorted(self.own_at, at[fix], side="right") - 1
        post[fix] = np.maximum(k, 0)
        at[fix] = np.maximum(at[fix], self.own_at[post[fix]] + MINUTE)
        return np.minimum(at, self.end_s - 1), post

    def _among_followers(self, rng, total: int) -> tuple:
        """Followers liking, sharing and replying to each other's posts (not toward the owner)."""
        first = self.n_own + 12
        posts = np.flatnonzero(self.post_at[first:] >= self.start_s) + first
        if total <= 0 or len(posts) == 0:
            return _empty()
        who = self._idx("committed", "occasional")
        w = np.exp(rng.normal(0, 1, len(who)))
        actor = rng.choice(who, total, p=w / w.sum())
        post = rng.choice(posts, total)
        target = self.post_author[post]
        keep = actor != target
        actor, post, target = actor[keep], post[keep], target[keep]
        kind = rng.choice([_KIND["like"], _KIND["share"], _KIND["reply"]], len(actor), p=[.6, .25, .15])
        at = np.minimum(self.post_at[post] + _delay(rng, len(actor), 5 * HOUR, 1.3, 20 * DAY), self.end_s - 1)
        return actor, target, kind, at, post

    def _care(self, rng, parts: list, total: int) -> tuple:
        """The owner's replies, shares, mentions and messages: mostly to those who engage, not only."""
        if total <= 0:
            return _empty()
        actor, target, kind, _, _ = (np.concatenate(c) for c in zip(*parts))
        actor, kind = actor[target == 0], kind[target == 0]
        active = np.isin(kind, [_KIND[k] for k in ("share", "reply", "mention", "visit", "message",
                                                  "contribution", "word_of_mouth", "response")])
        act = np.bincount(actor[active], minlength=self.n).astype(float)
        msg = np.bincount(actor[kind == _KIND["message"]], minlength=self.n).astype(float)
        base = np.where((self.tags != "") & self.is_follower, .3, 0.0)
        base[self.kind != KIND_NAMES.index("committed")] *= .5
        act[0] = msg[0] = base[0] = 0
        w_msg = msg ** .8 * np.exp(rng.normal(0, .7, self.n)) + base * .5
        w_other = act ** .7 * np.exp(rng.normal(0, .8, self.n)) + base
        kinds = np.array([_KIND[k] for k in _MIX_CARE])
        kind = rng.choice(kinds, total, p=np.array(list(_MIX_CARE.values())))
        is_msg = kind == _KIND["message"]
        target = np.empty(total, dtype=np.int64)
        target[is_msg] = rng.choice(self.n, int(is_msg.sum()), p=w_msg / w_msg.sum())
        target[~is_msg] = rng.choice(self.n, int((~is_msg).sum()), p=w_other / w_other.sum())
        at = self._busy_times(rng, total)
        post = self._posts_of(rng, target, (kind == _KIND["reply"]) | (kind == _KIND["share"]))
        has = post >= 0
        at[has] = np.minimum(self.post_at[post[has]] + _delay(rng, int(has.sum()), 3 * HOUR, 1.2, 10 * DAY),
                             self.end_s - 1)
        return np.zeros(total, dtype=np.int64), target, kind, at, post

    def _posts_of(self, rng, author: np.ndarray, want: np.ndarray) -> np.ndarray:
        """For each wanted row, one random post by that author in the window (-1 when none)."""
        first = self.n_own + 12
        in_window = np.flatnonzero(self.post_at[first:] >= self.start_s) + first
        by_author = in_window[np.argsort(self.post_author[in_window], kind="stable")]
        sorted_authors = self.post_author[by_author]
        lo = np.searchsorted(sorted_authors, author)
        cnt = np.searchsorted(sorted_authors, author, side="right") - lo
        post = np.full(len(author), -1)
        ok = want & (cnt > 0)
        post[ok] = by_author[lo[ok] + (rng.random(int(ok.sum())) * cnt[ok]).astype(np.int64)]
        return post

    # -- groups ----------------------------------------------------------------------------
    def groups(self) -> None:
        """Eight groups; the owner in six; overlapping memberships; naive counts far above the known."""
        rng = self._rng(6)
        p = np.zeros(self.n)
        aligned = np.isin(self.segment, [0, 1, 3, 6])
        p[self._idx(*TIERS)] = .1
        p[aligned & (p > 0)] = .25
        p[self.ranges["farm"]] = .3
        p[self._idx("followee", "active_outsider")] = .2
        p[self.ranges["outside"]] = .01
        who = np.flatnonzero(rng.random(self.n) < p)
        who = np.repeat(who, 1 + rng.binomial(2, .3, len(who)))
        size = np.array([8, 5, 4, 6, 4, 5, 3, 3], dtype=float)
        group = rng.choice(len(_GROUPS), len(who), p=size / size.sum())
        account = np.concatenate([np.zeros(6, dtype=np.int64), who])
        group = np.concatenate([np.arange(6), group])
        code = np.unique(account * len(_GROUPS) + group)
        self.m_account, self.m_group = code // len(_GROUPS), code % len(_GROUPS)
        known = np.bincount(self.m_group, minlength=len(_GROUPS))
        self.g_members = known * rng.integers(6, 30, len(_GROUPS)) + rng.integers(200, 5000, len(_GROUPS))

    # -- output ----------------------------------------------------------------------------
    def tables(self) -> dict[str, pd.DataFrame]:
        import pyarrow as pa

        ids, post_ids = pa.array(self.ids, pa.string()), pa.array(self.post_ids, pa.string())
        kinds, groups = pa.array(KINDS, pa.string()), pa.array([g for g, _ in _GROUPS], pa.string())
        own_url = np.where(self.post_author == 0, "https://social.example/@ada_founder/" + self.post_ids, "")
        return {
            "accounts": self._accounts_frame(),
            "follows": pd.DataFrame({"follower": _take(ids, self.f_src), "followee": _take(ids, self.f_dst),
                                     "since": _stamps(self.f_since)}),
            "interactions": pd.DataFrame({
                "actor": _take(ids, self.i_actor), "target": _take(ids, self.i_target),
                "kind": _take(kinds, self.i_kind), "at": _stamps(self.i_at),
                "post": _take(post_ids, self.i_post), "weight": np.ones(len(self.i_at))}),
            "posts": pd.DataFrame({
                "id": _take(post_ids, np.arange(len(self.post_ids))), "author": _take(ids, self.post_author),
                "at": _stamps(self.post_at), "text": pd.Series(self.post_text, dtype="str"),
                "reply_to": _take(post_ids, self.post_reply_to), "url": pd.Series(own_url, dtype="str")}),
            "groups": pd.DataFrame({"group": _take(groups, np.arange(len(_GROUPS))),
                                    "name": pd.Series([n for _, n in _GROUPS], dtype="str"),
                                    "members_count": self.g_members.astype(np.int64)}),
            "memberships": pd.DataFrame({"group": _take(groups, self.m_group),
                                         "account": _take(ids, self.m_account)}),
        }

    def _accounts_frame(self) -> pd.DataFrame:
        P, rows = self.profile, self.profile_rows
        order = self._rng(7).permutation(len(rows))     # row order must not give away the kinds
        frame = pd.DataFrame({
            "id": self.ids[rows], "handle": P.handle, "name": P.name, "bio": P.bio,
            "followers_count": P.followers, "following_count": P.following, "posts_count": P.posts,
            "created_at": _stamps(P.created), "url": P.url, "has_avatar": P.has_avatar,
            "verified": P.verified, "location": P.location, "lang": P.lang, "company": P.company,
            "position": P.position, "email": P.email, "tags": P.tags,
            "observed_at": _stamps(np.full(len(rows), self.end_s)),
        })
        assert list(frame.columns) == list(TABLES["accounts"])
        return frame.iloc[order].reset_index(drop=True)


class _Profiles:
    """Columns of the profiled accounts, filled kind by kind."""

    def __init__(self, m: int):
        for col in ("handle", "name", "bio", "url", "location", "lang", "company", "position", "email",
                    "tags"):
            setattr(self, col, np.full(m, "", dtype=object))
        for col in ("followers", "following", "posts", "created"):
            setattr(self, col, np.zeros(m, dtype=np.int64))
        self.has_avatar = np.ones(m, dtype=bool)
        self.verified = np.zeros(m, dtype=bool)

    def set(self, sel: np.ndarray, **values) -> None:
        for col, v in values.items():
            getattr(self, col)[sel] = v


# -- small vectorised helpers ------------------------------------------------------------------

def _u(rng, n: int, lo: float, hi: float) -> np.ndarray:
    """n uniform integers (seconds) in [lo, hi)."""
    return (lo + rng.random(n) * (hi - lo)).astype(np.int64)


def _delay(rng, n: int, median: float, sigma: float, cap: float) -> np.ndarray:
    """Log-normal reaction delays in seconds: most within hours, a long tail up to ``cap``."""
    return np.minimum(np.exp(rng.normal(np.log(median), sigma, n)), cap).astype(np.int64) + MINUTE


def _lognormal(rng, n: int, median: float, sigma: float) -> np.ndarray:
    return np.exp(rng.normal(np.log(median), sigma, n)).astype(np.int64)


def _quota(x: float, n: int) -> int:
    return int(round(x)) if n else 0


def _empty() -> tuple:
    e = np.zeros(0, dtype=np.int64)
    return e, e, e, e, e


def _make_ids(rng, n: int) -> np.ndarray:
    """Opaque numeric-looking ids as text; a few with a leading zero (ids are text: 07 is not 7)."""
    got = np.zeros(0, dtype=np.int64)
    while len(got) < n - 1:
        got = np.unique(np.concatenate([got, rng.integers(10**8, 10**10, int(n * 1.05) + 10)]))
    got = rng.permutation(got)[: n - 1].astype(str).astype(object)
    pad = rng.random(n - 1) < .005
    got[pad] = "0" + got[pad]
    return np.concatenate([np.array([OWNER], dtype=object), got])


def _seq_ids(prefix: str, start: int, n: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(start, start + n).astype(str), 5)).astype(object)


def _dedupe_edges(edges: list, n: int) -> tuple:
    """Concatenate (src, dst, since|None) parts; drop self-follows and repeats (first one wins)."""
    src = np.concatenate([e[0] for e in edges]).astype(np.int64)
    dst = np.concatenate([e[1] for e in edges]).astype(np.int64)
    since = np.concatenate([e[2] if e[2] is not None else np.full(len(e[0]), -1) for e in edges])
    keep = src != dst
    src, dst, since = src[keep], dst[keep], since[keep]
    _, first = np.unique(src * n + dst, return_index=True)
    first.sort()
    return src[first], dst[first], since[first]


def _stamps(seconds: np.ndarray) -> pd.Series:
    """Seconds since 1970 (negative = unknown) as naive UTC timestamps, unknown as NaT."""
    s = np.asarray(seconds, dtype=np.int64)
    out = s.astype("datetime64[s]")
    out[s < 0] = np.datetime64("NaT")
    return pd.Series(out)


def _take(values, index: np.ndarray) -> pd.Series:
    """Text column from a pyarrow dictionary of values and indices (-1 = unknown), without Python objects."""
    import pyarrow as pa

    index = np.asarray(index, dtype=np.int64)
    taken = values.take(pa.array(index, mask=index < 0))
    return taken.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=np.nan)}.get)
