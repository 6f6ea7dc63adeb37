"""Training data and training for the hollow classifier (used by scripts/ and benchmarks/ only).

Reads the labelled research data sets into the generic accounts format:

- Cresci et al. 2015 (``cresci2015/users.csv``): ``dataset`` E13 = humans (0); INT and FSF =
  fake followers bought on two markets (1).
- Lee, Eoff & Caverlee 2011 (``caverlee2011/``): content polluters (1) vs legitimate users (0);
  only counts, dates and the *lengths* of screen name and description are given.

scikit-learn is imported inside the functions: it is needed to train, never to score.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .features import FEATURE_GROUPS, FEATURES, clean_accounts, profile_features

#: Feature groups masked together when training rows are augmented with unknowns.
GROUPS = FEATURE_GROUPS
MASK_P = {"followers": 0.15, "following": 0.15, "posts": 0.2, "age": 0.4, "text": 0.4,
          "avatar": 0.4}

#: Hyper-parameters of the shipped model: shallow boosted trees (3 levels, 8 leaves). Depth lets
#: a tree treat a profile without a creation date (Instagram) apart from a dated one (Twitter):
#: the evidence of a low post count differs between the two.
PARAMS = dict(max_iter=200, learning_rate=0.1, max_leaf_nodes=8, max_depth=3,
              min_samples_leaf=40, l2_regularization=1.0, early_stopping=False)

#: Columns an ordinary Instagram follower list carries (generic accounts format).
INSTAGRAM_COLUMNS = ("id", "handle", "followers_count", "following_count", "posts_count",
                     "has_avatar")
#: Columns a Twitter/X profile export carries.
TWITTER_COLUMNS = INSTAGRAM_COLUMNS + ("name", "bio", "created_at", "url", "verified", "lang",
                                       "location", "observed_at")
#: Weight of the copies of dated (Twitter) rows reduced to the Instagram columns: they teach the
#: trees what the counts alone say, without outvoting the one Instagram data set.
INSTAGRAM_COPY_WEIGHT = 0.3
_INSTAGRAM_FEATURES = ("log_followers", "log_following", "log_posts", "log_ratio", "has_avatar",
                       "handle_len", "handle_digits")

#: Direction each feature may move the risk (+1 up, -1 down, 0 free): more followers, posts, a
#: bio, a URL or a picture never make an account look more hollow.
MONOTONE = {"log_followers": -1, "log_posts": -1, "log_ratio": 1, "log_age_days": -1,
            "log_posts_per_day": -1, "log_followers_per_day": -1, "bio_len": -1, "has_url": -1,
            "has_avatar": -1, "handle_digits": 1}


def default_data_dir() -> Path:
    """``../shared/data`` next to the repository root (a source checkout)."""
    return Path(__file__).resolve().parents[3] / ".." / "shared" / "data"


def load_cresci(path: Path) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Cresci 2015 as generic accounts, labels (1 = bought fake) and the source (E13/INT/FSF).

    ``lang`` and ``location`` are carried but not used by the model: in this data set they tell
    the collection apart (Italian humans vs English fakes) rather than fake from real.
    """
    raw = pd.read_csv(path, dtype={"id": "string"}, keep_default_na=True)
    acc = pd.DataFrame({
        "id": raw["id"].astype("string"),
        "handle": raw["screen_name"], "name": raw["name"], "bio": raw["description"],
        "followers_count": raw["followers_count"], "following_count": raw["friends_count"],
        "posts_count": raw["statuses_count"], "created_at": raw["created_at"],
        "url": raw["url"], "location": raw["location"], "lang": raw["lang"],
        "has_avatar": raw["default_profile_image"].fillna(0).astype(float).eq(0)
        & raw["profile_image_url"].notna(),
        "verified": raw["verified"].fillna(0).astype(float).eq(1),
        "observed_at": raw["updated"],
    })
    group = raw["dataset"].astype(str).to_numpy()
    return acc, (group != "E13").astype(int), group


