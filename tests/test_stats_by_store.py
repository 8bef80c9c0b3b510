"""/stats, /claims and /due by store (issue 16): the daily counts per store (migration 16),
`store:N`, the row of store buttons with several stores, and a person limited to stores."""

from __future__ import annotations

import csv
import io
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.domain.stats import Period
from bot.storage import rollup
from bot.storage.database import Database
from bot.views.buttons import ListButton, StatsButton
from tests.helpers import ADMIN, AGENT, LEAD, START, Chat, alerts, person, schema_up_to, texts
from tests.test_stats import add_claim, fixture

_CLAIM = (
    "INSERT INTO claims (id, order_id, marketplace, fulfillment, reason, buyer_language,"
    " notified_at, respond_by, agent_id, stage, created_at, updated_at, outcome, closed_at,"
    " store_id) VALUES (?, ?, ?, 'fbm', 'defective', 'de', ?, ?, 7, 'new', 'c', 'u', ?, ?, ?)"
)
_DAYS = "SELECT day, dim, key, name, SUM(n), SUM(late) FROM claim_days"


async def test_migration_16_keeps_the_counts_and_splits_them_by_store(tmp_path: Path) -> None:
    db_path = tmp_path / "claimbot.sqlite3"
    with closing(sqlite3.connect(db_path)) as raw, raw:
        schema_up_to(raw, 15)
        raw.execute(
            "INSERT INTO users (id, role, origin, active, created_at, updated_at)"
            " VALUES (7, 'agent', 'telegram', 1, 'x', 'x')"
        )
        raw.execute("INSERT INTO stores (id, name, created_at) VALUES (2, 'Beta', 'x')")
        claims = [
            (1, "DE", "2026-11-30T08:00:00+00:00", "2026-12-03T08:00:00+00:00", None, None, 1),
            (2, "FR", "2026-11-30T09:00:00+00:00", "2026-12-01T09:00:00+00:00", "denied",
             "2026-12-02T09:00:00+00:00", 2),
            (3, "DE", "2026-12-01T09:00:00+00:00", "2026-12-04T09:00:00+00:00", None, None, 2),
        ]  # fmt: skip
        for number, market, notified, respond_by, outcome, closed, store in claims:
            raw.execute(
                _CLAIM,
                (number, f"111-000000{number}-1111111", market, notified, respond_by, outcome,
                 closed, store),
            )  # fmt: skip
        before = raw.execute(_DAYS + " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").fetchall()
    db = Database(db_path)
    try:
        await db.open()
        assert await db.schema_version() == 16
        after = await db.fetchall(_DAYS + " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
        assert [tuple(r) for r in after] == before
        per_store = await db.fetchall(
            "SELECT store, SUM(n), SUM(late) FROM claim_days WHERE dim = 'all' GROUP BY 1"
        )
        assert [tuple(r) for r in per_store] == [(1, 1, 0), (2, 2, 1)]
        # A claim moved to another store takes its counts with it; a recount agrees.
        async with db.transaction() as tx:
            await tx.execute("UPDATE claims SET store_id = 1 WHERE id = 2")
        moved = await db.fetchall(
            "SELECT store, dim, key, SUM(n) FROM claim_days WHERE n != 0 GROUP BY 1, 2, 3"
        )
        assert (1, "marketplace", "FR", 1) in [tuple(r) for r in moved]
        assert (2, "marketplace", "FR", 1) not in [tuple(r) for r in moved]
        kept = await db.fetchall("SELECT * FROM claim_days WHERE n != 0 ORDER BY 1, 2, 3, 4")
        async with db.transaction() as tx:
            await tx.executescript(rollup.rebuild_sql())
        again = await db.fetchall("SELECT * FROM claim_days WHERE n != 0 ORDER BY 1, 2, 3, 4")
        assert [tuple(r) for r in again] == [tuple(r) for r in kept]
        names = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert {"claim_days_insert", "claim_days_update", "claim_days_delete"} <= names
        assert await db.integrity_check() == "ok"
    finally:
        await db.close()


# --- Through the bot ----------------------------------------------------------------------------
REFUSED = "That button is not valid any more."
DENIED = "Your role does not allow that. Ask your team's admin if you need it."
CSV, CHART = "⇩ Export as CSV", "📈 Chart by week"


def shown(calls: list[Any], chat_id: int) -> str:
    """Every text sent or edited in the chat, one after the other."""
    edited = [
        c.params["text"]
        for c in calls
        if c.method == "editMessageText" and int(c.params["chat_id"]) == chat_id
    ]
    return "\n".join(texts(calls, chat_id) + edited)


def total(text: str) -> int:
    (line,) = [line for line in text.splitlines() if line.startswith("Claims noticed from")]
    return int(line.rpartition(": ")[2])


async def two_store_fixture(chat: Chat) -> None:
    """The /stats fixture (claims 1–5 in the period, 4 open), claim 7 open today; claims 4
    and 5 are store 2's (Beta Tools)."""
    await fixture(chat)
    services = chat.services
    await add_claim(services.storage, 7, days_ago=0)
    await services.store.add_store("Beta Tools", await person(chat, ADMIN))
    async with services.storage.db.transaction() as tx:
        await tx.execute("UPDATE claims SET store_id = 2 WHERE id IN (4, 5)")


async def test_stats_counts_one_store_and_its_buttons_rerun_it(bot: Any) -> None:
    async with bot() as chat:
        await two_store_fixture(chat)
        calls = await chat.send("/stats", LEAD)
        assert total(shown(calls, LEAD)) == 6
        assert "Store:" not in shown(calls, LEAD)
        assert chat.labels(LEAD) == [CSV, CHART, "• All stores", "Acme Home", "Beta Tools"]
        calls = await chat.send("/stats store:2", LEAD)
        assert shown(calls, LEAD).startswith("Store: Beta Tools\n")
        assert total(shown(calls, LEAD)) == 2
        assert chat.labels(LEAD) == [CSV, CHART, "All stores", "Acme Home", "• Beta Tools"]
        # The buttons under it: the export and the chart of store 2, another store.
        calls = await chat.press(CSV, LEAD)
        (document,) = [c for c in calls if c.method == "sendDocument"]
        rows = csv.DictReader(io.StringIO(document.files["document"][1].decode("utf-8-sig")))
        assert [int(r["claim_id"]) for r in rows] == [4, 5]
        calls = await chat.press(CHART, LEAD)
        (photo,) = [c for c in calls if c.method == "sendPhoto"]
        assert photo.params["caption"].startswith("Store: Beta Tools\n")
        calls = await chat.press("Acme Home", LEAD)
        assert [c.method for c in calls if c.method.startswith("edit")] == ["editMessageText"]
        assert shown(calls, LEAD).startswith("Store: Acme Home\n")
        assert total(shown(calls, LEAD)) == 4
        assert chat.labels(LEAD) == [CSV, CHART, "All stores", "• Acme Home", "Beta Tools"]
        calls = await chat.press("All stores", LEAD)
        assert total(shown(calls, LEAD)) == 6
        unknown = texts(await chat.send("/stats 30 store:9", LEAD))
        assert unknown == ["There is no store 9. Give one as in /stats 30 store:2."]


async def test_a_limited_lead_counts_only_their_stores_and_forged_buttons_are_refused(
    bot: Any,
) -> None:
    async with bot() as chat:
        await two_store_fixture(chat)
        admin = await person(chat, ADMIN)
        await chat.services.people.toggle_store(admin, LEAD, 1, frozenset({1, 2}))
        calls = await chat.send("/stats", LEAD)
        assert total(shown(calls, LEAD)) == 2  # store 2's only, no longer every store
        assert chat.labels(LEAD) == [CSV, CHART]  # one store of theirs: nothing to choose
        assert texts(await chat.send("/stats store:1", LEAD)) == [DENIED]
        today = START.date()
        for action in ("show", "csv", "chart"):
            forged = StatsButton(today - timedelta(days=59), today, action, 1).data()
            calls = await chat.press_data(forged, user_id=LEAD)
            assert alerts(calls) == [REFUSED]
            assert not [c for c in calls if c.method in ("sendDocument", "sendPhoto")]
        calls = await chat.press_data(StatsButton(today, today, "show", 9).data(), user_id=LEAD)
        assert alerts(calls) == [REFUSED]
        # The chart follows the same filter: store 2's two claims, not store 1's.
        weeks = await chat.services.stats.weeks(
            await person(chat, LEAD), Period(today - timedelta(days=59), today)
        )
        assert sum(sum(counts.values()) for _monday, counts in weeks) == 2


async def test_claims_and_due_take_a_store_and_show_store_buttons(bot: Any) -> None:
    async with bot() as chat:
        await two_store_fixture(chat)
        due = "\n".join(texts(await chat.send("/due", LEAD)))
        assert "#4 " in due
        assert "#7 " in due
        assert chat.labels(LEAD)[-3:] == ["• All stores", "Acme Home", "Beta Tools"]
        due = "\n".join(texts(await chat.send("/due store:2", LEAD)))
        assert due.startswith("Store: Beta Tools\n")
        assert "#4 " in due
        assert "#7 " not in due
        calls = await chat.press("Acme Home", LEAD)
        listed = shown(calls, LEAD)
        assert listed.startswith("Store: Acme Home\n")
        assert "#7 " in listed
        assert "#4 " not in listed
        assert "Only mine" in chat.labels(LEAD)  # still the team's page, of store 1
        mine = "\n".join(texts(await chat.send("/claims store:1", AGENT)))
        assert "#7 " in mine
        assert "#4 " not in mine
        # An agent limited to store 2: store 1 is not theirs, typed or forged.
        admin = await person(chat, ADMIN)
        await chat.services.people.toggle_store(admin, AGENT, 1, frozenset({1, 2}))
        assert texts(await chat.send("/claims store:1", AGENT)) == [
            "There is no store 1. Give one as in /claims store:2."
        ]
        listed = "\n".join(texts(await chat.send("/claims", AGENT)))
        assert "#4 " in listed
        assert "#7 " not in listed
        assert "All stores" not in chat.labels(AGENT)
        calls = await chat.press_data(ListButton(offset=0, store=1).data(), user_id=AGENT)
        assert alerts(calls) == [REFUSED]
        assert not [c for c in calls if c.method == "editMessageText"]


async def test_one_store_sees_no_store_buttons(bot: Any) -> None:
    async with bot() as chat:
        await fixture(chat)
        await add_claim(chat.services.storage, 7, days_ago=0)
        calls = await chat.send("/stats", LEAD)
        assert total(shown(calls, LEAD)) == 6
        assert chat.labels(LEAD) == [CSV, CHART]
        await chat.send("/due", LEAD)
        assert not any("store" in label.lower() for label in chat.labels(LEAD))
        due = "\n".join(texts(await chat.send("/due store:1", LEAD)))
        assert due.startswith("Store: Acme Home\n")
