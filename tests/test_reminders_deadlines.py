"""Reminders for every deadline besides Amazon's respond-by time: the information request, a
buyer's message waiting for an answer and the appeal window. Each goes out once at its mark,
is never repeated after a restart, and a new request or message gets reminders of its own."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.domain.claims import ClaimChange, Outcome
from bot.domain.deadlines import APPEAL_WINDOW, BUYER_ANSWER_WINDOW, INFORMATION_REQUEST_WINDOW
from bot.domain.journey import Deadline
from bot.domain.reminders import (
    SCHEDULES,
    ReminderKind,
    reminder_due,
    review_reminder_at,
    superseded_by,
)
from bot.handlers.context import ClaimContext
from bot.handlers.reminders import reminder_job
from bot.storage.database import Database
from tests.helpers import (
    AGENT,
    LEAD,
    LEAD2,
    ORDER,
    START,
    Chat,
    close_as_withdrawn,
    person,
    schema_up_to,
    stored_claim,
    team_claim,
    texts,
)

K = ReminderKind
DUE = START + timedelta(hours=100)


def test_the_marks_of_each_deadline() -> None:
    def due(
        which: Deadline, left: timedelta, sent: set[ReminderKind] | None = None
    ) -> ReminderKind | None:
        return reminder_due(DUE, DUE - left, sent or set(), which)

    info = Deadline.INFORMATION
    assert due(info, timedelta(hours=13)) is None
    assert due(info, timedelta(hours=12)) is K.TWELVE_HOURS
    assert due(info, timedelta(hours=11), {K.TWELVE_HOURS}) is None
    assert due(info, timedelta(hours=1), {K.TWELVE_HOURS}) is K.HOUR
    assert due(info, timedelta(0), {K.TWELVE_HOURS, K.HOUR}) is K.OVERDUE
    assert due(info, timedelta(minutes=30)) is K.HOUR  # after downtime: the most urgent only
    assert superseded_by(K.HOUR, info) == [K.TWELVE_HOURS, K.HOUR]
    # Respond-by marks recorded for another deadline do not count for this one.
    assert due(info, timedelta(hours=12), {K.DAY, K.SIX_HOURS}) is K.TWELVE_HOURS

    buyer = Deadline.BUYER_ANSWER
    assert due(buyer, timedelta(hours=3)) is None
    assert due(buyer, timedelta(hours=2)) is K.TWO_HOURS
    assert due(buyer, -timedelta(hours=1), {K.TWO_HOURS}) is K.OVERDUE
    assert due(buyer, -timedelta(hours=9), {K.OVERDUE}) is None

    appeal = Deadline.APPEAL
    assert due(appeal, timedelta(days=8)) is None
    assert due(appeal, timedelta(days=7)) is K.WEEK
    assert due(appeal, timedelta(hours=20), {K.WEEK}) is K.DAY
    assert due(appeal, timedelta(hours=20)) is K.DAY
    # A window that closed has nothing left to remind of, even after downtime.
    assert due(appeal, timedelta(0)) is None
    assert due(appeal, -timedelta(days=1)) is None

    assert SCHEDULES[Deadline.RESPOND].escalated == {K.SIX_HOURS, K.OVERDUE}
    assert SCHEDULES[info].escalated == {K.OVERDUE}
    assert SCHEDULES[buyer].escalated == frozenset()
    assert SCHEDULES[appeal].escalated == frozenset()


async def sweep(chat: Chat) -> list[Any]:
    before = len(chat.api.calls)
    await reminder_job(ClaimContext(chat.app))
    return chat.api.calls[before:]


def about(calls: list[Any], chat_id: int, words: str) -> list[str]:
    """The reminders to `chat_id` that mention `words` (respond-by ones may come too)."""
    return [text for text in texts(calls, chat_id) if words in text]


INFO = "request for information"
BUYER = "buyer's message"
APPEAL = "appeal Amazon's decision"


async def test_information_request_reminders_once_each_and_fresh_for_a_new_request(
    bot: Any, clock: Any
) -> None:
    async with bot() as chat:
        await team_claim(chat)
        clock.advance(hours=1)
        await chat.press("📨 Amazon asked for information", AGENT)
        due = clock.now + INFORMATION_REQUEST_WINDOW
        assert await sweep(chat) == []

        clock.now = due - timedelta(hours=12)
        calls = await sweep(chat)
        (message,) = about(calls, AGENT, INFO)
        assert message == (
            f"📨 Claim #1 (order {ORDER}): 12 hours left to answer Amazon's request for"
            " information.\nAnswer Amazon by Nov 4, 2026, 11:30\u202fAM (Europe/Berlin).\n"
            "Next: send Amazon the information it asked for (Seller Central → Performance →"
            " A-to-z Guarantee claims)."
        )
        (sent,) = [c for c in calls if c.method == "sendMessage"]
        assert "Show the claim ▸" in str(sent.params["reply_markup"])
        assert texts(calls, LEAD) == []
        assert await sweep(chat) == []

        clock.now = due - timedelta(minutes=40)
        calls = await sweep(chat)
        (message,) = about(calls, AGENT, INFO)
        assert message.startswith(f"📨 Claim #1 (order {ORDER}): 40 minutes left to answer")
        assert about(calls, LEAD, INFO) == []
        api = chat.api

    clock.now = due + timedelta(minutes=5)
    async with bot(api=api) as chat:
        calls = await sweep(chat)
        (message,) = about(calls, AGENT, INFO)
        assert message.startswith(
            f"🔴 Claim #1 (order {ORDER}): Amazon's request for information is overdue by"
            " 5 minutes: answer it now."
        )
        for lead in (LEAD, LEAD2):
            (escalation,) = about(calls, lead, INFO)
            assert escalation.startswith(f"🔴 Claim #1 of Anna (order {ORDER}): Amazon's")
        api = chat.api
    for _ in range(2):  # restarts repeat nothing
        async with bot(api=api) as chat:
            assert about(await sweep(chat), AGENT, INFO) == []
    async with bot(api=api) as chat:
        storage = chat.services.storage
        assert await storage.reminders.for_claim(1, "information") == [
            ("12h", False),
            ("1h", False),
            ("overdue", False),
        ]
        # Amazon asks again: the new request has its own clock and its own reminders.
        await chat.services.journey.record_info_request(
            await stored_claim(chat), await person(chat, AGENT)
        )
        clock.now += INFORMATION_REQUEST_WINDOW - timedelta(hours=11)
        calls = await sweep(chat)
        (message,) = about(calls, AGENT, INFO)
        assert message.startswith(f"📨 Claim #1 (order {ORDER}): 11 hours left to answer")
        assert len(await storage.reminders.for_claim(1, "information")) == 4


async def test_buyer_message_reminders_and_a_new_message_gets_its_own(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await team_claim(chat)
        await chat.press("💬 Buyer replied", AGENT)
        await chat.send("Das Gerät geht nicht.", AGENT)
        due = clock.now + BUYER_ANSWER_WINDOW
        assert await sweep(chat) == []

        clock.now = due - timedelta(hours=2)
        calls = await sweep(chat)
        (message,) = about(calls, AGENT, BUYER)
        assert message == (
            f"💬 Claim #1 (order {ORDER}): 2 hours left to answer the buyer's message.\n"
            "Answer the buyer by Nov 3, 2026, 10:30\u202fAM (Europe/Berlin).\n"
            "Next: write to the buyer, then mark the message sent on the claim."
        )
        assert texts(calls, LEAD) == []
        api = chat.api

    async with bot(api=api) as chat:  # restarted: the 2-hour one is not repeated
        assert await sweep(chat) == []
        clock.now = due + timedelta(minutes=10)
        calls = await sweep(chat)
        (message,) = about(calls, AGENT, BUYER)
        assert message.startswith(
            f"🔴 Claim #1 (order {ORDER}): the answer to the buyer's message is overdue by"
            " 10 minutes: answer it now."
        )
        assert texts(calls, LEAD) == []  # the buyer's answer is the agent's, not escalated
        assert await sweep(chat) == []
        # Nothing is left to remind of that message: the sweep does not even read the claim.
        reminders = chat.services.storage.reminders
        assert await reminders.candidates(START, clock.now) == []

        # The buyer writes again: a new 24-hour clock, with its own reminders.
        agent = await person(chat, AGENT)
        await chat.services.journey.record_reply(await stored_claim(chat), "Hallo?", agent)
        again = clock.now + BUYER_ANSWER_WINDOW
        assert len(await reminders.candidates(START, clock.now)) == 1
        clock.now = again - timedelta(hours=1)
        calls = await sweep(chat)
        (message,) = about(calls, AGENT, BUYER)
        assert message.startswith(f"💬 Claim #1 (order {ORDER}): 1 hour left to answer")
        assert await chat.services.storage.reminders.for_claim(1, "buyer_answer") == [
            ("2h", False),
            ("overdue", False),
            ("2h", False),
        ]

        # A message to the buyer is marked sent: that message is answered, nothing more.
        claim = await stored_claim(chat)
        async with chat.services.storage.db.transaction() as tx:
            await chat.services.storage.claims.update(
                tx, claim, clock.now, ClaimChange(last_contact_at=clock.now)
            )
        clock.now = again + timedelta(hours=1)
        assert about(await sweep(chat), AGENT, BUYER) == []


async def test_appeal_window_reminders_a_week_and_a_day_before(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await team_claim(chat)
        clock.advance(hours=1)
        await chat.services.journey.close(
            await stored_claim(chat), Outcome.GRANTED_SELLER_FUNDED, await person(chat, AGENT)
        )
        until = clock.now + APPEAL_WINDOW
        clock.now = until - timedelta(days=7)
        calls = await sweep(chat)
        (message,) = texts(calls, AGENT)  # closed: no respond-by reminder came before
        assert message == (
            f"⚖ Claim #1 (order {ORDER}): 7 days left to appeal Amazon's decision.\n"
            "Appeal by Dec 2, 2026, 11:30\u202fAM (Europe/Berlin).\n"
            "Next: if the claim was granted wrongly, appeal in Seller Central (Performance →"
            " A-to-z Guarantee claims)."
        )
        assert texts(calls, LEAD) == []
        api = chat.api
    async with bot(api=api) as chat:
        assert await sweep(chat) == []
        clock.now = until - timedelta(hours=20)
        (message,) = about(await sweep(chat), AGENT, APPEAL)
        assert message.startswith(f"⚖ Claim #1 (order {ORDER}): 20 hours left to appeal")
        clock.now = until + timedelta(hours=1)
        assert await sweep(chat) == []
        assert await chat.services.storage.reminders.for_claim(1, "appeal") == [
            ("7d", False),
            ("24h", False),
        ]


async def test_a_closed_claim_gets_no_reminders(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await team_claim(chat)
        await chat.press("📨 Amazon asked for information", AGENT)
        await chat.press("💬 Buyer replied", AGENT)
        await chat.send("Das Gerät geht nicht.", AGENT)
        await close_as_withdrawn(chat, AGENT)
        for hours in (23, 37, 47, 48.5, 71.5, 80, 24 * 40):
            clock.now = START + timedelta(hours=hours)
            assert await sweep(chat) == []


async def test_times_in_the_readers_zone(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await team_claim(chat)
        await chat.send("/tz Asia/Tokyo", AGENT)
        await chat.press("💬 Buyer replied", AGENT)
        await chat.send("Das Gerät geht nicht.", AGENT)
        clock.now += BUYER_ANSWER_WINDOW - timedelta(hours=2)
        (message,) = about(await sweep(chat), AGENT, BUYER)
        assert "Answer the buyer by Nov 3, 2026, 6:30\u202fPM (Asia/Tokyo)." in message


async def test_migration_10_keeps_the_respond_by_reminders_sent(tmp_path: Path) -> None:
    """Rows of the old table (one per claim and mark) become respond-by ones of the claim's
    current respond-by time: none of them is sent again."""
    db_path = tmp_path / "claimbot.sqlite3"
    respond_by = "2026-12-03T08:00:00+00:00"
    with closing(sqlite3.connect(db_path)) as raw, raw:
        schema_up_to(raw, 8)
        raw.execute(
            "INSERT INTO users (id, role, origin, active, created_at, updated_at)"
            " VALUES (7, 'admin', 'console', 1, 'x', 'x')"
        )
        raw.execute(
            "INSERT INTO claims (id, order_id, marketplace, fulfillment, reason, buyer_language,"
            " notified_at, respond_by, agent_id, stage, created_at, updated_at) VALUES"
            " (1, ?, 'DE', 'fbm', 'defective', 'de', ?, ?, 7, 'new', ?, ?)",
            (ORDER, "2026-11-30T08:00:00+00:00", respond_by) + ("2026-11-30T08:00:00+00:00",) * 2,
        )
        raw.executemany(
            "INSERT INTO reminders (claim_id, kind, sent_at, skipped) VALUES (1, ?, 'x', ?)",
            [("24h", 1), ("6h", 0)],
        )
    db = Database(db_path)
    try:
        await db.open()
        rows = await db.fetchall("SELECT * FROM reminders ORDER BY kind")
        assert [tuple(row) for row in rows] == [
            (1, "respond_by", respond_by, "24h", "x", 1),
            (1, "respond_by", respond_by, "6h", "x", 0),
        ]
        from bot.storage import Storage  # noqa: PLC0415

        storage = Storage(db)
        ((claim, had),) = await storage.reminders.candidates(
            datetime.fromisoformat(respond_by), datetime.fromisoformat(respond_by)
        )
        sent = {K(kind) for deadline, _, kind in had}
        now = claim.respond_by - timedelta(hours=3)
        assert reminder_due(claim.respond_by, now, sent) is None
    finally:
        await db.close()


async def test_a_corrected_respond_by_time_gets_reminders_of_its_own(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await team_claim(chat)
        deadline = (await stored_claim(chat)).respond_by
        clock.now = deadline - timedelta(hours=5)
        (message,) = texts(await sweep(chat), AGENT)
        assert "5 hours left to respond to Amazon" in message
        # The notice gave a later date: the new deadline is reminded from its own 24-hour mark.
        claim = await stored_claim(chat)
        later = deadline + timedelta(days=2)
        async with chat.services.storage.db.transaction() as tx:
            await chat.services.storage.claims.update(
                tx, claim, clock.now, ClaimChange(respond_by=later)
            )
        assert await sweep(chat) == []
        clock.now = later - timedelta(hours=24)
        (message,) = texts(await sweep(chat), AGENT)
        assert "24 hours left to respond to Amazon" in message
        assert await sweep(chat) == []


def test_a_draft_in_review_is_reminded_after_2_hours_within_24_hours_of_the_deadline() -> None:
    deadline = START + timedelta(hours=72)
    # Submitted early: reminded when 24 hours are left.
    assert review_reminder_at(START, deadline) == START + timedelta(hours=48)
    # Submitted with 10 hours left: reminded when it has waited 2 hours.
    late = deadline - timedelta(hours=10)
    assert review_reminder_at(late, deadline) == late + timedelta(hours=2)


WAITING = "has waited"


async def test_a_draft_waiting_in_review_is_reminded_to_the_leads_only_once(
    bot: Any, clock: Any
) -> None:
    async with bot() as chat:
        await team_claim(chat, submit=True)
        deadline = (await stored_claim(chat)).respond_by
        clock.now = deadline - timedelta(hours=25)
        assert await sweep(chat) == []
        clock.now = deadline - timedelta(hours=24)
        calls = await sweep(chat)
        assert about(calls, AGENT, WAITING) == []  # the agent gets the respond-by one only
        assert len(texts(calls, AGENT)) == 1
        for lead in (LEAD, LEAD2):
            (message,) = about(calls, lead, WAITING)
            assert message == (
                f"⏳ Claim #1 of Anna (order {ORDER}): a draft has waited 48 hours for review.\n"
                "Respond to Amazon by Nov 5, 2026, 10:30\u202fAM (Europe/Berlin)"
                " (24 hours left).\nNext: review it in /queue."
            )
        assert await sweep(chat) == []
        api = chat.api
    async with bot(api=api) as chat:  # a restart repeats nothing
        clock.now = deadline - timedelta(hours=23)
        assert await sweep(chat) == []
        # Returned and submitted again: the new submission waits 2 hours, then is reminded.
        await chat.press("↩ Return", LEAD)
        await chat.send("Bitte freundlicher.", LEAD)
        await chat.press("📤 Submit for review", AGENT)
        clock.now += timedelta(hours=1)
        assert about(await sweep(chat), LEAD, WAITING) == []
        clock.now += timedelta(hours=1)
        calls = await sweep(chat)
        (message,) = about(calls, LEAD, WAITING)
        assert "a draft has waited 2 hours for review" in message
        assert about(calls, AGENT, WAITING) == []
        # Approved: nothing waits any more.
        await chat.press("✓ Approve", LEAD)
        clock.now += timedelta(hours=5)
        assert about(await sweep(chat), LEAD, WAITING) == []


async def test_no_review_reminder_for_a_closed_claim(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, submit=True)
        await close_as_withdrawn(chat, AGENT)
        clock.now = START + timedelta(hours=60)
        assert await sweep(chat) == []
