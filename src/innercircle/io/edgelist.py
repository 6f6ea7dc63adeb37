"""Whitespace-separated edge lists (``follower followee`` per line, ``#`` comments, optionally .gz),
such as the SNAP files: imported as follows."""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path

from ..errors import InputError
from .batch import ImportBatch, reader

FORMAT = "edgelist"
_SPLIT = re.compile(rb"\s+")


def _open(path: Path):
    return gzip.open(path, "rb") if _is_gzip(path) else open(path, "rb")


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def _data_lines(path: Path, n: int = 200) -> list[bytes]:
    out = []
    with _open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(b"#"):
                out.append(line)
                if len(out) >= n:
                    break
    return out


def sniff(path: Path) -> bool:
    """A plain or gzipped file whose first data lines hold no commas and, nearly all, two or three tokens."""
    try:
        if not Path(path).is_file():
            return False
        lines = _data_lines(Path(path))
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error):
        return False
    if not lines or any(b"," in ln for ln in lines):
        return False
    # mostly 'a b' lines: a few broken ones still read as an edge list, so the error names the line
    good = [2 <= len(_SPLIT.split(ln)) <= 3 for ln in lines]
    return good[0] and sum(good) >= 0.9 * len(good)


@reader("this edge list", hint="each line should be 'follower followee'")
def read(path: Path, *, progress=None) -> ImportBatch:
    """Read the edges as follows; extra columns (a weight) are ignored.

    A gzip file is first decompressed, streamed, into the scratch folder: a truncated or corrupt
    one fails the import (``--partial`` keeps its complete lines), never a silently wrong last edge.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    label, damage = str(path), None
    if _is_gzip(path):
        path, damage = _gunzip(path)
    batch = _read_plain(path, label, progress)
    if damage:
        batch.damaged(label, damage, skipped="the unreadable rest of the file")
    return batch


def _gunzip(path: Path) -> tuple[Path, str | None]:
    """``path`` decompressed into the scratch folder, and what was wrong with it (or None).

    Without ``--partial`` damage is an InputError at once; with it, the complete lines read before
    the damage are kept (the cut last line is dropped).
    """
    import tempfile

    from ..tempfiles import scratch
    from .options import current

    fd, name = tempfile.mkstemp(prefix="edges-", suffix=".txt", dir=scratch("tables"))
    with open(fd, "wb") as out, open(path, "rb") as f:
        damage = _inflate(f, out)
    if damage and not current().partial:
        raise InputError(damage, file=str(path), hint="download it again, or import the readable part with --partial")
    if damage:
        _drop_last_line(Path(name))
    return Path(name), damage


def _inflate(src, out) -> str | None:
    """Decompress the gzip members of ``src`` into ``out`` as far as they go; what was wrong, or None."""

    d, fed = zlib.decompressobj(wbits=31), False
    try:
        while chunk := src.read(1 << 20):
            while chunk:
                out.write(d.decompress(chunk))
                fed = True
                if not d.eof:
                    break
                chunk = d.unused_data  # the next member of a multi-member file
                d, fed = zlib.decompressobj(wbits=31), False
        out.write(d.flush())
    except zlib.error as e:
        return f"the gzip file is corrupt ({' '.join(str(e).split())[:80]})"
    return "the gzip file ends early (truncated)" if fed and not d.eof else None


def _drop_last_line(path: Path) -> None:
    """Cut a file after its last newline (the line after it was cut by the damage)."""
    with open(path, "rb+") as f:
        size = f.seek(0, 2)
        f.seek(max(0, size - (1 << 20)))
        tail = f.read()
        cut = tail.rfind(b"\n")
        f.truncate(size - len(tail) + cut + 1 if cut >= 0 else max(0, size - len(tail)))


def _read_plain(path: Path, label: str, progress) -> ImportBatch:
    import duckdb

    try:
        sample = _data_lines(path)
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise InputError(f"cannot read the file ({e})", file=label) from None
    if not sample:
        raise InputError("no edges found (the file is empty or only comments)", file=label,
                         hint="each line should be 'follower followee'")
    if progress:
        progress(0, None, f"reading {Path(label).name}")
    con = duckdb.connect(config={"memory_limit": "1GB"})
    try:
        table = _read_fast(con, path, sample)
        if table is None:
            table = _read_slow(con, path, label)
    except duckdb.Error as e:
        _explain(path, e, label)
    finally:
        con.close()
    _check_rows(table.num_rows, label)
    batch = ImportBatch(format=FORMAT, source=label, tables={"follows": table})
    batch.files["follows"] = label
    batch.notes.append("an edge list holds follows only: no profiles and no interactions")
    batch.unknown |= {"profiles"}
    return batch


def _leading_lines(path: Path) -> int:
    """How many comment or blank lines come before the first edge."""
    n = 0
    with _open(path) as f:
        for line in f:
            s = line.strip()
            if s and not s.startswith(b"#"):
                return n
            n += 1
    return n


def _read_fast(con, path: Path, sample: list[bytes]):
    """pyarrow's multithreaded CSV reader with one delimiter, when the sample shows a regular file;
    None (use the careful reader) when anything further down is irregular."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    widths = {len(_SPLIT.split(ln)) for ln in sample}
    delim = "\t" if all(b"\t" in ln for ln in sample) else " "
    if len(widths) != 1 or any(ln.count(delim.encode()) != len(_SPLIT.split(ln)) - 1 for ln in sample):
        return None
    names = ["follower", "followee", "weight"][:widths.pop()]
    try:
        return pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(skip_rows=_leading_lines(path), column_names=names, block_size=8 << 20),
            parse_options=pcsv.ParseOptions(delimiter=delim, quote_char=False, double_quote=False),
            convert_options=pcsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                include_columns=["follower", "followee"]),
        )
    except (pa.ArrowInvalid, OSError):
        return None


