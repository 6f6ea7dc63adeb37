"""The dashboard beyond loopback: a token, the Host check kept on, a warning, idle connections closed."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import pytest

from innercircle.web import access
from innercircle.web.app import create_app
from tests.conftest import TINY, write_files
from tests.test_web import get


@pytest.fixture(scope="module")
def guarded(dash):
    rules = access.plan("0.0.0.0", token="s3cret-token-value", allowed_hosts=("dash.example",))
    return create_app(dash, allowed_hosts=list(rules.hosts), token=rules.token)


@pytest.fixture(scope="module")
def dash():
    from tests.test_web import dash as make

    return make.__wrapped__()


def test_loopback_needs_no_token_and_elsewhere_one_is_generated():
    assert access.plan("127.0.0.1").token is None
    rules = access.plan("0.0.0.0")
    assert rules.generated and len(rules.token) >= 24
    assert access.plan("0.0.0.0").token != rules.token
    assert "0.0.0.0" not in rules.hosts and "*" not in rules.hosts


def test_no_page_without_the_token(guarded):
    for path in ("/", "/followers.json", "/static/style.css", "/nope"):
        assert get(guarded, path).status_code == 401, path
    assert get(guarded, "/", authorization="Bearer wrong").status_code == 401
    assert get(guarded, "/", authorization="Bearer s3cret-token-value").status_code == 200


def test_the_token_in_the_address_becomes_a_cookie_and_leaves_the_address(guarded):
    r = get(guarded, "/followers?token=s3cret-token-value&page=2")
    assert r.status_code == 303 and r.headers["location"] == "/followers?page=2"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert get(guarded, "/followers", cookie=cookie.split(";")[0]).status_code == 200


def test_a_foreign_host_is_refused_even_with_the_token(guarded):
    ok = {"authorization": "Bearer s3cret-token-value"}
    assert get(guarded, "/", host="evil.example", **ok).status_code == 400
    assert get(guarded, "/", host="dash.example:8765", **ok).status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, proc, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert proc.poll() is None, proc.stderr.read()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the dashboard did not start")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``serve --host 0.0.0.0`` on the tiny network in a subprocess; yields (port, process)."""
    tmp_path = tmp_path_factory.mktemp("served")
    tiny = write_files(tmp_path / "tiny", TINY)
    ws = tmp_path / "w.duckdb"
    subprocess.run([sys.executable, "-m", "innercircle", "import", str(tiny), "--me", "me", "--workspace", str(ws),
                    "--quiet"], check=True, env=dict(os.environ))
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "innercircle", "serve", "--host", "0.0.0.0", "--port", str(port),
                             "--workspace", str(ws)],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=dict(os.environ))
    try:
        _wait_for(port, proc)
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stderr.close()


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_serving_beyond_loopback_warns_prints_a_token_and_refuses_without_it(served):
    port, proc = served
    lines = []
    while len(lines) < 2:
        lines.append(proc.stderr.readline())
    text = "".join(lines)
    assert "warning" in text and "other machines" in text
    token = re.search(r"\?token=([\w-]+)", text).group(1)
    bare = _raw(port, b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    assert bare.startswith(b"HTTP/1.1 401")
    foreign = _raw(port, f"GET / HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer {token}\r\n"
                         "Connection: close\r\n\r\n".encode())
    assert foreign.startswith(b"HTTP/1.1 400")
    request = f"GET / HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    ok = _raw(port, request.encode())
    for _ in range(300):  # 503 "preparing your audit" until the audit is ready
        if not ok.startswith(b"HTTP/1.1 503"):
            break
        time.sleep(0.2)
        ok = _raw(port, request.encode())
    assert ok.startswith(b"HTTP/1.1 200")


def test_idle_connections_are_closed(served):
    """One connection that sends nothing, one that stops in the middle of its headers and trickles."""
    from innercircle.web.server import IDLE_TIMEOUT

    port, _ = served
    start = time.monotonic()
    silent = socket.create_connection(("127.0.0.1", port), timeout=60)
    trickle = socket.create_connection(("127.0.0.1", port), timeout=60)
    with silent, trickle:
        trickle.sendall(b"GET / HTTP/1.1\r\nHost: local")
        for _ in range(3):  # a byte now and then does not keep it open
            time.sleep(IDLE_TIMEOUT / 4)
            trickle.sendall(b"x")
        for s in (silent, trickle):
            while s.recv(1024):
                pass
    assert time.monotonic() - start < IDLE_TIMEOUT + 10