def load_caverlee(folder: Path) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Caverlee 2011 as generic accounts, labels (1 = content polluter), and the handle length.

    The description's text is not given, only its length: ``bio`` is a stand-in string of
    that length (enough for bio-presence rules and the ``bio_len`` feature).
    """
    parts = []
    for name, label in (("legitimate_users.csv", 0), ("content_polluters.csv", 1)):
        raw = pd.read_csv(Path(folder) / name)
        parts.append(pd.DataFrame({
            "id": raw["UserID"].astype("string"),
            "followers_count": raw["NumberOfFollowers"],
            "following_count": raw["NumerOfFollowings"],  # sic: the file's spelling
            "posts_count": raw["NumberOfTweets"],
            "created_at": raw["CreatedAt"], "observed_at": raw["CollectedAt"],
            "bio": ["x" * int(n) for n in raw["LengthOfDescriptionInUserProfile"]],
            "_handle_len": raw["LengthOfScreenName"].astype(float), "_y": label,
        }))
    acc = pd.concat(parts, ignore_index=True)
    return acc.drop(columns=["_handle_len", "_y"]), acc["_y"].to_numpy(), acc["_handle_len"].to_numpy()


def load_instafake(folder: Path) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """InstaFake (Akyon & Kalfaoglu 2019) as generic accounts, labels (1 = fake), and the source.

    Instagram profiles carry no creation date, name, bio text or URL. The handle is given only by
    its length and its count of digits: ``handle`` is a stand-in string with both (letters, then
    digits). The biography length is left out on purpose: an Instagram follower list in the
    generic format has no ``bio`` column, and a missing bio must stay unknown, not "none".
    """
    parts = []
    for name, label in (("realAccountData.json", 0), ("fakeAccountData.json", 1)):
        raw = pd.read_json(Path(folder) / name)
        digits = raw["usernameDigitCount"].clip(lower=0).astype(int)
        letters = (raw["usernameLength"].astype(int) - digits).clip(lower=0)
        parts.append(pd.DataFrame({
            "followers_count": raw["userFollowerCount"], "following_count": raw["userFollowingCount"],
            "posts_count": raw["userMediaCount"], "has_avatar": raw["userHasProfilPic"].astype(bool),
            "handle": ["x" * a + "0" * b for a, b in zip(letters, digits)], "_y": label}))
    acc = pd.concat(parts, ignore_index=True)
    acc.insert(0, "id", [f"if{i}" for i in range(len(acc))])
    y = acc.pop("_y").to_numpy()
    return acc, y, np.where(y == 1, "fake", "real")


def features_of(accounts: pd.DataFrame, handle_len: np.ndarray | None = None) -> pd.DataFrame:
    """The model's feature matrix for generic accounts (with a known handle length, if given)."""
    clean, _ = clean_accounts(accounts)
    X = profile_features(clean)
    if handle_len is not None:
        X["handle_len"] = handle_len
    return X


def load_sets(data_dir: Path | None = None) -> dict[str, dict]:
    """Every labelled set: {"cresci2015": {accounts, X, y, group}, "caverlee2011": ..., "instafake": ...}."""
    d = Path(data_dir) if data_dir else default_data_dir()
    acc, y, group = load_cresci(d / "cresci2015" / "users.csv")
    out = {"cresci2015": {"accounts": acc, "X": features_of(acc), "y": y, "group": group}}
    acc, y, hl = load_caverlee(d / "caverlee2011")
    out["caverlee2011"] = {"accounts": acc, "X": features_of(acc, hl), "y": y,
                           "group": np.where(y == 1, "polluter", "legitimate")}
    acc, y, group = load_instafake(d / "instafake")
    out["instafake"] = {"accounts": acc, "X": features_of(acc), "y": y, "group": group}
    return out


