"""Where a review card goes (issue 16: one message per review, not one per lead), through the
real Application on the offline Bot API: the leads' group (a forum topic per claim when the
group is a forum), else the lead on duty chosen in /settings, else every lead, and which copies
a decision edits."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.services.store import ON_DUTY
from bot.settings import Settings
from bot.storage import ReviewStatus
from bot.transport import ApiCall
from tests.helpers import (
    ADMIN,
    AGENT,
    LEAD,
    LEAD2,
    Chat,
    alerts,
    open_claim,
    person,
    team,
    team_claim,
    texts,
)

GROUP = -1001234567890
OTHER_ORDER = "303-7654321-1234567"  # a second DE claim


def review_cards(calls: list[ApiCall], chat_id: int) -> list[ApiCall]:
    return [
        c
        for c in calls
        if c.method == "sendMessage"
        and int(c.params["chat_id"]) == chat_id
        and c.params["text"].startswith("📝 Review #")
    ]


def thread_of(call: ApiCall) -> int | None:
    thread = call.params.get("message_thread_id")
    return None if thread is None else int(thread)


def calls_to(calls: list[ApiCall], method: str) -> list[ApiCall]:
    return [c for c in calls if c.method == method]


async def resubmit(chat: Chat) -> list[ApiCall]:
    """The agent edits the claim's draft (a new version, the same text) and submits it: the
    claim's next review, which replaces the pending one."""
    await chat.press("✎ Edit", AGENT)
    draft = await chat.services.storage.drafts.latest(1, "inquiry")
    assert draft is not None
    await chat.send(draft.body + "\n", AGENT)
    return await chat.press("📤 Submit for review", AGENT)


def with_group(settings: Settings) -> Settings:
    return replace(settings, leads_chat=GROUP)


# --- A forum group: a topic per claim -----------------------------------------------------------
async def test_a_forum_group_gets_a_topic_per_claim_reused_for_its_next_review(
    bot: Any, settings: Settings
) -> None:
    async with bot(settings_=with_group(settings)) as chat:
        chat.api.add_group(GROUP, forum=True)
        first = await team_claim(chat, submit=True)
        # Whether the group is a forum is asked once; the claim's topic is made on first use.
        assert len(calls_to(first, "getChat")) == 1
        (topic,) = calls_to(first, "createForumTopic")
        assert int(topic.params["chat_id"]) == GROUP
        assert topic.params["name"].startswith("Claim #1 · order 303-1234567-7654321")
        thread = int(topic.result["message_thread_id"])
        (card,) = review_cards(first, GROUP)
        assert thread_of(card) == thread
        assert card.params["text"].startswith("📝 Review #1 · claim #1 · ")
        assert review_cards(first, LEAD) == review_cards(first, LEAD2) == []
        assert alerts(first)[-1].startswith("Submitted for review (#1).")
        assert await chat.services.storage.reviews.topic(GROUP, 1) == thread

        # The claim's next review goes into the same topic: no new topic, no second getChat.
        second = await resubmit(chat)
        assert calls_to(second, "createForumTopic") == []
        assert calls_to(second, "getChat") == []
        (card2,) = review_cards(second, GROUP)
        assert thread_of(card2) == thread
        assert card2.params["text"].startswith("📝 Review #2 · claim #1 · ")
        # The replaced card in the group says so (a group's copy is always kept true).
        old = chat.api.message(GROUP, card.result["message_id"])
        assert old is not None
        assert "reply_markup" not in old
        assert old["text"].endswith("Replaced by a newer version, or sent without review.")

        # Another claim: a topic of its own.
        await open_claim(chat, AGENT, order=OTHER_ORDER)
        third = await chat.press("📤 Submit for review", AGENT)
        assert calls_to(third, "getChat") == []
        (other_topic,) = calls_to(third, "createForumTopic")
        assert other_topic.params["name"].startswith(f"Claim #2 · order {OTHER_ORDER}")
        other_thread = int(other_topic.result["message_thread_id"])
        assert other_thread != thread
        (card3,) = review_cards(third, GROUP)
        assert thread_of(card3) == other_thread

        # A lead decides in the topic: the card there shows it; no lead's private chat is used.
        message = chat.api.message(GROUP, card3.result["message_id"])
        assert message is not None
        assert message["message_thread_id"] == other_thread
        approved = await chat.feed(chat.factory.callback(chat.user(LEAD), message, "r:3:ok"))
        assert alerts(approved) == ["Approved."]
        (edit,) = calls_to(approved, "editMessageText")
        assert int(edit.params["chat_id"]) == GROUP
        assert edit.params["text"].endswith("✓ Approved by Lead 50.")
        created = [c for c in chat.api.calls if c.method == "createForumTopic"]
        assert len(created) == 2  # once per claim
        assert len([c for c in chat.api.calls if c.method == "getChat"]) == 1


