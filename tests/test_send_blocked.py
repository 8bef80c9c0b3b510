"""A draft that breaks a blocking messaging rule is never marked as sent: not by an admin, a
lead or an agent, with review on or off, not through the button nor through forged data."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.claims import StepId
from bot.domain.errors import SendBlockedError
from bot.views.buttons import ClaimButton, ReviewButton
from tests.helpers import ADMIN, AGENT, LEAD, Chat, alerts, open_claim, person, team, texts

BLOCKED = "Guten Tag, schreiben Sie uns bitte an service@acme.example, wir helfen sofort."


async def blocked_version(chat: Chat, user_id: int) -> int:
    """`user_id` opens claim #1 and replaces its first draft by a text with an e-mail address;
    the id of that version."""
    await open_claim(chat, user_id)
    await chat.press("✎ Edit", user_id)
    calls = await chat.send(BLOCKED, user_id=user_id)
    header = texts(calls)[0]
    assert "⛔" in header
    record = await chat.services.storage.drafts.latest(1, "inquiry")
    assert record is not None
    assert record.body == BLOCKED
    return record.id


async def nothing_sent(chat: Chat) -> None:
    assert all(d.sent_at is None for d in await chat.services.storage.drafts.for_claim(1))
    events = [e.kind for e in await chat.services.storage.events.for_claim(1)]
    assert "draft_sent" not in events
    claim = await chat.services.storage.claims.get(1)
    assert claim is not None
    assert claim.contacted_at is None
    assert claim.step is StepId.CONTACT_BUYER


@pytest.mark.parametrize(
    ("user_id", "review"),
    [(ADMIN, False), (ADMIN, True), (LEAD, False), (LEAD, True), (AGENT, False), (AGENT, True)],
)
async def test_a_blocked_draft_cannot_be_marked_as_sent(
    bot: Any, user_id: int, review: bool
) -> None:
    async with bot() as chat:
        await team(chat)
        admin = await person(chat, ADMIN)
        await chat.services.store.set_review_required(review, admin)
        draft_id = await blocked_version(chat, user_id)

        # The draft's buttons offer no way to send it: only to edit it (or to have it reviewed).
        labels = [
            b["text"]
            for row in chat.last_keyboard(user_id)["reply_markup"]["inline_keyboard"]
            for b in row
        ]
        assert "✓ Mark as sent" not in labels
        assert "✎ Edit" in labels

        # Forged (or an older screen's) "Mark as sent": refused, said why, Edit offered.
        claim = await chat.services.storage.claims.get(1)
        assert claim is not None
        forged = ClaimButton(1, claim.revision, "sent", str(draft_id)).data()
        calls = await chat.press_data(forged, user_id=user_id)
        assert alerts(calls) == ["It breaks a messaging rule: edit it before it can be sent."]
        said = texts(calls, user_id)[-1]
        assert said.startswith(
            "⛔ This message breaks a messaging rule, so it cannot be marked as sent."
        )
        assert "service@acme.example" in said
        assert "✎ Edit" in [
            b["text"]
            for row in chat.last_keyboard(user_id)["reply_markup"]["inline_keyboard"]
            for b in row
        ]
        await nothing_sent(chat)

        # The service itself refuses, whoever calls it.
        with pytest.raises(SendBlockedError):
            await chat.services.journey.mark_sent(claim, draft_id, await person(chat, user_id))
        await nothing_sent(chat)


async def test_an_edited_version_without_the_address_can_be_sent(bot: Any) -> None:
    """The way on works: Edit from the refusal, a clean text, Mark as sent."""
    async with bot() as chat:
        draft_id = await blocked_version(chat, ADMIN)
        claim = await chat.services.storage.claims.get(1)
        assert claim is not None
        await chat.press_data(ClaimButton(1, claim.revision, "sent", str(draft_id)).data())
        await chat.press("✎ Edit")
        await chat.send("Guten Tag, wir kümmern uns sofort um Ihre Bestellung 303-1234567-7654321.")
        calls = await chat.press("✓ Mark as sent")
        assert alerts(calls) == ["Marked as sent."]
        sent = [d for d in await chat.services.storage.drafts.for_claim(1) if d.sent_at]
        assert [d.version for d in sent] == [3]


async def test_a_lead_cannot_approve_a_blocked_version_an_agent_submitted(bot: Any) -> None:
    async with bot() as chat:
        await team(chat)
        await chat.services.store.set_review_required(True, await person(chat, ADMIN))
        await blocked_version(chat, AGENT)
        await chat.press("📤 Submit for review", AGENT)
        # The review card offers no Approve; forged approval data is refused by the service.
        card = chat.last_keyboard(LEAD)
        assert "✓ Approve" not in [
            b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row
        ]
        calls = await chat.press_data(ReviewButton(1, "ok").data(), card, user_id=LEAD)
        assert alerts(calls) == [
            "It breaks a messaging rule and cannot be approved as it is: edit it or return it."
        ]
        await nothing_sent(chat)


async def test_a_link_hidden_by_a_zero_width_space_cannot_be_marked_as_sent(bot: Any) -> None:
    """Issue 17: a zero-width space inside a domain hid the link from the rules, and the draft
    went through to "Mark as sent". The rules read the text as the buyer sees it, and the
    character itself is a blocking finding, shown by its code point."""
    hidden = (
        "Guten Tag, Ihre Bestellung 303-1234567-7654321 ist unterwegs. Ersatzfilter"
        " finden Sie auf evil-shop\u200b.com."
    )
    async with bot() as chat:
        await team(chat)
        await open_claim(chat, AGENT)
        await chat.press("✎ Edit", AGENT)
        header = texts(await chat.send(hidden, user_id=AGENT))[0]
        assert "⛔" in header
        assert "evil-shop[U+200B].com" in header
        labels = [
            b["text"]
            for row in chat.last_keyboard(AGENT)["reply_markup"]["inline_keyboard"]
            for b in row
        ]
        assert "✓ Mark as sent" not in labels
        record = await chat.services.storage.drafts.latest(1, "inquiry")
        assert record is not None
        assert record.body == hidden
        claim = await chat.services.storage.claims.get(1)
        assert claim is not None
        calls = await chat.press_data(
            ClaimButton(1, claim.revision, "sent", str(record.id)).data(), user_id=AGENT
        )
        assert alerts(calls) == ["It breaks a messaging rule: edit it before it can be sent."]
        with pytest.raises(SendBlockedError):
            await chat.services.journey.mark_sent(claim, record.id, await person(chat, AGENT))
        await nothing_sent(chat)
