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
            if me is not None:
                me = resolve_me(ws, batch, me)
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


def _column(table, name: str) -> list:
    """One column of a batch table (a DataFrame, an Arrow table, or a Parquet file a reader streamed)."""
    if table is None:
        return []
    if isinstance(table, (str, Path)):
        import pyarrow.parquet as pq

        if name not in pq.read_schema(table).names:
            return []
        table = pq.read_table(table, columns=[name])
    names = table.column_names if hasattr(table, "column_names") else list(table.columns)
    if name not in names:
        return []
    col = table.column(name).to_pylist() if hasattr(table, "column_names") else table[name].tolist()
    return [None if v is None or v != v else str(v) for v in col]


def resolve_me(ws: Workspace, batch, me: str) -> str:
    """The owner id ``me`` names, resolved against the source being imported, then the workspace:
    an id, a handle (with or without @) or a profile URL. Unknown: a UsageError, nothing imported."""
    from .errors import UsageError
    from .io.batch import OWNER_ALIAS
    from .results.audit import handle_of

    text = str(me).strip()
    acc = batch.tables.get("accounts")
    ids = _column(acc, "id")
    if text in ids or text == OWNER_ALIAS:
        return text
    handle = handle_of(text)
    by_handle = {i for i, h in zip(ids, _column(acc, "handle")) if h and h.lstrip("@").lower() == handle}
    by_url = {i for i, u in zip(ids, _column(acc, "url")) if u and u.rstrip("/").lower() == text.rstrip("/").lower()}
    found = by_handle or by_url
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        raise UsageError(f"{text!r} names {len(found)} accounts in {batch.source}", field="--me",
                         hint="give the account id instead")
    named = {v for t, cols in (("follows", ("follower", "followee")), ("interactions", ("actor", "target")))
             for c in cols for v in _column(batch.tables.get(t), c)}
    if text in named:
        return text
    try:
        from .results.audit import match_account

        return match_account(ws, text)
    except UsageError:
        raise UsageError(f"no account {text!r} in {batch.source} or the workspace", field="--me",
                         hint="give an id, a handle (with or without @) or a profile URL of an account "
                              "the source names; nothing was imported") from None


def skipped_line(summary: dict) -> str | None:
    """One warning line for the rows an import left out, or None."""
    skipped = {k: v for k, v in summary.get("skipped", {}).items() if v}
    if not skipped:
        return None
    parts = "; ".join(f"{k}: {v:,}" for k, v in sorted(skipped.items()))
    return f"skipped {sum(skipped.values()):,} rows ({parts})"