async def test_a_deleted_topic_makes_a_new_one_and_the_card_arrives(
    bot: Any, settings: Settings
) -> None:
    async with bot(settings_=with_group(settings)) as chat:
        chat.api.add_group(GROUP, forum=True)
        first = await team_claim(chat, submit=True)
        (topic,) = calls_to(first, "createForumTopic")
        thread = int(topic.result["message_thread_id"])
        chat.api.delete_topic(GROUP, thread)  # someone in the group deleted the topic

        second = await resubmit(chat)
        # The send into the old topic failed; a new topic was made and the card sent there.
        (new_topic,) = calls_to(second, "createForumTopic")
        new_thread = int(new_topic.result["message_thread_id"])
        assert new_thread != thread
        (card,) = review_cards(second, GROUP)
        assert thread_of(card) == new_thread
        assert card.params["text"].startswith("📝 Review #2 · claim #1 · ")
        assert chat.api.message(GROUP, card.result["message_id"]) is not None
        assert await chat.services.storage.reviews.topic(GROUP, 1) == new_thread
        assert alerts(second)[-1].startswith("Submitted for review (#2).")
        # Still one copy of the review, in the group, that a lead can press.
        assert await chat.services.storage.reviews.messages(2) == [
            (GROUP, card.result["message_id"])
        ]


async def test_a_group_that_is_not_a_forum_gets_the_card_in_its_main_chat(
    bot: Any, settings: Settings
) -> None:
    async with bot(settings_=with_group(settings)) as chat:
        chat.api.add_group(GROUP)
        first = await team_claim(chat, submit=True)
        (card,) = review_cards(first, GROUP)
        assert thread_of(card) is None
        assert calls_to(first, "createForumTopic") == []
        assert review_cards(first, LEAD) == review_cards(first, LEAD2) == []
        # Not a forum: remembered, not asked again with the next card.
        second = await resubmit(chat)
        (card2,) = review_cards(second, GROUP)
        assert thread_of(card2) is None
        assert calls_to(second, "getChat") == calls_to(second, "createForumTopic") == []
        assert await chat.services.storage.reviews.is_forum(GROUP) is False


# --- The lead on duty -----------------------------------------------------------------------
async def test_the_lead_on_duty_chosen_in_settings_gets_the_only_copy(bot: Any) -> None:
    async with bot() as chat:
        await team(chat)
        screen = texts(await chat.send("/settings"))[0]
        assert "each team lead, privately" in screen
        duty = await chat.press("Lead on duty")
        assert alerts(duty) == [""]
        assert chat.labels() == ["Lead 50", "Lead 51", "Agent", "Nobody: every lead ✓", "◂ Back"]
        chosen = await chat.press("Lead 51")
        assert alerts(chosen) == ["Saved."]
        (shown,) = calls_to(chosen, "editMessageText")
        assert "the lead on duty, Lead 51, privately" in shown.params["text"]
        assert await chat.services.storage.options.get(ON_DUTY) == str(LEAD2)
        await chat.press("Lead on duty")
        assert "Lead 51 ✓" in chat.labels()

        await open_claim(chat, AGENT)
        submitted = await chat.press("📤 Submit for review", AGENT)
        assert review_cards(submitted, LEAD) == []
        (card,) = review_cards(submitted, LEAD2)
        assert card.params["text"].startswith("📝 Review #1 · claim #1 · ")
        assert alerts(submitted)[-1].startswith("Submitted for review (#1).")

        # The one copy: the decision edits it.
        approved = await chat.press_data("r:1:ok", chat.last_keyboard(LEAD2), LEAD2)
        assert alerts(approved) == ["Approved."]
        (edit,) = calls_to(approved, "editMessageText")
        assert int(edit.params["chat_id"]) == LEAD2
        assert edit.params["text"].endswith("✓ Approved by Lead 51.")

        # Nobody on duty again: every lead gets the next card.
        await chat.send("/settings")
        await chat.press("Lead on duty")
        back = await chat.press("Nobody: every lead")
        assert alerts(back) == ["Saved."]
        assert await chat.services.storage.options.get(ON_DUTY) is None
        await open_claim(chat, AGENT, order=OTHER_ORDER)
        every = await chat.press("📤 Submit for review", AGENT)
        assert len(review_cards(every, LEAD)) == len(review_cards(every, LEAD2)) == 1


