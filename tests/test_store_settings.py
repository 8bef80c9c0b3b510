"""/settings: the admin changes the store name and signature buyers read, and the review
switch; each change is audited and survives a restart."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.domain.errors import InvalidChoiceError
from bot.domain.fields import FieldError, parse_store_text
from bot.domain.people import NotAllowedError
from bot.drafting.facts import store_facts
from bot.settings import Settings, StoreProfile
from tests.helpers import ADMIN, AGENT, LEAD, alerts, open_claim, person, team, team_claim, texts


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
        body = texts(opened)[-1]
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


JA_SIGNATURE = "Acme ホーム\nカスタマーサービス"
JP_ORDER = "503-1234567-7654321"


async def test_a_signature_per_language_ends_the_drafts_in_that_language(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/settings")
        await chat.press("Change the signature")
        await chat.send("Jana Berg\nKundenservice")
        await chat.press("Signature per language")
        picker = chat.last_keyboard(ADMIN)
        labels = [b["text"] for row in picker["reply_markup"]["inline_keyboard"] for b in row]
        # The 12 languages drafts are written in (Hindi drafts are in English), and Back.
        assert len(labels) == 13
        assert {"Japanese", "German", "English", "Portuguese (Brazil)", "◂ Back"} <= set(labels)
        asked = await chat.press("Japanese")
        assert texts(asked)[0].startswith(
            "Send the signature for messages to buyers in Japanese (at most 4 lines)"
        )
        refused = await chat.send("Acme · info@acme.jp")
        assert texts(refused)[0].startswith("E-mail addresses are not allowed")
        saved = await chat.send(JA_SIGNATURE)
        assert texts(saved)[0].startswith("Saved.")
        assert "Signature: Jana Berg\nKundenservice" in texts(saved)[1]
        assert f"Signature in Japanese: {JA_SIGNATURE}" in texts(saved)[1]
        await chat.press("Signature per language")
        labels = [
            b["text"]
            for row in chat.last_keyboard(ADMIN)["reply_markup"]["inline_keyboard"]
            for b in row
        ]
        assert "Japanese ✓" in labels
        assert "German" in labels
        api = chat.api
    async with bot(api=api) as chat:  # restart: both signatures are in the database
        japanese = texts(
            await open_claim(chat, market="JP · Japan", language="Japanese", order=JP_ORDER)
        )
        [draft] = [text for text in japanese if "よろしくお願いいたします。" in text]
        assert draft.endswith(f"\n{JA_SIGNATURE}")
        assert "Kundenservice" not in draft
        german = texts(await open_claim(chat))
        assert any(
            text.endswith("Mit freundlichen Grüßen\nJana Berg\nKundenservice") for text in german
        )
        assert not any(JA_SIGNATURE in text for text in german)
        await chat.send("/settings")
        await chat.press("Signature per language")
        await chat.press("Japanese ✓")
        await chat.send("-")
        assert chat.services.store.profile.signatures == {}
        assert chat.services.store.profile.signature_for("ja") == "Jana Berg\nKundenservice"
        keys = await chat.services.storage.db.fetchall(
            "SELECT payload FROM events WHERE kind = 'setting_changed' ORDER BY id"
        )
        assert [k["payload"] for k in keys] == [
            '{"key": "store.signature", "reset": false}',
            '{"key": "store.signature.ja", "reset": false}',
            '{"key": "store.signature.ja", "reset": true}',
        ]


async def test_configured_signatures_per_language_and_their_reset(
    bot: Any, settings: Settings
) -> None:
    configured = replace(
        settings,
        store=StoreProfile(name="Acme Home", signature="Acme care", signatures={"ja": "Acme 日本"}),
    )
    async with bot(settings_=configured) as chat:
        screen = texts(await chat.send("/settings"))[0]
        assert "Signature in Japanese: Acme 日本" in screen
        await chat.press("Signature per language")
        await chat.press("Japanese ✓")
        await chat.send("Acme ジャパン")
        assert chat.services.store.profile.signature_for("ja") == "Acme ジャパン"
        await chat.press("Signature per language")
        await chat.press("Japanese ✓")
        await chat.send("-")  # back to claimbot.toml's, not to the default
        assert chat.services.store.profile.signature_for("ja") == "Acme 日本"
        assert chat.services.store.profile.signature_for("de") == "Acme care"


DE_SIGNATURE = "Mit freundlichen Grüßen\nIhr Acme-Team"
SCRIPT_CAUTION = "⚠ The signature is in another script than the message"


async def test_a_signature_in_another_script_than_the_draft_is_a_caution(
    bot: Any, settings: Settings
) -> None:
    """Issue 14: a German signature must not end a Japanese message. The draft says so, and
    /settings names the languages whose drafts would end with one."""
    configured = replace(settings, store=StoreProfile(name="Acme Home", signature=DE_SIGNATURE))
    async with bot(settings_=configured) as chat:
        screen = texts(await chat.send("/settings"))[0]
        [warning] = [line for line in screen.splitlines() if line.startswith("⚠")]
        assert warning.startswith("⚠ Messages in ")
        assert "Japanese" in warning
        assert "Arabic" in warning
        assert "German" not in warning
        japanese = "\n".join(
            texts(await open_claim(chat, market="JP · Japan", language="Japanese", order=JP_ORDER))
        )
        assert DE_SIGNATURE in japanese
        assert f"{SCRIPT_CAUTION}, so the buyer may not be able to read it." in japanese
        german = "\n".join(texts(await open_claim(chat)))
        assert DE_SIGNATURE in german
        assert SCRIPT_CAUTION not in german
        # The agent's own version, signed in Japanese: nothing to fix any more.
        claim = await chat.services.storage.claims.get(1)
        assert claim is not None
        signed = f"ご注文（{JP_ORDER}）の件、ご不便をおかけしております。\n\n{JA_SIGNATURE}"
        kept = f"{signed}\n{DE_SIGNATURE}"
        assert "signature_script" in {f.rule for f in chat.services.journey.findings(claim, kept)}
        assert "signature_script" not in {
            f.rule for f in chat.services.journey.findings(claim, signed)
        }
        # A Japanese signature of its own: only Arabic is left in the caution.
        await chat.send("/settings")
        await chat.press("Signature per language")
        await chat.press("Japanese")
        saved = texts(await chat.send(JA_SIGNATURE))
        [warning] = [line for line in saved[1].splitlines() if line.startswith("⚠")]
        assert "Arabic" in warning
        assert "Japanese" not in warning


@pytest.mark.parametrize("data", ["s:slang:hi", "s:slang:xx", "s:slang", "s:langs:de"])
async def test_a_forged_signature_language_is_refused(bot: Any, data: str) -> None:
    async with bot() as chat:
        await chat.send("/settings")
        refused = await chat.press_data(data)
        assert alerts(refused) == ["That button is not valid any more."]
        assert await chat.services.storage.db.fetchall("SELECT * FROM pending_inputs") == []


async def test_the_service_refuses_a_language_no_buyer_reads(bot: Any) -> None:
    async with bot() as chat:
        admin = await person(chat, ADMIN)
        with pytest.raises(InvalidChoiceError):
            await chat.services.store.set_text("signature", "Acme", admin, language="xx")
        with pytest.raises(InvalidChoiceError):
            await chat.services.store.set_text("name", "Acme", admin, language="ja")
        with pytest.raises(NotAllowedError):
            await chat.services.store.set_text(
                "signature", "Acme", await _agent(chat), language="ja"
            )


def test_store_facts_sign_in_the_language_of_the_draft() -> None:
    store = StoreProfile(name="Acme", signature="Jana Berg", signatures={"ja": JA_SIGNATURE})
    assert store_facts(store, "JP", "ja")["signature"] == JA_SIGNATURE
    assert store_facts(store, "DE", "de")["signature"] == "Jana Berg"
    assert StoreProfile(signatures={"ja": JA_SIGNATURE}).signature_for("de") is None


async def _agent(chat: Any) -> Any:
    await team(chat)
    return await person(chat, AGENT)
