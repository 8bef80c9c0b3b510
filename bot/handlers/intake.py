"""/new: the intake conversation. Order id -> marketplace -> fulfilment -> reason -> buyer
language, then the claim is opened and the agent gets the plan and the first buyer draft.

Answers may be typed or given by button. Each answer is validated by the domain parsers; a bad
one gets a precise re-ask and the conversation stays on the same question. The partial answers
live in `user_data["intake"]` and the state in the persisted ConversationHandler, so a restart
resumes at the same question.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain.claims import ClaimFacts, Fulfillment, Reason
from bot.domain.marketplaces import (
    BUYER_LANGUAGES,
    MARKETPLACES,
    UnknownMarketplaceError,
    parse_marketplace,
)
from bot.domain.orders import BAD_SHAPE, EMPTY, TOO_LONG, OrderIdError, parse_order_id
from bot.handlers.common import NEW_MESSAGE, answer_button, close_keyboard, send
from bot.handlers.context import ClaimContext
from bot.i18n.locales import normalize_language
from bot.services.claims import open_claim
from bot.views.claims import claim_summary, draft_header
from bot.views.labels import FULFILLMENTS, REASONS, language_name, marketplace_name

ORDER_ID: Final = "order_id"
MARKETPLACE: Final = "marketplace"
FULFILLMENT: Final = "fulfillment"
REASON: Final = "reason"
LANGUAGE: Final = "language"
STEPS: Final = (ORDER_ID, MARKETPLACE, FULFILLMENT, REASON, LANGUAGE)

# Button data: a short prefix per question and the value; both checked again on arrival.
MARKETPLACE_BUTTON: Final = "mp:"
FULFILLMENT_BUTTON: Final = "ff:"
REASON_BUTTON: Final = "rs:"
LANGUAGE_BUTTON: Final = "lang:"
MAX_ECHO: Final = 40


def _intake(context: ClaimContext) -> dict[str, Any]:
    data: dict[str, Any] = context.user_data.setdefault("intake", {})  # type: ignore[union-attr]
    return data


# --- Questions ---------------------------------------------------------------------------------
async def _ask(update: Update, context: ClaimContext, step: str, hint: str | None = None) -> str:
    """Ask the question for `step` (after `hint`, when re-asking) and return the state."""
    _ = context.tr.gettext
    intake = _intake(context)
    intake["step"] = step
    markup: InlineKeyboardMarkup | None = None
    if step == ORDER_ID:
        question = _(
            "Which order is the claim about? Send the Amazon order id, for example"
            " 123-1234567-1234567."
        )
    elif step == MARKETPLACE:
        question = _("Which marketplace? Tap it, or type its code or domain (DE, amazon.co.uk).")
        markup = _marketplace_keyboard(context)
    elif step == FULFILLMENT:
        question = _("Who shipped the order?")
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(_(label), callback_data=FULFILLMENT_BUTTON + f.value)]
                for f, label in FULFILLMENTS.items()
            ]
        )
    elif step == REASON:
        question = _("What does the buyer say is wrong?")
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(_(label), callback_data=REASON_BUTTON + r.value)]
                for r, label in REASONS.items()
            ]
        )
    else:
        if not _answers_intact(intake):
            return await _start_over(update, context)
        market = MARKETPLACES[intake[MARKETPLACE]]
        question = _(
            "Which language does the buyer write in? Default for %(marketplace)s:"
            " %(language)s. Tap one, or type another language code (en, fr, ja...)."
        ) % {
            "marketplace": market.code,
            "language": language_name(market.default_language, context.tr),
        }
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        language_name(code, context.tr), callback_data=LANGUAGE_BUTTON + code
                    )
                    for code in market.languages
                ]
            ]
        )
    text = f"{hint}\n\n{question}" if hint else question
    await send(update, text, markup)
    return step


def _marketplace_keyboard(context: ClaimContext) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            f"{code} · {marketplace_name(code, context.tr)}",
            callback_data=MARKETPLACE_BUTTON + code,
        )
        for code in MARKETPLACES
    ]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


# --- Entry -------------------------------------------------------------------------------------
async def new_claim(update: Update, context: ClaimContext) -> str:
    # Until the notice itself can be read, the claim clock starts when the agent opens it here.
    context.user_data["intake"] = {"started_at": context.services.clock().isoformat()}  # type: ignore[index]
    return await _ask(update, context, ORDER_ID)


# --- Answers -----------------------------------------------------------------------------------
async def order_id_answer(update: Update, context: ClaimContext) -> str:
    _ = context.tr.gettext
    text = update.effective_message.text if update.effective_message else None
    try:
        order_id = parse_order_id(text or "")
    except OrderIdError as error:
        hints = {
            EMPTY: _("That message was empty."),
            TOO_LONG: _("That is far too long for an order id."),
            BAD_SHAPE: _(
                "“%(text)s” is not an Amazon order id: it has three groups of 3, 7 and 7 digits."
            )
            % {"text": _echo(text or "")},
        }
        return await _ask(update, context, ORDER_ID, hints[error.reason])
    _intake(context)[ORDER_ID] = order_id
    return await _ask(update, context, MARKETPLACE)


async def marketplace_answer(update: Update, context: ClaimContext) -> str:
    _ = context.tr.gettext
    choice = _button_value(update, MARKETPLACE_BUTTON)
    typed = choice is None
    raw = choice if choice is not None else _text(update)
    try:
        market = parse_marketplace(raw)
    except UnknownMarketplaceError:
        if not typed:
            await answer_button(update, _("That button is not valid any more."), alert=True)
        hint = _("I do not know the marketplace “%(text)s”.") % {"text": _echo(raw)}
        return await _ask(update, context, MARKETPLACE, hint)
    _intake(context)[MARKETPLACE] = market.code
    await _settle(
        update,
        _("Marketplace: %(marketplace)s")
        % {"marketplace": f"{marketplace_name(market.code, context.tr)} ({market.code})"},
    )
    return await _ask(update, context, FULFILLMENT)


async def fulfillment_answer(update: Update, context: ClaimContext) -> str:
    _ = context.tr.gettext
    choice = _button_value(update, FULFILLMENT_BUTTON)
    raw = (choice if choice is not None else _text(update)).strip().lower()
    if raw not in {f.value for f in Fulfillment}:
        await answer_button(update, _("That button is not valid any more."), alert=True)
        return await _ask(update, context, FULFILLMENT, _("Please tap FBM or FBA."))
    fulfillment = Fulfillment(raw)
    _intake(context)[FULFILLMENT] = fulfillment.value
    await _settle(
        update, _("Shipped by: %(fulfillment)s") % {"fulfillment": _(FULFILLMENTS[fulfillment])}
    )
    return await _ask(update, context, REASON)


async def reason_answer(update: Update, context: ClaimContext) -> str:
    _ = context.tr.gettext
    choice = _button_value(update, REASON_BUTTON)
    if choice is None or choice not in {r.value for r in Reason}:
        await answer_button(update, _("That button is not valid any more."), alert=True)
        return await _ask(update, context, REASON, _("Please choose the reason with a button."))
    reason = Reason(choice)
    _intake(context)[REASON] = reason.value
    await _settle(update, _("Reason: %(reason)s") % {"reason": _(REASONS[reason])})
    return await _ask(update, context, LANGUAGE)


async def language_answer(update: Update, context: ClaimContext) -> str | int:
    _ = context.tr.gettext
    intake = _intake(context)
    if not _answers_intact(intake):
        return await _start_over(update, context)
    choice = _button_value(update, LANGUAGE_BUTTON)
    raw = choice if choice is not None else _text(update)
    language = normalize_language(raw)
    if language not in BUYER_LANGUAGES:
        await answer_button(update, _("That button is not valid any more."), alert=True)
        hint = _("I cannot write to buyers in “%(text)s”. Languages: %(languages)s.") % {
            "text": _echo(raw),
            "languages": ", ".join(BUYER_LANGUAGES),
        }
        return await _ask(update, context, LANGUAGE, hint)
    services = context.services
    now = services.clock()
    facts = ClaimFacts(
        order_id=intake[ORDER_ID],
        marketplace=intake[MARKETPLACE],
        fulfillment=Fulfillment(intake[FULFILLMENT]),
        reason=Reason(intake[REASON]),
        buyer_language=language,
        notified_at=datetime.fromisoformat(intake["started_at"]),
    )
    opened = await open_claim(
        services.storage,
        services.renderer,
        services.settings.store,
        actor=context.require_actor(),
        facts=facts,
        now=now,
    )
    context.user_data.pop("intake", None)  # type: ignore[union-attr]
    # Only now take the keyboard away: had opening failed, the agent could press again.
    await _settle(
        update,
        _("Buyer language: %(language)s") % {"language": language_name(language, context.tr)},
    )
    summary = claim_summary(
        context.tr, opened.claim, opened.plan, current_step="contact_buyer", now=now
    )
    await send(
        update,
        summary
        + "\n\n"
        + _(
            "The deadline counts 72 hours from when you started this claim here. If Amazon's notice"
            " is older, the real deadline is earlier."
        ),
    )
    await send(
        update,
        draft_header(
            context.tr,
            opened.draft,
            version=opened.draft_record.version,
            findings=opened.findings,
        ),
    )
    await send(update, opened.draft.body)
    return ConversationHandler.END


# --- Cancel and wrong kinds of input ---------------------------------------------------------
async def cancel(update: Update, context: ClaimContext) -> int:
    context.user_data.pop("intake", None)  # type: ignore[union-attr]
    await send(update, context.tr.gettext("Claim intake cancelled. Nothing was saved."))
    return ConversationHandler.END


async def not_text(update: Update, context: ClaimContext) -> str:
    """A sticker, photo, voice note... where a typed answer or a button is expected."""
    step = _intake(context).get("step", ORDER_ID)
    hint = context.tr.gettext("I can only read text here.")
    return await _ask(update, context, step if step in STEPS else ORDER_ID, hint)


async def earlier_button(update: Update, context: ClaimContext) -> None:
    """A button of a question already answered: say so; the current question stands."""
    await answer_button(
        update, context.tr.gettext("That button belongs to an earlier question."), alert=True
    )


# --- Helpers -----------------------------------------------------------------------------------
def _answers_intact(intake: dict[str, Any]) -> bool:
    """Whether the stored answers before the language question are all there and valid (they
    could be lost if the process died between saving the state and saving the answers)."""
    try:
        datetime.fromisoformat(intake["started_at"])
        parse_order_id(intake[ORDER_ID])
        Fulfillment(intake[FULFILLMENT])
        Reason(intake[REASON])
    except (KeyError, TypeError, ValueError):
        return False
    return intake.get(MARKETPLACE) in MARKETPLACES


async def _start_over(update: Update, context: ClaimContext) -> str:
    await answer_button(update)
    await send(
        update,
        context.tr.gettext(
            "I lost track of your earlier answers for this claim, sorry. Let us start it again."
        ),
    )
    return await new_claim(update, context)


def _button_value(update: Update, prefix: str) -> str | None:
    query = update.callback_query
    if query is None or not isinstance(query.data, str) or not query.data.startswith(prefix):
        return None
    return query.data[len(prefix) :]


def _text(update: Update) -> str:
    message = update.effective_message
    return message.text or "" if message is not None else ""


def _echo(text: str) -> str:
    """Quote the agent's input back without flooding the chat."""
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_ECHO else flat[: MAX_ECHO - 1] + "…"


