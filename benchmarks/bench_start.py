"""How long until the dashboard answers its first page, and how long a report takes: this tree
against an earlier commit (default: the last commit before the audit object), measured in one run.

Builds the sample workspace once (100,000 followers by default), then for each version:
starts ``innercircle serve`` and times the first answer of ``/`` (the overview) and of ``/advice``
(a page warmed in the background), and times ``innercircle report --out``. The earlier version runs
from a temporary ``git worktree`` of ``--before``.

    python benchmarks/bench_start.py                          # 100,000 followers
    python benchmarks/bench_start.py --followers 20000 --before HEAD~3
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: The last commit before "one audit object" (the dashboard rendered every page before listening).
BEFORE = "1f5d414"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_answer(src: Path, workspace: Path, paths=("/", "/advice")) -> dict[str, float]:
    """Seconds from starting serve until it first answers at all ("answer": a page saying the audit is
    being prepared counts) and until each path first answers 200."""
    import httpx

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.Popen([sys.executable, "-m", "innercircle", "serve", "--workspace", str(workspace),
                             "--port", str(port), "--quiet"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    t0, out = time.perf_counter(), {}
    try:
        for path in paths:
            while path not in out:
                if proc.poll() is not None:
                    raise RuntimeError(f"serve exited with {proc.returncode}")
                try:
                    status = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=120).status_code
                    out.setdefault("answer", time.perf_counter() - t0)
                    if status == 200:
                        out[path] = time.perf_counter() - t0
                    else:
                        time.sleep(0.1)
                except httpx.TransportError:
                    time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return out


def report_seconds(src: Path, workspace: Path, out: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "innercircle", "report", "--workspace", str(workspace), "--out", str(out),
                    "--quiet"], env=env, check=True)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--followers", type=int, default=100_000)
    ap.add_argument("--before", default=BEFORE, help="the earlier commit to compare with")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="innercircle-bench-") as tmp:
        tmp = Path(tmp)
        ws = tmp / "sample.duckdb"
        sys.path.insert(0, str(REPO / "src"))
        import innercircle

        w = innercircle.open(ws)
        w.import_batch(innercircle.sample.generate(followers=args.followers, seed=7))
        w.close()
        old = tmp / "before"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(old), args.before], check=True)
        try:
            rows = {}
            for name, src in (("before", old / "src"), ("now", REPO / "src")):
                rows[name] = {**first_answer(src, ws), "report": report_seconds(src, ws, tmp / f"{name}.html")}
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(old)], check=False)
    print(f"sample network with {args.followers:,} followers; before = {args.before}")
    print(f"{'':8} {'first answer':>13} {'overview':>10} {'/advice':>10} {'report':>10}")
    for name, r in rows.items():
        print(f"{name:8} {r['answer']:>11.1f} s {r['/']:>8.1f} s {r['/advice']:>8.1f} s {r['report']:>8.1f} s")
    b, n = rows["before"], rows["now"]
    print(f"ratio now/before: first answer {n['answer'] / b['answer']:.2f}x, overview {n['/'] / b['/']:.2f}x, "
          f"report {n['report'] / b['report']:.2f}x")
    return 0 if n["answer"] <= 5.0 else 1


if __name__ == "__main__":
    sys.exit(main())
