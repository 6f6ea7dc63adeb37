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

#: Hyper-parameters of the shipped model: boosted stumps, i.e. an additive model (one feature per
#: tree). Deeper trees fit each market's quirks (e.g. "young AND few posts") and transfer worse to
#: a follower market they were not trained on (see docs/hollow.md).
PARAMS = dict(max_iter=300, learning_rate=0.1, max_leaf_nodes=2, max_depth=1,
              min_samples_leaf=40, l2_regularization=1.0, early_stopping=False)

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


def features_of(accounts: pd.DataFrame, handle_len: np.ndarray | None = None) -> pd.DataFrame:
    """The model's feature matrix for generic accounts (with a known handle length, if given)."""
    clean, _ = clean_accounts(accounts)
    X = profile_features(clean)
    if handle_len is not None:
        X["handle_len"] = handle_len
    return X


def load_sets(data_dir: Path | None = None) -> dict[str, dict]:
    """Both data sets: {"cresci2015": {accounts, X, y, group}, "caverlee2011": {...}}."""
    d = Path(data_dir) if data_dir else default_data_dir()
    acc, y, group = load_cresci(d / "cresci2015" / "users.csv")
    out = {"cresci2015": {"accounts": acc, "X": features_of(acc), "y": y, "group": group}}
    acc, y, hl = load_caverlee(d / "caverlee2011")
    out["caverlee2011"] = {"accounts": acc, "X": features_of(acc, hl), "y": y,
                           "group": np.where(y == 1, "polluter", "legitimate")}
    return out


def augment(X: np.ndarray, y: np.ndarray, w: np.ndarray, *, copies: int = 2,
            random_state: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows plus ``copies`` copies with feature groups masked at random (NaN = unknown).

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
    return np.vstack(xs), np.concatenate(ys), np.concatenate(ws)


def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray | None = None, *, random_state: int = 0,
        copies: int = 2, **params):
    """A missing-aware gradient-boosted classifier fitted on masked copies of the rows.

    ``feature_columns_`` holds the columns of ``X`` the classifier was fitted on; ``params``
    override :data:`PARAMS`.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    X = np.asarray(X, dtype=np.float64)
    w = np.ones(len(X)) if w is None else np.asarray(w, dtype=np.float64)
    Xa, ya, wa = augment(X, np.asarray(y), w, copies=copies, random_state=random_state)
    # a feature no training row knows cannot be binned: leave it out (its splits never exist)
    keep = np.flatnonzero(~np.isnan(Xa).all(axis=0))
    clf = HistGradientBoostingClassifier(
        random_state=random_state, monotonic_cst=[MONOTONE.get(FEATURES[i], 0) for i in keep],
        **{**PARAMS, **params})
    clf.fit(Xa[:, keep], ya, sample_weight=wa)
    clf.feature_columns_ = keep
    return clf


def balanced_weights(*sizes: int) -> np.ndarray:
    """Weights that give each data set the same total weight (mean weight 1)."""
    total = sum(sizes)
    return np.concatenate([np.full(n, total / (len(sizes) * n)) for n in sizes])
