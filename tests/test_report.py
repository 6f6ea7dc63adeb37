"""The report: its data (build_report) and its self-contained HTML, on the sample network plus hostile accounts."""

from __future__ import annotations

import functools
import json
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pandas as pd
import pytest

import innercircle
from innercircle.io.batch import ImportBatch
from innercircle.report.build import SECTIONS, build_report, compute_basis, safe_url
from innercircle.report.html import render_report

LONG = "W" * 100_000
#: Names, handles, bios and URLs an attacker could put in a profile, keyed by account id.
HOSTILE = {
    "evil-script": {"name": "<script>alert('name')</script>", "handle": "<img src=x onerror=alert('handle')>",
                    "bio": "<b onmouseover=alert(3)>bold</b><iframe src=https://evil.example/></iframe>",
                    "url": "javascript:alert('url')"},
    "evil-long": {"name": LONG, "handle": "h" * 100_000, "bio": LONG, "url": "https://example.org/" + "a" * 100_000},
    "evil-quote": {"name": '"><svg onload=alert(5)>', "handle": "quote'\"<>&", "bio": "{{ 7*7 }} {% if %}",
                   "url": "https://profile.example/quote"},
    "<script>alert('id')</script>": {"name": "an id with markup", "handle": "idmarkup", "bio": "",
                                     "url": "JaVaScRiPt:alert(1)"},
}
END = datetime(2026, 6, 29, 12)


def hostile_batch(owner: str = "founder") -> ImportBatch:
    """Hostile accounts that follow the owner and act for them often (so they show up everywhere)."""
    ids = list(HOSTILE)
    accounts = pd.DataFrame([{"id": i, **HOSTILE[i], "followers_count": 10, "following_count": 10,
                              "posts_count": 3} for i in ids])
    follows = pd.DataFrame({"follower": ids, "followee": owner})
    rows, posts = [], []
    for n, i in enumerate(ids):
        posts.append({"id": f"hp{n}", "author": i, "at": END - timedelta(days=9), "text": HOSTILE[i]["name"],
                      "url": HOSTILE[i]["url"]})
        rows.append({"actor": owner, "target": i, "kind": "reply", "at": END - timedelta(days=8), "post": f"hp{n}"})
        for d in range(1, 6):
            rows.append({"actor": i, "target": owner, "kind": "reply", "at": END - timedelta(days=d, hours=n)})
            rows.append({"actor": i, "target": owner, "kind": "share", "at": END - timedelta(days=d, hours=n + 1)})
    return ImportBatch("generic", "hostile-accounts", tables={
        "accounts": accounts, "follows": follows, "interactions": pd.DataFrame(rows), "posts": pd.DataFrame(posts)})


def hostile_workspace(followers: int = 300):
    """The sample network with the hostile accounts imported as a second snapshot."""
    ws = innercircle.open(":memory:")
    ws.import_batch(innercircle.sample.generate(followers=followers, seed=7))
    ws.import_batch(hostile_batch())
    return ws


@functools.lru_cache(maxsize=1)
def shared():
    """(workspace, basis, report) of the hostile sample, built once per test run (the web and browser
    tests serve the same report)."""
    ws = hostile_workspace()
    basis = compute_basis(ws)
    return ws, basis, build_report(ws, basis=basis)


@pytest.fixture(scope="module")
def report():
    return shared()[2]


@pytest.fixture(scope="module")
def html(report):
    return render_report(report)


def test_report_has_every_section_and_the_headline_counts_followers(report):
    assert set(SECTIONS) <= set(report)
    assert report["headline"]["followers"] == 300 + len(HOSTILE)
    assert report["headline"]["working"] == report["headline"]["committed"] + report["headline"]["occasional"]
    assert report["headline"]["effective_network"] >= report["headline"]["working"]


def test_every_section_is_available_or_says_why(report):
    for name in SECTIONS:
        sec = report[name]
        assert sec["available"] in (True, False), name
        if not sec["available"]:
            assert sec["reason"], f"{name} is unavailable without a reason"


def test_report_is_json_ready(report):
    text = json.dumps(report, allow_nan=False)  # NaN would raise: unknown must be null
    assert json.loads(text)["meta"]["owner"] == "founder"


def test_tiers_add_up_to_the_followers(report):
    assert sum(t["followers"] for t in report["tiers"]["tiers"]) == report["headline"]["followers"]


def test_activity_counts_match_the_audit_by_kind(report):
    from innercircle.model import ACTIVE_KINDS

    months = report["activity"]["months"]
    assert months, "a year of sample interactions gives monthly rows"
    for kind in ACTIVE_KINDS:
        assert sum(m[kind] or 0 for m in months) == report["activity"]["totals"][kind]


def test_top_people_are_working_followers_by_score(report):
    people = report["top"]["people"]
    assert people and all(p["tier"] in ("committed", "occasional") for p in people)
    scores = [p["engagement_score"] for p in people]
    assert scores == sorted(scores, reverse=True)


def test_care_scatter_is_capped_and_keeps_working_followers_first(report):
    care = report["care"]
    assert care["shown"] == len(care["points"]) <= 1500
    assert care["points"][0]["tier"] in ("committed", "occasional")


def test_reach_funnel_sets_distinct_beside_the_naive_sum(report):
    reach = report["reach"]
    assert reach["available"], reach.get("reason")
    steps = {s["key"]: s for s in reach["funnel"]}
    assert list(steps) == ["first_degree", "second_degree", "second_degree_via_working", "groups"]
    assert steps["first_degree"]["distinct"] == report["headline"]["followers"]
    assert steps["second_degree"]["naive"] >= steps["second_degree"]["distinct"]
    if steps["groups"]["distinct"] is not None:
        assert steps["groups"]["naive"] >= steps["groups"]["distinct"]


