"""Segments: why an account follows the owner (supplier, customer, prospect, fan, peer, competitor,
press, other).

An account's segment comes, in order of trust, from its ``tags`` (``customer;trusted`` → customer,
``segment_source = "tag"``), else a suggestion from its profile text (bio, company, position):
each segment has a short list of cue phrases; the segment with most cues wins, and
``segment_confidence`` = cues of the winner / (all cues + 1), so one cue gives 0.5 and competing cues
lower it. No cue: segment "other" with confidence unknown. The cues cover English and, because the
labelled evaluation set (tests/fixtures/segments) is mostly Italian, the commonest Italian, Spanish and
French job and fan words. ``customer``, ``prospect`` and
``competitor`` depend on the owner's business, which a bio cannot tell: they come from tags and
imported lists (``innercircle tag FILE --as customer``) only, never from suggestion.
"""

from __future__ import annotations

import re

SEGMENTS = ("supplier", "customer", "prospect", "fan", "peer", "competitor", "press", "other")

#: Cue phrases per segment (lower case; matched on word boundaries).
CUES: dict[str, tuple[str, ...]] = {
    "press": ("journalist", "reporter", "editor", "correspondent", "newsroom", "columnist", "writer at",
              "news", "magazine", "podcast host", "media", "press", "covering", "blogger", "giornalista",
              "redattore", "redattrice", "addetto stampa", "addetta stampa", "ufficio stampa", "periodista",
              "journaliste", "rédacteur", "redaktion"),
    "supplier": ("we supply", "supplier", "supplies", "vendor", "wholesale", "distributor", "we deliver",
                 "manufacturer of", "provider of", "components", "sourcing partner", "logistics", "we offer",
                 "our services", "contact us", "contattami", "contattaci", "offriamo", "servizi", "vendita",
                 "shop online", "negozio", "fornitore", "fornitura", "proveedor", "fournisseur"),
    "peer": ("founder", "co-founder", "cofounder", "ceo", "entrepreneur", "building", "startup",
             "consultant", "owner of", "managing director", "cto", "engineer", "developer", "researcher",
             "phd", "professor", "lawyer", "architect", "manager", "analyst", "designer", "marketing",
             "translator", "physicist", "ingegnere", "sviluppatore", "ricercatore", "ricercatrice", "dottorando",
             "dottoranda", "professore", "docente", "avvocato", "architetto", "consulente", "imprenditore",
             "imprenditrice", "fondatore", "fondatrice", "traduttore", "traduttrice", "programmatore",
             "mi occupo di", "lavoro come", "ingeniero", "fundador", "ingénieur", "fondateur"),
    "fan": ("fan", "lover", "enthusiast", "hobbyist", "student", "follower of", "admirer", "curious about",
            "addicted", "i love", "passionate about", "studente", "studentessa", "matricola", "tifoso", "tifosa",
            "appassionato", "appassionata", "adoro", "fanpage", "forza", "innamorato", "innamorata",
            "estudiante", "étudiant", "passionné"),
}
_PATTERNS = {seg: re.compile(r"\b(?:" + "|".join(re.escape(c) for c in cues) + r")\b")
             for seg, cues in CUES.items()}


def segment_from_tags(tags: str | None) -> str | None:
    """The first segment named in a ``;``-separated tag list, or None."""
    if not tags:
        return None
    for tag in str(tags).lower().split(";"):
        tag = tag.strip()
        if tag in SEGMENTS:
            return tag
    return None


def suggest_segment(text: str | None) -> tuple[str, float | None]:
    """(segment, confidence) suggested from profile text; ("other", None) with no cue."""
    if not text:
        return "other", None
    text = str(text).lower()
    hits = {seg: len(p.findall(text)) for seg, p in _PATTERNS.items()}
    best = max(hits, key=hits.get)
    if hits[best] == 0:
        return "other", None
    return best, round(hits[best] / (sum(hits.values()) + 1), 3)


def join_text(frame, columns):
    """The text columns of each row joined by spaces (missing as empty), vectorised."""
    import pandas as pd

    out = pd.Series("", index=frame.index, dtype="string")
    for col in columns:
        out = out + " " + frame[col].astype("string").fillna("")
    return out.str.strip()


def segment_table(accounts):
    """``id, segment, segment_source, segment_confidence`` for an accounts DataFrame
    (columns ``id, tags, bio, company, position``); vectorised over the rows."""
    import numpy as np
    import pandas as pd

    if accounts.empty:
        return pd.DataFrame({"id": pd.Series(dtype=object), "segment": pd.Series(dtype=object),
                             "segment_source": pd.Series(dtype=object),
                             "segment_confidence": pd.Series(dtype="Float64")})
    tags = accounts["tags"].astype("string").fillna("").str.lower()
    tagged = pd.Series(pd.NA, index=accounts.index, dtype="string")
    # the first segment named in the tag list wins: scan the tags right to left, overwriting
    parts = tags.str.split(";")
    longest = int(parts.str.len().max() or 0) if len(parts) else 0
    for i in reversed(range(longest)):
        tag = parts.str[i].str.strip()
        tagged = tagged.mask(tag.isin(SEGMENTS), tag)
    text = join_text(accounts, ["bio", "company", "position"]).str.lower()
    hits = pd.DataFrame({seg: text.str.count(p.pattern) for seg, p in _PATTERNS.items()}, index=accounts.index)
    best = hits.idxmax(axis=1) if len(hits) else pd.Series(dtype="string")
    top = hits.max(axis=1) if len(hits) else pd.Series(dtype=float)
    conf = (top / (hits.sum(axis=1) + 1)).round(3)
    suggested = best.where(top > 0, "other")
    out = pd.DataFrame({"id": accounts["id"].to_numpy()})
    has_tag = tagged.notna().to_numpy()
    out["segment"] = np.where(has_tag, tagged.fillna("").to_numpy(), suggested.to_numpy())
    out["segment_source"] = np.where(has_tag, "tag", "suggested")
    out["segment_confidence"] = pd.array(np.where(has_tag, 1.0, np.where(top.to_numpy() > 0, conf.to_numpy(), np.nan)),
                                         dtype="Float64")
    return out
