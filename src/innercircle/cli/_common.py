"""What every command shares: options, error translation, and one output vocabulary.

The vocabulary (a contract of every command): JSON is strict (no NaN or Infinity) with true/false/null
and times in ISO 8601 with a zone (``Z``); CSV cells hold true/false or are empty for unknown, floats
rounded; ``--jsonl`` writes one JSON object per row. Writing into a closed pipe ends quietly.
"""

from __future__ import annotations

import functools
import json
import math
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

import click

from ..errors import InnercircleError
from ..model import iso, round_floats
from ..tempfiles import install as install_cleanup
from ..tempfiles import received as stop_received

DEFAULT_WORKSPACE = "innercircle.duckdb"
#: Decimals kept for floats in CSV and JSON output.
DECIMALS = 6


def workspace_path(value: str | None) -> Path:
    """--workspace, else $INNERCIRCLE_WORKSPACE, else ./innercircle.duckdb."""
    return Path(value or os.environ.get("INNERCIRCLE_WORKSPACE") or DEFAULT_WORKSPACE)


def debug_requested() -> bool:
    """Whether --debug was given, before the command (global) or after it."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().params.get("debug")) or bool(os.environ.get("INNERCIRCLE_DEBUG"))


def common_options(fn: Callable | None = None, *, workspace: bool = True) -> Callable:
    """Add --workspace (unless ``workspace=False``), --quiet and --debug; turn errors into one line.

    The wrapped command receives ``ctx_obj``: a :class:`Context` with ``workspace`` (a Path),
    ``quiet`` (bool) and ``progress()`` for progress bars on stderr.
    """
    if fn is None:
        return functools.partial(common_options, workspace=workspace)

    @click.option("--quiet", is_flag=True, help="Errors only on stderr: no notes, progress or warnings.")
    @click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks.")
    @functools.wraps(fn)
    def wrapper(*args, workspace=None, quiet=False, debug=False, **kwargs):
        install_cleanup()  # sweep after dead runs; SIGTERM/SIGHUP unwind like Ctrl+C
        explicit = bool(workspace or os.environ.get("INNERCIRCLE_WORKSPACE"))
        ctx = Context(workspace_path(workspace), quiet=quiet, explicit=explicit)
        debug = debug or debug_requested()
        try:
            result = fn(*args, ctx_obj=ctx, **kwargs)
            sys.stdout.flush()  # a closed pipe shows here, inside the guard, not at exit
            return result
        except BrokenPipeError:
            closed_pipe()
        except SystemExit as e:
            if e.code == 1 and _stdout_gone():  # rich's own broken-pipe exit
                sys.exit(0)
            raise
        except InnercircleError as e:
            if debug:
                raise
            if stop_received():  # a stop signal a library turned into its own error
                fail("interrupted; nothing was written", 130)
            fail(str(e), getattr(e, "exit_code", 1))
        except KeyboardInterrupt:
            fail("interrupted; nothing was written", 130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as e:  # noqa: BLE001 - the last line of defence: one line, no traceback
            if debug:
                raise
            if stop_received():  # e.g. DuckDB's "Query interrupted" after SIGTERM reached a running query
                fail("interrupted; nothing was written", 130)
            fail(f"unexpected error: {type(e).__name__}: {e} (run again with --debug for details)", 1)

    if workspace:
        wrapper = click.option("--workspace", "workspace", metavar="PATH", default=None,
                               help="Workspace file (default: $INNERCIRCLE_WORKSPACE or ./innercircle.duckdb)."
                               )(wrapper)
    else:
        wrapper = click.option("--workspace", "workspace", metavar="PATH", default=None, hidden=True,
                               callback=_ignored_workspace, expose_value=False)(wrapper)
    return wrapper


def _ignored_workspace(ctx, param, value):
    if value is not None and not ctx.params.get("quiet"):
        click.echo(f"note: {ctx.info_name} does not use a workspace; --workspace is ignored "
                   "(and will be removed)", err=True)


def closed_pipe() -> None:
    """The reader went away (``| head``): stop quietly, as Unix tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(0)


def _stdout_gone() -> bool:
    """Whether stdout was pointed at the null device after its reader went away."""
    try:
        return os.path.samestat(os.fstat(sys.stdout.fileno()), os.stat(os.devnull))
    except (OSError, ValueError, AttributeError):
        return False


def fail(message: str, code: int) -> None:
    """Print one line on stderr and exit with ``code``."""
    click.echo(f"innercircle: {' '.join(str(message).split())}", err=True)
    sys.exit(code)


def deprecated(old: str, new: str, *, quiet: bool = False) -> None:
    """The one-line note an old option spelling prints (it keeps working)."""
    if not quiet:
        click.echo(f"note: {old} is deprecated; use {new}", err=True)


class Context:
    """Per-command state: where the workspace is and whether to be quiet."""

    def __init__(self, workspace: Path, *, quiet: bool, explicit: bool = True):
        #: explicit: the user named the workspace (--workspace or $INNERCIRCLE_WORKSPACE)
        self.workspace, self.quiet, self.explicit = workspace, quiet, explicit
        self.on_sample = False

    def warn(self, message: str) -> None:
        if not self.quiet:
            click.echo(f"warning: {message}", err=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)

    def progress(self):
        """A rich Progress on stderr, only where someone watches (not when quiet, not into a pipe or
        a log file: then a stand-in that writes nothing at all); use as a context manager."""
        from rich.console import Console

        console = Console(stderr=True)
        if self.quiet or not console.is_terminal:
            return NoProgress()
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        return Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                        console=console, transient=True)


