"""/settings: the admin changes the store name and signature buyers read, and the review
switch; each change is audited and survives a restart."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.fields import FieldError, parse_store_text
from tests.helpers import ADMIN, LEAD, alerts, team_claim, texts


async def test_admin_renames_the_store_and_new_drafts_use_it(bot: Any) -> None:
    async with bot() as chat:
        screen = texts(await chat.send("/settings"))[0]
        assert "Store name: Acme Home" in screen
        await chat.press("Change the store name")
        refused = await chat.send("Acme Home · info@acme.de")
        assert texts(refused)[0].startswith(
            "E-mail addresses are not allowed in messages to buyers."
        )
        saved = await chat.send("Acme Haus & Garten")
        assert texts(saved)[0] == (
            "Saved. New drafts use it; drafts already written keep their text."
        )
        assert "Store name: Acme Haus & Garten" in texts(saved)[1]
        api = chat.api
    async with bot(api=api) as chat:  # restart: the change is in the database
        opened = await team_claim(chat, leads=(LEAD,))
        body = texts(opened)[-2]
        assert body.endswith("Ihr Team von Acme Haus & Garten")
        await chat.send("/settings")
        await chat.press("Change the store name")
        await chat.send("-")
        assert chat.services.journey.store.name == "Acme Home"
        keys = await chat.services.storage.db.fetchall(
            "SELECT actor_id, payload FROM events WHERE kind = 'setting_changed' ORDER BY id"
        )
        assert [(k["actor_id"], k["payload"]) for k in keys] == [
            (ADMIN, '{"key": "store.name", "reset": false}'),
            (ADMIN, '{"key": "store.name", "reset": true}'),
        ]


async def test_signature_rules(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/settings")
        await chat.press("Change the signature")
        too_many = await chat.send("a\nb\nc\nd\ne")
        assert texts(too_many)[0].startswith("Please keep it to 4 lines at most.")
        ok = await chat.send("Jana Berg\nKundenservice")
        assert "Signature: Jana Berg\nKundenservice" in texts(ok)[1]
        assert chat.services.journey.store.signature == "Jana Berg\nKundenservice"
        never_mind = await chat.press("Change the signature")
        assert never_mind
        cancelled = await chat.press("✕ Never mind")
        assert alerts(cancelled) == [""]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "That message was empty."),
        ("x" * 81, "That is too long: at most %(limit)s characters, please."),
        ("Acme 🙂", "Emoji and pictographs are not allowed."),
        ("www.acme.de", "Links are not allowed, except Amazon's own."),
    ],
)
def test_store_name_is_checked_like_a_message_to_buyers(text: str, message: str) -> None:
    with pytest.raises(FieldError) as raised:
        parse_store_text("name", text)
    assert raised.value.msgid == message


def test_reset_and_clean_values() -> None:
    assert parse_store_text("name", "  -  ") is None
    assert parse_store_text("signature", "  Jana  \n  Team ") == "Jana\nTeam"
