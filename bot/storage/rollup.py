"""Daily counts for /stats, kept by triggers on `claims`.

A report over a period adds up at most a few hundred small rows per day instead of reading
every claim of the period. One row per (day of the notice, dimension, value): `n` claims and,
for the dimension "all", how many were closed after their respond-by time. "contact" counts
first messages to the buyer in 10-minute buckets of the time since the notice, for the median.
Every trigger takes the claim's old row out and puts the new one in, so any change, however
made, keeps the counts right.

Since migration 16 (issue 16) every row is also per store (`store`, the claim's `store_id`):
/stats of one store adds up that store's rows, and a claim moved to another store takes its
counts with it. Migrations 7 and 11 made the table and triggers without it; their SQL is kept
as it shipped (`SCHEMA_V7`, `TRIGGERS_V7`, `rebuild_sql_v7`).
"""

from __future__ import annotations

from typing import Final

CONTACT_BUCKET_MINUTES: Final = 10

# (dimension, key expression over a claim row `{r}`, display name expression, condition)
_DIMENSIONS: Final = (
    ("all", "''", "NULL", "1"),
    ("reason", "{r}.reason", "NULL", "1"),
    ("fulfillment", "{r}.fulfillment", "NULL", "1"),
    ("marketplace", "{r}.marketplace", "NULL", "1"),
    # An unassigned claim (issue 15) counts for nobody until someone has it.
    ("agent", "CAST({r}.agent_id AS TEXT)", "NULL", "{r}.agent_id IS NOT NULL"),
    ("outcome", "COALESCE({r}.outcome, 'open')", "NULL", "1"),
    ("product", "lower(trim({r}.product))", "trim({r}.product)", "{r}.product IS NOT NULL"),
    ("carrier", "lower(trim({r}.carrier))", "trim({r}.carrier)", "{r}.carrier IS NOT NULL"),
    (
        "contact",
        # Whole seconds (strftime('%s')), so a bucket edge is exact: 6 h is bucket 36.
        "CAST((CAST(strftime('%s', {r}.contacted_at) AS INTEGER)"
        " - CAST(strftime('%s', {r}.notified_at) AS INTEGER)) / "
        + str(CONTACT_BUCKET_MINUTES * 60)
        + " AS TEXT)",
        "NULL",
        "{r}.contacted_at IS NOT NULL",
    ),
)
_LATE: Final = (
    "(CASE WHEN {r}.closed_at IS NOT NULL AND {r}.closed_at > {r}.respond_by THEN 1 ELSE 0 END)"
)
_COLUMNS: Final = (
    "notified_at, reason, fulfillment, marketplace, agent_id, outcome, product, carrier,"
    " closed_at, contacted_at, respond_by"
)


def _add(row: str, stores: bool = True) -> str:
    statements = []
    store_col, store_val = (" store,", f" {row}.store_id,") if stores else ("", "")
    for dim, key, name, cond in _DIMENSIONS:
        late = _LATE.format(r=row) if dim == "all" else "0"
        statements.append(
            f"INSERT INTO claim_days (day,{store_col} dim, key, name, n, late)"
            f" SELECT date({row}.notified_at),{store_val} '{dim}', {key.format(r=row)},"
            f" {name.format(r=row)}, 1, {late} WHERE {cond.format(r=row)}"
            f" ON CONFLICT (day,{store_col} dim, key) DO UPDATE SET n = n + 1,"
            " late = late + excluded.late;"
        )
    return "\n".join(statements)


def _remove(row: str, stores: bool = True) -> str:
    statements = []
    same_store = f" AND store = {row}.store_id" if stores else ""
    for dim, key, _name, cond in _DIMENSIONS:
        late = _LATE.format(r=row) if dim == "all" else "0"
        statements.append(
            f"UPDATE claim_days SET n = n - 1, late = late - {late}"
            f" WHERE day = date({row}.notified_at){same_store} AND dim = '{dim}'"
            f" AND key = {key.format(r=row)} AND {cond.format(r=row)};"
        )
    return "\n".join(statements)


def _triggers(stores: bool) -> str:
    columns = _COLUMNS + ", store_id" if stores else _COLUMNS
    return f"""
CREATE TRIGGER claim_days_insert AFTER INSERT ON claims BEGIN
{_add("NEW", stores)}
END;
CREATE TRIGGER claim_days_update AFTER UPDATE OF {columns} ON claims BEGIN
{_remove("OLD", stores)}
{_add("NEW", stores)}
END;
CREATE TRIGGER claim_days_delete AFTER DELETE ON claims BEGIN
{_remove("OLD", stores)}
END;
"""


def _rebuild(stores: bool) -> str:
    parts = ["DELETE FROM claim_days;"]
    store_col, store_val, store_group = (
        (" store,", " c.store_id,", ", 2") if stores else ("", "", "")
    )
    key_at = 4 if stores else 3
    for dim, key, name, cond in _DIMENSIONS:
        late = f"SUM({_LATE.format(r='c')})" if dim == "all" else "0"
        parts.append(
            f"INSERT INTO claim_days (day,{store_col} dim, key, name, n, late)"
            f" SELECT date(c.notified_at),{store_val} '{dim}', {key.format(r='c')},"
            f" MIN({name.format(r='c')}), COUNT(*), {late} FROM claims c"
            f" WHERE {cond.format(r='c')} GROUP BY 1{store_group}, {key_at};"
        )
    return "\n".join(parts)


# As migration 7 made them (and migration 11 made the triggers again): no store.
SCHEMA_V7: Final = """
CREATE TABLE claim_days (
    day   TEXT NOT NULL,        -- the notice's date, UTC
    dim   TEXT NOT NULL,
    key   TEXT NOT NULL,
    name  TEXT,                 -- products and carriers: a spelling to show
    n     INTEGER NOT NULL,
    late  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, dim, key)
) WITHOUT ROWID;
"""

TRIGGERS_V7: Final = _triggers(stores=False)


def rebuild_sql_v7() -> str:
    """Migration 7's recount, without stores."""
    return _rebuild(stores=False)


# Since migration 16: per store.
SCHEMA: Final = """
CREATE TABLE claim_days (
    day   TEXT NOT NULL,        -- the notice's date, UTC
    store INTEGER NOT NULL,     -- the claim's store_id
    dim   TEXT NOT NULL,
    key   TEXT NOT NULL,
    name  TEXT,                 -- products and carriers: a spelling to show
    n     INTEGER NOT NULL,
    late  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, store, dim, key)
) WITHOUT ROWID;
"""

TRIGGERS: Final = _triggers(stores=True)


def rebuild_sql() -> str:
    """Recount every day from the claims (after a bulk load without the triggers)."""
    return _rebuild(stores=True)
