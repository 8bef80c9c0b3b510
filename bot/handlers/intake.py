"""/new: the intake, from Telegram updates to the answers and back.

The questions, their order and the claim they make are bot/domain/intake.py; the screens are
bot/views/intake.py; the answers are stored with the question being asked, in one row
(bot/storage: `intakes`), and the transaction that opens the claim marks that row opened. So
a restart resumes at the same question, and an intake whose claim exists is over, wherever the
bot stopped. What is typed reaches the intake through the question registry
(bot/handlers/questions.py) whenever no other question waits; its buttons arrive here.
"""

from __future__ import annotations

from typing import Final

from telegram import Message, Update

from bot.domain.claims import Fulfillment, Reason
from bot.domain.fields import FieldError, parse_field
from bot.domain.intake import (
    OPTIONAL,
    UNREADABLE,
    IntakeAnswers,
    IntakeStep,
    typed_language,
    typed_reason,
)
from bot.domain.marketplaces import BUYER_LANGUAGES, UnknownMarketplaceError, parse_marketplace
from bot.domain.notices import looks_like_notice, parse_notice
from bot.domain.orders import BAD_SHAPE, EMPTY, TOO_LONG, OrderIdError, parse_order_id
from bot.domain.questions import PendingQuestion, QuestionKind
from bot.domain.stores import typed_store
from bot.handlers import intake_open as opening
from bot.handlers import questions
from bot.handlers.common import answer_button, close_keyboard, markup, send
from bot.handlers.context import ClaimContext
from bot.handlers.fallback import stale_button
from bot.handlers.start import cancel_outside
from bot.services.claims import already_open
from bot.views import intake as views
from bot.views.stores import store_labels

# Button data the intake answers: every question's prefix, and Back.
PATTERN: Final = "^(" + "|".join((*views.BUTTON_STEPS, views.BACK_BUTTON)) + ")"


# --- Asking ------------------------------------------------------------------------------------
async def new_claim(update: Update, context: ClaimContext) -> None:
    """/new: a fresh intake (replacing an unfinished one). Without a notice, the claim clock
    starts now. A team of several stores is asked the store first (issue 16); a person who
    works for one store only is not asked."""
    services = context.services
    choices = await _store_choices(context)
    store_id = next(iter(choices)) if len(choices) == 1 else None
    await _ask(update, context, IntakeAnswers(started_at=services.clock(), store_id=store_id))


async def _store_choices(context: ClaimContext) -> dict[int, str]:
    """The stores the person may open a claim for, by id, with their names."""
    services = context.services
    allowed = await services.store.stores_of(context.require_actor())
    profiles = {sid: p for sid, p in services.store.stores.items() if sid in allowed}
    return store_labels(context.tr, profiles)


async def _ask(
    update: Update,
    context: ClaimContext,
    answers: IntakeAnswers,
    step: IntakeStep | None = None,
    hint: str | None = None,
) -> None:
    """Store the answers as asking `step` (the first unanswered question by default), then
    ask it. Storing it drops any question a claim card asked meanwhile: the newest question
    gets what is typed next."""
    step = step or answers.next_step()
    if step in (IntakeStep.LANGUAGE, IntakeStep.DETAILS) and not answers.intact():
        await _start_over(update, context)
        return
    answers = answers if step is IntakeStep.DETAIL_VALUE else answers.asking(step)
    services = context.services
    await services.storage.intakes.save(context.require_actor().id, answers, services.clock())
    stores = await _store_choices(context) if step is IntakeStep.STORE else None
    text, rows = views.question(context.tr, answers, step, hint, stores)
    await send(update, text, markup(rows))


async def _start_over(update: Update, context: ClaimContext) -> None:
    await answer_button(update)
    await send(
        update,
        context.tr.gettext(
            "I lost track of your earlier answers for this claim, sorry. Let us start it again."
        ),
    )
    await new_claim(update, context)


async def _prompt(
    update: Update, context: ClaimContext, _pending: PendingQuestion, hint: str | None
) -> None:
    """Ask the current question again (after something it cannot take, such as a sticker)."""
    answers = await _answers(update, context)
    if answers is None:
        return
    step = IntakeStep.DETAILS if answers.step is IntakeStep.DETAIL_VALUE else answers.step
    await _ask(update, context, answers, step, hint)


