"""Network: the workspace's follow graph and interactions as compressed sparse arrays, built once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import numpy as np

from ..model import KINDS

if TYPE_CHECKING:  # pragma: no cover
    import scipy.sparse

#: ``Network.at`` value of an interaction whose time is unknown.
NO_TIME = np.iinfo(np.int64).min

#: Kind code of an interaction kind that is not one of :data:`innercircle.model.KINDS`.
OTHER_KIND = -1


def _index_dtype(n: int, nnz: int = 0):
    return np.int32 if max(n, nnz) < np.iinfo(np.int32).max else np.int64


def _csr(rows: np.ndarray, cols: np.ndarray, n: int) -> "scipy.sparse.csr_array":
    """An n×n boolean CSR array with one entry per distinct (row, col), sorted indices."""
    import scipy.sparse as sp

    dt = _index_dtype(n, len(rows))
    rows, cols = rows.astype(dt, copy=False), cols.astype(dt, copy=False)
    m = sp.coo_array((np.ones(len(rows), dtype=bool), (rows, cols)), shape=(n, n)).tocsr()
    m.sum_duplicates()  # bool data: duplicates collapse to one True entry
    return m


@dataclass(eq=False)
class Network:
    """The current network of a workspace, indexed 0..n-1, ready for graph kernels.

    Attributes:
        ids: numpy array of account ids (str); position = index.
        owner: index of the owner ("me"), or None.
        follows: n×n boolean CSR; row = follower, columns = the accounts it follows.
        followers: the transpose as CSR; row = account, columns = its followers.
        actor, target: int64 indices of each interaction (one entry per interaction row).
        kind: int16 code per interaction, the position in :data:`innercircle.model.KINDS`
            (``OTHER_KIND`` = -1 for a kind outside the model).
        at: int64 seconds since 1970-01-01 UTC per interaction, ``NO_TIME`` where unknown.
        weight: float64 weight per interaction (1.0 where the source gave none).
        groups: numpy array of group ids; ``group_members`` is a boolean CSR groups×n
            (row = group, columns = its known members); ``members_count`` is float64 per group,
            NaN where the source did not say.
        unknown: facts no current snapshot can tell (names from ``model.UNKNOWABLE``).

    Graph kernels take a Network and return numpy arrays indexed like ``ids``.
    """

    ids: np.ndarray
    follows: Any
    owner: int | None = None
    actor: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    target: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    kind: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    at: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    weight: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    groups: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    group_members: Any = None
    members_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    unknown: frozenset = frozenset()

    def __post_init__(self) -> None:
        import scipy.sparse as sp

        self.ids = np.asarray(self.ids, dtype=object)
        if self.group_members is None:
            self.group_members = sp.csr_array((len(self.groups), self.n), dtype=bool)
        self._followers = None
        self._index = None

    # --- shape and lookups -------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of accounts."""
        return len(self.ids)

    def __len__(self) -> int:
        return self.n

    def __repr__(self) -> str:
        owner = "none" if self.owner is None else "set"
        return (f"<Network {self.n:,} accounts, {self.follows.nnz:,} follows, "
                f"{len(self.actor):,} interactions, owner {owner}>")

    @property
    def followers(self):
        """n×n boolean CSR: row = account, columns = its followers (transpose of ``follows``)."""
        if self._followers is None:
            self._followers = self.follows.T.tocsr()
            self._followers.sort_indices()
        return self._followers

    def index_of(self, ids: Iterable[str] | str) -> np.ndarray:
        """Indices of ``ids`` (a vectorised lookup); -1 for an id not in the network."""
        import pandas as pd

        if self._index is None:
            self._index = pd.Index(self.ids)
        scalar = isinstance(ids, str)
        wanted = [ids] if scalar else list(ids) if not isinstance(ids, np.ndarray) else ids
        out = self._index.get_indexer(pd.Index(np.asarray(wanted, dtype=object)))
        return out.astype(np.int64)

    def in_degree(self) -> np.ndarray:
        """Number of followers of each account."""
        return np.diff(self.followers.indptr).astype(np.int64)

    def out_degree(self) -> np.ndarray:
        """Number of accounts each account follows."""
        return np.diff(self.follows.indptr).astype(np.int64)

    def kind_codes(self, kinds: Sequence[str]) -> np.ndarray:
        """The codes of ``kinds`` as used in ``Network.kind``."""
        return np.array([KINDS.index(k) for k in kinds if k in KINDS], dtype=np.int16)

    def interaction_matrix(self, kinds: Sequence[str] | None = None):
        """n×n float CSR: entry (actor, target) = number of interactions of ``kinds`` (all if None)."""
        import scipy.sparse as sp

        sel = slice(None) if kinds is None else np.isin(self.kind, self.kind_codes(kinds))
        a, t = self.actor[sel], self.target[sel]
        m = sp.coo_array((np.ones(len(a)), (a, t)), shape=(self.n, self.n)).tocsr()
        m.sum_duplicates()
        return m

    # --- construction -------------------------------------------------------------------
    @classmethod
    def from_edges(cls, src_ids, dst_ids, *, owner: str | None = None,
                   ids: Sequence[str] | None = None) -> "Network":
        """A Network from follow edges ``src follows dst`` (ids as strings or ints).

        Duplicate edges collapse to one; self-loops are kept (they are real edges of the input;
        kernels that must exclude an account from its own reach say so). ``ids`` adds accounts
        without edges; ``owner`` names "me".
        """
        import pandas as pd

        src = pd.Series(np.asarray(src_ids)).astype(str).to_numpy(dtype=object)
        dst = pd.Series(np.asarray(dst_ids)).astype(str).to_numpy(dtype=object)
        extra = [] if ids is None else [str(i) for i in ids]
        if owner is not None:
            extra.append(str(owner))
        codes, uniques = pd.factorize(np.concatenate([src, dst, np.asarray(extra, dtype=object)]))
        n, m = len(uniques), len(src)
        follows = _csr(codes[:m], codes[m:2 * m], n)
        net = cls(ids=np.asarray(uniques, dtype=object), follows=follows)
        if owner is not None:
            net.owner = int(net.index_of([str(owner)])[0])
        return net

    @classmethod
    def from_csr(cls, follows, *, ids: Sequence[str] | None = None, owner: int | None = None):
        """A Network straight from a square follows CSR (row = follower); ids default to '0'..'n-1'."""
        import scipy.sparse as sp

        follows = sp.csr_array(follows, dtype=bool)
        follows.sum_duplicates()
        n = follows.shape[0]
        ids = np.arange(n).astype(str).astype(object) if ids is None else np.asarray(ids, object)
        return cls(ids=ids, follows=follows, owner=owner)


