"""Review in the chat: the agent's submission, the cards team leads decide on, /queue, and
the notices each side receives. The rules live in bot/services/review.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Final

from telegram import Bot, Message, Update
from telegram.constants import CallbackQueryLimit
from telegram.error import TelegramError

from bot.domain.claims import Claim
from bot.domain.compliance import Finding
from bot.domain.errors import (
    ClaimClosedError,
    JourneyError,
    ReviewBlockedError,
    ReviewNotFoundError,
    TextError,
)
from bot.domain.people import Permission
from bot.domain.questions import PendingQuestion, QuestionKind
from bot.handlers import questions
from bot.handlers.access import deny, permitted, pressed, refuse_button
from bot.handlers.common import (
    answer_button,
    close_keyboard,
    joined,
    send,
    send_to,
    show,
    unchanged,
)
from bot.handlers.context import ClaimContext, Services
from bot.handlers.outbox import outgoing
from bot.i18n.translator import Translator
from bot.services.journey import Journey, PreparedDraft
from bot.services.people import on_team
from bot.services.review import CardRenderer, NotAllowedError, ReviewDecidedError, ReviewItem
from bot.storage import DraftRecord, OutboxRecord, Outgoing, ReviewStatus, User
from bot.storage.database import Connection
from bot.views import prompts
from bot.views import review as views
from bot.views.buttons import ReviewButton, parse_queue_button, parse_review_button
from bot.views.card import Rows

log = logging.getLogger(__name__)

MAX_ANSWER: Final = CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH  # 200
MAX_TOPIC_NAME: Final = 128  # a forum topic's name, in characters
CARD_KIND: Final = "review_card"  # the outbox rows of review cards to the leads


# --- Delivering cards --------------------------------------------------------------------------
async def _preview(
    context: ClaimContext, item: ReviewItem, tr: Translator
) -> tuple[str, str] | None:
    journey = context.services.journey
    submitter = item.people.get(item.review.submitted_by)
    if submitter is None:
        return None
    prepared = PreparedDraft(item.claim, item.draft, item.findings, False, None)
    draft = await journey.preview(prepared, tr.language, submitter)
    return (draft.language, draft.text) if draft is not None else None


async def _send_card(
    context: ClaimContext,
    chat_id: int,
    item: ReviewItem,
    tr: Translator,
    preview: tuple[str, str] | None,
) -> tuple[int, int] | None:
    """Send the review card to one chat; where it went, if it has buttons to update later."""
    text, rows = views.review_card(tr, item, context.services.clock(), preview)
    message = await send_to(context, chat_id, text, rows)
    return (chat_id, message.message_id) if message is not None and rows else None


async def show_review(
    context: ClaimContext, chat_id: int, item: ReviewItem, tr: Translator
) -> None:
    """Send the review card to one chat and remember where, to update it on a decision."""
    copy = await _send_card(context, chat_id, item, tr, await _preview(context, item, tr))
    await context.services.storage.reviews.add_messages(item.review.id, [copy] if copy else [])


class LeadCards:
    """`ReviewCards` for the chat: the new review's card to each recipient (the leads' group,
    the lead on duty, or every lead), each in its language, the preview rendered once per
    language before the submission's transaction."""

    def __init__(
        self,
        journey: Journey,
        translator: Callable[[str | None], Translator],
        clock: Callable[[], datetime],
    ) -> None:
        self.journey = journey
        self.translator = translator
        self.clock = clock

    async def prepare(
        self,
        claim: Claim,
        draft: DraftRecord,
        findings: tuple[Finding, ...],
        submitter: User,
        recipients: Sequence[tuple[int, str | None]],
    ) -> CardRenderer:
        previews: dict[str, tuple[str, str] | None] = {}
        chats: list[tuple[int, Translator]] = []
        for chat_id, language in recipients:
            tr = self.translator(language)
            if tr.language not in previews:
                prepared = PreparedDraft(claim, draft, findings, False, None)
                shown = await self.journey.preview(prepared, tr.language, submitter)
                previews[tr.language] = (shown.language, shown.text) if shown else None
            chats.append((chat_id, tr))
        now = self.clock()

        def render(item: ReviewItem) -> list[Outgoing]:
            rows: list[Outgoing] = []
            for chat_id, tr in chats:
                text, buttons = views.review_card(tr, item, now, previews[tr.language])
                rows.extend(outgoing(chat_id, text, CARD_KIND, buttons))
            return rows

        return render


