"""innercircle report, serve"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import click

from ._common import common_options, deprecated, echo_json
from ._main import main
from ._options import owner_options
from ._session import load_audit, network, progress_callback

CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _options(fn):
    fn = click.option("--values", default=None, metavar="TEXT",
                      help="Your values or topics, for alignment_score (else the workspace setting).")(fn)
    return owner_options(fn)


def find_chromium() -> str | None:
    """A Chromium or Chrome executable on PATH (used for --format pdf), or None."""
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print the HTML file to PDF with headless Chromium (offline: networking features off)."""
    from ..errors import UsageError

    exe = find_chromium()
    if exe is None:
        raise UsageError("--format pdf needs Chromium, which was not found on PATH",
                         hint="install it (Debian: apt-get install chromium) or use --format html and print "
                              "from a browser")
    with tempfile.TemporaryDirectory(prefix="innercircle-pdf-") as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               "--no-pdf-header-footer", f"--print-to-pdf={pdf_path.resolve()}", html_path.resolve().as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if done.returncode != 0 or not pdf_path.exists():
        raise RuntimeError(f"Chromium could not print the PDF: {(done.stderr or '').strip()[-300:]}")


@main.command("report")
@common_options
@click.option("--out", "out", default=None, metavar="FILE",
              help="Where to write the report (default: report.html, or report.pdf with --format pdf).")
@click.option("--output-format", "fmt", type=click.Choice(["html", "pdf"]), default=None,
              help="html (default): one self-contained file; pdf: printed from that file by headless Chromium, "
                   "only where Chromium is installed.")
@click.option("--format", "old_fmt", type=click.Choice(["html", "pdf"]), default=None, hidden=True)
@_options
@click.option("--top", default=25, show_default=True, type=click.IntRange(1, 1000),
              help="How many of the people who work for you to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the report's data as one JSON object instead.")
def report_cmd(ctx_obj, out, fmt, old_fmt, me, as_of, window_days, values, top, as_json):
    """Write the network report: one HTML file that opens offline, charts and definitions inside.

    Headline, tiers, actions by kind over time, care given versus received, the people who work
    for you, hollow followers with reasons, the reach funnel beside the naive sum, the response
    forecast with its range, advice, changes since the previous snapshot, and what each measure
    means. The file makes no request to any other host.

    Example: innercircle report --out report.html --workspace acme.duckdb
    """
    from ..report.build import build_report
    from ..report.html import write_report

    if old_fmt is not None:
        deprecated("--format", "--output-format", quiet=ctx_obj.quiet)
    fmt = fmt or old_fmt or "html"
    with network(ctx_obj) as ws, ctx_obj.progress() as bar:
        a = load_audit(ctx_obj, ws, me=me, as_of=as_of, window_days=window_days, values=values)
        data = build_report(a, top=top, progress=progress_callback(bar))
    if as_json:
        echo_json(data)
        return
    target = Path(out or ("report.pdf" if fmt == "pdf" else "report.html"))
    if fmt == "pdf":
        with tempfile.TemporaryDirectory(prefix="innercircle-") as tmp:
            html = write_report(data, Path(tmp) / "report.html")
            html_to_pdf(html, target)
    else:
        write_report(data, target)
    ctx_obj.info(f"wrote {target}")


@main.command("serve")
@common_options
@_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; only this machine can connect unless you change it.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--token", default=None, metavar="TOKEN", envvar="INNERCIRCLE_TOKEN",
              help="Require this token (beyond this machine one is generated and printed when not given).")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="A name the dashboard may be reached by (the Host header), besides this machine's "
                   "own names; repeat for several.")
def serve_cmd(ctx_obj, me, as_of, window_days, values, host, port, token, allowed_hosts):
    """The local dashboard: overview, followers (filter, search, pages), accounts, hollow, reach,
    forecast, advice and changes; every page also as JSON (add .json or ?format=json).

    The server answers at once: while the audit runs (once, in the background), every page says so
    and refreshes itself; then each page is served from it. No page loads anything from any other
    host, and nothing leaves this machine. Stop with Ctrl+C.

    Listening beyond this machine (--host 0.0.0.0 or an address of the network) needs a token: it
    is generated and printed once (or give --token), and every request without it gets 401. The
    Host check stays on: add the names people use to reach it with --allowed-host.

    Example: innercircle serve --workspace acme.duckdb --port 8765
    """
    from ..redact import register
    from ..web import access
    from ..web.app import create_app
    from ..web.dashboard import Dashboard
    from ..web.server import serve

    # read-only: the dashboard never writes, and other readers (report, audit) can open the file too
    with network(ctx_obj) as ws:
        a = load_audit(ctx_obj, ws, me=me, as_of=as_of, window_days=window_days, values=values)
        dash = Dashboard(a)
        rules = access.plan(host, token=token, allowed_hosts=allowed_hosts)
        app = create_app(dash, allowed_hosts=list(rules.hosts), token=rules.token)
        # the server answers at once ("preparing your audit", refreshing itself); the audit, then every
        # page, are computed in the background
        threading.Thread(target=dash.load_and_warm, args=(app.state.pages,), name="innercircle-load",
                         daemon=True).start()
        if not access.is_loopback(host):
            click.echo(f"warning: the dashboard listens on {host}: your network data is reachable from other "
                       f"machines, to anyone with the token (Host names accepted: {', '.join(rules.hosts)})",
                       err=True)
        # the one place the token is shown (even with --quiet when it was generated); later messages redact it
        line = f"innercircle dashboard on {rules.url(host, port)}  (Ctrl+C to stop)"
        if rules.generated:
            click.echo(line, err=True)
        else:
            ctx_obj.info(line)
        register(rules.token)
        serve(app, host=host, port=port)
