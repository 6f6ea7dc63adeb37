"""What every command shares: the workspace and quiet options, error translation, JSON output."""

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
from ..tempfiles import install as install_cleanup

DEFAULT_WORKSPACE = "innercircle.duckdb"


def workspace_path(value: str | None) -> Path:
    """--workspace, else $INNERCIRCLE_WORKSPACE, else ./innercircle.duckdb."""
    return Path(value or os.environ.get("INNERCIRCLE_WORKSPACE") or DEFAULT_WORKSPACE)


def common_options(fn: Callable) -> Callable:
    """Add --workspace, --quiet and --debug to a command and turn InnercircleError into one line.

    The wrapped command receives ``ctx_obj``: a :class:`Context` with ``workspace`` (a Path),
    ``quiet`` (bool) and ``progress(total, label)`` for progress bars on stderr.
    """

    @click.option("--workspace", "workspace", metavar="PATH", default=None,
                  help="Workspace file (default: $INNERCIRCLE_WORKSPACE or ./innercircle.duckdb).")
    @click.option("--quiet", is_flag=True, help="No progress bars or warnings on stderr.")
    @click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks.")
    @functools.wraps(fn)
    def wrapper(*args, workspace=None, quiet=False, debug=False, **kwargs):
        install_cleanup()  # sweep after dead runs; SIGTERM/SIGHUP unwind like Ctrl+C
        ctx = Context(workspace_path(workspace), quiet=quiet,
                      explicit=bool(workspace or os.environ.get("INNERCIRCLE_WORKSPACE")))
        try:
            return fn(*args, ctx_obj=ctx, **kwargs)
        except InnercircleError as e:
            if debug:
                raise
            fail(str(e), getattr(e, "exit_code", 1))
        except KeyboardInterrupt:
            fail("interrupted; nothing was written", 130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as e:  # noqa: BLE001 - the last line of defence: one line, no traceback
            if debug:
                raise
            fail(f"unexpected error: {type(e).__name__}: {e} (run again with --debug for details)", 1)

    return wrapper


def fail(message: str, code: int) -> None:
    """Print one line on stderr and exit with ``code``."""
    click.echo(f"innercircle: {' '.join(str(message).split())}", err=True)
    sys.exit(code)


class Context:
    """Per-command state: where the workspace is and whether to be quiet."""

    def __init__(self, workspace: Path, *, quiet: bool, explicit: bool = True):
        #: explicit: the user named the workspace (--workspace or $INNERCIRCLE_WORKSPACE)
        self.workspace, self.quiet, self.explicit = workspace, quiet, explicit

    def warn(self, message: str) -> None:
        if not self.quiet:
            click.echo(f"warning: {message}", err=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)

    def progress(self):
        """A rich Progress on stderr (disabled when quiet); use as a context manager."""
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        # a bar only where someone watches: not when quiet, not into a pipe or a log file
        return Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                        console=console, disable=self.quiet or not console.is_terminal, transient=True)


def _default(o: Any) -> Any:
    if isinstance(o, (datetime, date)):
        return o.isoformat()
    if hasattr(o, "item"):  # numpy scalars
        return o.item()
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    if hasattr(o, "isoformat"):
        return o.isoformat()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def clean_json(o: Any) -> Any:
    """NaN and NA become null: unknown is null in JSON, never 0 and never NaN."""
    if isinstance(o, dict):
        return {str(k): clean_json(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean_json(v) for v in o]
    if isinstance(o, float) and math.isnan(o):
        return None
    if o is not None and type(o).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(o, "item") and not isinstance(o, (str, bytes)):
        return clean_json(o.item())
    return o


def echo_json(obj: Any) -> None:
    """Print exactly one JSON object on stdout."""
    click.echo(json.dumps(clean_json(obj), default=_default, ensure_ascii=False))


def write_frame(df, path: str | None) -> None:
    """Write a DataFrame as CSV (unknown as an empty cell) to ``path`` or stdout ('-')."""
    if path in (None, "-"):
        df.to_csv(sys.stdout, index=False)
    else:
        df.to_csv(path, index=False)


def frame_records(df) -> list[dict]:
    """DataFrame rows as JSON-ready dicts, unknown as None."""
    import pandas as pd

    out = df.astype(object).where(pd.notna(df), None)
    return clean_json(out.to_dict(orient="records"))
