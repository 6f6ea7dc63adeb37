"""The dashboard and the HTML report in a real browser: Debian's headless Chromium driven by Playwright.

Every request the browser makes is recorded: none may go to any host but 127.0.0.1 (or a file:// URL
for the report). Hostile names, bios and URLs must render as inert text: no dialog, no script or image
element created, no javascript: link, and no horizontal overflow of the page.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

CHROMIUM = Path(os.environ.get("INNERCIRCLE_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

if sync_playwright is None:
    pytest.skip("playwright is not installed (pip install playwright)", allow_module_level=True)
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (Debian: apt-get install chromium, as .ci/run does)",
                allow_module_level=True)

from tests.test_report import HOSTILE, shared  # noqa: E402

SCRIPT_ID = "<script>alert('id')</script>"

#: Evaluated in the page: what a successful injection would leave behind.
PROBE = """() => ({
  scripts: document.querySelectorAll('script').length,
  images: document.querySelectorAll('img, iframe, object, embed').length,
  handlers: Array.from(document.querySelectorAll('*')).filter(e =>
      Array.from(e.attributes).some(a => a.name.toLowerCase().startsWith('on'))).length,
  jsLinks: Array.from(document.querySelectorAll('a[href]')).filter(a =>
      !/^(https?:|#|\\/)/i.test(a.getAttribute('href'))).length,
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  injected: typeof window.__pwned !== 'undefined',
})"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    import uvicorn

    from innercircle.web.app import create_app
    from innercircle.web.dashboard import Dashboard

    ws, basis, report = shared()
    app = create_app(Dashboard(ws).load(basis=basis, report=report))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Watched:
    """A page whose requests and dialogs are all recorded."""

    def __init__(self, browser, width: int = 1200):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def probe(self) -> dict:
        return self.page.evaluate(PROBE)

    def foreign(self, allowed=("127.0.0.1",)) -> list[str]:
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme == "file" and "file" in allowed:
                continue
            if parts.scheme == "data":
                continue
            if parts.hostname not in allowed:
                out.append(url)
        return out

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()


def assert_inert(w: Watched, where: str) -> None:
    p = w.probe()
    assert p == {"scripts": 0, "images": 0, "handlers": 0, "jsLinks": 0, "overflow": p["overflow"],
                 "injected": False}, (where, p)
    assert p["overflow"] <= 0, f"{where}: the page scrolls sideways by {p['overflow']}px"
    assert not w.dialogs, f"{where}: a dialog fired: {w.dialogs}"


def test_every_page_loads_safely_and_stays_on_this_machine(server, watched, tmp_path):
    for path in ["/", "/followers", "/hollow", "/reach", "/forecast", "/advice", "/changes", "/definitions"]:
        r = watched.page.goto(server + path)
        assert r.status == 200, path
        assert_inert(watched, path)
        watched.page.screenshot(path=str(tmp_path / f"{path.strip('/') or 'overview'}.png"), full_page=True)
    assert watched.foreign() == []
    assert any("/static/style.css" in u for u in watched.requests), "the stylesheet loads from this origin"


def test_filters_search_and_paging_in_the_browser(server, watched, tmp_path):
    page = watched.page
    page.goto(server + "/followers")
    page.select_option("#tier", "committed")
    page.click("#apply")
    page.wait_for_load_state()
    assert "tier=committed" in page.url
    tiers = page.locator("#followers tbody td:nth-child(3)").all_inner_texts()
    assert tiers and set(tiers) == {"committed"}
    segment = page.locator("#followers tbody td:nth-child(8)").first.inner_text()
    page.select_option("#segment", segment)
    page.click("#apply")
    page.wait_for_load_state()
    assert f"segment={segment}" in page.url and "tier=committed" in page.url
    assert set(page.locator("#followers tbody td:nth-child(8)").all_inner_texts()) == {segment}
    page.select_option("#tier", "")
    page.select_option("#segment", "")
    page.fill("#q", "idmarkup")
    page.click("#apply")
    page.wait_for_load_state()
    assert page.locator("#followers tbody tr").count() == 1
    assert page.locator("#followers tbody td").first.inner_text() == "idmarkup"
    page.goto(server + "/followers?per_page=25")
    first = page.locator("#followers tbody tr").first.inner_text()
    page.locator("a.next").first.click()
    page.wait_for_load_state()
    assert "page=2" in page.url and page.locator("#followers tbody tr").first.inner_text() != first
    page.screenshot(path=str(tmp_path / "followers-page-2.png"), full_page=True)
    assert_inert(watched, "followers")
    assert watched.foreign() == []


def test_account_page_opens_from_the_list_and_shows_its_ledger(server, watched, tmp_path):
    page = watched.page
    page.goto(server + "/followers?q=evil-quote")
    page.locator("#followers tbody a").first.click()
    page.wait_for_load_state()
    assert "/account?id=evil-quote" in page.url
    assert page.locator("h1").inner_text() == HOSTILE["evil-quote"]["name"]  # markup shown as text
    assert "reply: 5 in the window" in page.locator("#did_for_you").inner_text()
    assert page.locator("#reasons tbody tr").count() >= 5
    page.screenshot(path=str(tmp_path / "account.png"), full_page=True)
    assert_inert(watched, "account evil-quote")


@pytest.mark.parametrize("account", ["evil-script", "evil-long", "evil-quote", SCRIPT_ID],
                         ids=["script-and-onerror", "100k-characters", "quotes", "markup-id"])
def test_hostile_accounts_render_as_inert_text(server, browser, account, tmp_path):
    w = Watched(browser, width=1000)
    try:
        r = w.page.goto(server + "/account?id=" + quote(account, safe=""))
        assert r.status == 200
        assert_inert(w, account)
        h1 = w.page.locator("h1")
        box = h1.bounding_box()
        assert box["width"] <= 1000 and box["height"] < 400, "a long name must not blow up the layout"
        if account == "evil-script":
            assert w.page.locator("h1").inner_text() == HOSTILE["evil-script"]["name"]
            assert "javascript:alert('url')" in w.page.locator("#profile").inner_text()
            assert w.page.locator("#profile a").count() == 0
        w.page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
        assert w.foreign() == []
    finally:
        w.close()


def test_report_file_opens_offline_and_safe(browser, tmp_path):
    from innercircle.report.html import write_report

    path = write_report(shared()[2], tmp_path / "report.html")
    w = Watched(browser)
    try:
        w.page.goto(path.as_uri())
        assert_inert(w, "report")
        assert w.page.locator("section.card").count() == 11
        assert w.page.locator("svg.chart").count() >= 3
        w.page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        assert w.foreign(allowed=("file",)) == []
    finally:
        w.close()