async def _answers(update: Update, context: ClaimContext) -> IntakeAnswers | None:
    """The stored answers; None after starting over (they did not read back) or when there is
    no intake."""
    stored = await context.services.storage.intakes.get(context.require_actor().id)
    if stored is UNREADABLE:
        await _start_over(update, context)
        return None
    return stored


# --- Typed answers -----------------------------------------------------------------------------
async def _typed(
    update: Update, context: ClaimContext, _pending: PendingQuestion, message: Message
) -> bool:
    answers = await _answers(update, context)
    if answers is None:
        return True
    text = message.text or ""
    step = answers.step
    if step is IntakeStep.OPENED:
        # The claim opened (the bot stopped before the agent saw it): the intake is over, and
        # the message is nobody's.
        await context.services.storage.intakes.discard(context.require_actor().id)
        return False
    await _answer(update, context, answers, step, text, typed=True)
    return True


QUESTIONS: Final = {QuestionKind.INTAKE: questions.Question(_prompt, _typed)}


async def _order_id(
    update: Update, context: ClaimContext, answers: IntakeAnswers, text: str
) -> None:
    _ = context.tr.gettext
    if looks_like_notice(text):
        notice = parse_notice(text)
        taken = answers.with_notice(notice)
        lines = views.understood(context.tr, notice, taken)
        if not lines and not notice.order_ids:
            hint = _("I could not find an order id in that text.")
            await _ask(update, context, answers, IntakeStep.ORDER_ID, hint)
            return
        # An order that already has an open claim is said before the notice's summary.
        if taken.order_id and await _has_open_claim(update, context, taken.order_id):
            return
        several = len(notice.order_ids) > 1
        await send(update, views.notice_summary(context.tr, lines, several_orders=several))
        await _ask(update, context, taken)
        return
    try:
        order_id = parse_order_id(text)
    except OrderIdError as error:
        hints = {
            EMPTY: _("That message was empty."),
            TOO_LONG: _(
                "That is far too long for an order id, and I found no order id in it to read"
                " as a claim notification."
            ),
            BAD_SHAPE: _(
                "“%(text)s” is not an Amazon order id: it has three groups of 3, 7 and 7 digits."
            )
            % {"text": views.echo(text)},
        }
        await _ask(update, context, answers, IntakeStep.ORDER_ID, hints[error.reason])
        return
    if await _has_open_claim(update, context, order_id):
        return
    await _ask(update, context, answers.with_order(order_id))


async def _has_open_claim(update: Update, context: ClaimContext, order_id: str) -> bool:
    """One claim per order at a time: said at the order-id step, and the intake ends there
    (the claim is shown to whoever may see it; anyone else learns that a colleague has it)."""
    existing = await already_open(context.services.storage, order_id)
    if existing is None:
        return False
    await context.services.storage.intakes.discard(context.require_actor().id)
    await opening.already_open(update, context, order_id, existing)
    return True


async def _store(
    update: Update, context: ClaimContext, answers: IntakeAnswers, raw: str, *, typed: bool
) -> None:
    """The store the claim is for: a button's id, or a name (or number) typed."""
    _ = context.tr.gettext
    choices = await _store_choices(context)
    if typed:
        store_id = typed_store(raw, choices)
    else:
        store_id = int(raw) if raw.isascii() and raw.isdigit() else None
    if store_id not in choices:
        if typed:
            hint = _("I do not know the store “%(text)s”.") % {"text": views.echo(raw)}
        else:
            await answer_button(update, _("That button is not valid any more."), alert=True)
            hint = _("Please choose the store with a button.")
        await _ask(update, context, answers, IntakeStep.STORE, hint)
        return
    await _settle(update, views.store_summary(context.tr, choices[store_id]))
    await _ask(update, context, answers.but(store_id=store_id))


