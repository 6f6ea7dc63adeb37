"""Segments: why an account follows the owner (supplier, customer, prospect, fan, peer, competitor,
press, other).

An account's segment comes, in order of trust, from its ``tags`` (``customer;trusted`` → customer,
``segment_source = "tag"``), else a suggestion from its profile text (bio, company, position):
each segment has a short list of cue phrases; the segment with most cues wins, and
``segment_confidence`` = cues of the winner / (all cues + 1), so one cue gives 0.5 and competing cues
lower it. No cue: segment "other" with confidence unknown. ``customer``, ``prospect`` and
``competitor`` depend on the owner's business, which a bio cannot tell: they come from tags and
imported lists (``innercircle tag FILE --as customer``) only, never from suggestion.
"""

from __future__ import annotations

import re

SEGMENTS = ("supplier", "customer", "prospect", "fan", "peer", "competitor", "press", "other")

#: Cue phrases per segment (lower case; matched on word boundaries).
CUES: dict[str, tuple[str, ...]] = {
    "press": ("journalist", "reporter", "editor", "correspondent", "newsroom", "columnist", "writer at",
              "news", "magazine", "podcast host", "media", "press", "covering"),
    "supplier": ("we supply", "supplier", "supplies", "vendor", "wholesale", "distributor", "we deliver",
                 "manufacturer of", "provider of", "components", "sourcing partner", "logistics"),
    "peer": ("founder", "co-founder", "cofounder", "ceo", "entrepreneur", "building", "startup",
             "consultant", "owner of", "managing director", "cto"),
    "fan": ("fan", "lover", "enthusiast", "hobbyist", "student", "follower of", "admirer", "curious about"),
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


def segment_table(accounts):
    """``id, segment, segment_source, segment_confidence`` for an accounts DataFrame
    (columns ``id, tags, bio, company, position``)."""
    import pandas as pd

    rows = []
    for rid, tags, bio, company, position in accounts[["id", "tags", "bio", "company", "position"]].itertuples(
            index=False, name=None):
        tagged = segment_from_tags(tags if isinstance(tags, str) else None)
        if tagged:
            rows.append((rid, tagged, "tag", 1.0))
            continue
        text = " ".join(str(t) for t in (bio, company, position) if isinstance(t, str) and t)
        seg, conf = suggest_segment(text)
        rows.append((rid, seg, "suggested", conf))
    out = pd.DataFrame(rows, columns=["id", "segment", "segment_source", "segment_confidence"])
    out["segment_confidence"] = out["segment_confidence"].astype("Float64")
    return out
