"""/users: the admin adds people, changes roles, removes people and hands their claims on."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.app import CONSOLE_ADMIN_ID
from bot.domain.people import Role
from bot.settings import Settings
from tests.helpers import (
    ADMIN,
    AGENT,
    LEAD,
    Chat,
    alerts,
    button_data,
    old_screen,
    open_claim,
    person,
    team,
    texts,
)

NEWCOMER = 123456789
OTHER = 61


async def test_admin_adds_a_person_by_typed_id_and_they_can_start(bot: Any) -> None:
    async with bot() as chat:
        before = texts(await chat.send("/start", NEWCOMER))
        assert before[0].startswith("Sorry, this bot is only for the members")
        screen = await chat.send("/users")
        assert texts(screen)[0].startswith("People in your team: 1.")
        await chat.press("+ Add a person")
        asked = await chat.press("agent")
        assert (
            asked[-1]
            .params["text"]
            .startswith("Send the Telegram user id of the person to add as agent")
        )
        wrong = await chat.send("not a number")
        assert texts(wrong)[0].startswith("That is not a Telegram user id")
        confirm = await chat.send(str(NEWCOMER))
        assert texts(confirm)[0] == (
            "Add the person with user id 123456789 as agent? I do not know their name yet:"
            " I learn it when they first write to me."
        )
        assert await chat.services.storage.users.get(NEWCOMER) is None  # not before confirming
        added = await chat.press("✓ Yes, add")
        assert (
            texts(added)[0] == "123456789 is now in the team as agent. They can start with /start."
        )
        welcome = texts(await chat.send("/start", NEWCOMER))
        assert welcome[0].startswith("Welcome to claimbot. You are signed in as agent.\n")
        again = await chat.send("/users")
        assert "• Agent · agent · 123456789" in texts(again)[0]  # the name Telegram shows
        events = await chat.services.storage.db.fetchall(
            "SELECT kind, actor_id, payload FROM events WHERE claim_id IS NULL ORDER BY id"
        )
        assert [(e["kind"], e["actor_id"]) for e in events] == [("user_added", ADMIN)]


async def test_admin_adds_a_person_from_a_forwarded_message(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/users")
        await chat.press("+ Add a person")
        await chat.press("team lead")
        forwarded = chat.factory.message(
            chat.user(ADMIN),
            "hello",
            forward_origin={
                "type": "user",
                "date": 0,
                "sender_user": {
                    "id": NEWCOMER,
                    "is_bot": False,
                    "first_name": "Mia",
                    "last_name": "Kurz",
                },
            },
        )
        calls = await chat.feed(forwarded)
        assert texts(calls)[0] == f"Add Mia Kurz (id {NEWCOMER}) as team lead?"
        calls = await chat.press("✓ Yes, add")
        assert (
            texts(calls)[0]
            == "Mia Kurz is now in the team as team lead. They can start with /start."
        )
        person = await chat.services.storage.users.get(NEWCOMER)
        assert person is not None
        assert person.role is Role.LEAD
        assert person.telegram_name == "Mia Kurz"
        assert person.display_name is None  # never put into messages to buyers by itself

        # A forward from someone whose privacy settings hide them cannot be added.
        await chat.press("◂ The team")
        await chat.press("+ Add a person")
        await chat.press("agent")
        hidden = chat.factory.message(
            chat.user(ADMIN),
            "hi",
            forward_origin={"type": "hidden_user", "date": 0, "sender_user_name": "Someone"},
        )
        calls = await chat.feed(hidden)
        assert texts(calls)[0].startswith("Their privacy settings hide who they are.")


def _forward(chat: Chat, text: str, origin: dict[str, Any]) -> dict[str, Any]:
    return chat.factory.message(chat.user(ADMIN), text, forward_origin={"date": 0, **origin})


async def test_a_forward_without_a_persons_account_adds_nobody(bot: Any) -> None:
    """Issue 17: a channel post or an anonymous group admin's message was read as a typed id
    ("4343 is now in the team"), and a bot's account was added as an agent."""
    channel = {"type": "channel", "message_id": 5}
    channel["chat"] = {"id": -1001, "type": "channel", "title": "News"}
    group = {"type": "chat", "sender_chat": {"id": -1002, "type": "supergroup", "title": "Ops"}}
    robot = {"type": "user", "sender_user": {"id": 4343, "is_bot": True, "first_name": "Helper"}}
    hidden = {"type": "hidden_user", "sender_user_name": "Someone"}
    async with bot() as chat:
        await chat.send("/users")
        await chat.press("+ Add a person")
        await chat.press("agent")
        for origin, hint in (
            (channel, "That message was posted in the name of a group or channel,"),
            (group, "That message was posted in the name of a group or channel,"),
            (robot, "That message comes from a bot. Only people can be in the team."),
            (hidden, "Their privacy settings hide who they are."),
        ):
            calls = await chat.feed(_forward(chat, "4343", origin))
            (answer,) = texts(calls)
            assert answer.startswith(hint), origin
            assert "Send the Telegram user id of the person to add as agent" in answer
            assert "✓ Yes, add" not in chat.labels()
        assert await chat.services.storage.users.get(4343) is None
        # Typed, the same digits name a person.
        confirm = await chat.send("4343")
        assert texts(confirm)[0].startswith("Add the person with user id 4343 as agent?")