class CardDelivery:
    """The outbox's `Delivery` of review cards: into the claim's forum topic in a forum group,
    and where each card went stored for the decision's edit (review_messages)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def thread(self, bot: Bot, record: OutboxRecord) -> int | None:
        if record.chat_id > 0 or record.claim_id is None:
            return None
        claim = await self.services.storage.claims.get(record.claim_id)
        if claim is None:
            return None
        chats = await self.services.reviews.lead_chats()
        language = next((lang for chat, lang in chats if chat == record.chat_id), None)
        tr = self.services.translator(language)
        return await _topic(bot, self.services, record.chat_id, claim, tr)

    async def lost_thread(self, record: OutboxRecord) -> None:
        if record.claim_id is not None:
            await self.services.storage.reviews.forget_topic(record.chat_id, record.claim_id)

    async def sent(self, tx: Connection, record: OutboxRecord, message_id: int) -> None:
        if record.rows and record.event_id is not None:  # the piece with the buttons
            reviews = self.services.storage.reviews
            await reviews.add_message_of_event(tx, record.event_id, record.chat_id, message_id)


async def _topic(
    bot: Bot, services: Services, chat_id: int, claim: Claim, tr: Translator
) -> int | None:
    """The claim's forum topic in the leads' group, when the group is a forum: whether it is
    one is asked once (getChat) and remembered; the topic is made on first use
    (createForumTopic, which needs the bot to be an admin allowed to manage topics) and its
    thread id stored. None: the group's main chat (not a forum, or the topic cannot be made:
    the card is not lost for that)."""
    reviews = services.storage.reviews
    forum = await reviews.is_forum(chat_id)
    if forum is None:
        try:
            chat = await bot.get_chat(chat_id)
        except TelegramError as error:
            log.warning("could not read chat %s: %s", chat_id, type(error).__name__)
            return None  # not remembered: asked again with the next card
        forum = bool(chat.is_forum)
        await reviews.set_forum(chat_id, forum, services.clock())
    if not forum:
        return None
    thread = await reviews.topic(chat_id, claim.id)
    if thread is not None:
        return thread
    name = tr.gettext("Claim #%(number)s · order %(order_id)s") % {
        "number": claim.id,
        "order_id": claim.facts.order_id,
    }
    try:
        topic = await bot.create_forum_topic(chat_id, name[:MAX_TOPIC_NAME])
    except TelegramError as error:
        log.warning("could not open a topic in chat %s: %s", chat_id, type(error).__name__)
        return None
    await reviews.set_topic(chat_id, claim.id, topic.message_thread_id)
    return topic.message_thread_id


async def refresh_copies(
    context: ClaimContext,
    review_ids: list[int] | tuple[int, ...],
    *,
    actor: int | None = None,
    done: tuple[int, int] | None = None,
) -> None:
    """The shown copies of these (now decided) reviews say who decided, without buttons.
    When review cards go to every lead privately (neither a group nor a lead on duty), only
    the copies in the chat of the person who acted (`actor`) and in groups are edited: one
    edit per lead per decision is what Telegram's limits cannot carry; each lead's /queue is
    the truth, and the other copies' buttons say who decided when pressed. `done`: the copy
    the caller already edited (the pressed one)."""
    services = context.services
    fan_out = await services.reviews.fan_out()
    for review_id in review_ids:
        copies = [
            (chat, message)
            for chat, message in await services.storage.reviews.messages(review_id)
            if (chat, message) != done and (not fan_out or chat < 0 or chat == actor)
        ]
        if not copies:
            continue
        item = await services.reviews.item(review_id)
        if item is None:
            continue
        for chat_id, message_id in copies:
            tr = await _translator_for_chat(context, chat_id)
            try:
                await context.bot.edit_message_text(
                    views.decided_copy(tr, item), chat_id=chat_id, message_id=message_id
                )
            except TelegramError:
                # Deleted, too old or unchanged: the server refuses the stale buttons anyway.
                continue


async def _translator_for_chat(context: ClaimContext, chat_id: int) -> Translator:
    """A person's chat (positive id) in their language; a group's in English."""
    users = context.services.storage.users
    return context.services.translator_for(await users.get(chat_id) if chat_id > 0 else None)


async def _person(context: ClaimContext, user_id: int | None) -> tuple[User | None, Translator]:
    """The claim's agent (None for an unassigned claim: nobody to tell) and their language."""
    person = None if user_id is None else await context.services.storage.users.get(user_id)
    return person, context.services.translator_for(person)


