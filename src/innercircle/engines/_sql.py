"""Helpers for the SQL text that both engines run: literals, window bounds, kinds, schemas.

The shared SQL keeps to what DuckDB and Spark SQL both execute: CASE rather than FILTER, LEFT JOIN
... IS NULL rather than ANTI JOIN, doubles written as ``CAST(x AS DOUBLE)``, times as integer
microseconds (so day boundaries are integer division, identical on both engines).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..model import ACTIVE_KINDS

DAY_US = 86_400_000_000
_EPOCH = datetime(1970, 1, 1)


def us(t: datetime) -> int:
    """A naive-UTC datetime as integer microseconds since 1970.

    >>> us(datetime(1970, 1, 2))
    86400000000
    """
    if t.tzinfo is not None:
        t = t.astimezone(timezone.utc).replace(tzinfo=None)
    return (t - _EPOCH) // timedelta(microseconds=1)


def dbl(x: float) -> str:
    """A double literal both engines read as DOUBLE (Spark reads ``0.85`` as DECIMAL)."""
    return f"CAST({float(x)!r} AS DOUBLE)"


def text(s: str) -> str:
    """A string literal."""
    return "'" + str(s).replace("\\", "\\\\").replace("'", "''") + "'"


def kinds(names=ACTIVE_KINDS) -> str:
    """``('share', 'reply', ...)`` for ``kind IN ...``."""
    return "(" + ", ".join(text(k) for k in names) + ")"


def day(col: str) -> str:
    """The UTC calendar day of a microsecond time, as an integer."""
    return f"CAST(floor({col} / {dbl(DAY_US)}) AS BIGINT)"


@dataclass(frozen=True)
class Bounds:
    """The window of an audit in microseconds: ``start < t <= as_of``; ``recent`` for committed."""

    start: int
    as_of: int
    recent: int
    year: int  # as_of minus 365 days: hollow's own year of activity

    @classmethod
    def of(cls, window, *, recent_days: int = 90) -> "Bounds":
        a = us(window.as_of)
        return cls(start=us(window.start), as_of=a, recent=a - recent_days * DAY_US, year=a - 365 * DAY_US)


#: Arrow types of the shorthand used in schemas (``{"id": "string", "risk": "double"}``).
_ARROW = {"string": "string", "double": "float64", "long": "int64", "boolean": "bool_"}


def arrow_schema(schema: dict[str, str]):
    """A pyarrow schema from ``{column: "string" | "double" | "long" | "boolean"}``."""
    import pyarrow as pa

    return pa.schema([(c, getattr(pa, _ARROW[t])()) for c, t in schema.items()])


def ddl(schema: dict[str, str]) -> str:
    """The same schema as a Spark DDL string."""
    return ", ".join(f"`{c}` {t}" for c, t in schema.items())