async def _settle(update: Update, summary: str) -> None:
    """After a button answer: acknowledge it and turn the question into the answer given."""
    if update.callback_query is not None:
        await answer_button(update)
        await close_keyboard(update, summary)


def conversation() -> ConversationHandler[ClaimContext]:
    text = NEW_MESSAGE & filters.TEXT & ~filters.COMMAND

    def answers(
        callback: Any, prefix: str, typed: bool = True
    ) -> list[BaseHandler[Update, ClaimContext, Any]]:
        handlers: list[BaseHandler[Update, ClaimContext, Any]] = [
            CallbackQueryHandler(callback, pattern=f"^{prefix}")
        ]
        if typed:
            handlers.append(MessageHandler(text, callback))
        return handlers

    return ConversationHandler(
        entry_points=[CommandHandler("new", new_claim, filters=NEW_MESSAGE)],
        states={
            ORDER_ID: [MessageHandler(text, order_id_answer)],
            MARKETPLACE: answers(marketplace_answer, MARKETPLACE_BUTTON),
            FULFILLMENT: answers(fulfillment_answer, FULFILLMENT_BUTTON),
            REASON: answers(reason_answer, REASON_BUTTON),
            LANGUAGE: answers(language_answer, LANGUAGE_BUTTON),
        },
        fallbacks=[
            CommandHandler("cancel", cancel, filters=NEW_MESSAGE),
            CallbackQueryHandler(earlier_button, pattern="^(mp|ff|rs|lang):"),
            MessageHandler(NEW_MESSAGE & ~filters.TEXT & ~filters.COMMAND, not_text),
        ],
        name="intake",
        persistent=True,
        allow_reentry=True,
    )