async def test_the_confirmation_names_whom_it_adds_and_only_them(bot: Any) -> None:
    async with bot() as chat:
        await team(chat, leads=())
        admin = await person(chat, ADMIN)
        await chat.services.people.remove(admin, AGENT)
        await chat.send("/users")
        await chat.press("+ Add a person")
        await chat.press("team lead")
        # Someone the bot knows (removed earlier) is shown by name with the id.
        known = await chat.send(str(AGENT))
        assert texts(known) == [f"Add Anna (id {AGENT}) as team lead?"]
        earlier = chat.last_keyboard()
        # Someone already in the team is said at once, and the question asked again.
        again = await chat.send(str(ADMIN))
        assert texts(again)[0].startswith("That person is already in the team.")
        # The confirmation shown for an earlier answer no longer adds anyone.
        stale = await chat.press_data(button_data(earlier, "u:addok"), earlier)
        assert alerts(stale) == ["That button is not valid any more."]
        assert not (await person(chat, AGENT)).active
        await chat.send(str(AGENT))
        forged = await chat.press_data(f"u:addok:{AGENT}:admin")  # another role than asked
        assert alerts(forged) == ["That button is not valid any more."]
        added = await chat.press("✓ Yes, add")
        assert (
            texts(added)[0] == "Anna is now in the team as team lead. They can start with /start."
        )
        back = await person(chat, AGENT)
        assert (back.active, back.role) == (True, Role.LEAD)
        # Never mind, from the confirmation: nobody is added and nothing is awaited.
        await chat.press("◂ The team")
        await chat.press("+ Add a person")
        await chat.press("agent")
        await chat.send(str(NEWCOMER))
        await chat.press("✕ Never mind")
        assert await chat.services.storage.users.get(NEWCOMER) is None
        assert await chat.services.storage.pending.get(ADMIN) is None


async def test_role_change_takes_effect_on_the_next_update(bot: Any) -> None:
    async with bot() as chat:
        await team(chat, leads=())
        assert texts(await chat.send("/queue", AGENT)) == [
            "Your role does not allow that. Ask your team's admin if you need it."
        ]
        await chat.send("/users")
        await chat.press("Anna · agent")
        changed = await chat.press("Make team lead")
        assert alerts(changed) == ["Role changed."]
        assert "Role: team lead" in changed[-1].params["text"]
        assert texts(await chat.send("/queue", AGENT)) == ["No draft is waiting for review."]
        trail = await chat.services.storage.db.fetchall(
            "SELECT payload FROM events WHERE kind = 'role_changed'"
        )
        assert [row["payload"] for row in trail] == ['{"from": "agent", "to": "lead", "user": 60}']


async def test_removed_person_is_refused_and_their_claims_are_handed_on(bot: Any) -> None:
    async with bot() as chat:
        await team(chat, leads=(LEAD,))
        admin = await person(chat, ADMIN)
        await chat.services.people.add(admin, OTHER, Role.AGENT, "Ben")
        chat.names[OTHER] = "Ben"
        await open_claim(chat, AGENT)
        await open_claim(chat, AGENT, order="303-0000002-0000002")

        await chat.send("/users")
        await chat.press("Anna · agent")
        confirm = await chat.press("✕ Remove")
        assert confirm[-1].params["text"].startswith("Remove Anna? They can no longer use the bot.")
        removed = await chat.press("✕ Yes, remove")
        assert alerts(removed) == ["Removed."]
        refused = texts(await chat.send("/claims", AGENT))
        assert refused[0].startswith("Sorry, this bot is only for the members")
        # Their claims and drafts are kept.
        assert await chat.services.storage.claims.open_count_for_agent(AGENT) == 2

        team_screen = texts(await chat.send("/users"))[0]
        assert "Removed, with open claims to hand on:\n• Anna · open claims: 2" in team_screen
        await chat.press("⚠ Anna")
        await chat.press("Hand their open claims to…")
        moved = await chat.press("Ben · agent")
        assert "Claims handed on: 2." in texts(moved)
        assert await chat.services.storage.claims.open_count_for_agent(OTHER) == 2
        ben = texts(await chat.send("/claims", OTHER))[0]
        assert ben.startswith("Your open claims, most urgent first (1–2 of 2):")
        history = texts(await chat.send("/history 303-0000002-0000002", OTHER))[0]
        assert "Claim reassigned: Anna → Ben" in history


