"""Team leads in the loop: submitting, approving, correcting, returning, racing, and the
review switch, through the real Application."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from bot.storage import ReviewStatus
from tests.helpers import (
    AGENT,
    LEAD,
    LEAD2,
    ORDER,
    alerts,
    button_data,
    open_claim,
    stored_claim,
    team,
    team_claim,
    texts,
)


def review_cards(calls: list[Any], chat_id: int) -> list[str]:
    return [t for t in texts(calls, chat_id) if t.startswith("📝 Review #")]


async def test_agent_submits_lead_approves_agent_marks_sent(bot: Any) -> None:
    async with bot() as chat:
        opened = await team_claim(chat)
        assert "Submit for review" in str(opened[-1].params["reply_markup"])
        assert "Mark as sent" not in str(opened[-1].params["reply_markup"])
        assert any("A team lead reviews it before it goes out." in t for t in texts(opened))

        # Marking it sent before review is refused on the server, whatever the buttons say.
        draft = await chat.services.storage.drafts.latest(1, "inquiry")
        assert draft is not None
        claim = await stored_claim(chat)
        forged = await chat.press_data(f"c:1:{claim.revision}:sent:{draft.id}", user_id=AGENT)
        assert alerts(forged) == [
            "A team lead has to approve this version first: submit it for review."
        ]
        unsent = await chat.services.storage.drafts.get(draft.id)
        assert unsent is not None
        assert unsent.sent_at is None

        submitted = await chat.press("📤 Submit for review", AGENT)
        # The confirmation is the answer to the press, not one more message.
        assert texts(submitted, AGENT) == []
        (confirmation,) = alerts(submitted)
        assert confirmation.startswith("Submitted for review (#1).")
        for lead in (LEAD, LEAD2):
            (card,) = review_cards(submitted, lead)
            assert card.startswith(
                "📝 Review #1 · claim #1 · First contact: apology and question, version 1"
            )
            assert "Submitted by Anna." in card
            assert "Plan step 2 of 7: Contact the buyer" in card
            assert "3 days left." in card
            assert draft.body in card
            assert "What it says, in English (for you, not for sending):" in card
        assert chat.labels(LEAD) == ["✓ Approve", "✎ Edit", "↩ Return"]

        second_copy = chat.last_keyboard(LEAD2)
        approved = await chat.press("✓ Approve", LEAD)
        assert alerts(approved) == ["Approved."]
        # One message to the agent: who approved, then the final text, with the buttons.
        (notice,) = texts(approved, AGENT)
        assert notice.startswith(
            "✓ Lead 50 approved First contact: apology and question, version 1"
        )
        assert notice.endswith("\n\n" + draft.body)
        # The deciding lead's copy says who decided, without buttons: one edit. Every lead got
        # the card privately (no group, nobody on duty): the other copy is not edited.
        (edit,) = [c for c in approved if c.method == "editMessageText"]
        assert int(edit.params["chat_id"]) == LEAD
        assert edit.params["text"].endswith("✓ Approved by Lead 50.")
        assert "reply_markup" not in edit.params
        # Its buttons say who decided when pressed, and change nothing.
        for action in ("ok", "edit", "ret"):
            late = await chat.press_data(f"r:1:{action}", second_copy, LEAD2)
            assert alerts(late) == ["✓ Approved by Lead 50."]
            assert texts(late) == []
        stale = chat.api.message(LEAD2, second_copy["message_id"])
        assert stale is not None
        assert stale["text"].endswith("✓ Approved by Lead 50.")
        assert "reply_markup" not in stale
        events = [e.kind for e in await chat.services.storage.events.for_claim(1)]
        assert events.count("draft_approved") == 1

        sent = await chat.press("✓ Mark as sent", AGENT)
        assert "Marked as sent" in " ".join(texts(sent, AGENT))
        record = await chat.services.storage.drafts.get(draft.id)
        assert record is not None
        assert record.sent_at is not None
        kinds = [e.kind for e in await chat.services.storage.events.for_claim(1)]
        assert kinds[-3:] == ["draft_submitted", "draft_approved", "draft_sent"]


async def test_two_leads_racing_on_one_draft_one_decision_wins(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, submit=True)
        first = chat.last_keyboard(LEAD)
        second = chat.last_keyboard(LEAD2)
        approve = "r:1:ok"
        before = len(chat.api.calls)
        await asyncio.gather(
            chat.press_data(approve, first, LEAD), chat.press_data(approve, second, LEAD2)
        )
        # The two updates ran interleaved: attribute each answer by its callback query.
        calls = chat.api.calls[before:]
        answers: dict[str, list[str]] = {}
        for call in calls:
            if call.method == "answerCallbackQuery":
                answers.setdefault(call.params["callback_query_id"], []).append(
                    call.params.get("text", "")
                )
        assert len(answers) == 2
        outcomes = sorted(answers.values())
        # One lead is told "Approved."; the other is told who decided, in an alert.
        assert outcomes[0] == ["Approved."]
        assert outcomes[1] in (["✓ Approved by Lead 50."], ["✓ Approved by Lead 51."])
        review = await chat.services.storage.reviews.get(1)
        assert review is not None
        assert review.status is ReviewStatus.APPROVED
        events = [e.kind for e in await chat.services.storage.events.for_claim(1)]
        assert events.count("draft_approved") == 1
        # The agent hears about it once.
        notices = [t for t in texts(calls, AGENT) if t.startswith("✓ ")]
        assert len(notices) == 1


async def test_approve_against_return_race_stores_exactly_one_decision(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, submit=True)
        await chat.press("↩ Return", LEAD2)  # asks LEAD2 for a comment
        await chat.press("✓ Approve", LEAD)
        late = await chat.send("Please be warmer.", LEAD2)
        assert texts(late, LEAD2) == ["Too late: someone decided first. ✓ Approved by Lead 50."]
        assert texts(late, AGENT) == []
        review = await chat.services.storage.reviews.get(1)
        assert review is not None
        assert review.status is ReviewStatus.APPROVED


async def test_returned_draft_is_edited_resubmitted_and_approved(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        await chat.press("↩ Return", LEAD)
        returned = await chat.send("Mention the replacement we can send.", LEAD)
        assert texts(returned, LEAD) == ["Returned to Anna with your comment."]
        (notice,) = texts(returned, AGENT)
        assert notice.startswith("↩ Lead 50 returned First contact: apology and question")
        assert "“Mention the replacement we can send.”" in notice
        assert chat.labels(AGENT) == ["✎ Edit", "◂ Back to the claim"]

        await chat.press("✎ Edit", AGENT)
        draft = await chat.services.storage.drafts.latest(1, "inquiry")
        assert draft is not None
        edited_text = draft.body.replace(
            "Mit freundlichen Grüßen",
            "Gern senden wir Ihnen auch sofort Ersatz.\n\nMit freundlichen Grüßen",
        )
        edited = await chat.send(edited_text, AGENT)
        assert any("version 2" in t for t in texts(edited, AGENT))
        resubmitted = await chat.press("📤 Submit for review", AGENT)
        (card,) = review_cards(resubmitted, LEAD)
        assert card.startswith(
            "📝 Review #2 · claim #1 · First contact: apology and question, version 2"
        )
        assert "Changes from the generated version 1:" in card
        assert "+ Gern senden wir Ihnen auch sofort Ersatz." in card
        assert "Edited by the agent." in card

        approved = await chat.press("✓ Approve", LEAD)
        (notice,) = texts(approved, AGENT)
        head, body = notice.split("\n\n", 1)
        assert "version 2" in head
        assert body == edited_text
        await chat.press("✓ Mark as sent", AGENT)
        record = await chat.services.storage.drafts.latest(1, "inquiry")
        assert record is not None
        assert record.version == 2
        assert record.sent_at is not None
        statuses = [
            (r.id, r.status)
            for r in [await chat.services.storage.reviews.get(i) for i in (1, 2)]
            if r is not None
        ]
        assert statuses == [(1, ReviewStatus.RETURNED), (2, ReviewStatus.APPROVED)]


async def test_lead_corrects_the_text_and_approves_the_correction(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        asked = await chat.press("✎ Edit", LEAD)
        draft = await chat.services.storage.drafts.latest(1, "inquiry")
        assert draft is not None
        assert texts(asked, LEAD)[:2] == ["The current text, to copy and correct:", draft.body]
        corrected = draft.body.replace("Guten Tag,", "Guten Tag und danke für Ihre Nachricht,")
        calls = await chat.send(corrected, LEAD)
        (card,) = review_cards(calls, LEAD)
        assert card.startswith(
            "📝 Review #2 · claim #1 · First contact: apology and question, version 2"
        )
        assert "Written or edited by Lead 50." in card
        (notice,) = texts(calls, AGENT)
        assert notice.startswith("✎ Lead 50 is correcting First contact")
        approved = await chat.press("✓ Approve", LEAD)
        (notice,) = texts(approved, AGENT)
        assert notice.endswith("\n\n" + corrected)
        first = await chat.services.storage.reviews.get(1)
        assert first is not None
        assert first.status is ReviewStatus.EDITED


async def test_a_blocked_draft_cannot_be_approved(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,))
        await chat.press("✎ Edit", AGENT)
        # An e-mail address in a message to a buyer breaks Amazon's rules.
        blocked = f"Hallo, schreiben Sie uns zu Bestellung {ORDER} an service@acme-home.de."
        await chat.send(blocked, AGENT)
        submitted = await chat.press("📤 Submit for review", AGENT)
        (card,) = review_cards(submitted, LEAD)
        assert "⛔" in card
        assert "cannot be approved as it is" in card
        assert chat.labels(LEAD) == ["✎ Edit", "↩ Return"]
        forged = await chat.press_data("r:1:ok", user_id=LEAD)
        assert alerts(forged) == [
            "It breaks a messaging rule and cannot be approved as it is: edit it or return it."
        ]
        review = await chat.services.storage.reviews.get(1)
        assert review is not None
        assert review.status is ReviewStatus.PENDING


async def test_review_off_lets_agents_mark_sent_and_admin_switches_it(bot: Any) -> None:
    async with bot() as chat:
        await team(chat, leads=(LEAD,))
        screen = await chat.send("/settings")
        assert "Review of agents' drafts by a team lead: on" in texts(screen)[0]
        switched = await chat.press("Turn review off")
        assert alerts(switched) == ["Saved."]
        assert "Review of agents' drafts by a team lead: off" in switched[-1].params["text"]
        opened = await open_claim(chat, AGENT)
        assert "Mark as sent" in str(opened[-1].params["reply_markup"])
        assert "Submit for review" not in str(opened[-1].params["reply_markup"])
        sent = await chat.press("✓ Mark as sent", AGENT)
        assert texts(sent, LEAD) == []
        draft = await chat.services.storage.drafts.latest(1, "inquiry")
        assert draft is not None
        assert draft.sent_at is not None
        # The switch is in the audit trail, and survives a restart.
    async with bot() as chat:
        assert await chat.services.reviews.required() is False


async def test_leads_and_admins_send_their_own_drafts_without_review(bot: Any) -> None:
    async with bot() as chat:
        await team(chat, leads=(LEAD,))
        opened = await open_claim(chat, LEAD)
        assert "Mark as sent" in str(opened[-1].params["reply_markup"])
        sent = await chat.press("✓ Mark as sent", LEAD)
        assert any(t.startswith("Marked as sent") for t in texts(sent, LEAD))


async def test_queue_lists_pending_reviews_most_urgent_first(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await team(chat, leads=(LEAD,))
        await open_claim(chat, AGENT, order="303-0000001-0000001")
        clock.advance(hours=5)
        await open_claim(chat, AGENT, order="303-0000002-0000002")
        # Submit the later claim first: the queue still puts the earlier deadline first.
        await chat.press("📤 Submit for review", AGENT)
        first_claim_draft = await chat.services.storage.drafts.latest(1, "inquiry")
        claim = await chat.services.storage.claims.get(1)
        assert first_claim_draft is not None
        assert claim is not None
        await chat.press_data(f"c:1:{claim.revision}:submit:{first_claim_draft.id}", user_id=AGENT)
        queue = await chat.send("/queue", LEAD)
        (text,) = texts(queue)
        lines = text.splitlines()
        assert lines[0] == "Drafts waiting for review, most urgent first (1–2 of 2):"
        assert "#1 · 303-0000001-0000001" in lines[1]
        assert "#2 · 303-0000002-0000002" in lines[2]
        opened = await chat.press(chat.labels(LEAD)[0], LEAD)
        assert review_cards(opened, LEAD)[0].startswith("📝 Review #2 · claim #1")
        refused = await chat.send("/queue", AGENT)
        assert texts(refused) == [
            "Your role does not allow that. Ask your team's admin if you need it."
        ]


async def test_resubmitting_a_new_version_supersedes_the_old_review_card(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        old_card = chat.last_keyboard(LEAD)
        await chat.press("✎ Edit", AGENT)
        draft = await chat.services.storage.drafts.latest(1, "inquiry")
        assert draft is not None
        calls = await chat.send(draft.body + "\n", AGENT)  # same text: still a new version
        calls += await chat.send("/claims", AGENT)
        # The card went to the leads privately: their /queue is the truth, the old card is
        # not edited (no call per lead) until a lead presses it.
        assert [c for c in calls if c.method == "editMessageText"] == []
        pressed = await chat.press_data("r:1:ok", old_card, LEAD)
        assert alerts(pressed)[0] == "Replaced by a newer version, or sent without review."
        old = chat.api.message(LEAD, old_card["message_id"])
        assert old is not None
        assert "reply_markup" not in old
        assert old["text"].endswith("Replaced by a newer version, or sent without review.")
        queue = await chat.send("/queue", LEAD)
        assert texts(queue) == ["No draft is waiting for review."]


async def test_a_lead_restarted_mid_return_finishes_it(bot: Any) -> None:
    """The question a review asked (the comment) is in the database: it outlives a restart,
    and so do the review and where its cards are."""
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD, LEAD2), submit=True)
        await chat.press("↩ Return", LEAD)
        api = chat.api
    async with bot(api=api) as chat:
        chat.names.update({AGENT: "Anna", LEAD: "Lead 50", LEAD2: "Lead 51"})
        returned = await chat.send("Add the order id to the subject.", LEAD)
        assert texts(returned, LEAD) == ["Returned to Anna with your comment."]
        # The lead's own card says so; the other lead's private copy is left for them to
        # press (every lead got the card: no edit per lead).
        (copy,) = [c for c in returned if c.method == "editMessageText"]
        assert int(copy.params["chat_id"]) == LEAD
        assert copy.params["text"].endswith("“Add the order id to the subject.”")


async def test_review_cards_go_to_the_leads_group_when_one_is_set(bot: Any, settings: Any) -> None:
    group = -1001234567890
    async with bot(settings_=replace(settings, leads_chat=group)) as chat:
        submitted = await team_claim(chat, submit=True)
        assert review_cards(submitted, LEAD) == []
        assert review_cards(submitted, LEAD2) == []
        (card,) = review_cards(submitted, group)
        assert "Submitted by Anna." in card
        message = next(
            c.result
            for c in submitted
            if c.method == "sendMessage" and c.result["chat"]["id"] == group
        )
        in_group = {**message, "chat": {"id": group, "type": "supergroup", "title": "Leads"}}
        # A lead asks to return it from the group: the question comes privately.
        asked = await chat.feed(chat.factory.callback(chat.user(LEAD2), in_group, "r:1:ret"))
        assert texts(asked, LEAD2)[0].startswith("What should the agent change in review #1?")
        assert texts(asked, group) == []
        # Another lead approves in the group at the same time: that decision stands.
        approved = await chat.feed(chat.factory.callback(chat.user(LEAD), in_group, "r:1:ok"))
        assert alerts(approved) == ["Approved."]
        edited = [c for c in approved if c.method == "editMessageText"]
        assert {int(c.params["chat_id"]) for c in edited} == {group}
        assert edited[-1].params["text"].endswith("✓ Approved by Lead 50.")
        late = await chat.send("Too formal.", LEAD2)
        assert texts(late, LEAD2) == ["Too late: someone decided first. ✓ Approved by Lead 50."]


async def test_each_lead_reads_the_card_in_their_own_language(bot: Any) -> None:
    async with bot() as chat:
        await team(chat)
        await chat.send("/start", LEAD2, language_code="zh-hans")  # their Telegram is Chinese
        await open_claim(chat, AGENT)
        submitted = await chat.press("📤 Submit for review", AGENT)
        (english,) = review_cards(submitted, LEAD)
        (chinese,) = [t for t in texts(submitted, LEAD2) if t.startswith("📝 ")]
        assert "What it says, in English (for you, not for sending):" in english
        assert chinese.startswith("📝 审核 #1 · 索赔 #1 · ")
        assert "由 Anna 提交。" in chinese
        # The German draft is the same in both; the preview is in each lead's language.
        draft = await chat.services.storage.drafts.latest(1, "inquiry")
        assert draft is not None
        assert draft.body in english
        assert draft.body in chinese
        assert "We are sorry" in english
        assert "We are sorry" not in chinese
        assert chat.labels(LEAD2) == ["✓ 通过", "✎ 编辑", "↩ 退回"]


async def test_submitting_an_approved_version_again_repeats_the_approval(bot: Any) -> None:
    """The approval notice can be lost (the bot stopped between the lead's decision and the
    message). Pressing Submit again brings it back instead of a second review."""
    async with bot() as chat:
        await team_claim(chat)
        submit = chat.keyboards(AGENT)[0]
        data = button_data(submit, ":submit:")
        await chat.press_data(data, submit, AGENT)
        await chat.press("✓ Approve", LEAD)
        again = await chat.press_data(data, submit, AGENT)
        assert alerts(again) == ["Already approved."]
        (head,) = texts(again, AGENT)
        assert head.startswith("✓ Lead 50 approved First contact: apology and question, version 1")
        assert "✓ Mark as sent" in str(again[-1].params["reply_markup"])
        assert review_cards(again, LEAD) == []  # no second card, no second review
        reviews = await chat.services.storage.db.fetchall("SELECT status FROM reviews")
        assert [r[0] for r in reviews] == ["approved"]


async def test_a_returned_draft_reopened_shows_the_leads_comment(bot: Any) -> None:
    """The return notice scrolls away; the draft itself, reopened from the card, still says
    what the lead asked for, until the agent's new version replaces it."""
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        await chat.press("↩ Return", LEAD)
        await chat.send("Mention the replacement we can send.", LEAD)
        await chat.send("/claims", AGENT)
        await chat.press_data("l:o:1", user_id=AGENT)
        await chat.press("All drafts", AGENT)
        reopened = await chat.press("First contact: apology and question", AGENT)
        header = texts(reopened, AGENT)[0]
        assert "version 1" in header
        assert "\n↩ Returned by Lead 50: “Mention the replacement we can send.”\n" in header

        await chat.press("✎ Edit", AGENT)
        draft = await chat.services.storage.drafts.latest(1, "inquiry")
        assert draft is not None
        edited = await chat.send(draft.body + "\nErsatz ist unterwegs.", AGENT)
        assert "version 2" in texts(edited, AGENT)[0]
        assert "Returned by" not in texts(edited, AGENT)[0]


async def test_a_leads_correction_is_not_called_the_agents_own_text(bot: Any) -> None:
    """The lead corrects the agent's draft and approves it; the agent reopens it: the header
    says who wrote it, not "Your edited text"."""
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        await chat.press("✎ Edit", LEAD)
        draft = await chat.services.storage.drafts.latest(1, "inquiry")
        assert draft is not None
        await chat.send(draft.body.replace("Guten Tag,", "Guten Tag und danke,"), LEAD)
        await chat.press("✓ Approve", LEAD)
        await chat.send("/claims", AGENT)
        await chat.press_data("l:o:1", user_id=AGENT)
        await chat.press("All drafts", AGENT)
        reopened = await chat.press("First contact: apology and question", AGENT)
        head = texts(reopened, AGENT)[0]
        assert "version 2" in head
        assert "\nWritten or edited by Lead 50.\n" in head
        assert "Your edited text." not in head
        assert "Your own text." not in head
