"""Import a source into a workspace: read it (any format), then write it as one snapshot."""

from __future__ import annotations

from pathlib import Path

from .io.detect import read_source
from .io.options import ReadOptions, using
from .store import Workspace


def import_source(ws: Workspace, source: str | Path, *, me: str | None = None, format: str | None = None,
                  replace: bool = False, source_name: str | None = None, progress=None,
                  options: ReadOptions | None = None) -> dict:
    """Read ``source`` and write it into ``ws`` in one transaction; returns the import summary.

    Nothing is written when reading or validating fails: the workspace stays exactly as it was.
    ``options`` raises the limits, widens the accepted time range or asks for ``partial`` reading.
    """
    from .tempfiles import received, remove

    with using(options or ReadOptions()) as opts:
        try:
            batch = read_source(source, format=format, progress=progress, options=opts)
            if progress:
                progress(0, None, "writing the workspace")
            key = f"{batch.format}:{source_name}" if source_name else None
            return ws.import_batch(batch, me=me, replace=replace, source_key=key)
        except Exception:
            if received():  # a library turned the interrupt into its own error ("Query interrupted")
                raise KeyboardInterrupt(received()) from None
            raise
        finally:
            remove("tables")  # the tables streamed for this import are no longer needed


def skipped_line(summary: dict) -> str | None:
    """One warning line for the rows an import left out, or None."""
    skipped = {k: v for k, v in summary.get("skipped", {}).items() if v}
    if not skipped:
        return None
    parts = "; ".join(f"{k}: {v:,}" for k, v in sorted(skipped.items()))
    return f"skipped {sum(skipped.values()):,} rows ({parts})"
