"""The generic import format: a folder (or .zip) of accounts, follows, interactions, posts, groups
and memberships as CSV (UTF-8, header row) or Parquet. See docs/import-format.md."""

from __future__ import annotations

import csv
import io
import os
import posixpath
import tempfile
import zlib
from pathlib import Path

from ..errors import InputError
from ..model import FREE_TEXT, TABLES
from .archive import Damaged, SourceTree
from .batch import ImportBatch, reader

FORMAT = "generic"
_SUFFIXES = (".csv", ".csv.gz", ".parquet")
#: More columns than any real table has (the documented ones plus extra profile fields).
MAX_COLUMNS = 1000


def _members(tree: SourceTree) -> dict[str, str]:
    """table name -> member name, taking the shallowest folder that holds any generic file."""
    found: dict[str, list[str]] = {}
    for name in tree.names():
        base = posixpath.basename(name).lower()
        for table in TABLES:
            if any(base == table + s for s in _SUFFIXES):
                found.setdefault(table, []).append(name)
    return {t: min(names, key=lambda n: (n.count("/"), n)) for t, names in found.items()}


def sniff(path: Path) -> bool:
    """A folder or archive holding at least one generic table file, or one such file itself."""
    try:
        with SourceTree.open(path) as tree:
            return bool(_members(tree))
    except InputError:
        return False


@reader("this generic source", hint="is every file complete?")
def read(path: Path, *, progress=None) -> ImportBatch:
    """Read every generic table found in ``path`` into an ImportBatch (nothing is written yet).

    Each table is streamed, in blocks, into a Parquet file in the scratch folder; the batch holds
    its path, so neither a big CSV nor a big archive member is ever held in memory whole.
    """
    path = Path(path)
    batch = ImportBatch(format=FORMAT, source=str(path))
    with SourceTree.open(path) as tree:
        members = _members(tree)
        if not members:
            raise InputError("no generic table found", file=str(path),
                             hint=f"expected files named {', '.join(t + '.csv' for t in TABLES)} (or .parquet)")
        for i, (table, member) in enumerate(sorted(members.items())):
            if progress:
                progress(i, len(members), f"reading {member}")
            label = tree.label(member)
            batch.tables[table] = read_member(tree, member, label=label, batch=batch)
            batch.files[table] = label
    # A follows table says who follows whom; without one the source cannot tell.
    if "follows" not in batch.tables:
        batch.unknown |= {"followers", "following"}
    return batch


def read_member(tree: SourceTree, member: str, *, label: str, batch: ImportBatch | None = None) -> Path:
    """One generic table file of ``tree``, streamed into a Parquet file of the scratch folder.

    Text columns stay text (Parquet keeps its types); empty free-text cells (an empty ``bio``)
    mean "none" and stay "", every other empty cell is unknown. Each row carries ``_line``, its
    row number counting the header as row 1.
    """
    from ..tempfiles import scratch

    fd, name = tempfile.mkstemp(prefix="table-", suffix=".parquet", dir=scratch("tables"))
    os.close(fd)
    out = Path(name)
    batches = _parquet_batches(tree, member, label) if member.lower().endswith(".parquet") \
        else _csv_batches(tree, member, label)
    _write(_numbered(batches, label, batch), out, label)
    return out


def read_table_file(path: Path, table: str, *, label: str | None = None):
    """One generic table file (CSV, CSV.gz or Parquet) as a pyarrow Table with ``_line``."""
    import pyarrow.parquet as pq

    with SourceTree.open(path) as tree:
        member = tree.names()[0]
        return pq.read_table(read_member(tree, member, label=label or str(path)))


def _write(batches, out: Path, label: str) -> None:
    import pyarrow.parquet as pq

    writer = None
    try:
        for b in batches:
            if writer is None:
                writer = pq.ParquetWriter(out, b.schema, compression="zstd")
            writer.write_batch(b)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        raise InputError("the file holds no table", file=label)


def _numbered(batches, label: str, batch: ImportBatch | None):
    """Batches with ``_line`` appended; stops at the row limit, or at damage (see ``--partial``)."""
    import numpy as np
    import pyarrow as pa

    from .options import current

    limit, done, seen = current().max_rows, 0, 0
    it = iter(batches)
    while True:
        try:
            b = next(it)
        except StopIteration:
            return
        except _DAMAGE as e:
            if batch is None or not seen:
                raise InputError(_problem(e), file=label, hint=DAMAGED_HINT) from None
            batch.damaged(label, _problem(e), skipped=f"{posixpath.basename(label)}: unreadable rest of file",
                          read=f"{done:,} rows read before that")
            return
        done, seen = done + b.num_rows, seen + 1
        if done > limit:
            raise InputError(f"holds more than {limit:,} rows", file=label,
                             hint="raise the limit with --max-rows if this is really one network")
        if "_line" in b.schema.names:  # a column of the source must not pose as the row number
            b = b.drop_columns(["_line"])
        yield b.append_column("_line", pa.array(np.arange(done - b.num_rows + 2, done + 2, dtype="int64")))


