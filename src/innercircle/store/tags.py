"""Tag accounts from a list the user imports (customers, suppliers, ...), matched by id, handle,
profile URL or e-mail."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..errors import InputError
from .workspace import Workspace


def normalise_key(value: str) -> str:
    """A matching key: lower case; no leading @; URLs without scheme, www. and trailing slash."""
    v = str(value).strip().lower()
    v = re.sub(r"^https?://", "", v)
    v = re.sub(r"^www\.", "", v).rstrip("/")
    return v.lstrip("@")


def read_list(path: str | Path) -> list[str]:
    """Entries of a list file: one per line, or a CSV whose cells are all tried."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("text is not UTF-8", file=str(path), hint="save the file as UTF-8") from None
    entries = [cell.strip() for row in csv.reader(text.splitlines()) for cell in row if cell.strip()]
    if not entries:
        raise InputError("the list is empty", file=str(path), hint="put one id, handle, URL or e-mail per line")
    return entries


def tag_accounts(ws: Workspace, entries: list[str], label: str) -> dict:
    """Add ``label`` to the tags of every account matching an entry; returns matched and unmatched."""
    import pandas as pd

    label = label.strip().lower()
    if not label or ";" in label:
        raise InputError(f"invalid tag {label!r}", field="--as", hint="a single word such as customer")
    keys = pd.DataFrame({"key": [normalise_key(e) for e in entries], "entry": entries})
    ws.con.register("_keys", keys)
    try:
        matched = ws.con.execute("""
            SELECT DISTINCT a.id, k.entry FROM accounts a JOIN _keys k ON k.key IN (
                lower(a.id), lower(ltrim(coalesce(a.handle, ''), '@')),
                regexp_replace(regexp_replace(lower(coalesce(a.url, '')), '^https?://(www\\.)?', ''), '/$', ''),
                lower(coalesce(a.email, '')))""").df()
        ws.con.execute("BEGIN TRANSACTION")
        try:
            ws.con.register("_matched", matched[["id"]].drop_duplicates())
            ws.con.execute("""UPDATE accounts SET tags = CASE
                WHEN tags IS NULL OR tags = '' THEN $label
                WHEN list_contains(string_split(tags, ';'), $label) THEN tags
                ELSE tags || ';' || $label END
                WHERE id IN (SELECT id FROM _matched)""", {"label": label})
            ws.con.execute("COMMIT")
        except BaseException:
            ws.con.execute("ROLLBACK")
            raise
        finally:
            ws.con.unregister("_matched")
    finally:
        ws.con.unregister("_keys")
    unmatched = sorted(set(entries) - set(matched["entry"]))
    return {"tag": label, "matched": int(matched["id"].nunique()), "unmatched": unmatched}