# --- The agent submits -------------------------------------------------------------------------
async def submitted(
    update: Update, context: ClaimContext, item: ReviewItem, superseded: list[int]
) -> None:
    """After a submission: tell the agent, show the card to the reviewers, and mark the
    replaced reviews' cards."""
    # The draft's buttons stay: editing it again makes a new version that replaces this one.
    if item.review.status is ReviewStatus.APPROVED:
        # Pressed again after the approval, whose notice never arrived (say the bot was
        # stopped between the lead's decision and the message): the approval, once more.
        await answer_button(update, context.tr.gettext("Already approved."))
        await _tell_agent_approved(context, item)
        return
    await refresh_copies(context, superseded, actor=context.require_actor().id)
    # The cards were written to the outbox with the submission: sent now. A submission pressed
    # again (say the bot died before its cards went out) writes none: its claim's cards still
    # waiting are sent now, as the press asks.
    services = context.services
    cards = item.notices or tuple(await services.storage.outbox.waiting(item.claim.id, CARD_KIND))
    await services.outbox.deliver(context.bot, cards)
    count = len(await services.reviews.recipients(item.review))
    note = views.submitted_note(context.tr, item, count)
    if count and len(note) <= MAX_ANSWER:
        # The confirmation is the answer to the press itself, not one more message.
        await answer_button(update, note)
        return
    await answer_button(update, context.tr.gettext("Submitted for review."))
    await send(update, note)


# --- Leads decide ------------------------------------------------------------------------------
async def queue_command(update: Update, context: ClaimContext) -> None:
    if await permitted(update, context, Permission.REVIEW):
        await _queue_page(update, context, 0, replace=False)


async def queue_button(update: Update, context: ClaimContext) -> None:
    offset = await pressed(update, context, parse_queue_button, Permission.REVIEW)
    if offset is None:
        return
    await answer_button(update)
    await _queue_page(update, context, offset, replace=True)


async def _queue_page(update: Update, context: ClaimContext, offset: int, *, replace: bool) -> None:
    reviews = context.services.reviews
    stores = context.require_actor().stores  # a lead limited to stores sees only theirs
    total, items = await reviews.queue(offset=offset, limit=views.QUEUE_PAGE, stores=stores)
    if offset and offset >= total:
        offset = max(0, total - views.QUEUE_PAGE)
        total, items = await reviews.queue(offset=offset, limit=views.QUEUE_PAGE, stores=stores)
    text, rows = views.queue_list(
        context.tr, items, total=total, offset=offset, now=context.services.clock()
    )
    await show(update, text, rows, replace_pressed=replace)