def _check_rows(n: int, label: str) -> None:
    from .options import current

    if n > current().max_rows:
        raise InputError(f"holds more than {current().max_rows:,} edges", file=label,
                         hint="raise the limit with --max-rows if this is really one network")


def _read_slow(con, path: Path, label: str):
    """Any whitespace between tokens; names the first line with fewer than two tokens."""
    lines = ("SELECT regexp_split_to_array(trim(line), '\\s+') AS t FROM read_csv($path, columns={'line': 'VARCHAR'}, "
             "header=false, delim=$delim, quote='', escape='', comment='#', auto_detect=false) WHERE trim(line) <> ''")
    params = {"path": str(path), "delim": "\x01"}
    bad = con.sql(f"SELECT count(*) FROM ({lines}) WHERE len(t) < 2", params=params).fetchone()[0]
    if bad:
        line_no, text = _first_short_line(path)
        raise InputError(f"line holds fewer than two ids: {text[:60]!r}", file=label, row=line_no,
                         hint="each line should be 'follower followee' (lines starting with # are comments)")
    return con.sql(f"SELECT t[1] AS follower, t[2] AS followee FROM ({lines})", params=params).to_arrow_table()


def _first_short_line(path: Path) -> tuple[int | None, str]:
    with _open(path) as f:
        for i, line in enumerate(f, start=1):
            s = line.strip()
            if s and not s.startswith(b"#") and len(_SPLIT.split(s)) < 2:
                return i, s.decode("utf-8", "replace")
    return None, ""


def _explain(path: Path, e: Exception, label: str):
    text = str(e)
    if "unicode" in text.lower() or "utf" in text.lower():
        import codecs
        decoder = codecs.getincrementaldecoder("utf-8")()
        with _open(path) as f:
            for i, line in enumerate(f, start=1):
                try:
                    decoder.decode(line)
                except UnicodeDecodeError:
                    raise InputError("text is not UTF-8", file=label, row=i,
                                     hint="save the file as UTF-8") from None
    raise InputError(f"cannot read the edge list ({text.splitlines()[0][:160]})", file=label,
                     hint="each line should be 'follower followee'") from None