async def test_only_an_admin_chooses_the_lead_on_duty(bot: Any) -> None:
    async with bot() as chat:
        await team(chat)
        refused = await chat.send("/settings", LEAD)
        assert not any("Review cards go to" in t for t in texts(refused))
        # A lead forging the buttons of the admin's screen changes nothing.
        await chat.send("/settings")
        screen = chat.last_keyboard(ADMIN)
        for data in ("s:duty", f"s:dutyset:{LEAD}"):
            forged = await chat.press_data(data, screen, LEAD)
            assert alerts(forged) == [
                "Your role does not allow that. Ask your team's admin if you need it."
            ]
            assert calls_to(forged, "editMessageText") == []
            assert texts(forged, ADMIN) == []
        assert await chat.services.storage.options.get(ON_DUTY) is None
        # An agent cannot be put on duty, even by the admin's forged button.
        refused_agent = await chat.press_data(f"s:dutyset:{AGENT}", screen, ADMIN)
        assert alerts(refused_agent) == ["They are not a team lead."]
        assert await chat.services.storage.options.get(ON_DUTY) is None


async def test_with_a_group_the_group_wins_over_the_lead_on_duty(
    bot: Any, settings: Settings
) -> None:
    async with bot(settings_=with_group(settings)) as chat:
        chat.api.add_group(GROUP)
        await team(chat)
        await chat.services.store.set_on_duty(LEAD2, await person(chat, ADMIN))
        # The settings say where cards go, and offer no lead on duty (the group gets them).
        screen = texts(await chat.send("/settings"))[0]
        assert f"the leads' group {GROUP}" in screen
        assert "Lead on duty" not in chat.labels()
        await open_claim(chat, AGENT)
        submitted = await chat.press("📤 Submit for review", AGENT)
        assert len(review_cards(submitted, GROUP)) == 1
        assert review_cards(submitted, LEAD) == review_cards(submitted, LEAD2) == []


# --- Neither: every lead, and only the decider's copy is edited ----------------------------------
async def test_with_neither_every_lead_gets_a_copy_and_a_decision_edits_only_the_deciders(
    bot: Any,
) -> None:
    async with bot() as chat:
        submitted = await team_claim(chat, submit=True)
        (first,) = review_cards(submitted, LEAD)
        (second,) = review_cards(submitted, LEAD2)
        assert first.params["text"] == second.params["text"]
        stale = chat.api.message(LEAD2, second.result["message_id"])
        assert stale is not None

        returned_first = await chat.press("↩ Return", LEAD)
        assert texts(returned_first, LEAD)[0].startswith("What should the agent change")
        returned = await chat.send("Add the order id.", LEAD)
        edits = calls_to(returned, "editMessageText")
        assert {int(c.params["chat_id"]) for c in edits} == {LEAD}
        untouched = chat.api.message(LEAD2, second.result["message_id"])
        assert untouched == stale  # the other lead's copy: not one call

        # The other lead presses the old copy: told who decided; the decision stands.
        events_before = [e.kind for e in await chat.services.storage.events.for_claim(1)]
        late = await chat.press_data("r:1:ok", stale, LEAD2)
        (answer,) = alerts(late)
        assert answer.startswith("↩ Returned by Lead 50")
        assert texts(late) == []
        review = await chat.services.storage.reviews.get(1)
        assert review is not None
        assert review.status is ReviewStatus.RETURNED
        events_after = [e.kind for e in await chat.services.storage.events.for_claim(1)]
        assert events_after == events_before
        assert "draft_approved" not in events_after