async def review_button(update: Update, context: ClaimContext) -> None:
    button = await pressed(update, context, parse_review_button, Permission.REVIEW)
    if button is None:
        return
    actor = context.require_actor()
    reviews = context.services.reviews
    try:
        if button.action == "open":
            await _open(update, context, button)
        elif button.action == "ok":
            item = await reviews.approve(button.review_id, actor)
            await answer_button(update, context.tr.gettext("Approved."))
            await _decided(update, context, item)
            await _deliver(context, item)
        elif button.action == "stop":
            await questions.done(context)
            await answer_button(update)
            await close_keyboard(update, context.tr.gettext("Nothing was changed."))
        else:
            item = await reviews.open_for_decision(button.review_id, actor)
            await answer_button(update)
            kind = (
                QuestionKind.REVIEW_EDIT if button.action == "edit" else QuestionKind.REVIEW_RETURN
            )
            await _ask(update, context, item, kind)
    except NotAllowedError:
        await deny(update, context, Permission.REVIEW)
    except ReviewDecidedError as decided:
        await _already(update, context, decided)
    except (ReviewBlockedError, ClaimClosedError, ReviewNotFoundError) as error:
        await _review_error(update, context, error)


async def _open(update: Update, context: ClaimContext, button: ReviewButton) -> None:
    item = await context.services.reviews.item(button.review_id)
    if item is None:
        await refuse_button(update, context)
        return
    await answer_button(update)
    await show_review(context, context.require_actor().id, item, context.tr)


async def _already(update: Update, context: ClaimContext, decided: ReviewDecidedError) -> None:
    """The other lead was faster: say who decided, and update this copy of the card."""
    review = decided.review
    item = await context.services.reviews.item(review.id) if review is not None else None
    if item is None:
        await refuse_button(update, context)
        return
    line = views.decision_line(context.tr, item) or ""
    await answer_button(update, line, alert=True)
    await _replace_pressed(update, views.decided_copy(context.tr, item))


async def _review_error(update: Update, context: ClaimContext, error: JourneyError) -> None:
    """A refusal the lead can understand gets its reason; a review that does not exist is
    answered like any button that is not valid."""
    _ = context.tr.gettext
    if isinstance(error, ReviewBlockedError):
        text = _(
            "It breaks a messaging rule and cannot be approved as it is: edit it or return it."
        )
    elif isinstance(error, ClaimClosedError):
        text = _("The claim is closed; there is nothing to review.")
    else:
        await refuse_button(update, context)
        return
    await answer_button(update, text, alert=True)


async def _replace_pressed(update: Update, text: str) -> tuple[int, int] | None:
    """The pressed card now reads `text`, without buttons (no call when it already does);
    which message that was."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return None
    message = query.message
    where = (message.chat_id, message.message_id)
    if unchanged(message, text, None):
        return where
    try:
        await message.edit_text(text)
    except TelegramError:
        return None
    return where


async def _decided(update: Update, context: ClaimContext, item: ReviewItem) -> None:
    """This lead's card shows the decision, and so do the copies `refresh_copies` edits."""
    pressed = await _replace_pressed(update, views.decided_copy(context.tr, item))
    await refresh_copies(context, [item.review.id], actor=context.require_actor().id, done=pressed)


async def _deliver(context: ClaimContext, item: ReviewItem) -> None:
    """The agent's notice of the decision, written to the outbox with it: sent now."""
    if item.notices:
        await context.services.outbox.deliver(context.bot, item.notices)


async def _tell_agent_approved(context: ClaimContext, item: ReviewItem) -> None:
    """The approval once more, to the agent who pressed Submit again (their own press)."""
    agent, tr = await _person(context, item.claim.agent_id)
    if agent is None or not on_team(agent):
        return
    head, body, rows = views.approved_notice(tr, item)
    together = joined(head, body)
    if together is None:  # too long for one message: the text alone after the notice
        await send_to(context, agent.id, head)
    await send_to(context, agent.id, together or body, rows)