async def _marketplace(
    update: Update, context: ClaimContext, answers: IntakeAnswers, raw: str, *, typed: bool
) -> None:
    _ = context.tr.gettext
    try:
        market = parse_marketplace(raw)
    except UnknownMarketplaceError:
        if not typed:
            await answer_button(update, _("That button is not valid any more."), alert=True)
        hint = _("I do not know the marketplace “%(text)s”.") % {"text": views.echo(raw)}
        await _ask(update, context, answers, IntakeStep.MARKETPLACE, hint)
        return
    await _settle(update, views.marketplace_summary(context.tr, market.code))
    await _ask(update, context, answers.with_marketplace(market.code))


async def _fulfillment(
    update: Update, context: ClaimContext, answers: IntakeAnswers, raw: str
) -> None:
    _ = context.tr.gettext
    value = raw.strip().lower()
    if value not in {f.value for f in Fulfillment}:
        await answer_button(update, _("That button is not valid any more."), alert=True)
        await _ask(update, context, answers, IntakeStep.FULFILLMENT, _("Please tap FBM or FBA."))
        return
    fulfillment = Fulfillment(value)
    await _settle(update, views.fulfillment_summary(context.tr, fulfillment))
    await _ask(update, context, answers.but(fulfillment=fulfillment))


async def _reason(
    update: Update, context: ClaimContext, answers: IntakeAnswers, raw: str, *, typed: bool
) -> None:
    _ = context.tr.gettext
    reason = typed_reason(raw, views.reason_labels(context.tr)) if typed else None
    if not typed and raw in {r.value for r in Reason}:
        reason = Reason(raw)
    if reason is None:
        if typed:
            hint = _(
                "I do not know the reason “%(text)s”. Tap one, or type it in a few words, such"
                " as “not received” or “damaged”."
            ) % {"text": views.echo(raw)}
        else:
            await answer_button(update, _("That button is not valid any more."), alert=True)
            hint = _("Please choose the reason with a button.")
        await _ask(update, context, answers, IntakeStep.REASON, hint)
        return
    await _settle(update, views.reason_summary(context.tr, reason))
    await _ask(update, context, answers.but(reason=reason))


async def _language(
    update: Update, context: ClaimContext, answers: IntakeAnswers, raw: str
) -> None:
    _ = context.tr.gettext
    if not answers.intact():
        await _start_over(update, context)
        return
    language = typed_language(raw)
    if language is None:
        await answer_button(update, _("That button is not valid any more."), alert=True)
        hint = _("I cannot write to buyers in “%(text)s”. Languages: %(languages)s.") % {
            "text": views.echo(raw),
            "languages": ", ".join(BUYER_LANGUAGES),
        }
        await _ask(update, context, answers, IntakeStep.LANGUAGE, hint)
        return
    await _settle(update, views.language_summary(context.tr, language))
    await _ask(update, context, answers.but(language=language))


async def _detail_value(
    update: Update, context: ClaimContext, answers: IntakeAnswers, text: str
) -> None:
    name = answers.detail
    if name not in OPTIONAL:
        await _ask(update, context, answers, IntakeStep.DETAILS)
        return
    try:
        value = parse_field(name, text, today=context.services.clock().date())
    except FieldError as error:
        hint = context.tr.gettext(error.msgid) % error.params
        await _ask(update, context, answers, IntakeStep.DETAIL_VALUE, hint)
        return
    await _ask(update, context, answers.with_detail(name, value), IntakeStep.DETAILS)


# --- Buttons -----------------------------------------------------------------------------------
async def button(update: Update, context: ClaimContext) -> None:
    """Any of the intake's buttons. Only the question being asked takes its buttons; Back
    only on that question's screen; an intake whose claim opened shows the claim."""
    query = update.callback_query
    data = query.data if query is not None and isinstance(query.data, str) else ""
    stored = await context.services.storage.intakes.get(context.require_actor().id)
    if stored is None:
        await stale_button(update, context)
        return
    if stored is UNREADABLE:
        await _start_over(update, context)
        return
    answers = stored
    if answers.step is IntakeStep.OPENED and answers.claim_id is not None:
        await opening.show_opened(update, context, answers.claim_id)
        return
    if data.startswith(views.BACK_BUTTON):
        await _back(update, context, answers, data.removeprefix(views.BACK_BUTTON))
        return
    for prefix, step in views.BUTTON_STEPS.items():
        if data.startswith(prefix) and step is answers.step:
            await _answer(update, context, answers, step, data.removeprefix(prefix), typed=False)
            return
    await answer_button(
        update, context.tr.gettext("That button belongs to an earlier question."), alert=True
    )
    current = IntakeStep.DETAILS if answers.step is IntakeStep.DETAIL_VALUE else answers.step
    await _ask(update, context, answers, current)