def _parquet_batches(tree: SourceTree, member: str, label: str):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..tempfiles import scratch

    local = Path(tree.path) / member if tree.kind == "dir" else (
        Path(tree.path) if tree.kind == "file" else tree.extract([member], tempfile.mkdtemp(dir=scratch("tables")))[0])
    try:
        pf = pq.ParquetFile(local)
        if pf.metadata.num_rows == 0:
            yield pa.RecordBatch.from_pylist([], schema=pf.schema_arrow)
        yield from pf.iter_batches(batch_size=1 << 16)
    except (pa.ArrowException, OSError) as e:
        raise InputError(f"cannot read as Parquet ({str(e).splitlines()[0][:160]})", file=label,
                         hint="is the file complete?") from None


def _csv_batches(tree: SourceTree, member: str, label: str):
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    with _open_text(tree, member) as stream:
        names = _header(stream.readline(), label)
        empty = pa.RecordBatch.from_pylist([], schema=pa.schema([(n, pa.string()) for n in names]))
        reader = _csv_reader(stream, names, label, tree, member)
        if reader is None:
            yield empty
            return
        for b in _csv_blocks(reader, label, tree, member):
            # Empty cells are unknown, except in free-text columns where they mean "none".
            cols = [c if n in FREE_TEXT else pc.if_else(pc.equal(c, ""), pa.scalar(None, pa.string()), c)
                    for n, c in zip(b.schema.names, b.columns)]
            yield pa.RecordBatch.from_arrays(cols, names=b.schema.names)


class _Gunzip(io.BufferedReader):
    """A gzip member stream that also closes the stream it reads from."""

    def __init__(self, stream):
        import gzip

        self._source = stream
        super().__init__(gzip.GzipFile(fileobj=stream, mode="rb"), buffer_size=1 << 20)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._source.close()


def _open_text(tree: SourceTree, member: str):
    stream = tree.open(member)
    return _Gunzip(stream) if member.lower().endswith(".gz") else stream


def _csv_reader(stream, names: list[str], label: str, tree: SourceTree, member: str):
    import pyarrow as pa
    import pyarrow.csv as pcsv

    read_opts = pcsv.ReadOptions(column_names=names, block_size=16 << 20)
    conv = pcsv.ConvertOptions(column_types={n: pa.string() for n in names},
                               strings_can_be_null=False, quoted_strings_can_be_null=False)
    parse = pcsv.ParseOptions(newlines_in_values=True)
    try:
        return pcsv.open_csv(stream, read_options=read_opts, convert_options=conv, parse_options=parse)
    except pa.ArrowInvalid as e:
        if "empty" in str(e).lower():
            return None
        _csv_error(e, label, tree, member)


def _csv_blocks(reader, label: str, tree: SourceTree, member: str):
    import pyarrow as pa

    while True:
        try:
            b = reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid as e:
            _csv_error(e, label, tree, member)
        yield b


def _csv_error(e: Exception, label: str, tree: SourceTree, member: str):
    text = str(e)
    if "utf8" in text.lower() or "utf-8" in text.lower():
        raise InputError("text is not UTF-8", file=label, row=_first_bad_utf8_row(tree, member),
                         hint="save the file as UTF-8") from None
    raise InputError(f"cannot parse as CSV ({text.splitlines()[0][:160]})", file=label,
                     hint="check quoting and that every row has as many fields as the header") from None


def _header(first: bytes, label: str) -> list[str]:
    """The column names of the header row; each name once (checked in linear time)."""
    if not first.strip():
        raise InputError("the file is empty (no header row)", file=label,
                         hint="the first line must name the columns, e.g. id,handle,name")
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("text is not UTF-8", file=label, row=1, hint="save the file as UTF-8") from None
    try:
        names = [h.strip() for h in next(csv.reader([text]))]
    except csv.Error as e:
        raise InputError(f"cannot read the header row ({e})", file=label, row=1) from None
    if len(names) > MAX_COLUMNS:
        raise InputError(f"the header names {len(names):,} columns, more than the {MAX_COLUMNS:,} a "
                         "generic table may have", file=label, row=1,
                         hint="keep the documented columns (see docs/import-format.md)")
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise InputError(f"the header names column '{n}' twice", file=label, row=1,
                             hint="rename or drop one of them")
        seen.add(n)
    return names


def _first_bad_utf8_row(tree: SourceTree, member: str) -> int | None:
    """The 1-based line holding the first byte sequence that is not UTF-8."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    with _open_text(tree, member) as f:
        for line_no, line in enumerate(f, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError:
                return line_no
    return None


#: What a truncated or corrupt stream raises while it is read (gzip, zlib, a zip member).
_DAMAGE = (EOFError, OSError, zlib.error, Damaged)
DAMAGED_HINT = "the file is truncated or corrupt: download it again, or import the readable part with --partial"


def _problem(e: Exception) -> str:
    if isinstance(e, Damaged):
        return e.problem
    if isinstance(e, EOFError):
        return "the compressed file ends early (truncated)"
    return f"the compressed file is corrupt ({' '.join(str(e).split())[:80]})"
