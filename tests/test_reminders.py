"""Deadline reminders: found in the database by a sweep, sent once, escalated to the leads,
and caught up after downtime. The clock is injected; nothing sleeps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.domain.reminders import ReminderKind, reminder_due, superseded_by
from bot.handlers.context import ClaimContext
from bot.handlers.reminders import JOB_NAME, reminder_job
from tests.helpers import (
    ADMIN,
    AGENT,
    LEAD,
    LEAD2,
    ORDER,
    START,
    Chat,
    close_as_withdrawn,
    open_claim,
    person,
    team,
    team_claim,
    texts,
)

DEADLINE = START + timedelta(hours=72)  # a claim opened at START without a notice


def test_which_reminder_is_due() -> None:
    def due(hours_left: float, sent: set[ReminderKind] | None = None) -> ReminderKind | None:
        return reminder_due(DEADLINE, DEADLINE - timedelta(hours=hours_left), sent or set())

    assert due(30) is None
    assert due(24) is ReminderKind.DAY
    assert due(23, {ReminderKind.DAY}) is None
    assert due(6, {ReminderKind.DAY}) is ReminderKind.SIX_HOURS
    assert due(1, {ReminderKind.DAY, ReminderKind.SIX_HOURS}) is ReminderKind.HOUR
    assert due(0) is ReminderKind.OVERDUE
    assert due(-48, {ReminderKind.OVERDUE}) is None
    # After downtime only the most urgent due one is sent, and the ones before it are skipped.
    assert due(0.5) is ReminderKind.HOUR
    assert superseded_by(ReminderKind.HOUR) == [
        ReminderKind.DAY,
        ReminderKind.SIX_HOURS,
        ReminderKind.HOUR,
    ]


async def sweep(chat: Chat) -> list[Any]:
    """Run the reminder job once, as the JobQueue does, and return the calls it made."""
    before = len(chat.api.calls)
    await reminder_job(ClaimContext(chat.app))
    return chat.api.calls[before:]


async def test_reminders_at_24_6_1_hours_and_overdue_each_once(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await team_claim(chat)
        assert await sweep(chat) == []

        clock.now = DEADLINE - timedelta(hours=24)
        calls = await sweep(chat)
        (message,) = texts(calls, AGENT)
        assert message.startswith(
            f"⏰ Claim #1 (order {ORDER}): 24 hours left to respond to Amazon."
        )
        assert "\nNext: Contact the buyer" in message
        assert texts(calls, LEAD) == []
        assert await sweep(chat) == []  # the same minute again: nothing

        clock.now = DEADLINE - timedelta(hours=6)
        calls = await sweep(chat)
        assert texts(calls, AGENT)[0].startswith("⏰ Claim #1 (order ")
        for lead in (LEAD, LEAD2):
            (escalation,) = texts(calls, lead)
            assert escalation.startswith(
                f"⚠ Claim #1 of Anna (order {ORDER}): 6 hours left to respond to Amazon."
            )

        clock.now = DEADLINE - timedelta(minutes=59)
        calls = await sweep(chat)
        assert texts(calls, AGENT)[0].startswith(f"⏰ Claim #1 (order {ORDER}): 59 minutes left")
        assert texts(calls, LEAD) == []

        clock.now = DEADLINE + timedelta(minutes=5)
        calls = await sweep(chat)
        assert texts(calls, AGENT)[0].startswith(
            f"🔴 Claim #1 (order {ORDER}) is overdue by 5 minutes: respond to Amazon now."
        )
        assert texts(calls, LEAD)[0].startswith(
            f"🔴 Claim #1 of Anna (order {ORDER}) is overdue by 5 minutes: respond to Amazon now."
        )
        clock.now = DEADLINE + timedelta(days=3)
        assert await sweep(chat) == []
        kinds = await chat.services.storage.reminders.for_claim(1)
        assert kinds == [("24h", False), ("6h", False), ("1h", False), ("overdue", False)]


async def test_no_duplicates_after_restarts(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await team_claim(chat)
        clock.now = DEADLINE - timedelta(hours=5)
        assert len(texts(await sweep(chat), AGENT)) == 1
        api = chat.api
    for _ in range(3):
        async with bot(api=api) as chat:
            assert await sweep(chat) == []


async def test_reminders_missed_while_down_fire_once_at_start(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await team_claim(chat)
        api = chat.api
    # The bot is down through the 24 h, 6 h and 1 h marks and past the deadline.
    clock.now = DEADLINE + timedelta(hours=2)
    async with bot(api=api) as chat:
        calls = await sweep(chat)
        (message,) = texts(calls, AGENT)
        assert message.startswith(f"🔴 Claim #1 (order {ORDER}) is overdue by 2 hours")
        assert len(texts(calls, LEAD)) == 1
        assert await chat.services.storage.reminders.for_claim(1) == [
            ("1h", True),
            ("24h", True),
            ("6h", True),
            ("overdue", False),
        ]
        assert await sweep(chat) == []


async def test_closed_claims_are_not_reminded_and_the_button_opens_the_card(
    bot: Any, clock: Any
) -> None:
    async with bot() as chat:
        await team_claim(chat)
        await open_claim(chat, AGENT, order="303-0000002-0000002")
        await close_as_withdrawn(chat, AGENT)
        clock.now = DEADLINE - timedelta(hours=20)
        calls = await sweep(chat)
        (message,) = texts(calls, AGENT)
        assert message.startswith(f"⏰ Claim #1 (order {ORDER}):")
        opened = await chat.press("Show the claim ▸", AGENT)
        assert texts(opened)[0].startswith(f"Claim #1 · order {ORDER}")
        # The lead's button opens it too (leads see the team's claims).
        clock.now = DEADLINE - timedelta(hours=3)
        await sweep(chat)
        opened = await chat.press("Show the claim ▸", LEAD)
        assert texts(opened)[0].startswith(f"Claim #1 · order {ORDER}")


async def test_the_sweep_is_scheduled_at_start_and_survives_late_runs(bot: Any) -> None:
    async with bot(reminder_interval=60) as chat:
        assert chat.app.job_queue is not None
        (job,) = chat.app.job_queue.get_jobs_by_name(JOB_NAME)
        assert job.job.misfire_grace_time is None
        assert job.job.trigger.interval == timedelta(seconds=60)
    async with bot() as chat:
        assert chat.app.job_queue is not None
        assert chat.app.job_queue.get_jobs_by_name(JOB_NAME) == ()


async def test_due_lists_by_time_left_for_agents_and_leads(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await team(chat)
        await open_claim(chat, AGENT, order="303-0000001-0000001")
        clock.advance(hours=30)
        await open_claim(chat, LEAD, order="303-0000002-0000002")
        agent = texts(await chat.send("/due", AGENT))[0]
        assert agent.startswith("Your open claims, most urgent first (1–1 of 1):")
        lead = texts(await chat.send("/due", LEAD))[0].splitlines()
        assert lead[0] == "The team's open claims, most urgent first (1–2 of 2):"
        assert lead[1].startswith(
            "🟢 #1 · 303-0000001-0000001 · DE · Damaged or defective · 42 hours"
        )
        assert lead[1].endswith("· Anna")
        assert lead[2].startswith("🟢 #2 · 303-0000002-0000002")


def test_claim_deadlines_soonest_first() -> None:
    from dataclasses import replace  # noqa: PLC0415

    from bot.domain.claims import Claim, ClaimFacts, Fulfillment, Outcome, Reason, Stage  # noqa: PLC0415
    from bot.domain.journey import Deadline, claim_deadlines  # noqa: PLC0415

    facts = ClaimFacts(ORDER, "DE", Fulfillment.FBM, Reason.DEFECTIVE, "de", START)
    claim = Claim(1, AGENT, facts, Stage.NEW, DEADLINE, START)
    assert claim_deadlines(claim) == [(Deadline.RESPOND, DEADLINE)]
    asked = replace(
        claim,
        info_requested_at=START + timedelta(hours=2),
        replied_at=START + timedelta(hours=5),
        last_contact_at=START + timedelta(hours=1),
    )
    assert claim_deadlines(asked) == [
        (Deadline.BUYER_ANSWER, START + timedelta(hours=29)),
        (Deadline.INFORMATION, START + timedelta(hours=50)),
        (Deadline.RESPOND, DEADLINE),
    ]
    answered = replace(asked, last_contact_at=START + timedelta(hours=6))
    assert Deadline.BUYER_ANSWER not in dict(claim_deadlines(answered))
    closed = replace(
        claim,
        outcome=Outcome.GRANTED_SELLER_FUNDED,
        closed_at=START + timedelta(days=2),
    )
    assert claim_deadlines(closed) == [(Deadline.APPEAL, START + timedelta(days=32))]


async def test_information_request_and_buyer_message_deadlines_on_the_card(
    bot: Any, clock: Any
) -> None:
    async with bot() as chat:
        await team_claim(chat)
        clock.advance(hours=1)
        calls = await chat.press("📨 Amazon asked for information", AGENT)
        card = calls[-1].params["text"]
        assert "📨 Amazon asked for information: answer by Nov 4, 2026, 11:30" in card
        assert "(48 hours left)" in card
        await chat.press("💬 Buyer replied", AGENT)
        calls = await chat.send("Das Gerät geht nicht.", AGENT)
        card = [t for t in texts(calls, AGENT) if t.startswith("Claim #1")][-1]
        assert "💬 The buyer wrote: answer by Nov 3, 2026, 11:30" in card
        assert "(24 hours left)" in card
        events = [e.kind for e in await chat.services.storage.events.for_claim(1)]
        assert "info_requested" in events


async def test_each_agent_reads_times_in_their_time_zone(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat)
        menu = texts(await chat.send("/tz", AGENT))[0]
        assert menu.startswith("Times are shown in each claim's marketplace's time zone.")
        calls = await chat.press("Asia/Tokyo", AGENT)
        assert calls[-1].params["text"] == "Times are shown in Asia/Tokyo."
        card = texts(await chat.press_data("l:o:1", user_id=AGENT))[0]
        assert "Respond to Amazon by Nov 5, 2026, 6:30\u202fPM (Asia/Tokyo)." in card
        # The lead still reads the marketplace's time.
        screen = {"message_id": 10**6, "date": 0, "chat": {"id": LEAD, "type": "private"}}
        lead = texts(await chat.press_data("l:o:1", screen, LEAD))[0]
        assert "Respond to Amazon by Nov 5, 2026, 10:30\u202fAM (Europe/Berlin)." in lead
        assert texts(await chat.send("/tz europe/paris", AGENT)) == [
            "Times are shown in Europe/Paris."
        ]
        assert texts(await chat.send("/tz Mars/Olympus", AGENT)) == [
            "I do not know the time zone “Mars/Olympus”. Write it like Europe/Berlin."
        ]
        await chat.send("/tz", AGENT)
        await chat.press("Each claim's marketplace", AGENT)
        person = await chat.services.storage.users.get(AGENT)
        assert person is not None
        assert person.time_zone is None
        forged = await chat.press_data("tz:Nowhere/Land", user_id=AGENT)
        assert forged[-1].params["text"] == "That button is not valid any more."


async def test_a_removed_agents_claims_are_reminded_to_the_leads(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await team_claim(chat)
        admin = await person(chat, ADMIN)
        await chat.services.people.remove(admin, AGENT)
        clock.now = DEADLINE - timedelta(hours=20)
        calls = await sweep(chat)
        assert texts(calls, AGENT) == []
        for lead in (LEAD, LEAD2):
            (message,) = texts(calls, lead)
            assert message.startswith(f"⚠ Claim #1 of Anna (order {ORDER}): 20 hours left")
