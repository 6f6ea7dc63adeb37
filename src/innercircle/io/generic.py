"""The generic import format: a folder (or .zip) of accounts, follows, interactions, posts, groups
and memberships as CSV (UTF-8, header row) or Parquet. See docs/import-format.md."""

from __future__ import annotations

import csv
import posixpath
import tempfile
from pathlib import Path

from ..errors import InputError
from ..model import FREE_TEXT, TABLES
from .archive import SourceTree
from .batch import ImportBatch

FORMAT = "generic"
_SUFFIXES = (".csv", ".csv.gz", ".parquet")


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


def read(path: Path, *, progress=None) -> ImportBatch:
    """Read every generic table found in ``path`` into an ImportBatch (nothing is written yet)."""
    path = Path(path)
    batch = ImportBatch(format=FORMAT, source=str(path))
    with SourceTree.open(path) as tree, tempfile.TemporaryDirectory(prefix="innercircle-") as tmp:
        members = _members(tree)
        if not members:
            raise InputError("no generic table found", file=str(path),
                             hint=f"expected files named {', '.join(t + '.csv' for t in TABLES)} (or .parquet)")
        for i, (table, member) in enumerate(sorted(members.items())):
            if progress:
                progress(i, len(members), f"reading {member}")
            local = Path(tree.path) / member if tree.kind == "dir" else (
                Path(tree.path) if tree.kind == "file" else tree.extract([member], tmp)[0])
            label = tree.label(member)
            batch.tables[table] = read_table_file(local, table, label=label)
            batch.files[table] = label
    # A follows table says who follows whom; without one the source cannot tell.
    if "follows" not in batch.tables:
        batch.unknown |= {"followers", "following"}
    return batch


def read_table_file(path: Path, table: str, *, label: str | None = None):
    """One generic table file as a pyarrow Table of text columns (Parquet keeps its types).

    Empty free-text cells (an empty ``bio``) mean "none" and stay ""; every other empty cell is
    unknown. Each row carries ``_line``, its row number counting the header as row 1.
    """
    import numpy as np
    import pyarrow as pa

    label = label or str(path)
    name = path.name.lower()
    if name.endswith(".parquet"):
        table_data = _read_parquet(path, label)
    else:
        table_data = _read_csv(path, label)
    if "_line" not in table_data.column_names:
        table_data = table_data.append_column(
            "_line", pa.array(np.arange(2, table_data.num_rows + 2, dtype="int64")))
    return table_data


def _read_parquet(path: Path, label: str):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path)
    except (pa.ArrowException, OSError) as e:
        raise InputError(f"cannot read as Parquet ({str(e).splitlines()[0]})", file=label,
                         hint="is the file complete?") from None


def _read_csv(path: Path, label: str):
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = _header(path, label)
    read_opts = pcsv.ReadOptions(column_names=names, skip_rows=1, block_size=16 << 20)
    conv = pcsv.ConvertOptions(column_types={n: pa.string() for n in names},
                               strings_can_be_null=False, quoted_strings_can_be_null=False)
    parse = pcsv.ParseOptions(newlines_in_values=True)
    try:
        data = pcsv.read_csv(path, read_options=read_opts, convert_options=conv, parse_options=parse)
    except pa.ArrowInvalid as e:
        text = str(e)
        if "utf8" in text.lower() or "utf-8" in text.lower():
            raise InputError("text is not UTF-8", file=label, row=_first_bad_utf8_row(path),
                             hint="save the file as UTF-8") from None
        raise InputError(f"cannot parse as CSV ({text.splitlines()[0][:160]})", file=label,
                         hint="check quoting and that every row has as many fields as the header") from None
    # Empty cells are unknown, except in free-text columns where they mean "none".
    import pyarrow.compute as pc
    for i, col in enumerate(data.column_names):
        if col not in FREE_TEXT:
            column = data.column(i)
            data = data.set_column(i, col, pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column))
    return data


def _header(path: Path, label: str) -> list[str]:
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as f:
        first = f.readline()
    if not first.strip():
        raise InputError("the file is empty (no header row)", file=label,
                         hint="the first line must name the columns, e.g. id,handle,name")
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("text is not UTF-8", file=label, row=1, hint="save the file as UTF-8") from None
    names = [h.strip() for h in next(csv.reader([text]))]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"the header names column '{dupes[0]}' twice", file=label, row=1,
                         hint="rename or drop one of them")
    return names


def _first_bad_utf8_row(path: Path) -> int | None:
    """The 1-based line holding the first byte sequence that is not UTF-8."""
    import codecs
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    decoder = codecs.getincrementaldecoder("utf-8")()
    with opener(path, "rb") as f:
        for line_no, line in enumerate(f, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError:
                return line_no
    return None
