"""Named queries that load the current network for the graph kernels, as Arrow tables or arrays.

Ids are mapped to indices inside DuckDB: each query joins an index table (``id``, ``ix``) that the
caller registered under ``index``, so no Python loop touches the rows.
"""

from __future__ import annotations

from ..model import KINDS

#: The ``at`` of an interaction whose time is unknown (seconds; the smallest int64).
NO_TIME = -(2 ** 63)


def arrow(con, query: str, params=None):
    """A query's result as a pyarrow Table, whatever the DuckDB version calls that."""
    rel = con.sql(query, params=params or None)
    for name in ("to_arrow_table", "fetch_arrow_table", "arrow"):
        if hasattr(rel, name):
            out = getattr(rel, name)()
            return out.read_all() if hasattr(out, "read_all") else out
    raise TypeError(f"cannot read {type(rel).__name__} as Arrow")


def has_table(con, name: str) -> bool:
    """Whether the workspace has a table or view called ``name``."""
    q = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
    return con.sql(q, params=[name]).fetchall()[0][0] > 0


def account_ids(con):
    """Every account id, as an Arrow table with one column ``id``."""
    return arrow(con, "SELECT id FROM accounts WHERE id IS NOT NULL")


def follow_pairs(con, index: str):
    """(follower index, followee index) of every follow."""
    return arrow(con, f"SELECT a.ix, b.ix FROM follows f JOIN {index} a ON f.follower = a.id "
                      f"JOIN {index} b ON f.followee = b.id")


def interaction_rows(con, index: str, kinds=None):
    """(actor index, target index, kind code, seconds since 1970 or NO_TIME, weight) of every
    interaction (of ``kinds`` when given); the kind code is the position in ``model.KINDS``, -1 else."""
    kind_list = "[" + ", ".join(f"'{k}'" for k in KINDS) + "]"
    where, params = ("WHERE i.kind IN (SELECT unnest(?::VARCHAR[]))", [list(kinds)]) if kinds is not None \
        else ("", [])
    return arrow(con, f"SELECT a.ix, b.ix, coalesce(list_position({kind_list}, i.kind), 0)::SMALLINT - 1, "
                      f"coalesce(epoch(i.at)::BIGINT, {NO_TIME}), coalesce(i.weight, 1.0)::DOUBLE "
                      f"FROM interactions i JOIN {index} a ON i.actor = a.id JOIN {index} b ON i.target = b.id "
                      f"{where}", params)


def group_ids(con, *, with_groups_table: bool):
    """Every group id named by a membership (or the groups table), sorted."""
    gq = ('SELECT DISTINCT "group" AS g FROM memberships'
          + (' UNION SELECT "group" FROM groups' if with_groups_table else ""))
    return con.sql(f"SELECT g FROM ({gq}) WHERE g IS NOT NULL ORDER BY g").fetchnumpy()["g"]


def membership_pairs(con, index: str):
    """(group id, account index) of every membership, as a DataFrame ``g``, ``ix``."""
    return con.sql(f'SELECT m."group" AS g, a.ix AS ix FROM memberships m JOIN {index} a ON m.account = a.id').fetchdf()


def group_sizes(con):
    """Per group: the member count its source states (``g``, ``c``; NaN when it does not say)."""
    return con.sql('SELECT "group" AS g, max(members_count)::DOUBLE AS c FROM groups '
                   'WHERE "group" IS NOT NULL GROUP BY "group"').fetchdf()