async def _ask(
    update: Update,
    context: ClaimContext,
    item: ReviewItem,
    kind: QuestionKind,
    hint: str | None = None,
) -> None:
    """Ask the lead for a corrected text or a comment, in their private chat (the card may
    be in the leads' group, where the answer would be seen by all and maybe not reach me)."""
    actor = context.require_actor()
    claim = item.claim
    pending = PendingQuestion(
        actor.id, kind, None, claim.id, item.draft.id, claim.revision, item.review.id
    )
    await questions.ask(update, context, pending, hint)


async def _prompt(
    update: Update, context: ClaimContext, pending: PendingQuestion, hint: str | None
) -> None:
    item = await context.services.reviews.item(pending.ref or 0)
    if item is not None:
        await _show_prompt(context, pending.user_id, item, pending.kind, hint)


async def _show_prompt(
    context: ClaimContext, chat_id: int, item: ReviewItem, kind: QuestionKind, hint: str | None
) -> None:
    _ = context.tr.gettext
    never_mind: Rows = [prompts.never_mind(context.tr, ReviewButton(item.review.id, "stop").data())]
    if kind is QuestionKind.REVIEW_EDIT:
        if hint is None:
            await send_to(context, chat_id, _("The current text, to copy and correct:"))
            await send_to(context, chat_id, item.draft.body)
        prompt = _(
            "Send the corrected text for review #%(review)s. It will be checked like any draft."
        ) % {"review": item.review.id}
    else:
        prompt = _(
            "What should the agent change in review #%(review)s? Your comment goes to them"
            " with the draft."
        ) % {"review": item.review.id}
    await send_to(context, chat_id, f"{hint}\n\n{prompt}" if hint else prompt, never_mind)


async def _typed_answer(
    update: Update, context: ClaimContext, pending: PendingQuestion, message: Message
) -> bool:
    """The lead's corrected text or comment."""
    _ = context.tr.gettext
    services = context.services
    actor = context.require_actor()
    text = message.text
    review_id = pending.ref or 0
    item: ReviewItem | None = None
    try:
        item = await services.reviews.open_for_decision(review_id, actor)
        if text is None:
            await _ask(update, context, item, pending.kind, _("I can only read text here."))
            return True
        if pending.kind is QuestionKind.REVIEW_EDIT:
            old, new = await services.reviews.correct(review_id, text, actor)
            await questions.done(context)
            await refresh_copies(context, [old.review.id], actor=actor.id)
            await show_review(context, actor.id, new, context.tr)
            await _deliver(context, old)
        else:
            item = await services.reviews.return_draft(review_id, text, actor)
            await questions.done(context)
            await refresh_copies(context, [item.review.id], actor=actor.id)
            await _deliver(context, item)  # the agent's notice, from the outbox
            agent, _agent_tr = await _person(context, item.claim.agent_id)
            await send(
                update,
                _("Returned to %(name)s with your comment.")
                % {"name": agent.name() if agent else item.claim.agent_id or _("Unassigned")},
            )
    except NotAllowedError:
        await questions.done(context)
        await deny(update, context, Permission.REVIEW)
    except ReviewDecidedError:
        await questions.done(context)
        fresh = await services.reviews.item(review_id)
        line = views.decision_line(context.tr, fresh) if fresh is not None else None
        await send(update, _("Too late: someone decided first.") + (f" {line}" if line else ""))
    except TextError as error:
        if item is None:  # pragma: no cover - a text is checked once its review is open
            raise
        await _ask(update, context, item, pending.kind, _(error.msgid) % error.params)
    except (ClaimClosedError, ReviewNotFoundError):
        await questions.done(context)
        await send(update, _("The claim is closed; there is nothing to review."))
    return True


# Not text_only: the review's state (decided, closed) is said before asking for text again.
QUESTIONS: Final = {
    kind: questions.Question(_prompt, _typed_answer, text_only=False)
    for kind in (QuestionKind.REVIEW_EDIT, QuestionKind.REVIEW_RETURN)
}
