"""Helpers for benchmarks: run a Python snippet in a fresh process, report wall time and peak memory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap


def run_isolated(code: str, *, repeat: int = 3) -> dict:
    """Run ``code`` in fresh interpreters ``repeat`` times; the median wall time (s) of the timed part
    and the peak resident memory (MB, the process's ru_maxrss) of the slowest run.

    The snippet sets ``t0`` before the timed part and ``result`` (a JSON-able value) after it.
    """
    wrapper = textwrap.dedent("""
        import json, resource, time
        {code}
        print(json.dumps({{"seconds": time.perf_counter() - t0, "result": result,
                          "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
        """).format(code=textwrap.indent(textwrap.dedent(code), "").strip())
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed")
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["seconds"])
    mid = runs[len(runs) // 2]
    return {"seconds": mid["seconds"], "peak_mb": max(r["peak_mb"] for r in runs), "result": mid["result"],
            "min": runs[0]["seconds"], "max": runs[-1]["seconds"]}