class NoProgress:
    """Stands in for a rich Progress when there is nothing worth showing."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def add_task(self, *args, **kwargs) -> int:
        return 0

    def update(self, *args, **kwargs) -> None:
        return None


# -- output --------------------------------------------------------------------------------------


def clean_json(o: Any) -> Any:
    """Plain JSON values: NaN, infinities and NA become null; times ISO with Z; numpy scalars plain."""
    if isinstance(o, dict):
        return {str(k): clean_json(v) for k, v in o.items()}
    if isinstance(o, (list, tuple, set, frozenset)):
        return [clean_json(v) for v in (sorted(o) if isinstance(o, (set, frozenset)) else o)]
    if isinstance(o, float):
        return None if not math.isfinite(o) else o
    if o is None or isinstance(o, (str, bool, int)):
        return o
    if type(o).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(o, (datetime, date)) or hasattr(o, "isoformat"):
        return iso(o)
    if hasattr(o, "item") and not isinstance(o, (str, bytes)):
        return clean_json(o.item())
    return o


def dumps(obj: Any) -> str:
    """Strict JSON text of ``obj`` (see :func:`clean_json`)."""
    return json.dumps(clean_json(obj), ensure_ascii=False, allow_nan=False, default=str)


def echo_json(obj: Any) -> None:
    """Print exactly one JSON object on stdout."""
    click.echo(dumps(obj))


def csv_ready(df):
    """A copy of ``df`` in the CSV vocabulary: true/false/empty flags, ISO times with Z, rounded floats."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_bool_dtype(s.dtype) or _holds_bools(s):
            out[col] = s.map(lambda v: "" if v is None or v is pd.NA else ("true" if v else "false"),
                             na_action="ignore").astype(object)
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[col] = s.map(lambda v: iso(v.to_pydatetime()) if not pd.isna(v) else None).astype(object)
        elif pd.api.types.is_float_dtype(s.dtype):
            out[col] = round_floats(s, DECIMALS)
    return out


def _holds_bools(s) -> bool:
    if s.dtype != object:
        return False
    present = s.dropna()
    return len(present) > 0 and all(isinstance(v, bool) for v in present.head(1000))


def write_frame(df, path: str | None) -> None:
    """Write a DataFrame as CSV (unknown as an empty cell) to ``path`` or stdout ('-')."""
    out = csv_ready(df)
    if path in (None, "-"):
        out.to_csv(sys.stdout, index=False, lineterminator="\n")
        sys.stdout.flush()
    else:
        out.to_csv(path, index=False, lineterminator="\n")


def frame_records(df) -> list[dict]:
    """DataFrame rows as JSON-ready dicts, unknown as None."""
    import pandas as pd

    out = df.astype(object).where(pd.notna(df), None)
    rows = clean_json(out.to_dict(orient="records"))
    for row in rows:
        for k, v in row.items():
            if isinstance(v, float):
                row[k] = round(v, DECIMALS)
    return rows


def write_jsonl(df) -> None:
    """One strict JSON object per row on stdout."""
    for row in frame_records(df):
        click.echo(dumps(row))
    sys.stdout.flush()


def output_options(fn: Callable | None = None, *, jsonl: bool = True) -> Callable:
    """--csv FILE|-, --json and (per-row commands) --jsonl."""
    if fn is None:
        return functools.partial(output_options, jsonl=jsonl)
    opts = [click.option("--csv", "csv_path", default=None, metavar="FILE",
                         help="Write one row per account as CSV to FILE ('-' for stdout)."),
            click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")]
    if jsonl:
        opts.append(click.option("--jsonl", "as_jsonl", is_flag=True, help="Print one JSON object per row."))
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def emit(ctx_obj, table, *, csv_path=None, as_json=False, as_jsonl=False, payload: Callable | dict | None = None,
         show: Callable | None = None, label: str = "rows") -> None:
    """Present a per-row result: CSV, JSON (``payload``), JSON lines, or on screen (``show``)."""
    from ..errors import UsageError

    if sum(bool(x) for x in (csv_path == "-", as_json, as_jsonl)) > 1:
        raise UsageError("choose one of --csv -, --json and --jsonl: they all write to stdout",
                         hint="give --csv a file name")
    if csv_path:
        write_frame(table, csv_path)
        if csv_path != "-":
            ctx_obj.info(f"wrote {plural(len(table), label)} to {csv_path}")
    if as_jsonl:
        write_jsonl(table)
    elif as_json:
        echo_json(payload() if callable(payload) else payload)
    elif not csv_path and show is not None:
        show()


def plural(n: int, noun: str, many: str | None = None) -> str:
    """'1 follower', '2 followers', '1,000 replies'.

    >>> plural(1, "request"), plural(3, "reply", "replies")
    ('1 request', '3 replies')
    """
    if many is None:
        singular = {"rows": "row", "followers": "follower", "accounts": "account", "candidates": "candidate",
                    "recommendations": "recommendation", "replies": "reply", "requests": "request"}
        if noun in singular:
            noun, many = singular[noun], noun
        else:
            many = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
    return f"{n:,} {noun if n == 1 else many}"


def choice_of(values, *, field: str):
    """A click callback that accepts one of ``values`` (any case) and lists them when it does not."""
    def check(ctx, param, value):
        if value is None:
            return None
        v = str(value).strip().lower()
        if v not in values:
            raise click.BadParameter(f"{value!r} is not one of: {', '.join(values)}", param_hint=field)
        return v
    return check
