"""Load benchmark of ``innercircle serve`` on a 100,000-follower sample workspace.

Builds the sample workspace (or reuses ``--workspace`` when it exists), starts ``innercircle serve``
as a separate process on 127.0.0.1, waits until it answers, then runs ``--clients`` concurrent
clients (httpx, asyncio) for ``--seconds`` over the main pages and their JSON twins: overview,
followers (filters, searches and pages), hollow, reach, forecast, advice, changes, definitions and
account pages. Prints requests per second, p50/p90/p99 latency and errors; exits 1 when p99 is over
the target (300 ms) or any request failed.

    python benchmarks/bench_serve.py                    # 100,000 followers, 20 clients, 30 s
    python benchmarks/bench_serve.py --followers 5000 --seconds 5   # a quick run
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_P99_MS = 300.0


def build_workspace(path: Path, followers: int) -> None:
    sys.path.insert(0, str(REPO / "src"))
    import innercircle

    t = time.perf_counter()
    ws = innercircle.open(path)
    try:
        ws.import_batch(innercircle.sample.generate(followers=followers, seed=7))
    finally:
        ws.close()
    print(f"built the sample workspace: {followers:,} followers in {time.perf_counter() - t:.1f} s", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workspace: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-m", "innercircle", "serve", "--workspace", str(workspace),
                             "--port", str(port), "--quiet"], env=env, cwd=str(REPO))


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 900.0) -> float:
    import httpx

    t = time.perf_counter()
    while time.perf_counter() - t < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"serve exited with status {proc.returncode}")
        try:
            if httpx.get(base + "/definitions.json", timeout=2).status_code == 200:
                return time.perf_counter() - t
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("serve did not answer in time")


def url_mix(base: str, rng: random.Random) -> list[str]:
    """The pages clients ask for: every main page and its JSON twin, many follower views, some accounts."""
    import httpx

    data = httpx.get(base + "/followers.json?tier=working&per_page=200", timeout=60).json()
    ids = [p["id"] for p in data["followers"]][:50]
    pages = ["/", "/overview.json", "/hollow", "/hollow.json", "/reach", "/reach.json", "/forecast",
             "/forecast.json", "/advice", "/advice.json", "/changes", "/changes.json", "/definitions",
             "/definitions.json"]
    tiers = ["", "committed", "occasional", "attentive", "silent", "hollow", "working"]
    for _ in range(120):
        tier, page = rng.choice(tiers), rng.randint(1, 40)
        q = f"tier={tier}&page={page}" if tier else f"page={rng.randint(1, 2000)}"
        pages += [f"/followers?{q}", f"/followers.json?{q}"]
    for word in ("ana", "mar", "li", "son", "x", "zz", "a_", "12"):
        pages += [f"/followers?q={word}", f"/followers.json?q={word}&page=2"]
    from urllib.parse import quote

    for i in ids:
        pages += [f"/account?id={quote(i)}", f"/account.json?id={quote(i)}"]
    return pages


async def client(base: str, urls: list[str], until: float, seed: int, lat: list, errors: list) -> None:
    import httpx

    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30) as c:
        while time.perf_counter() < until:
            url = rng.choice(urls)
            t = time.perf_counter()
            try:
                r = await c.get(url)
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {url}")
                else:
                    await r.aread()
            except Exception as e:  # noqa: BLE001 - any failure counts as an error
                errors.append(f"{type(e).__name__} {url}")
            lat.append(time.perf_counter() - t)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q * (len(s) - 1)))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--followers", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workspace", type=Path, default=None,
                    help="Reuse this workspace file (built there first when it does not exist).")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="bench-serve-")
    ws = args.workspace or Path(tmp.name) / "bench.duckdb"
    if not ws.exists():
        build_workspace(ws, args.followers)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(ws, port)
    try:
        startup = wait_until_up(base, proc)
        print(f"serve answered after {startup:.1f} s (the audit runs once at start)", flush=True)
        urls = url_mix(base, random.Random(7))
        lat: list[float] = []
        errors: list[str] = []
        t0 = time.perf_counter()
        until = t0 + args.seconds

        async def run_all():
            await asyncio.gather(*(client(base, urls, until, i, lat, errors) for i in range(args.clients)))

        asyncio.run(run_all())
        elapsed = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        tmp.cleanup()
    n = len(lat)
    p50, p90, p99 = (1000 * pct(lat, q) for q in (0.5, 0.9, 0.99))
    print(f"followers {args.followers:,} · clients {args.clients} · {elapsed:.1f} s · distinct URLs {len(urls)}")
    print(f"requests {n:,} · {n / elapsed:,.1f} requests/s · p50 {p50:.1f} ms · p90 {p90:.1f} ms · "
          f"p99 {p99:.1f} ms · max {1000 * max(lat):.1f} ms · errors {len(errors)}")
    if errors:
        print("first errors:", "; ".join(errors[:5]))
    ok = p99 <= TARGET_P99_MS and not errors
    print(f"target p99 <= {TARGET_P99_MS:.0f} ms and no errors: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