def augment(X: np.ndarray, y: np.ndarray, w: np.ndarray, *, dated: np.ndarray | None = None,
            copies: int = 2, random_state: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows, ``copies`` copies with feature groups masked at random (NaN = unknown), and the
    ``dated`` rows once more reduced to the Instagram columns (weight :data:`INSTAGRAM_COPY_WEIGHT`).

    Teaches the trees where an unknown value should go, from rows whose true answer is known.
    """
    rng = np.random.default_rng(random_state)
    idx = {f: i for i, f in enumerate(FEATURES)}
    xs, ys, ws = [X], [y], [w]
    for _ in range(copies):
        Xc = X.copy()
        for g, cols in GROUPS.items():
            hide = rng.random(len(X)) < MASK_P[g]
            Xc[np.ix_(hide, [idx[c] for c in cols])] = np.nan
        xs.append(Xc), ys.append(y), ws.append(w)
    if dated is not None and dated.any():
        keep = [idx[c] for c in _INSTAGRAM_FEATURES]
        Xc = np.full((int(dated.sum()), X.shape[1]), np.nan)
        Xc[:, keep] = X[dated][:, keep]
        xs.append(Xc), ys.append(y[dated]), ws.append(w[dated] * INSTAGRAM_COPY_WEIGHT)
    return np.vstack(xs), np.concatenate(ys), np.concatenate(ws)


def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray | None = None, *, random_state: int = 0,
        copies: int = 2, **params):
    """A missing-aware gradient-boosted classifier fitted on masked copies of the rows.

    Rows with a known account age are also copied reduced to the Instagram columns.
    ``feature_columns_`` holds the columns of ``X`` the classifier was fitted on; ``params``
    override :data:`PARAMS`.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    X = np.asarray(X, dtype=np.float64)
    w = np.ones(len(X)) if w is None else np.asarray(w, dtype=np.float64)
    dated = ~np.isnan(X[:, FEATURES.index("log_age_days")])
    Xa, ya, wa = augment(X, np.asarray(y), w, dated=dated, copies=copies,
                         random_state=random_state)
    # a feature no training row knows cannot be binned: leave it out (its splits never exist)
    keep = np.flatnonzero(~np.isnan(Xa).all(axis=0))
    clf = HistGradientBoostingClassifier(
        random_state=random_state, monotonic_cst=[MONOTONE.get(FEATURES[i], 0) for i in keep],
        **{**PARAMS, **params})
    clf.fit(Xa[:, keep], ya, sample_weight=wa)
    clf.feature_columns_ = keep
    return clf


def balanced_weights(y: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Weights that give each source, and each class within a source, the same total (mean 1).

    The trained probabilities are then calibrated at a reference prior of 0.5 within every source.
    """
    w = np.zeros(len(y))
    for s in np.unique(source):
        for c in (0, 1):
            m = (source == s) & (y == c)
            w[m] = 1.0 / m.sum() if m.any() else 0.0
    return w * len(y) / w.sum()


def pooled(sets: dict[str, dict], names) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and source name of the rows of the named sets, stacked."""
    X = np.vstack([sets[n]["X"].to_numpy() for n in names])
    y = np.concatenate([sets[n]["y"] for n in names])
    src = np.concatenate([np.full(len(sets[n]["y"]), n) for n in names])
    return X, y, src


def fit_sets(sets: dict[str, dict], names, *, random_state: int = 0):
    """:func:`fit` on the named sets, each source and class balanced (:func:`balanced_weights`)."""
    X, y, src = pooled(sets, names)
    return fit(X, y, balanced_weights(y, src), random_state=random_state)


def platt(z: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Platt scaling: (slope, intercept) of P = sigmoid(slope·z + intercept), by weighted logistic
    regression of the labels on the held-out log-odds ``z``."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e6, max_iter=1000).fit(np.asarray(z)[:, None], y, sample_weight=w)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def choose_threshold(risks: dict[str, np.ndarray], labels: dict[str, np.ndarray], *,
                     max_fpr: float = 0.05) -> float:
    """The lowest threshold (in steps of 0.01) whose false-positive rate, averaged over the
    sources (each weighing the same), is at most ``max_fpr``."""
    for t in np.round(np.arange(0.5, 1.0, 0.01), 2):
        fpr = [np.mean(np.nan_to_num(risks[s][labels[s] == 0], nan=0.0) >= t) for s in risks]
        if np.mean(fpr) <= max_fpr:
            return float(t)
    return 0.99


def rates(risks: dict[str, np.ndarray], labels: dict[str, np.ndarray], threshold: float) -> dict:
    """The median over sources of the true- and false-positive rate at ``threshold`` (the median:
    one source unlike the others does not set the rates for all)."""
    flags = {s: np.nan_to_num(risks[s], nan=0.0) >= threshold for s in risks}
    return {"tpr": round(float(np.median([flags[s][labels[s] == 1].mean() for s in risks])), 4),
            "fpr": round(float(np.median([flags[s][labels[s] == 0].mean() for s in risks])), 4)}
