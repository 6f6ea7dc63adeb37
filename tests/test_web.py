"""The dashboard app over HTTP (in process): pages, JSON twins, filters, paging, accounts, headers, escaping."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys

import httpx
import pytest

from innercircle.web.app import CSP, clean, create_app
from innercircle.web.dashboard import Dashboard
from tests.test_report import HOSTILE, shared

PAGES = ["/", "/followers", "/hollow", "/reach", "/forecast", "/advice", "/changes", "/definitions"]
SCRIPT_ID = "<script>alert('id')</script>"


@pytest.fixture(scope="module")
def dash():
    ws, basis, report = shared()
    return Dashboard(ws).load(basis=basis, report=report)


@pytest.fixture(scope="module")
def app(dash):
    return create_app(dash)


def get(app, url: str, **headers) -> httpx.Response:
    async def go():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            return await c.get(url, headers=headers)

    return asyncio.run(go())


def twin(path: str) -> str:
    return "/overview.json" if path == "/" else path + ".json"


@pytest.mark.parametrize("path", PAGES, ids=[p.strip("/") or "overview" for p in PAGES])
def test_every_page_renders_with_a_strict_csp(app, path):
    r = get(app, path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CSP
    assert "default-src 'self'" in CSP and "script-src 'none'" in CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    body = r.text.lower()
    assert "<script" not in body and "javascript:" not in body and "<img" not in body
    assert " style=" not in body and "<style" not in body, "the CSP allows no inline style: it would not show"
    for link in re.findall(r'<a href="https?://[^"]*"[^>]*>', r.text):
        assert 'rel="noopener noreferrer nofollow"' in link, link


@pytest.mark.parametrize("path", PAGES, ids=[p.strip("/") or "overview" for p in PAGES])
def test_every_page_has_a_json_twin_with_the_same_dict(app, dash, path):
    r = get(app, twin(path))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    data = r.json()
    name = data["page"]
    expected = dash.followers() if name == "followers" else dash.page(name)
    assert data == json.loads(json.dumps(clean(expected)))
    assert get(app, path + "?format=json").json() == data


def test_overview_html_shows_the_numbers_of_its_json(app):
    data = get(app, "/overview.json").json()
    page = get(app, "/").text
    assert f"{data['headline']['followers']:,}" in page
    assert f"{data['headline']['working']:,}" in page


def test_followers_filter_by_tier_and_segment(app):
    data = get(app, "/followers.json?tier=committed&per_page=200").json()
    assert data["count"] > 0 and {p["tier"] for p in data["followers"]} == {"committed"}
    working = get(app, "/followers.json?tier=working&per_page=5").json()
    assert working["count"] >= data["count"]
    seg = data["followers"][0]["segment"]
    both = get(app, f"/followers.json?tier=committed&segment={seg}&per_page=500").json()
    assert both["count"] <= data["count"] and {p["segment"] for p in both["followers"]} == {seg}


def test_followers_search_by_handle_name_and_id(app):
    by_handle = get(app, "/followers.json?q=idmarkup").json()
    assert [p["id"] for p in by_handle["followers"]] == [SCRIPT_ID]
    by_name = get(app, "/followers.json?q=AN+ID+WITH").json()  # case-insensitive, words anywhere
    assert [p["id"] for p in by_name["followers"]] == [SCRIPT_ID]
    by_id = get(app, "/followers.json?q=evil-quote").json()
    assert [p["id"] for p in by_id["followers"]] == ["evil-quote"]
    assert get(app, "/followers.json?q=no-such-person-anywhere").json()["count"] == 0


def test_followers_paging_walks_every_follower_once(app):
    first = get(app, "/followers.json?per_page=100").json()
    seen = []
    url = "/followers.json?per_page=100"
    for _ in range(first["pages"]):
        page = get(app, url).json()
        seen += [p["id"] for p in page["followers"]]
        url = page["next_url"] and page["next_url"].replace("/followers?", "/followers.json?")
    assert len(seen) == len(set(seen)) == first["total"] == first["count"]
    assert url is None


def test_followers_paging_clamps_and_rejects_nonsense(app):
    last = get(app, "/followers.json?per_page=50&page=99999").json()
    assert last["page_number"] == last["pages"] and last["followers"]
    r = get(app, "/followers.json?page=two")
    assert r.status_code == 400 and "page must be a whole number" in r.json()["error"]
    assert get(app, "/followers.json?tier=nonsense").status_code == 400
    assert get(app, "/followers.json?per_page=100000").json()["per_page"] == 500


def test_account_page_shows_the_ledger_both_ways(app):
    r = get(app, "/account.json?id=evil-quote")
    data = r.json()
    assert data["follows_you"] is True
    did = {c["kind"]: c["in_window"] for c in data["did_for_you"]["counts"]}
    assert did == {"reply": 5, "share": 5}
    gave = data["you_did"]["events"]
    assert [e["kind"] for e in gave] == ["reply"] and gave[0]["post_text"] == HOSTILE["evil-quote"]["name"]
    assert {r["measure"] for r in data["reasons"]} >= {"tier", "engagement_score", "care_balance", "hollow_risk"}
    assert all(r["reason"] for r in data["reasons"])


def test_account_page_of_an_id_full_of_markup_is_inert(app):
    from urllib.parse import quote

    r = get(app, "/account?id=" + quote(SCRIPT_ID))
    assert r.status_code == 200
    assert "<script>" not in r.text and "&lt;script&gt;" in r.text
    assert "javascript:" not in r.text.lower().replace("javascript:alert(1)</span>", "")
    assert 'href="JaVaScRiPt' not in r.text and "href=\"javascript" not in r.text.lower()


def test_profile_links_only_for_http_addresses(app):
    page = get(app, "/account?id=evil-quote").text
    assert '<a href="https://profile.example/quote" rel="noopener noreferrer nofollow">' in page
    page = get(app, "/account?id=evil-script").text
    assert "javascript:alert(&#39;url&#39;)" in page  # shown as text
    assert 'href="javascript' not in page.lower()


def test_a_100000_character_name_is_cut_short(app):
    page = get(app, "/account?id=evil-long").text
    assert len(page) < 60_000
    assert "W" * 3000 not in page


def test_unknown_account_and_page_are_404(app):
    r = get(app, "/account.json?id=nobody-here")
    assert r.status_code == 404 and "nobody-here" in r.json()["error"]
    r = get(app, "/nothing-here")
    assert r.status_code == 404 and r.headers["content-security-policy"] == CSP
    assert get(app, "/account").status_code == 400


def test_a_foreign_host_header_is_refused(app):
    assert get(app, "/", host="evil.example").status_code == 400


def test_pages_come_from_the_cache_not_a_new_audit(dash, monkeypatch):
    import innercircle.web.dashboard as module

    def no(*a, **k):
        raise AssertionError("the audit ran again")

    monkeypatch.setattr(module, "compute_basis", no)
    monkeypatch.setattr(module, "LazyReport", no)
    app = create_app(dash)
    assert get(app, "/followers.json?tier=silent&page=2").status_code == 200
    assert get(app, "/account.json?id=evil-script").status_code == 200


def test_stylesheet_is_served_from_this_origin(app):
    r = get(app, "/static/style.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    assert "overflow-wrap" in r.text and "url(" not in r.text


def test_importing_the_web_package_loads_no_web_stack():
    code = "import innercircle, innercircle.web, sys; print('starlette' in sys.modules, 'jinja2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_warm_renders_the_main_pages_ahead(dash):
    app = create_app(dash)
    pages = app.state.pages.warm()
    assert ("overview", False, "") in pages.cache and ("hollow", True, "") in pages.cache
    assert ("followers", False, "tier=committed") in pages.cache


def test_account_json_twin_is_the_dict_the_page_renders(app, dash):
    data = get(app, "/account.json?id=evil-quote").json()
    assert data == json.loads(json.dumps(clean(dash.account("evil-quote"))))
    assert get(app, "/account?id=evil-quote&format=json").json() == data


def test_the_server_answers_at_once_while_the_audit_runs():
    import innercircle

    ws = innercircle.open(":memory:")
    ws.import_batch(innercircle.sample.generate(followers=200, seed=2))
    d = Dashboard(ws)
    app = create_app(d)
    page = get(app, "/")
    assert page.status_code == 503 and page.headers["refresh"] == "2"
    assert "Preparing your audit" in page.text
    assert get(app, "/overview.json").json()["status"] == "loading"
    d.load_and_warm()
    assert get(app, "/").status_code == 200
    ws.close()
