"""Values alignment: how close an account's words are to the values and topics the owner states.

``alignment_score`` in [0, 1] is the cosine similarity of TF-IDF vectors (word unigrams and
bigrams, English stop words removed, a light suffix-stripping stemmer, sublinear term frequency)
between the owner's values statement and the account's text (bio, company, position and, where
present, its posts), with IDF learned over the texts of the accounts being scored. It runs offline
on what scikit-learn ships; no model is downloaded. An account with no text at all is *unknown*
(NaN), never 0; when the owner has stated no values every score is unknown.
"""

from __future__ import annotations

import re

_SUFFIXES = ("ability", "ations", "ation", "ities", "ness", "ment", "ity", "ing", "ies", "able", "ed",
             "es", "ly", "al", "s")
_WORD = re.compile(r"[a-z][a-z0-9+#-]{1,}")


def _stem(word: str) -> str:
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            return word[: -len(suf)]
    return word


def _analyzer():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    def analyze(text: str) -> list[str]:
        words = [_stem(w) for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]
        return words + [f"{a} {b}" for a, b in zip(words, words[1:])]

    return analyze


def alignment_scores(texts, values: str | None):
    """Alignment of each text with ``values``: a float array, NaN where the text is empty."""
    import numpy as np

    texts = ["" if not isinstance(t, str) else t for t in texts]
    out = np.full(len(texts), np.nan)
    if not values or not str(values).strip():
        return out
    has_text = np.array([bool(t.strip()) for t in texts])
    if not has_text.any():
        return out
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=_analyzer(), sublinear_tf=True)
    docs = [t for t, h in zip(texts, has_text) if h]
    try:
        matrix = vec.fit_transform(docs + [str(values)])
    except ValueError:  # nothing but stop words anywhere
        out[has_text] = 0.0
        return out
    scores = (matrix[:-1] @ matrix[-1].T).toarray().ravel()
    out[has_text] = np.clip(scores, 0.0, 1.0)
    return out
