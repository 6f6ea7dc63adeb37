"""Right-to-left overrides in names: isolated wherever untrusted text is shown (report and dashboard)."""

from __future__ import annotations

from innercircle.report.html import environment, isolate, stylesheet

RLO = "\u202e"
NAME = f"alice{RLO}gnp.exe"


def test_a_name_with_an_override_is_isolated_in_bdi_and_by_characters():
    macro = environment().from_string('{% import "_sections.html" as s %}{{ s.who(p, True) }}')
    html = macro.render(p={"id": "a", "name": NAME})
    assert f"<bdi>\u2068{NAME}\u2069</bdi>" in html
    assert f'title="\u2068{NAME}\u2069"' in html  # attributes too: a tooltip cannot be reordered


def test_plain_text_is_left_as_it_is():
    assert isolate("Zoë") == "Zoë" and isolate(3) == 3


def test_the_stylesheet_isolates_the_elements_that_show_names():
    css = stylesheet()
    assert "unicode-bidi: isolate" in css
    rule = next(line for line in css.splitlines() if "unicode-bidi: isolate" in line)
    for element in ("bdi", "td", "a", "span", "h1"):
        assert element in rule.split("{")[0].replace(",", " ").split()


def test_the_dashboard_page_of_a_hostile_account_keeps_the_override_inside_its_name(tmp_path):
    from tests.test_web import get
    from innercircle.web.app import create_app
    from innercircle.web.dashboard import Dashboard
    import innercircle
    import pandas as pd
    from innercircle.io.batch import ImportBatch

    ws = innercircle.open(":memory:")
    batch = ImportBatch(format="generic", source="t", tables={
        "accounts": pd.DataFrame([{"id": "me"}, {"id": "x", "name": NAME, "handle": f"h{RLO}x"}]),
        "follows": pd.DataFrame([{"follower": "x", "followee": "me"}]),
        "interactions": pd.DataFrame([{"actor": "x", "target": "me", "kind": "reply", "at": "2024-05-01"}])})
    ws.import_batch(batch, me="me")
    app = create_app(Dashboard(ws).load())
    page = get(app, "/account?id=x").text
    assert f"<bdi>\u2068{NAME}\u2069</bdi>" in page
    assert page.count(RLO) >= 2 and all_isolated(page)


def all_isolated(text: str) -> bool:
    """Whether every override stands between an isolate initiator (FSI) and its PDI."""
    depth = 0
    for ch in text:
        depth += (ch == "\u2068") - (ch == "\u2069")
        if ch == RLO and depth <= 0:
            return False
    return True