async def test_the_last_admin_and_configured_admins_stay(bot: Any) -> None:
    async with bot() as chat:
        await team(chat, leads=(LEAD,))
        admin = await chat.services.storage.users.get(ADMIN)
        assert admin is not None
        # ADMIN is in CLAIMBOT_ADMINS: demoting them would not survive a restart.
        await chat.send("/users")
        await chat.press("Agent · admin")
        refused = await chat.press("Make agent")
        assert alerts(refused)[0].startswith("This admin is named in CLAIMBOT_ADMINS")
        assert "✕ Remove" not in chat.labels()  # nobody removes themselves
        forged = await chat.press_data(f"u:rmok:{ADMIN}")
        assert alerts(forged) == ["You cannot remove yourself; another admin can."]
        # An admin added in the chat can be demoted while another admin remains.
        await chat.services.people.add(admin, OTHER, Role.ADMIN, "Ben")
        demoted = await chat.services.people.set_role(admin, OTHER, Role.LEAD)
        assert demoted.role is Role.LEAD
        person = await chat.services.storage.users.get(ADMIN)
        assert person is not None
        assert person.role is Role.ADMIN


async def test_people_buttons_are_checked_like_everything_else(bot: Any) -> None:
    async with bot() as chat:
        await team(chat, leads=(LEAD,))
        for data in ("u:p:999", "u:role:999:lead", "u:to:60:999", "u:role:60:boss", "u:zz"):
            calls = await chat.press_data(data, old_screen(ADMIN))
            assert alerts(calls)[0] in (
                "That person is not in the team.",
                "That person cannot take claims.",
                "That button is not valid any more.",
            ), data
        person = await chat.services.storage.users.get(AGENT)
        assert person is not None
        assert person.role is Role.AGENT


async def test_the_command_menu_follows_the_role(bot: Any) -> None:
    async with bot() as chat:
        default = [c for c in chat.api.sent("setMyCommands") if "scope" not in c.params]
        names = [c["command"] for c in default[0].params["commands"]]
        assert "queue" not in names
        assert "users" not in names
        assert "new" in names
        admin_menu = [
            c
            for c in chat.api.sent("setMyCommands")
            if c.params.get("scope", {}).get("chat_id") == ADMIN
        ]
        assert [c["command"] for c in admin_menu[0].params["commands"]] == [
            "new",
            "claims",
            "due",
            "history",
            "queue",
            "stats",
            "export",
            "users",
            "settings",
            "mails",
            "lang",
            "tz",
            "help",
            "cancel",
        ]
        await team(chat, leads=())
        await chat.send("/users")
        await chat.press("Anna · agent")
        calls = await chat.press("Make team lead")
        (menu,) = [c for c in calls if c.method == "setMyCommands"]
        assert menu.params["scope"] == {"type": "chat", "chat_id": AGENT}
        assert [c["command"] for c in menu.params["commands"]] == [
            "new",
            "claims",
            "due",
            "history",
            "queue",
            "stats",
            "export",
            "lang",
            "tz",
            "help",
            "cancel",
        ]
        calls = await chat.press("Make agent")
        assert [c.method for c in calls if "Commands" in c.method] == ["deleteMyCommands"]


async def test_the_console_admin_counts_as_an_admin(bot: Any, settings: Settings) -> None:
    """Issue 14: in the console, user 2 made admin could not be demoted ("the team needs at
    least one admin") although the console's own admin is there."""
    alone = replace(settings, admins=frozenset())  # no Telegram admin configured
    async with bot(channel="console", settings_=alone) as chat:
        console_admin = await chat.services.storage.users.get(CONSOLE_ADMIN_ID)
        assert console_admin is not None
        assert console_admin.role is Role.ADMIN
        await chat.services.people.add(console_admin, 2, Role.ADMIN, "Ben")
        demoted = await chat.services.people.set_role(console_admin, 2, Role.AGENT)
        assert demoted.role is Role.AGENT


async def test_a_lone_surrogate_in_a_name_locks_nobody_out(bot: Any) -> None:
    """Issue 17: a first name with a lone surrogate failed the access guard's write of the
    name, and the member got no answer at all. Names, forwarded ones too, are made valid
    where updates come in."""
    async with bot() as chat:
        await team(chat, leads=())
        chat.names[AGENT] = "Anna \udc00"
        calls = await chat.send("/start", AGENT)
        assert texts(calls)[0].startswith("Welcome to claimbot. You are signed in as agent.")
        assert (await person(chat, AGENT)).telegram_name == "Anna \ufffd"
        await chat.send("/users")
        await chat.press("+ Add a person")
        await chat.press("agent")
        sender = {"id": NEWCOMER, "is_bot": False, "first_name": "Mia \ud800", "last_name": "K"}
        calls = await chat.feed(_forward(chat, "hi", {"type": "user", "sender_user": sender}))
        assert texts(calls) == [f"Add Mia \ufffd K (id {NEWCOMER}) as agent?"]
        await chat.press("✓ Yes, add")
        assert (await person(chat, NEWCOMER)).telegram_name == "Mia \ufffd K"