# --- loading from a workspace ----------------------------------------------------------------
def _connection(ws):
    """A cursor of the workspace's connection: its own result state, the same database."""
    con = ws.con if hasattr(ws, "con") else ws
    return con.cursor()


def load_network(ws, *, kinds: Sequence[str] | None = None, me: str | None = None,
                 interactions: bool = True, groups: bool = True) -> Network:
    """Load the workspace's current network into a :class:`Network`.

    ``kinds`` restricts the interactions loaded (all kinds when None); ``interactions=False``
    or ``groups=False`` skip those parts. ``me`` overrides the workspace owner. Ids are mapped to
    indices inside DuckDB (a join against the id list), so no Python loop touches the rows.
    """
    from ..store import network as q

    con = _connection(ws)
    ids = q.account_ids(con).column("id").combine_chunks()
    n = len(ids)
    import pyarrow as pa

    index = pa.table({"id": ids, "ix": pa.array(np.arange(n, dtype=np.int64))})
    name = f"_ic_ix_{id(index):x}"
    con.register(name, index)
    try:
        f, t = _columns(q.follow_pairs(con, name))
        net = Network(ids=np.asarray(ids.to_numpy(zero_copy_only=False), dtype=object),
                      follows=_csr(f, t, n))
        if interactions and q.has_table(con, "interactions"):
            _load_interactions(con, net, name, kinds)
        if groups and q.has_table(con, "memberships"):
            _load_groups(con, net, name)
    finally:
        con.unregister(name)
        con.close()
    owner = me if me is not None else getattr(ws, "owner", None)
    if owner is not None:
        ix = int(net.index_of([str(owner)])[0])
        net.owner = ix if ix >= 0 else None
    net.unknown = frozenset(getattr(ws, "unknown", frozenset()) or ())
    return net


def _columns(tbl) -> tuple[np.ndarray, ...]:
    return tuple(np.asarray(c.to_numpy()) for c in tbl.columns)


def _load_interactions(con, net: Network, name: str, kinds) -> None:
    from ..store import network as q

    net.actor, net.target, net.kind, net.at, net.weight = _columns(q.interaction_rows(con, name, kinds))
    net.actor = net.actor.astype(np.int64)
    net.target = net.target.astype(np.int64)
    net.kind = net.kind.astype(np.int16)
    net.at = net.at.astype(np.int64)
    net.weight = net.weight.astype(np.float64)


def _load_groups(con, net: Network, name: str) -> None:
    import pandas as pd
    import scipy.sparse as sp

    from ..store import network as q

    has_groups = q.has_table(con, "groups")
    gids = np.asarray(q.group_ids(con, with_groups_table=has_groups), dtype=object)
    gindex = pd.Index(gids)
    m = q.membership_pairs(con, name)
    rows = gindex.get_indexer(m["g"].astype(object)) if len(m) else np.zeros(0, np.int64)
    cols = m["ix"].to_numpy(np.int64) if len(m) else np.zeros(0, np.int64)
    mat = sp.coo_array((np.ones(len(rows), bool), (rows, cols)), shape=(len(gids), net.n)).tocsr()
    mat.sum_duplicates()
    counts = np.full(len(gids), np.nan)
    if has_groups and len(gids):
        g = q.group_sizes(con)
        pos = gindex.get_indexer(g["g"].astype(object))
        counts[pos[pos >= 0]] = g["c"].to_numpy(np.float64, na_value=np.nan)[pos >= 0]
    net.groups, net.group_members, net.members_count = gids, mat, counts
