"""Second-degree reach of many owners in one pass: distinct followers of followers, the owner and its
followers left out (:func:`innercircle.graph.reach.reach_in_workspace`'s definition).

Exact on DuckDB (``count(DISTINCT ...)``); on Spark approximate with ``approx_count_distinct``
(HyperLogLog++, relative standard error :data:`SPARK_RSD`), so that no owner's second degree has
to be gathered in one place.
"""

from __future__ import annotations

#: Relative standard error asked of Spark's HyperLogLog++ (it sizes the sketch from it).
SPARK_RSD = 0.01
COLUMNS = ("id", "first_degree", "second_degree", "first_degree_with_known_followers", "method", "relative_error")


def reach_owners(engine, owners: list[str]):
    """One row per owner (:data:`COLUMNS`); unknown counts are null."""
    import pandas as pd
    import pyarrow as pa

    from .owners import define_followers

    engine.put("ic_owners", pa.table({"oid": pa.array([str(o) for o in owners], pa.string())}))
    define_followers(engine)
    approx = engine.name == "spark"
    count = f"approx_count_distinct(e.follower, {SPARK_RSD})" if approx else "count(DISTINCT e.follower)"
    df = engine.arrow(f"""
        WITH e AS (SELECT f1.oid, f.follower FROM ic_follows f JOIN ic_own_followers f1 ON f.followee = f1.id),
        first AS (SELECT oid, count(*) AS first_degree FROM ic_own_followers GROUP BY oid),
        known AS (SELECT f1.oid, count(DISTINCT f1.id) AS known FROM ic_own_followers f1
                  JOIN ic_follows f ON f.followee = f1.id GROUP BY f1.oid),
        second AS (SELECT e.oid, {count} AS second_degree FROM e
                   LEFT JOIN ic_own_followers g ON g.oid = e.oid AND g.id = e.follower
                   WHERE g.id IS NULL AND e.follower <> e.oid GROUP BY e.oid)
        SELECT o.oid AS id, coalesce(first.first_degree, 0) AS first_degree,
               coalesce(second.second_degree, 0) AS second_degree, coalesce(known.known, 0) AS known
        FROM ic_owners o LEFT JOIN first ON first.oid = o.oid LEFT JOIN known ON known.oid = o.oid
        LEFT JOIN second ON second.oid = o.oid""").to_pandas()
    df = df.set_index("id").reindex([str(o) for o in owners]).reset_index()
    unknown = "followers" in engine.unknown
    first = [None if unknown else int(v) for v in df["first_degree"]]
    second = [None if f is None or (k == 0 and f > 0) else int(s)
              for f, s, k in zip(first, df["second_degree"], df["known"])]
    out = pd.DataFrame({"id": df["id"], "first_degree": pd.array(first, dtype="Int64"),
                        "second_degree": pd.array(second, dtype="Int64"),
                        "first_degree_with_known_followers": pd.array(
                            [None if f is None else int(k) for f, k in zip(first, df["known"])], dtype="Int64"),
                        "method": "hyperloglog++" if approx else "exact",
                        "relative_error": SPARK_RSD if approx else 0.0})
    return out[list(COLUMNS)]