async def _answer(
    update: Update,
    context: ClaimContext,
    answers: IntakeAnswers,
    step: IntakeStep,
    value: str,
    *,
    typed: bool,
) -> None:
    """The answer to `step`, typed or the value of its button."""
    if step is IntakeStep.STORE:
        await _store(update, context, answers, value, typed=typed)
    elif step is IntakeStep.ORDER_ID:
        if typed:
            await _order_id(update, context, answers, value)
        else:
            await _order_choice(update, context, answers, value)
    elif step is IntakeStep.MARKETPLACE:
        await _marketplace(update, context, answers, value, typed=typed)
    elif step is IntakeStep.FULFILLMENT:
        await _fulfillment(update, context, answers, value)
    elif step is IntakeStep.REASON:
        await _reason(update, context, answers, value, typed=typed)
    elif step is IntakeStep.LANGUAGE:
        await _language(update, context, answers, value)
    elif step is IntakeStep.DETAIL_VALUE:
        await _detail_value(update, context, answers, value)
    elif typed:
        hint = context.tr.gettext("Tap a button: add a detail, or open the claim.")
        await _ask(update, context, answers, IntakeStep.DETAILS, hint)
    else:
        await _details_button(update, context, answers, value)


async def _order_choice(
    update: Update, context: ClaimContext, answers: IntakeAnswers, choice: str
) -> None:
    """One of the orders a notice named."""
    ids = answers.order_ids
    if not choice.isdigit() or int(choice) >= len(ids):
        await answer_button(
            update, context.tr.gettext("That button is not valid any more."), alert=True
        )
        await _ask(update, context, answers, IntakeStep.ORDER_ID)
        return
    order_id = ids[int(choice)]
    await _settle(update, views.order_summary(context.tr, order_id))
    if await _has_open_claim(update, context, order_id):
        return
    await _ask(update, context, answers.with_order(order_id))


async def _details_button(
    update: Update, context: ClaimContext, answers: IntakeAnswers, choice: str
) -> None:
    if choice == views.OPEN:
        if answers.ready():
            await opening.open_claim_of(update, context, answers)
        else:
            await _start_over(update, context)
        return
    if choice not in OPTIONAL:
        await answer_button(
            update, context.tr.gettext("That button is not valid any more."), alert=True
        )
        await _ask(update, context, answers, IntakeStep.DETAILS)
        return
    await answer_button(update)
    await _ask(update, context, answers.typing(choice), IntakeStep.DETAIL_VALUE)


async def _back(update: Update, context: ClaimContext, answers: IntakeAnswers, of: str) -> None:
    """◂ Back: the question before the one the button belongs to."""
    if of != answers.step.value:
        await answer_button(
            update, context.tr.gettext("That button belongs to an earlier question."), alert=True
        )
        current = IntakeStep.DETAILS if answers.step is IntakeStep.DETAIL_VALUE else answers.step
        await _ask(update, context, answers, current)
        return
    await answer_button(update)
    await close_keyboard(update)
    await _ask(update, context, answers, answers.back_from(answers.step))


async def _settle(update: Update, summary: str) -> None:
    """After a button answer: acknowledge it and turn the question into the answer given."""
    if update.callback_query is not None:
        await answer_button(update)
        await close_keyboard(update, summary)


# --- Cancel ------------------------------------------------------------------------------------
async def cancel(update: Update, context: ClaimContext) -> None:
    """/cancel: the unfinished intake if there is one (a question a card asked stays), else
    the awaited answer."""
    intakes = context.services.storage.intakes
    actor = context.require_actor()
    stored = await intakes.get(actor.id)
    if stored is not None:
        await intakes.discard(actor.id)
        if stored is UNREADABLE or stored.step is not IntakeStep.OPENED:
            await send(update, context.tr.gettext("Claim intake cancelled. Nothing was saved."))
            return
    await cancel_outside(update, context)