def test_forecast_range_brackets_the_expected_value(report):
    f = report["forecast"]
    assert f["available"], f.get("reason")
    assert f["expected_responders"] is not None
    assert f["low"] <= f["expected_responders"] <= f["high"]


def test_changes_since_the_previous_snapshot_or_a_reason(report):
    c = report["changes"]
    if c["available"]:
        assert c["new_count"] >= len(HOSTILE)
    else:
        assert "snapshot" in c["reason"] or c["reason"]


def test_definitions_cover_every_measure_shown(report):
    terms = {d["term"] for d in report["definitions"]["terms"]}
    for needed in ("committed", "occasional", "attentive", "silent", "hollow", "engagement score", "care balance",
                   "first degree", "second degree", "naive sum", "response forecast", "effective network"):
        assert needed in terms


@pytest.mark.parametrize("url,expected", [
    ("https://example.com/a", "https://example.com/a"), ("http://x.y", "http://x.y"),
    ("javascript:alert(1)", None), ("JaVaScRiPt:alert(1)", None), (" javascript:alert(1)", None),
    ("data:text/html,<script>", None), ("//evil.example", None), ("https://a.b/\"onmouseover=x", None),
    ("", None), (None, None), ("https://" + "a" * 3000, None), ("vbscript:x", None),
], ids=["https", "http", "js", "js-mixed-case", "js-space", "data", "scheme-relative", "quote", "empty", "none",
        "too-long", "vbscript"])
def test_only_plain_web_addresses_become_links(url, expected):
    assert safe_url(url) == expected


class _Collect(HTMLParser):
    """Tags, attributes and text of a page (what a browser would build)."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> _Collect:
    p = _Collect()
    p.feed(page)
    return p


def test_html_report_is_self_contained(html):
    page = parse(html)
    tags = {t for t, _ in page.tags}
    assert "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        href = attrs.get("href") or ""
        assert href.startswith(("#", "https://", "http://")) or not href, href
        if href.startswith("http"):
            assert attrs.get("rel") == "noopener noreferrer nofollow"
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "script-src" not in csp.replace("default-src", "")
    assert not re.search(r"@import|url\(", html), "no stylesheet may load anything"


def test_html_report_style_matches_its_csp_hash(html):
    import base64
    import hashlib

    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    csp = next(a["content"] for t, a in parse(html).tags if t == "meta" and a.get("http-equiv"))
    assert f"style-src 'sha256-{digest}'" in csp


def test_html_report_shows_hostile_text_as_text_only(html):
    page = parse(html)
    for tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript")
    text = "".join(page.text)
    assert "<img src=x onerror=alert('handle')>" in text  # shown, escaped, as the handle it is
    assert LONG not in html, "a 100,000-character name is cut short"


def test_html_report_sections_in_order(html):
    ids = re.findall(r'<section class="card" id="([a-z]+)"', html)
    assert ids == ["headline", "tiers", "activity", "care", "top", "hollow", "reach", "forecast", "advice",
                   "changes", "definitions"]


def test_unknown_shows_as_unknown_not_zero():
    from innercircle.report.html import fmt_number, fmt_pct

    assert fmt_number(None) == "unknown" and fmt_number(float("nan")) == "unknown"
    assert fmt_pct(None) == "unknown"
    assert fmt_number(0) == "0" and fmt_number(12345) == "12,345"


def test_a_failing_section_does_not_sink_the_report():
    from innercircle.report.build import section

    def broken(basis, **kw):
        raise RuntimeError("boom")

    assert section(broken, None) == {"available": False, "reason": "RuntimeError: boom"}


def test_advice_lists_come_with_reasons(report):
    adv = report["advice"]
    assert adv["available"], adv.get("reason")
    assert set(adv["counts"]) == {"connect", "review", "decline", "nurture", "prune"}
    for name, rows in adv["lists"].items():
        assert len(rows) == min(25, adv["counts"][name])
        assert all(r["reasons"] for r in rows), name


def test_hollow_examples_come_with_reasons(report):
    h = report["hollow"]
    assert h["available"], h.get("reason")
    assert sum(k["followers"] for k in h["by_kind"]) == h["hollow"]
    for k in h["by_kind"]:
        assert k["examples"] and all(e["reasons"] for e in k["examples"]), k["kind"]


def test_a_bare_follow_graph_gives_a_report_that_says_what_it_cannot_tell():
    follows = pd.DataFrame({"follower": ["a", "b", "c", "me", "x", "y"],
                            "followee": ["me", "me", "me", "a", "a", "b"]})
    ws = innercircle.open(":memory:")
    try:
        ws.import_batch(ImportBatch("generic", "bare", tables={"follows": follows}, owner="me"))
        rep = build_report(ws)
    finally:
        ws.close()
    # a follow graph records no interaction: working cannot be told (unknown, never 0)
    assert rep["headline"]["followers"] == 3 and rep["headline"]["working"] is None
    assert rep["activity"]["months"] == [] and rep["top"]["people"] == []
    # following someone back is care given: only a (whom the owner follows) has a point
    assert [(p["id"], p["care_given"], p["care_received"]) for p in rep["care"]["points"]] == [("a", 1.0, 0.0)]
    if rep["reach"]["available"]:
        assert rep["reach"]["second_degree"] == 2  # x and y, not the owner's own followers
    page = render_report(rep)
    assert "Nobody worked for you in the window." in page and "No actions toward you in the window." in page
