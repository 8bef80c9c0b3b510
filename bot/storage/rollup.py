"""Daily counts for /stats, kept by triggers on `claims`.

A report over a period adds up at most a few hundred small rows per day instead of reading
every claim of the period. One row per (day of the notice, dimension, value): `n` claims and,
for the dimension "all", how many were closed after their respond-by time. "contact" counts
first messages to the buyer in 10-minute buckets of the time since the notice, for the median.
Every trigger takes the claim's old row out and puts the new one in, so any change, however
made, keeps the counts right.
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


def _add(row: str) -> str:
    statements = []
    for dim, key, name, cond in _DIMENSIONS:
        late = _LATE.format(r=row) if dim == "all" else "0"
        statements.append(
            "INSERT INTO claim_days (day, dim, key, name, n, late)"
            f" SELECT date({row}.notified_at), '{dim}', {key.format(r=row)},"
            f" {name.format(r=row)}, 1, {late} WHERE {cond.format(r=row)}"
            " ON CONFLICT (day, dim, key) DO UPDATE SET n = n + 1, late = late + excluded.late;"
        )
    return "\n".join(statements)


def _remove(row: str) -> str:
    statements = []
    for dim, key, _name, cond in _DIMENSIONS:
        late = _LATE.format(r=row) if dim == "all" else "0"
        statements.append(
            f"UPDATE claim_days SET n = n - 1, late = late - {late}"
            f" WHERE day = date({row}.notified_at) AND dim = '{dim}'"
            f" AND key = {key.format(r=row)} AND {cond.format(r=row)};"
        )
    return "\n".join(statements)


SCHEMA: Final = """
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

TRIGGERS: Final = f"""
CREATE TRIGGER claim_days_insert AFTER INSERT ON claims BEGIN
{_add("NEW")}
END;
CREATE TRIGGER claim_days_update AFTER UPDATE OF {_COLUMNS} ON claims BEGIN
{_remove("OLD")}
{_add("NEW")}
END;
CREATE TRIGGER claim_days_delete AFTER DELETE ON claims BEGIN
{_remove("OLD")}
END;
"""


def rebuild_sql() -> str:
    """Recount every day from the claims (after a bulk load without the triggers)."""
    parts = ["DELETE FROM claim_days;"]
    for dim, key, name, cond in _DIMENSIONS:
        late = f"SUM({_LATE.format(r='c')})" if dim == "all" else "0"
        parts.append(
            "INSERT INTO claim_days (day, dim, key, name, n, late)"
            f" SELECT date(c.notified_at), '{dim}', {key.format(r='c')},"
            f" MIN({name.format(r='c')}), COUNT(*), {late} FROM claims c"
            f" WHERE {cond.format(r='c')} GROUP BY 1, 3;"
        )
    return "\n".join(parts)
