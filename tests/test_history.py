"""The audit trail of a whole journey with review: /history, and the CSV a lead exports."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.domain.people import Role
from bot.services.spreadsheet import safe_cell
from tests.helpers import (
    ADMIN,
    AGENT,
    LEAD,
    ORDER,
    close_as_withdrawn,
    full_journey,
    open_claim,
    person,
    stored_claim,
    team_claim,
    texts,
)

EXPECTED_KINDS = [
    ("claim_opened", AGENT, ""),
    ("draft_generated", AGENT, "inquiry"),
    ("draft_submitted", AGENT, "inquiry"),
    ("draft_returned", LEAD, "inquiry"),
    ("draft_edited", AGENT, "inquiry"),
    ("draft_submitted", AGENT, "inquiry"),
    ("draft_approved", LEAD, "inquiry"),
    ("draft_sent", AGENT, "inquiry"),
    ("buyer_replied", AGENT, ""),
    ("cause_chosen", AGENT, ""),
    ("draft_generated", AGENT, "replacement"),
    ("draft_submitted", AGENT, "replacement"),
    ("draft_approved", LEAD, "replacement"),
    ("draft_sent", AGENT, "replacement"),
    ("problem_solved", AGENT, ""),
    ("draft_generated", AGENT, "withdrawal_request"),
    ("draft_submitted", AGENT, "withdrawal_request"),
    ("draft_approved", LEAD, "withdrawal_request"),
    ("draft_sent", AGENT, "withdrawal_request"),
    ("outcome_recorded", AGENT, ""),
]


async def test_the_trail_of_a_full_journey_on_screen_and_in_the_export(bot: Any) -> None:
    async with bot() as chat:
        await full_journey(chat)
        events = await chat.services.storage.events.for_claim(1)
        assert [(e.kind, e.actor_id, e.payload.get("kind", "")) for e in events] == EXPECTED_KINDS

        shown = texts(await chat.send(f"/history {ORDER}", AGENT))
        lines = shown[0].splitlines()
        assert lines[0] == f"History of claim #1 · order {ORDER} · agent Anna"
        assert len(lines) == 1 + len(EXPECTED_KINDS)
        assert lines[1].endswith("· Anna · Claim opened")
        assert lines[4].endswith(
            "· Lead 50 · Returned to the agent: First contact: apology and question, version 1"
            ' — “=HYPERLINK("x") please be warmer”'
        )
        assert lines[7].endswith(
            "· Lead 50 · Approved: First contact: apology and question, version 2"
        )
        assert lines[10].endswith("· Anna · Cause chosen: Really defective")
        assert lines[15].endswith("· Anna · The buyer confirmed the problem is solved")
        assert lines[-1].endswith("· Anna · Outcome recorded: Withdrawn by the buyer")
        assert "Export as CSV" not in str(chat.api.calls[-1].params.get("reply_markup"))

        # The lead exports it; the file parses back to the same events.
        await chat.send(f"/history {ORDER}", LEAD)
        calls = await chat.press("⇩ Export as CSV", LEAD)
        (document,) = [c for c in calls if c.method == "sendDocument"]
        assert int(document.params["chat_id"]) == LEAD
        name, data = document.files["document"]
        assert name == f"claim-1-{ORDER}-history.csv"
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert len(rows) == len(events)
        for row, event in zip(rows, events, strict=True):
            assert int(row["event_id"]) == event.id
            assert row["event"] == event.kind
            assert int(row["actor_id"]) == event.actor_id
            assert row["actor_name"] == ("Lead 50" if event.actor_id == LEAD else "Anna")
            assert row["actor_role"] == ("lead" if event.actor_id == LEAD else "agent")
            assert row["order_id"] == ORDER
            assert row["time_utc"] == event.created_at.isoformat()
            details = row["details"]
            assert json.loads(details.removeprefix("'")) == event.payload
        versions = [(r["event"], r["draft_kind"], r["draft_version"]) for r in rows[:8]]
        assert versions == [
            ("claim_opened", "", ""),
            ("draft_generated", "inquiry", "1"),
            ("draft_submitted", "inquiry", "1"),
            ("draft_returned", "inquiry", "1"),
            ("draft_edited", "inquiry", "2"),
            ("draft_submitted", "inquiry", "2"),
            ("draft_approved", "inquiry", "2"),
            ("draft_sent", "inquiry", "2"),
        ]


def test_spreadsheet_formulas_are_quoted_in_the_export() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+49 30 1234") == "'+49 30 1234"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("Anna") == "Anna"
    assert safe_cell('{"comment": "=x"}') == '{"comment": "=x"}'


async def test_history_of_an_order_with_several_claims_asks_which(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,))
        await close_as_withdrawn(chat, AGENT)
        await open_claim(chat, AGENT)  # the buyer filed again
        asked = texts(await chat.send(f"/history {ORDER}", AGENT))
        assert asked == [f"There are 2 claims about order {ORDER}. Which one?"]
        assert chat.labels(AGENT) == ["#2 · Damaged or defective", "#1 · Damaged or defective"]
        shown = await chat.press("#1 · Damaged or defective", AGENT)
        assert texts(shown)[0].startswith(f"History of claim #1 · order {ORDER}")
        # A closed claim's card still opens its history.
        claim = await stored_claim(chat)
        closed = await chat.press_data(f"c:1:{claim.revision}:hist", user_id=AGENT)
        assert texts(closed)[0].startswith("History of claim #1")


async def test_history_command_explains_its_argument(bot: Any) -> None:
    async with bot() as chat:
        assert texts(await chat.send("/history")) == [
            "Send /history followed by the order id, like /history 303-1234567-7654321."
        ]
        assert texts(await chat.send("/history 12-34")) == [
            "That is not an Amazon order id (like 303-1234567-7654321)."
        ]
        assert texts(await chat.send("/history " + "9" * 5000)) == [
            "That is not an Amazon order id (like 303-1234567-7654321)."
        ]


async def test_history_names_facts_shows_the_refund_first_and_uses_the_cards_zone(
    bot: Any,
) -> None:
    """Issue 14: labels, not keys ("Fact changed: delay_cause"); the confirmed refund before
    any contact; times in the claim's marketplace's zone, as on the card."""
    async with bot() as chat:
        await open_claim(chat, reason="Delivered late")  # DE: Europe/Berlin
        await chat.press("All drafts")
        await chat.press("Refund offer")
        await chat.press("I understand: draft the refund anyway")
        await chat.press("◂ Back to the claim")
        await chat.press("✉ First contact: apology and question")
        await chat.press("✓ Mark as sent")
        await chat.press("Cause of the delay")
        await chat.press("Customs")
        lines = texts(await chat.send(f"/history {ORDER}"))[0].splitlines()
        assert any(line.endswith("Fact changed: Cause of the delay") for line in lines)
        assert not any("delay_cause" in line for line in lines)
        refund = next(line for line in lines if "Refund offer, version 1" in line)
        assert refund.endswith("refund before any contact with the buyer, confirmed by the agent")
        assert all("(Europe/Berlin)" in line for line in lines[1:])


async def test_history_of_a_colleagues_order_says_what_new_says(bot: Any) -> None:
    """Issue 17: /new of a colleague's order said it has an open claim while /history said
    none exists. Both now say that a colleague handles an open claim, and nothing more."""
    colleague = 61
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,))  # claim #1, the agent's
        admin = await person(chat, ADMIN)
        await chat.services.people.add(admin, colleague, Role.AGENT, "Ben")
        chat.names[colleague] = "Ben"
        said_by_new = f"Order {ORDER} already has an open claim, handled by a colleague."
        await chat.send("/new", colleague)
        assert texts(await chat.send(ORDER, colleague))[0].startswith(said_by_new)
        shown = texts(await chat.send(f"/history {ORDER}", colleague))
        assert shown == [said_by_new + " A team lead can hand it to you."]
        # The owner and the leads see the trail itself, as before.
        owner = texts(await chat.send(f"/history {ORDER}", AGENT))
        assert owner[0].startswith(f"History of claim #1 · order {ORDER}")
        assert texts(await chat.send(f"/history {ORDER}", LEAD))[0].startswith("History of")
        # Once it is closed, /new opens a new claim and /history knows of nothing to show.
        await close_as_withdrawn(chat, AGENT)
        assert texts(await chat.send(f"/history {ORDER}", colleague)) == [
            "No claim about that order that you can see."
        ]
        # The colleague's own claim about the order is shown; the other one stays unsaid
        # until it is open again.
        await open_claim(chat, colleague)
        mine = texts(await chat.send(f"/history {ORDER}", colleague))
        assert mine[0].startswith(f"History of claim #2 · order {ORDER} · agent Ben")
