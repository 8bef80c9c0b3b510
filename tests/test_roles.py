"""The role matrix: every command and every button family, pressed by an admin, a team lead,
an agent and a stranger. What the server allows is checked, not what the screens show."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.domain.people import Permission, Role, allowed, needs_review, parse_user_id
from tests.helpers import (
    ADMIN,
    AGENT,
    LEAD,
    ORDER,
    alerts,
    old_screen,
    person,
    stored_claim,
    team_claim,
    texts,
)

STRANGER = 777
OTHER_AGENT = 61
DENIED = "Your role does not allow that. Ask your team's admin if you need it."
INVALID = "That button is not valid any more."
PEOPLE = {"admin": ADMIN, "lead": LEAD, "agent": AGENT, "unknown": STRANGER}


def test_permission_table() -> None:
    assert [p for p in Permission if allowed(Role.AGENT, p)] == [Permission.WORK_CLAIMS]
    assert {p for p in Permission if allowed(Role.LEAD, p)} == {
        Permission.WORK_CLAIMS,
        Permission.SEE_TEAM,
        Permission.REVIEW,
        Permission.EXPORT,
        Permission.REPORTS,
    }
    assert all(allowed(Role.ADMIN, p) for p in Permission)
    assert needs_review(Role.AGENT, True)
    assert not needs_review(Role.AGENT, False)
    assert not needs_review(Role.LEAD, True)
    assert not needs_review(Role.ADMIN, True)


# (command, who may use it); everyone else known gets DENIED, strangers the refusal.
ROLE_COMMANDS = [
    ("/start", {"admin", "lead", "agent"}),
    ("/help", {"admin", "lead", "agent"}),
    ("/claims", {"admin", "lead", "agent"}),
    ("/due", {"admin", "lead", "agent"}),
    ("/lang", {"admin", "lead", "agent"}),
    ("/cancel", {"admin", "lead", "agent"}),
    (f"/history {ORDER}", {"admin", "lead", "agent"}),
    ("/queue", {"admin", "lead"}),
    ("/stats", {"admin", "lead"}),
    ("/export", {"admin", "lead"}),
    ("/users", {"admin"}),
    ("/settings", {"admin"}),
]


@pytest.mark.parametrize(("command", "who"), ROLE_COMMANDS, ids=[c for c, _ in ROLE_COMMANDS])
async def test_commands_by_role(bot: Any, command: str, who: set[str]) -> None:
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        for role, user_id in PEOPLE.items():
            calls = await chat.send(command, user_id)
            # /export answers with a file, every other command with a message.
            answer = texts(calls) or [c.method for c in calls if c.method == "sendDocument"]
            assert answer, (command, role)
            if role == "unknown":
                assert answer == [
                    "Sorry, this bot is only for the members of a seller's support team. Ask"
                    " your team's admin to add you; they will need your user id: 777."
                ]
            elif role in who:
                assert DENIED not in answer, (command, role)
            else:
                assert answer == [DENIED], (command, role)


async def test_history_shows_the_agents_own_claim_and_hides_others(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        await chat.services.people.add(await person(chat, ADMIN), OTHER_AGENT, Role.AGENT, "Other")
        own = texts(await chat.send(f"/history {ORDER}", AGENT))
        assert own[0].startswith(f"History of claim #1 · order {ORDER} · agent Anna")
        # Another agent: what /new would say of the order (a colleague has an open claim), and
        # nothing of the claim itself; an order with no claim at all: none to see.
        other = texts(await chat.send(f"/history {ORDER}", OTHER_AGENT))
        assert other == [
            f"Order {ORDER} already has an open claim, handled by a colleague. A team lead can"
            " hand it to you."
        ]
        none = texts(await chat.send("/history 999-9999999-9999999", OTHER_AGENT))
        assert none == ["No claim about that order that you can see."]


# (button data, who may press it). Ids: claim 1 and review 1 exist; all belong to the agent.
BUTTONS = [
    ("c:1:{rev}:facts", {"admin", "lead", "agent"}),  # the claim's owner, and those who see all
    ("l:0", {"admin", "lead", "agent"}),
    ("l:t:0", {"admin", "lead"}),
    ("ui:en", {"admin", "lead", "agent"}),
    ("r:1:open", {"admin", "lead"}),
    ("q:0", {"admin", "lead"}),
    ("h:1:show", {"admin", "lead", "agent"}),
    ("h:1:csv", {"admin", "lead"}),
    ("u:list", {"admin"}),
    ("s:show", {"admin"}),
    ("x:20261001:20261102:csv", {"admin", "lead"}),
    ("x:20261001:20261102:chart", {"admin", "lead"}),
]


@pytest.mark.parametrize(("data", "who"), BUTTONS, ids=[d for d, _ in BUTTONS])
async def test_buttons_by_role(
    bot: Any, data: str, who: set[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        claim = await stored_claim(chat)
        pressed = data.format(rev=claim.revision)
        for role, user_id in PEOPLE.items():
            caplog.clear()
            calls = await chat.press_data(pressed, old_screen(user_id), user_id)
            answers = alerts(calls)
            if role == "unknown":
                assert [c.method for c in calls] == ["answerCallbackQuery"], role
                assert answers[0].startswith("Sorry, this bot is only for the members")
            elif role in who:
                assert DENIED not in answers, (pressed, role)
                assert INVALID not in answers, (pressed, role)
                if pressed.startswith("ui:"):  # answered in the alert, the choice stored
                    person = await chat.services.storage.users.get(user_id)
                    assert person is not None
                    assert person.ui_language == "en"
                else:
                    assert any(c.method != "answerCallbackQuery" for c in calls), (pressed, role)
            else:
                assert answers == [DENIED], (pressed, role)
                assert [c.method for c in calls] == ["answerCallbackQuery"]
                assert any(f"refused {_needed(pressed)}" in r.getMessage() for r in caplog.records)


def _needed(data: str) -> str:
    return {
        "l:": "see_team",
        "r:": "review",
        "q:": "review",
        "h:": "export",
        "u:": "manage_people",
        "s:": "manage_store",
        "x:": "reports",
    }[data[:2]]


async def test_another_agents_claim_looks_like_no_claim(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        await chat.services.people.add(await person(chat, ADMIN), OTHER_AGENT, Role.AGENT, "Other")
        claim = await stored_claim(chat)
        for data in (
            f"c:1:{claim.revision}:facts",
            f"c:1:{claim.revision}:close:withdrawn",
            "l:o:1",
            "h:1:show",
        ):
            calls = await chat.press_data(data, chat.last_keyboard(AGENT), OTHER_AGENT)
            assert alerts(calls) == [INVALID], data
            assert [c.method for c in calls] == ["answerCallbackQuery"]
        after = await chat.services.storage.claims.get(1)
        assert after == claim


async def test_a_demoted_lead_loses_review_at_once(bot: Any) -> None:
    """Roles are read from the database on every update: a lead demoted while a review card
    is on their screen can no longer press it, nor finish a Return they had started."""
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        await chat.press("↩ Return", LEAD)
        await chat.services.people.set_role(await person(chat, ADMIN), LEAD, Role.AGENT)
        typed = await chat.send("Please change the greeting.", LEAD)
        assert texts(typed) == [DENIED]
        pressed = await chat.press_data("r:1:ok", chat.last_keyboard(LEAD), LEAD)
        assert alerts(pressed) == [DENIED]
        review = await chat.services.storage.reviews.get(1)
        assert review is not None
        assert review.status == "pending"
        assert await chat.services.storage.pending.get(LEAD) is None


async def test_in_a_group_only_review_buttons_work(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        group = {"id": -100123, "type": "supergroup", "title": "Leads"}
        card = chat.last_keyboard(LEAD)
        in_group = {**card, "chat": group}
        calls = await chat.feed(chat.factory.callback(chat.user(LEAD), in_group, "r:1:open"))
        assert alerts(calls) == [None] or alerts(calls) == [""]
        assert any(c.method == "sendMessage" and int(c.params["chat_id"]) == LEAD for c in calls)
        claim = await stored_claim(chat)
        refused = await chat.feed(
            chat.factory.callback(chat.user(LEAD), in_group, f"c:1:{claim.revision}:facts")
        )
        assert alerts(refused) == [INVALID]
        command = chat.factory.message(chat.user(LEAD), "/claims")
        command["message"]["chat"] = group
        answered = await chat.feed(command)
        assert texts(answered) == ["Please write to me in our private chat."]
        assert int(answered[0].params["chat_id"]) == -100123


async def test_a_lead_switches_claims_to_the_whole_team(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        own = await chat.send("/claims", LEAD)
        assert texts(own) == ["You have no open claims. Send /new to open one."]
        assert chat.labels(LEAD)[-1] == "Whole team"
        whole = await chat.press("Whole team", LEAD)
        text = whole[-1].params["text"]
        assert text.startswith("The team's open claims, most urgent first (1–1 of 1):")
        assert f"#1 · {ORDER} · DE · Damaged or defective" in text
        assert text.endswith("· Anna")
        assert chat.labels(LEAD)[-1] == "Only mine"
        agent_view = await chat.send("/claims", AGENT)
        assert "Whole team" not in str(agent_view[-1].params.get("reply_markup"))


def test_user_ids_typed_by_an_admin() -> None:
    assert parse_user_id(" 123456789 ") == 123456789
    for text in ("", "0", "-5", "12 34", "１２３", "1e9", "9" * 17, str(2**52 + 1), "abc"):
        assert parse_user_id(text) is None, text
