"""Profile features for hollow detection, computed from the generic accounts columns.

Input is any subset of the generic accounts columns, as typed values or as raw strings from a CSV.
Every value that cannot be trusted (non-numeric, negative or absurd counts, unparseable dates,
creation dates in the future) becomes missing, and the row keeps a note that says so; a bad row
never stops the run.

Missing versus none: a free-text column that is absent from the input, or empty on every row, is
*unknown*; an empty cell in a column that other rows fill means *none* (no bio, no URL), as in
the generic import format, except on rows where nothing else is known about the account (an id
and nothing more).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from rapidfuzz.distance import Indel

import numpy as np
import pandas as pd

#: Upper bounds beyond which a count is treated as a data error, not a fact.
ABSURD = {"followers_count": 1_000_000_000, "following_count": 10_000_000,
          "posts_count": 100_000_000}
COUNTS = ("followers_count", "following_count", "posts_count")
TEXTS = ("handle", "name", "bio", "url", "location")
BOOLS = ("has_avatar", "verified")
_EARLIEST = pd.Timestamp("1995-01-01")

#: The model's inputs, in the order of the model file's feature index.
FEATURES = (
    "log_followers", "log_following", "log_posts", "log_ratio", "log_age_days",
    "log_posts_per_day", "log_following_per_day", "log_followers_per_day",
    "bio_len", "has_url", "has_avatar", "handle_len", "handle_digits", "name_handle_sim",
)

#: Features that become unknown together (one fact hidden hides everything computed from it).
FEATURE_GROUPS = {
    "followers": ("log_followers", "log_ratio", "log_followers_per_day"),
    "following": ("log_following", "log_ratio", "log_following_per_day"),
    "posts": ("log_posts", "log_posts_per_day"),
    "age": ("log_age_days", "log_posts_per_day", "log_following_per_day", "log_followers_per_day"),
    "text": ("bio_len", "has_url", "handle_len", "handle_digits", "name_handle_sim"),
    "avatar": ("has_avatar",),
}

_TRUE = {"true", "t", "1", "yes", "y", "1.0"}
_FALSE = {"false", "f", "0", "no", "n", "0.0", ""}


def _now() -> pd.Timestamp:
    return pd.Timestamp(datetime.now(timezone.utc).replace(tzinfo=None))


def _counts(raw: pd.Series, name: str, notes: list[list[str]]) -> pd.Series:
    """Numbers from anything; unreadable, negative and absurd values become NaN with a note."""
    text = raw.astype("string").str.strip().str.replace(",", "", regex=False)
    num = pd.to_numeric(text, errors="coerce").astype("float64")
    label = name.replace("_count", "").replace("_", " ")
    bad_text = num.isna() & raw.notna() & (text.fillna("") != "")
    for i in np.flatnonzero(bad_text.to_numpy()):
        notes[i].append(f"{label} count unreadable ({str(raw.iloc[i])[:20]!r}), ignored")
    for mask, why in ((num < 0, "negative"), (num > ABSURD[name], "implausibly large")):
        mask = mask.fillna(False).to_numpy()
        for i in np.flatnonzero(mask):
            notes[i].append(f"{label} count {why} ({num.iloc[i]:,.0f}), ignored")
        num[mask] = np.nan
    return np.floor(num)


def _dates(raw: pd.Series, name: str, notes: list[list[str]]) -> pd.Series:
    """Naive-UTC timestamps from datetimes or text in common formats (ISO, Twitter's)."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        ts = raw.dt.tz_convert("UTC").dt.tz_localize(None) if raw.dt.tz is not None else raw
        return ts.astype("datetime64[ns]")
    text = raw.astype("string").str.strip()
    ts = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601").dt.tz_localize(None)
    # years nanosecond timestamps cannot hold (e.g. year 0 from "\1") are unreadable, not a crash
    ts = ts.where((ts.dt.year >= 1678) & (ts.dt.year <= 2261)).astype("datetime64[ns]")
    todo = ts.isna() & text.notna() & (text != "")
    for i in np.flatnonzero(todo.fillna(False).to_numpy()):
        value = text.iloc[i]
        parsed = _parse_one(value)
        if parsed is not None and not 1900 <= parsed.year <= 2200:
            notes[i].append(f"{name} out of range ({value[:25]!r}), ignored")
        elif parsed is None:
            notes[i].append(f"{name} unreadable ({value[:25]!r}), ignored")
        else:
            ts.iloc[i] = parsed
    return ts


def _parse_one(value: str) -> pd.Timestamp | None:
    for fmt in (None, "%a %b %d %H:%M:%S %z %Y"):
        try:
            t = pd.Timestamp(datetime.strptime(value, fmt)) if fmt else pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError):
            continue
        if t is pd.NaT:
            return None
        if t.tzinfo is not None:
            t = t.tz_convert("UTC").tz_localize(None)
        return t
    return None


def _bools(raw: pd.Series) -> pd.Series:
    text = raw.astype("string").str.strip().str.lower()
    out = pd.Series(np.nan, index=raw.index)
    out[text.isin(_TRUE).fillna(False).to_numpy()] = 1.0
    out[(text.isin(_FALSE) & (text != "")).fillna(False).to_numpy()] = 0.0
    return out


