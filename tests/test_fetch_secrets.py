"""fetch and secrets: an echoed token is shown nowhere and stored nowhere; redirects stay on one origin."""

from __future__ import annotations

import pytest

from innercircle.errors import FetchError
from innercircle.io.api._http import Http
from tests.test_fetch import Replay, fetch_m, mastodon_routes

TOKEN = "tok-9f8e7d6c5b4a39281706"


def echo_401(server, path, q):
    return 401, {}, {"error": f"The access token is invalid: Bearer {TOKEN}"}


def test_a_server_echoing_the_token_in_an_error_does_not_show_it(tmp_path):
    ws = tmp_path / "ws.duckdb"
    with Replay(echo_401) as server:
        result = fetch_m(server, ws, "--token", TOKEN)
    assert result.exit_code == 1
    assert TOKEN not in result.output and "[redacted]" in result.output
    assert not ws.exists() or TOKEN.encode() not in ws.read_bytes()


def test_a_token_echoed_in_the_data_is_not_stored(tmp_path):
    def routes(server, path, q):
        status, headers, body = mastodon_routes(server, path, q)
        if path == "/api/v1/accounts/lookup" and status == 200:
            body = {**body, "note": f"your token is {TOKEN}"}
        return status, headers, body

    ws = tmp_path / "ws.duckdb"
    with Replay(routes) as server:
        result = fetch_m(server, ws, "--token", TOKEN)
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output
    assert TOKEN.encode() not in ws.read_bytes()


def test_a_redirect_to_another_server_is_not_followed():
    with Replay(lambda s, p, q: (200, {}, {"accounts": ["evil"]})) as evil:
        with Replay(lambda s, p, q: (302, {"Location": f"{evil.url}/x"}, {})) as server:
            http = Http(server.url, token=TOKEN)
            with pytest.raises(FetchError, match="redirects to another server"):
                http.get("/api/v1/accounts/lookup")
            http.close()
        assert evil.log == []


def test_a_redirect_on_the_same_server_is_followed():
    def routes(server, path, q):
        return (200, {}, {"ok": True}) if path == "/new" else (301, {"Location": f"{server.url}/new"}, {})

    with Replay(routes) as server:
        http = Http(server.url)
        assert http.get("/old")[0] == {"ok": True}
        http.close()
