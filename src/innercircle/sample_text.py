"""The sample network's words: names, companies, bios, posts and requests, and how they are drawn.

Kept apart from the generator (``innercircle.sample``) so that each stays one concept: the structure of
the network there, its profile text here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEGMENTS = ("customer", "supplier", "prospect", "peer", "fan", "press", "competitor", "other")

OWNER_TOPICS = ("sustainable manufacturing", "open source", "remote teams", "circular economy",
                "supply chain transparency", "industrial IoT")
OTHER_TOPICS = ("crypto", "football", "travel", "fitness", "photography", "real estate", "gaming",
                "fashion", "wine", "day trading", "motivational quotes", "cooking", "cars")

# Segment probabilities per kind of profiled account, in the order of SEGMENTS.
_SEGMENT_P = {
    "committed": (.30, .12, .08, .20, .20, .03, .02, .05),
    "occasional": (.18, .10, .14, .18, .22, .03, .03, .12),
    "attentive": (.10, .07, .15, .15, .25, .03, .04, .21),
    "silent": (.07, .05, .15, .10, .18, .02, .05, .38),
    "followee": (.05, .05, .00, .45, .00, .25, .10, .10),
    "active_outsider": (.10, .05, .40, .15, .15, .05, .05, .05),
    "inviter": (.05, .15, .45, .15, .00, .00, .05, .15),
}
_TAG_P = {"committed": .6, "occasional": .4, "attentive": .2, "silent": .12, "followee": .3,
          "active_outsider": .1, "inviter": .05}
# Chance that a bio topic is one of the owner's, by segment.
_ALIGNED_P = np.array([.5, .5, .45, .7, .6, .3, .6, .15])

_FIRST = ("Ada", "Ben", "Clara", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira",
          "Luca", "Maya", "Nils", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera",
          "Wei", "Ximena", "Yusuf", "Zoë", "Amara", "Björn", "Chen", "Dana", "Emil", "Fatima",
          "Gustav", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Marco", "Nadia", "Oscar", "Priya",
          "Raúl", "Sofia", "Tomás", "Ulla", "Viktor", "Wanda", "Yara", "Zain", "José", "Łukasz",
          "Søren", "Aiko", "Bruno", "Carmen", "Diego", "Esther", "Felix", "Greta")
_LAST = ("Schmidt", "Nakamura", "Okafor", "Lindqvist", "García", "Rossi", "Novak", "Jensen",
         "Dubois", "Kowalski", "Müller", "Silva", "Chen", "Patel", "Haddad", "Berg", "Costa",
         "Ivanova", "Moreau", "Bauer", "Fischer", "Kim", "Larsen", "Mendes", "Nielsen", "Olsen",
         "Petrov", "Quintero", "Reyes", "Santos", "Tanaka", "Uddin", "Vogel", "Weber", "Yilmaz",
         "Zimmer", "Andersen", "Brandt", "Castillo", "Dahl", "Eriksen", "Ferreira", "Gruber",
         "Horvat", "Ito", "Jovanović", "Keller", "Lopez", "Meyer", "Nowak")
_COMPANY_A = ("Nord", "Alpen", "Blue", "Iron", "Green", "Delta", "Cobalt", "Linden", "Falk", "Orbit",
              "Harbor", "Summit", "Vector", "Birch", "Granite", "Polar", "Amber", "Kestrel")
_COMPANY_B = (" Metals", " Plastics", " Logistics", " Components", " Foods", " Textiles",
              " Robotics", " Packaging", " Systems", " Fabrication", " Motors", " Labs")
_CITIES = ("Berlin", "Munich", "Stockholm", "Copenhagen", "Amsterdam", "Rotterdam", "Paris",
           "Lyon", "Milan", "Madrid", "Barcelona", "Lisbon", "Warsaw", "Vienna", "Zurich", "London",
           "Manchester", "Dublin", "Toronto", "Austin", "Boston", "Chicago", "Singapore", "Tokyo")
_LANGS, _LANG_P = ("en", "de", "fr", "es", "nl", "it", "sv"), (.70, .10, .06, .05, .04, .03, .02)
_OUTLETS = ("Industry Weekly", "Factory Tribune", "The Maker Post", "Supply Chain Review",
            "Tech & Trade", "Manufacturing Today")
_PRODUCTS = ("precision parts", "recycled polymers", "industrial sensors", "packaging materials",
             "CNC machining", "freight and warehousing", "bearings and seals")
# Positions per segment (index of SEGMENTS); fans, press and others have none.
_POSITIONS = (
    ("Head of procurement", "Operations manager", "Plant manager", "COO", "Buyer", "Director of operations"),
    ("Sales director", "Account manager", "Key account manager", "Managing director"),
    ("Plant manager", "Head of production", "Innovation lead", "VP operations", "CTO"),
    ("Founder", "Co-founder", "CEO", "Founder & CTO"),
    (), (), ("Founder", "Head of product", "CEO"), (),
)
_FAN_BIO = ("Fan of good design and honest companies", "Maker at heart, fan of open hardware",
            "I love watching factories get greener", "Student, curious about how things are made")
_OTHER_BIO = ("Dad, runner, coffee", "Living my best life", "Cat person", "Views are my own",
              "Dog mom and plant collector", "Retired engineer, still tinkering")
_FARM_BIO = ("Follow back 100% | Entrepreneur | DM for collabs #followback",
             "Growth hacker. I follow back! #f4f #marketing",
             "CEO mindset | Hustle daily | Follow for follow",
             "Helping brands grow 10x | Follow = follow back", "Digital marketing tips daily #teamfollowback")
_FARM_HANDLE_A = ("growth", "biz", "hustle", "ceo", "brand", "social", "viral", "boost", "market", "scale")
_FARM_HANDLE_B = ("_guru", "hacks", "_pro", "tips", "_daily", "mindset", "_hq", "_coach")
_POST_TEXT = ("New release of our open-source MES is out; this one is all about {t}.",
              "Three lessons from a year of {t}.", "We are hiring remote engineers who care about {t}.",
              "Visited a customer plant this week: {t} is no longer optional.",
              "Thread: what {t} means for mid-sized factories.",
              "Our quarterly numbers, and what {t} taught us.",
              "Five questions to ask a vendor about {t}.", "A short note on {t}, from the factory floor.")
_REQUESTS = ("Looking for a pilot customer in food packaging: who should I talk to?",
             "Does anyone know a good supplier of recycled aluminium in the Nordics?",
             "We are hiring a senior embedded engineer (remote). Intros welcome.",
             "Which trade fair is worth it for industrial software this year?",
             "Need feedback on our new pricing page: ten minutes of your time?",
             "Who has moved an ERP to open source? Would love to hear the pain points.",
             "Looking for a journalist covering circular manufacturing.",
             "Can anyone introduce me to the sustainability lead at a car maker?",
             "Beta testers wanted for our energy dashboard.",
             "What is your favourite tool for remote team retros?",
             "Searching for a co-organiser for a meetup on open hardware.",
             "Any recommendations for a lawyer who knows EU supply chain law?")
_GROUPS = (("grp-smn", "Sustainable Manufacturing Network"), ("grp-osh", "Open Source Hardware Guild"),
           ("grp-rff", "Remote-First Founders"), ("grp-scl", "Supply Chain Leaders"),
           ("grp-cef", "Circular Economy Forum"), ("grp-b2b", "B2B SaaS Founders"),
           ("grp-iiot", "Industrial IoT Europe"), ("grp-wim", "Women in Manufacturing"))


def _tags_for(rng, segment: np.ndarray, *, trusted_p: float) -> np.ndarray:
    """`customer;trusted`, `peer;met`, ...: the segment, sometimes with trusted or met."""
    seg = np.array(SEGMENTS, dtype=object)[segment]
    seg[segment == SEGMENTS.index("other")] = ""
    trusted = rng.random(len(seg)) < trusted_p
    met = np.isin(segment, [0, 1, 3]) & (rng.random(len(seg)) < .35)
    tags = seg + np.where(trusted, ";trusted", "") + np.where(met, ";met", "")
    return pd.Series(tags, dtype=object).str.lstrip(";").to_numpy(dtype=object)


def _names(rng, m: int) -> tuple:
    f = rng.integers(0, len(_FIRST), m)
    ln = rng.integers(0, len(_LAST), m)
    first, last = np.array(_FIRST, dtype=object), np.array(_LAST, dtype=object)
    return first[f], last[ln], _ascii(_FIRST)[f], _ascii(_LAST)[ln]


def _ascii(words) -> np.ndarray:
    import unicodedata
    return np.array([unicodedata.normalize("NFKD", w.replace("ł", "l").replace("Ł", "L").replace("ø", "o"))
                     .encode("ascii", "ignore").decode().lower() for w in words], dtype=object)


def _person_handles(rng, fh: np.ndarray, lh: np.ndarray) -> np.ndarray:
    style = rng.integers(0, 4, len(fh))
    initial = fh.astype(str).astype("U1").astype(object)
    digits = rng.integers(1, 100, len(fh)).astype(str).astype(object)
    handle = np.where(style == 0, fh + "." + lh, np.where(style == 1, fh + lh + digits,
                      np.where(style == 2, initial + "_" + lh, fh + "_" + lh)))
    dup = pd.Series(handle).duplicated().to_numpy()
    handle[dup] = handle[dup] + "_" + rng.integers(100, 100_000, int(dup.sum())).astype(str).astype(object)
    return handle


def _companies(rng, m: int) -> np.ndarray:
    first, second = np.array(_COMPANY_A, dtype=object), np.array(_COMPANY_B, dtype=object)
    return rng.choice(first, m) + rng.choice(second, m)


def _slug(names: np.ndarray) -> np.ndarray:
    return pd.Series(names, dtype=object).str.lower().str.replace(" ", "", regex=False).to_numpy(dtype=object)


def _pick_positions(rng, segment: np.ndarray) -> np.ndarray:
    out = np.full(len(segment), "", dtype=object)
    for s, options in enumerate(_POSITIONS):
        sel = segment == s
        if options and sel.any():
            out[sel] = rng.choice(np.array(options, dtype=object), int(sel.sum()))
    return out


def _bios(rng, segment: np.ndarray, position, company, has_job) -> np.ndarray:
    """A role phrase that hints at the segment, then one to three topics, some of them the owner's."""
    m = len(segment)
    job = np.where(has_job, position + " at " + company, position)
    role = np.full(m, "", dtype=object)
    for s, name in enumerate(SEGMENTS):
        sel = segment == s
        c = int(sel.sum())
        if not c:
            continue
        if name == "supplier":
            role[sel] = "We supply " + rng.choice(np.array(_PRODUCTS, dtype=object), c) + ". " + job[sel]
        elif name == "press":
            lead = np.array(["Journalist at ", "Tech reporter at ", "Editor, "], dtype=object)
            role[sel] = rng.choice(lead, c) + rng.choice(np.array(_OUTLETS, dtype=object), c)
        elif name == "fan":
            role[sel] = rng.choice(np.array(_FAN_BIO, dtype=object), c)
        elif name == "other":
            role[sel] = rng.choice(np.array(_OTHER_BIO, dtype=object), c)
        elif name == "prospect":
            role[sel] = job[sel] + np.where(rng.random(c) < .5, ". Exploring software for our factory", "")
        elif name == "competitor":
            role[sel] = job[sel] + ". We build factory software"
        else:
            role[sel] = job[sel]
    seg = np.maximum(segment, 0)
    topic = []
    for _ in range(3):
        aligned = rng.random(m) < _ALIGNED_P[seg]
        topic.append(np.where(aligned, rng.choice(np.array(OWNER_TOPICS, dtype=object), m),
                              rng.choice(np.array(OTHER_TOPICS, dtype=object), m)))
    n_topics = rng.integers(0, 4, m)
    topics = np.where(n_topics >= 1, topic[0], "")
    topics = np.where(n_topics >= 2, topics + ", " + topic[1], topics)
    topics = np.where(n_topics >= 3, topics + ", " + topic[2], topics)
    bio = np.where(n_topics >= 1, role + np.where(role == "", "Into ", ". Into ") + topics, role)
    return np.where(rng.random(m) < .08, "", bio)      # some people leave the bio empty
