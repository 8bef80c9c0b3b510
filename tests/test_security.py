"""A server that trusts no button, logs no buyer data and no token, and shows people's text
exactly as they wrote it."""

from __future__ import annotations

import io
import logging
import random
from dataclasses import replace
from typing import Any

import pytest

from bot.cli import log_handler
from bot.settings import Secret, Settings
from tests.helpers import (
    ADMIN,
    AGENT,
    LEAD,
    ORDER,
    Clock,
    alerts,
    full_journey,
    stored_claim,
    team_claim,
    texts,
)

TOKEN = "7340012345:AAH-very-secret-token-value_0123456789"
BUYER_REPLY = "Das Gerät geht nach einer Minute aus."


async def test_no_buyer_data_at_info_and_never_the_token(
    bot: Any, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """Through the log handler `claimbot run` installs, at DEBUG (python-telegram-bot logs
    its Bot API URLs there): the token never appears; buyer data never appears at INFO."""
    caplog.set_level(logging.DEBUG)
    with_token = replace(settings, token=Secret(TOKEN))
    stream = io.StringIO()
    handler = log_handler(with_token, stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        async with bot(settings_=with_token) as chat:
            await full_journey(chat)
            await chat.send(f"/history {ORDER}", LEAD)
            await chat.press("⇩ Export as CSV", LEAD)
            drafts = await chat.services.storage.drafts.for_claim(1)
            # Refusals and forged buttons are logged too: make some.
            await chat.send("/users", AGENT)
            await chat.press_data("c:999:1:facts", user_id=AGENT)
            # And an error with a traceback.
            logging.getLogger("bot").exception(
                "boom", exc_info=RuntimeError(f"https://api.telegram.org/bot{TOKEN}/x")
            )
    finally:
        root.removeHandler(handler)
    written = stream.getvalue()
    assert "Set Bot API URL: https://api.telegram.org/bot********" in written
    assert TOKEN not in written
    assert TOKEN.split(":")[1] not in written
    info_and_up = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    secrets = [BUYER_REPLY, "please be warmer", "Anna", "Lead 50", "Guten Tag"]
    secrets += [d.body[:40] for d in drafts]
    for secret in secrets:
        assert secret not in info_and_up, secret
    assert "refused manage_people to user 60 (role agent)" in info_and_up
    assert "refused button 'c:999:1:facts' from user 60" in info_and_up


def forged_data(count: int, seed: int) -> list[str]:
    """Button data a tampered client could send: known prefixes with random tails, ids of
    things that exist and do not, and arbitrary text of any script."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    prefixes = ["c:", "l:", "l:t:", "l:o:", "r:", "q:", "u:", "h:", "s:", "ui:", "", "oid:"]
    words = [
        "1",
        "2",
        "999",
        "0",
        "-1",
        "ok",
        "ret",
        "edit",
        "open",
        "sent",
        "close",
        "withdrawn",
        "granted_seller",
        "rmok",
        "role",
        "admin",
        "lead",
        "review",
        "off",
        "csv",
        "submit",
        "60",
        "42",
        "50",
        "1" * 13,
        "é",
        "✓",
        "\x00",
        " ",
    ]
    alphabet = "abc:0123456789_-é中✓ \n"
    found = [
        "c:1:1:sent:1",
        "c:1:99:close:withdrawn",
        "c:1:1:close:granted_seller",
        "r:1:ok",
        "r:1:ret",
        "r:1:edit",
        "u:role:60:admin",
        "u:rmok:42",
        "u:to:60:50",
        "s:review:off",
        "h:1:csv",
        "l:t:0",
        "q:0",
        "c:1:3:submit:1",
    ]
    while len(found) < count:
        if rng.random() < 0.7:
            tail = ":".join(rng.choice(words) for _ in range(rng.randint(0, 4)))
            found.append((rng.choice(prefixes) + tail)[:64])
        else:
            found.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 64))))
    return found


async def test_forged_buttons_change_nothing(bot: Any) -> None:
    """Whatever an agent's client sends as button data, nothing outside their own rights
    happens: the review, the roles, the setting and the draft stay as they were."""
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        storage = chat.services.storage

        async def state() -> tuple[Any, ...]:
            draft = await storage.drafts.latest(1, "inquiry")
            return (
                await storage.reviews.get(1),
                [(u.id, u.role, u.active) for u in await storage.users.all(active=None)],
                await chat.services.reviews.required(),
                draft.sent_at if draft else None,
            )

        before = await state()
        screen = {
            "message_id": 10**6,
            "date": 0,
            "chat": {"id": AGENT, "type": "private"},
            "text": ".",
        }
        for data in forged_data(400, seed=5):
            calls = await chat.press_data(data, screen, AGENT)
            assert calls, data
            assert await state() == before, data
        assert await storage.db.integrity_check() == "ok"


async def test_a_replayed_button_does_nothing_twice(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,))
        card_message = next(m for m in chat.keyboards(AGENT) if m["text"].startswith("Claim #"))
        claim = await stored_claim(chat)
        # (Amazon asked for information: a change any step allows; "next" would now be
        # refused before the first message is sent.)
        press = f"c:1:{claim.revision}:info"
        await chat.press_data(press, card_message, AGENT)
        moved = await stored_claim(chat)
        assert moved.revision == claim.revision + 1
        replay = await chat.press_data(press, card_message, AGENT)
        assert alerts(replay)[0] == "This claim has changed since. Here is its current card."
        again = await chat.services.storage.claims.get(1)
        assert again == moved
        # A decided review's buttons, pressed again, only say who decided.
        await chat.press("📤 Submit for review", AGENT)
        card = chat.last_keyboard(LEAD)
        await chat.press_data("r:1:ok", card, LEAD)
        twice = await chat.press_data("r:1:ok", card, LEAD)
        assert alerts(twice) == ["✓ Approved by Lead 50."]
        events = [e.kind for e in await chat.services.storage.events.for_claim(1)]
        assert events.count("draft_approved") == 1


MARKUP = "<b>Bold</b> &amp; *stars* _under_ `code` [link](x) {{ 7*7 }} {% if x %}y{% endif %}"


async def test_people_text_is_shown_verbatim_and_never_parsed(bot: Any) -> None:
    """No message is sent with a parse mode, so nothing needs escaping and nothing is
    escaped; user text is data for Jinja, never template source."""
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,))
        await chat.press("✎ Edit", AGENT)
        calls = await chat.send(MARKUP, AGENT)
        assert MARKUP in texts(calls)
        await chat.press("📤 Submit for review", AGENT)
        card = texts(chat.api.calls, LEAD)[-1]
        assert MARKUP in card
        assert "49" not in card.split(MARKUP)[0][-5:]  # {{ 7*7 }} was not evaluated
        await chat.press("↩ Return", LEAD)
        await chat.send(MARKUP, LEAD)
        notice = [t for t in texts(chat.api.calls, AGENT) if t.startswith("↩ ")][-1]
        assert f"“{MARKUP}”" in notice
        # A fact typed by the agent goes into a generated draft as text.
        await chat.press("◂ Back to the claim", AGENT)
        await chat.press("Facts", AGENT)
        await chat.press(chat.labels(AGENT)[0], AGENT)  # the first fact: the buyer's name
        await chat.send("{{ 7*7 }} <i>Müller</i>", AGENT)
        await chat.press("◂ Back to the claim", AGENT)
        drafted = await chat.press("✉ First contact: apology and question", AGENT)
        assert any("{{ 7*7 }} <i>Müller</i>" in t for t in texts(drafted))
        assert all("parse_mode" not in c.params for c in chat.api.calls), "a parse mode was used"
        for call in chat.api.calls:
            markup = call.params.get("reply_markup")
            assert markup is None or "parse_mode" not in str(markup)


async def test_unknown_people_learn_nothing_from_any_button(bot: Any, clock: Clock) -> None:
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,))
        for data in ("c:1:1:facts", "r:1:open", "u:list", "h:1:csv", "q:0", "s:show", "l:t:0"):
            clock.advance(minutes=10)  # a stranger is answered once per 10 minutes
            calls = await chat.press_data(data, chat.last_keyboard(AGENT), 999)
            assert [c.method for c in calls] == ["answerCallbackQuery"]
            assert alerts(calls)[0].startswith("Sorry, this bot is only for the members")
            assert "303-" not in alerts(calls)[0]
        assert await chat.services.storage.users.get(999) is None


async def test_odd_senders_are_served_or_dropped_never_crash(bot: Any) -> None:
    """An empty first name (a deleted account's shape) is served; ids no Telegram account can
    have (zero, negative, beyond 64 bits) are dropped without an answer."""
    async with bot() as chat:
        nameless = chat.factory.user(ADMIN)
        nameless["first_name"] = ""
        calls = await chat.feed(chat.factory.message(nameless, "/help"))
        assert texts(calls), "the admin with an empty first name got no answer"
        for forged in (0, -5, 2**63, 2**70):
            user = chat.factory.user(1)
            user["id"] = forged
            message = chat.factory.message(user, "/help")
            assert await chat.feed(message) == []


async def test_the_access_check_fails_closed(bot: Any, monkeypatch: Any) -> None:
    """If the check itself breaks (here: the database read), no handler runs for the update."""
    async with bot() as chat:

        async def broken(_user_id: int) -> None:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(chat.services.storage.users, "get", broken)
        calls = await chat.send("/new")
        assert calls == []
        assert await chat.services.storage.intakes.get(ADMIN) is None