def clean_accounts(accounts: pd.DataFrame, *, as_of=None) -> tuple[pd.DataFrame, list[list[str]]]:
    """Typed, trusted values of the profile columns, plus per-row notes on what was dropped.

    Returns a frame with ``id``, the three counts (float, NaN unknown), ``created_at`` and
    ``observed_at`` (naive UTC), ``age_days``, the texts (``None`` when unknown, ``""`` when
    none), ``has_avatar``/``verified`` (1.0, 0.0 or NaN) and ``known_profile`` (anything known).
    """
    n = len(accounts)
    notes: list[list[str]] = [[] for _ in range(n)]
    df = accounts.reset_index(drop=True)
    out = pd.DataFrame(index=df.index)
    out["id"] = df["id"].astype("string") if "id" in df else pd.Series(
        [str(i) for i in range(n)], dtype="string")
    for c in COUNTS:
        out[c] = _counts(df[c], c, notes) if c in df else np.nan
    for c in BOOLS:
        out[c] = _bools(df[c]) if c in df else np.nan
    observed = _dates(df["observed_at"], "observed_at", notes) if "observed_at" in df else None
    default_at = pd.Timestamp(as_of).tz_localize(None) if as_of is not None and pd.Timestamp(
        as_of).tzinfo is None else (pd.Timestamp(as_of).tz_convert("UTC").tz_localize(None)
                                    if as_of is not None else _now())
    obs = pd.Series(default_at, index=df.index, dtype="datetime64[ns]")
    if observed is not None:
        obs = observed.fillna(default_at).astype("datetime64[ns]")
    out["observed_at"] = obs
    created = (_dates(df["created_at"], "created_at", notes) if "created_at" in df
               else pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]"))
    future = (created > obs + pd.Timedelta(days=1)).fillna(False).to_numpy()
    ancient = (created < _EARLIEST).fillna(False).to_numpy()
    for i in np.flatnonzero(future):
        notes[i].append("created_at lies in the future, ignored")
    for i in np.flatnonzero(ancient):
        notes[i].append("created_at before 1995, ignored")
    created[future | ancient] = pd.NaT
    out["created_at"] = created
    out["age_days"] = ((obs - created).dt.total_seconds() / 86400.0).clip(lower=0.0)
    known = out[list(COUNTS)].notna().any(axis=1) | created.notna()
    for c in TEXTS:
        text = df[c].astype("string").str.strip() if c in df else None
        present = None if text is None else (text.notna() & (text != ""))
        # a column with no value in any row is a field this input does not have (a workspace
        # holds every column, empty for the sources that lack it): unknown, never "none"
        if present is not None and present.any():
            values = text.where(present, "").astype(object)
            # an empty cell means "none", unless nothing at all is known about the account
            values[~present.to_numpy() & ~known.to_numpy()] = None
            out[c] = values
        else:
            out[c] = None
    out["known_profile"] = known | out[["handle", "name", "bio"]].apply(
        lambda s: s.map(lambda v: bool(v))).any(axis=1)
    return out, notes


_DIGITS = re.compile(r"\d")
_ALNUM = re.compile(r"[^0-9a-z]")


def _similarity(name, handle) -> float:
    """2·LCS / (len a + len b) of the letters and digits of name and handle (the Indel similarity,
    computed by rapidfuzz in C++; difflib's Python matcher was most of the scoring time)."""
    if not name or not handle:
        return np.nan
    a, b = _ALNUM.sub("", str(name).lower()), _ALNUM.sub("", str(handle).lower())
    if not a or not b:
        return 0.0
    return Indel.normalized_similarity(a, b)


def profile_features(clean: pd.DataFrame) -> pd.DataFrame:
    """The model's features (:data:`FEATURES`), NaN where unknown, from :func:`clean_accounts`.

    Counts enter as ``log1p``; ``log_ratio = log1p(following) - log1p(followers)``; rates are per
    day of account age (age at least one day); ``handle_digits`` is the share of digits in the
    handle; ``name_handle_sim`` the similarity (0-1) of display name and handle, letters only.
    """
    f = pd.DataFrame(index=clean.index)
    fo, fg, po = (clean[c].astype("float64") for c in COUNTS)
    age = clean["age_days"].astype("float64")
    days = age.clip(lower=1.0)
    f["log_followers"], f["log_following"], f["log_posts"] = np.log1p(fo), np.log1p(fg), np.log1p(po)
    f["log_ratio"] = f["log_following"] - f["log_followers"]
    f["log_age_days"] = np.log1p(age)
    f["log_posts_per_day"] = np.log1p(po / days)
    f["log_following_per_day"] = np.log1p(fg / days)
    f["log_followers_per_day"] = np.log1p(fo / days)
    bio, url, handle = clean["bio"], clean["url"], clean["handle"]
    f["bio_len"] = bio.map(lambda v: np.nan if v is None else float(len(v))).astype("float64")
    f["has_url"] = url.map(lambda v: np.nan if v is None else float(bool(v))).astype("float64")
    f["has_avatar"] = clean["has_avatar"].astype("float64")
    f["handle_len"] = handle.map(lambda v: float(len(v)) if v else np.nan).astype("float64")
    f["handle_digits"] = handle.map(
        lambda v: len(_DIGITS.findall(v)) / len(v) if v else np.nan).astype("float64")
    f["name_handle_sim"] = [_similarity(a, b) for a, b in zip(clean["name"], handle)]
    return f[list(FEATURES)].astype("float64")
