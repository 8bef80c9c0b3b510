"""/new: the intake conversation.

Order id (or the pasted Amazon notice) -> marketplace -> fulfilment -> reason -> buyer language
-> optional details (buyer name, product, carrier, tracking, what the buyer said before) -> the
claim is opened, its card shown and the first buyer draft prepared.

Only what is still unknown is asked: a pasted notice fills the order id, and where it says so
the marketplace, reason, amount and dates. Answers may be typed or given by button; each is
validated by the domain parsers and a bad one is re-asked with a hint. Every question has a
Back button. The partial answers live in `user_data["intake"]` and the state in the persisted
ConversationHandler, so a restart resumes at the same question.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Coroutine
from datetime import date, datetime
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
from bot.domain.deadlines import notice_clock
from bot.domain.fields import FieldError, parse_field
from bot.domain.marketplaces import (
    BUYER_LANGUAGES,
    MARKETPLACES,
    UnknownMarketplaceError,
    parse_marketplace,
)
from bot.domain.notices import Notice, looks_like_notice, parse_notice
from bot.domain.orders import BAD_SHAPE, EMPTY, TOO_LONG, OrderIdError, parse_order_id
from bot.domain.people import Permission
from bot.domain.playbook import plan_for
from bot.handlers import inputs
from bot.handlers.access import can
from bot.handlers.claims import send_draft, show_card
from bot.handlers.common import NEW_MESSAGE, answer_button, close_keyboard, send
from bot.handlers.context import ClaimContext
from bot.i18n.locales import normalize_language
from bot.services.claims import ClaimAlreadyOpenError, open_claim, opened_since
from bot.services.journey import PreparedDraft
from bot.views.card import labelled, money, quote
from bot.views.labels import (
    FIELD_PROMPTS,
    FIELDS,
    FULFILLMENTS,
    REASONS,
    language_name,
    marketplace_name,
)

ORDER_ID: Final = "order_id"
MARKETPLACE: Final = "marketplace"
FULFILLMENT: Final = "fulfillment"
REASON: Final = "reason"
LANGUAGE: Final = "language"
DETAILS: Final = "details"
DETAIL_VALUE: Final = "detail_value"
STEPS: Final = (ORDER_ID, MARKETPLACE, FULFILLMENT, REASON, LANGUAGE, DETAILS)
OPTIONAL: Final = ("buyer_name", "product", "carrier", "tracking_number", "buyer_said")

# Button data: a short prefix per question and the value; both checked again on arrival.
ORDER_BUTTON: Final = "oid:"
MARKETPLACE_BUTTON: Final = "mp:"
FULFILLMENT_BUTTON: Final = "ff:"
REASON_BUTTON: Final = "rs:"
LANGUAGE_BUTTON: Final = "lang:"
DETAIL_BUTTON: Final = "dt:"
BACK_BUTTON: Final = "ib:"
OPEN: Final = "open"
MAX_ECHO: Final = 40


def _intake(context: ClaimContext) -> dict[str, Any]:
    data: dict[str, Any] = context.user_data.setdefault("intake", {})  # type: ignore[union-attr]
    return data


def _back_row(context: ClaimContext, step: str) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton("◂ " + context.tr.gettext("Back"), callback_data=BACK_BUTTON + step)
    ]


# --- Questions ---------------------------------------------------------------------------------
async def _ask(update: Update, context: ClaimContext, step: str, hint: str | None = None) -> str:
    """Ask the question for `step` (after `hint`, when re-asking) and return the state."""
    _ = context.tr.gettext
    intake = _intake(context)
    if step in (LANGUAGE, DETAILS) and not _answers_intact(intake):
        return await _start_over(update, context)
    intake["step"] = step
    # The newest question gets what is typed next: a question a claim card asked earlier is
    # dropped (read first: most questions find none, and a read costs less than a write).
    pending = context.services.storage.pending
    actor_id = context.require_actor().id
    if await pending.get(actor_id) is not None:
        await pending.clear(actor_id)
    rows: list[list[InlineKeyboardButton]] = []
    if step == ORDER_ID:
        question = _(
            "Which order is the claim about? Send the Amazon order id, for example"
            " 123-1234567-1234567, or paste Amazon's whole claim notification."
        )
        ids = intake.get("order_ids") or []
        rows = [
            [InlineKeyboardButton(i, callback_data=f"{ORDER_BUTTON}{n}")] for n, i in enumerate(ids)
        ]
    elif step == MARKETPLACE:
        question = _("Which marketplace? Tap it, or type its code or domain (DE, amazon.co.uk).")
        rows = _marketplace_rows(context)
    elif step == FULFILLMENT:
        question = _("Who shipped the order?")
        rows = [
            [InlineKeyboardButton(_(label), callback_data=FULFILLMENT_BUTTON + f.value)]
            for f, label in FULFILLMENTS.items()
        ]
    elif step == REASON:
        question = _("What does the buyer say is wrong?")
        rows = [
            [InlineKeyboardButton(_(label), callback_data=REASON_BUTTON + r.value)]
            for r, label in REASONS.items()
        ]
    elif step == LANGUAGE:
        market = MARKETPLACES[intake[MARKETPLACE]]
        question = _(
            "Which language does the buyer write in? Default for %(marketplace)s:"
            " %(language)s. Tap one, or type another language code (en, fr, ja...)."
        ) % {
            "marketplace": market.code,
            "language": language_name(market.default_language, context.tr),
        }
        rows = [
            [
                InlineKeyboardButton(
                    language_name(code, context.tr), callback_data=LANGUAGE_BUTTON + code
                )
                for code in market.languages
            ]
        ]
    else:
        question, rows = _details_screen(context)
        text = f"{hint}\n\n{question}" if hint else question
        await send(update, text, InlineKeyboardMarkup(rows))
        return DETAILS
    if step != ORDER_ID:
        rows.append(_back_row(context, step))
    text = f"{hint}\n\n{question}" if hint else question
    await send(update, text, InlineKeyboardMarkup(rows) if rows else None)
    return step


def _marketplace_rows(context: ClaimContext) -> list[list[InlineKeyboardButton]]:
    buttons = [
        InlineKeyboardButton(
            f"{code} · {marketplace_name(code, context.tr)}",
            callback_data=MARKETPLACE_BUTTON + code,
        )
        for code in MARKETPLACES
    ]
    return [buttons[i : i + 3] for i in range(0, len(buttons), 3)]


def _details_screen(context: ClaimContext) -> tuple[str, list[list[InlineKeyboardButton]]]:
    _ = context.tr.gettext
    intake = _intake(context)
    details: dict[str, str] = intake.get("details", {})
    lines = [
        _("Order %(order_id)s · %(marketplace)s · %(fulfillment)s · %(reason)s · %(language)s")
        % {
            "order_id": intake[ORDER_ID],
            "marketplace": intake[MARKETPLACE],
            "fulfillment": _(FULFILLMENTS[Fulfillment(intake[FULFILLMENT])]),
            "reason": _(REASONS[Reason(intake[REASON])]),
            "language": language_name(intake[LANGUAGE], context.tr),
        },
        "",
        _(
            "Anything else you know? All optional: tap to add, or open the claim now. You can"
            " add facts later from the claim card too."
        ),
    ]
    rows = []
    for name in OPTIONAL:
        value = details.get(name)
        label = (
            labelled(context.tr, _(FIELDS[name]), quote(value, 24)) if value else _(FIELDS[name])
        )
        rows.append(
            [
                InlineKeyboardButton(
                    ("✓ " if value else "+ ") + label, callback_data=DETAIL_BUTTON + name
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton("◂ " + _("Back"), callback_data=BACK_BUTTON + DETAILS),
            InlineKeyboardButton(_("Open the claim") + " ▸", callback_data=DETAIL_BUTTON + OPEN),
        ]
    )
    return "\n".join(lines), rows


# --- Entry -------------------------------------------------------------------------------------
async def new_claim(update: Update, context: ClaimContext) -> str:
    # Without a notice, the claim clock starts when the agent opens the claim here.
    context.user_data["intake"] = {"started_at": context.services.clock().isoformat()}  # type: ignore[index]
    return await _ask(update, context, ORDER_ID)


async def _advance(update: Update, context: ClaimContext) -> str:
    """Ask the first question still unanswered."""
    intake = _intake(context)
    for step in (ORDER_ID, MARKETPLACE, FULFILLMENT, REASON, LANGUAGE):
        if not intake.get(step):
            return await _ask(update, context, step)
    return await _ask(update, context, DETAILS)


# --- Answers -----------------------------------------------------------------------------------
async def order_id_answer(update: Update, context: ClaimContext) -> str:
    _ = context.tr.gettext
    intake = _intake(context)
    choice = _button_value(update, ORDER_BUTTON)
    if choice is not None:
        ids = intake.get("order_ids") or []
        if not choice.isdigit() or int(choice) >= len(ids):
            await answer_button(update, _("That button is not valid any more."), alert=True)
            return await _ask(update, context, ORDER_ID)
        intake[ORDER_ID] = ids[int(choice)]
        intake.pop("order_ids", None)
        await _settle(update, _("Order: %(order_id)s") % {"order_id": intake[ORDER_ID]})
        return await _advance(update, context)
    text = _text(update)
    if looks_like_notice(text):
        return await _read_notice(update, context, parse_notice(text))
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
            % {"text": _echo(text)},
        }
        return await _ask(update, context, ORDER_ID, hints[error.reason])
    intake[ORDER_ID] = order_id
    return await _advance(update, context)


async def _read_notice(update: Update, context: ClaimContext, notice: Notice) -> str:
    """Take what the pasted notice says, show it, and ask for the rest."""
    _ = context.tr.gettext
    intake = _intake(context)
    details: dict[str, str] = intake.setdefault("details", {})
    understood: list[str] = []
    if len(notice.order_ids) == 1:
        intake[ORDER_ID] = notice.order_ids[0]
        understood.append(_("Order: %(order_id)s") % {"order_id": notice.order_ids[0]})
    elif notice.order_ids:
        intake["order_ids"] = list(notice.order_ids[:5])
    code = notice.marketplace
    if code is not None and code in MARKETPLACES:
        intake[MARKETPLACE] = code
        understood.append(
            _("Marketplace: %(marketplace)s")
            % {"marketplace": f"{marketplace_name(code, context.tr)} ({code})"}
        )
    if notice.reason is not None:
        intake[REASON] = notice.reason.value
        understood.append(_("Reason: %(reason)s") % {"reason": _(REASONS[notice.reason])})
    if notice.amount is not None and notice.currency:
        details["claim_amount"] = format(notice.amount, "f")
        details["claim_currency"] = notice.currency
        understood.append(
            _("Claim amount: %(amount)s")
            % {"amount": money(context.tr, details["claim_amount"], notice.currency)}
        )
    if notice.filed_on is not None:
        intake["filed_on"] = notice.filed_on.isoformat()
        understood.append(_("Filed on: %(date)s") % {"date": context.tr.date(notice.filed_on)})
    if notice.respond_by is not None:
        intake["respond_by"] = notice.respond_by.isoformat()
        understood.append(_("Respond by: %(date)s") % {"date": context.tr.date(notice.respond_by)})
    if not understood and not notice.order_ids:
        return await _ask(
            update,
            context,
            ORDER_ID,
            _("I could not find an order id in that text."),
        )
    lines = [_("From the notice I understood:"), *(f"• {line}" for line in understood)]
    if len(notice.order_ids) > 1:
        lines.append(_("It names several orders: tap the one this claim is about."))
    lines.append(
        _("I ask for the rest. Tap Back on a question to correct an answer I took from it.")
    )
    await send(update, "\n".join(lines))
    return await _advance(update, context)


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
    intake = _intake(context)
    if intake.get(MARKETPLACE) != market.code:
        intake.pop(LANGUAGE, None)  # the buyer language default depends on the marketplace
    intake[MARKETPLACE] = market.code
    await _settle(
        update,
        _("Marketplace: %(marketplace)s")
        % {"marketplace": f"{marketplace_name(market.code, context.tr)} ({market.code})"},
    )
    return await _advance(update, context)


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
    return await _advance(update, context)


async def reason_answer(update: Update, context: ClaimContext) -> str:
    _ = context.tr.gettext
    choice = _button_value(update, REASON_BUTTON)
    if choice is None or choice not in {r.value for r in Reason}:
        await answer_button(update, _("That button is not valid any more."), alert=True)
        return await _ask(update, context, REASON, _("Please choose the reason with a button."))
    reason = Reason(choice)
    _intake(context)[REASON] = reason.value
    await _settle(update, _("Reason: %(reason)s") % {"reason": _(REASONS[reason])})
    return await _advance(update, context)


async def language_answer(update: Update, context: ClaimContext) -> str:
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
    intake[LANGUAGE] = language
    await _settle(
        update,
        _("Buyer language: %(language)s") % {"language": language_name(language, context.tr)},
    )
    return await _advance(update, context)


async def details_button(update: Update, context: ClaimContext) -> str | int:
    _ = context.tr.gettext
    choice = _button_value(update, DETAIL_BUTTON)
    if choice == OPEN or await _opened_already(context):
        return await _open(update, context)
    if choice not in OPTIONAL:
        await answer_button(update, _("That button is not valid any more."), alert=True)
        return await _ask(update, context, DETAILS)
    await answer_button(update)
    intake = _intake(context)
    intake["field"] = choice
    intake["step"] = DETAIL_VALUE
    await send(
        update,
        _(FIELD_PROMPTS[choice]),
        InlineKeyboardMarkup([_back_row(context, DETAIL_VALUE)]),
    )
    return DETAIL_VALUE


async def detail_value_answer(update: Update, context: ClaimContext) -> str:
    _ = context.tr.gettext
    intake = _intake(context)
    name = intake.get("field")
    if name not in OPTIONAL:
        return await _ask(update, context, DETAILS)
    try:
        value = parse_field(name, _text(update))
    except FieldError as error:
        await send(
            update,
            _(error.msgid) % error.params + "\n\n" + _(FIELD_PROMPTS[name]),
            InlineKeyboardMarkup([_back_row(context, DETAIL_VALUE)]),
        )
        return DETAIL_VALUE
    intake.setdefault("details", {})[name] = value
    intake.pop("field", None)
    return await _ask(update, context, DETAILS)


async def back_button(update: Update, context: ClaimContext) -> str:
    """◂ Back: the question before the one the button belongs to."""
    choice = _button_value(update, BACK_BUTTON)
    intake = _intake(context)
    if choice != intake.get("step"):
        await earlier_button(update, context)
        return str(intake.get("step", ORDER_ID))
    await answer_button(update)
    await close_keyboard(update)
    if choice == DETAIL_VALUE:
        intake.pop("field", None)
        return await _ask(update, context, DETAILS)
    index = STEPS.index(choice) if choice in STEPS else 1
    return await _ask(update, context, STEPS[max(0, index - 1)])


async def _open(update: Update, context: ClaimContext) -> int | str:
    _ = context.tr.gettext
    intake = _intake(context)
    if not _answers_intact(intake) or intake.get(LANGUAGE) not in BUYER_LANGUAGES:
        return await _start_over(update, context)
    services = context.services
    now = services.clock()
    details: dict[str, str] = intake.get("details", {})
    market = MARKETPLACES[intake[MARKETPLACE]]
    notified_at, deadline = notice_clock(
        datetime.fromisoformat(intake["started_at"]),
        market.time_zone,
        filed_on=_day(intake.get("filed_on")),
        respond_by=_day(intake.get("respond_by")),
    )
    extra = {
        k: details[k] for k in ("buyer_said", "claim_amount", "claim_currency") if details.get(k)
    }
    facts = ClaimFacts(
        order_id=intake[ORDER_ID],
        marketplace=market.code,
        fulfillment=Fulfillment(intake[FULFILLMENT]),
        reason=Reason(intake[REASON]),
        buyer_language=intake[LANGUAGE],
        notified_at=notified_at,
        buyer_name=details.get("buyer_name"),
        product=details.get("product"),
        carrier=details.get("carrier"),
        tracking_number=details.get("tracking_number"),
        extra=extra,
    )
    try:
        opened = await open_claim(
            services.storage,
            services.renderer,
            services.journey.store,
            actor=context.require_actor(),
            facts=facts,
            now=now,
            deadline=deadline,
        )
    except ClaimAlreadyOpenError as already:
        context.user_data.pop("intake", None)  # type: ignore[union-attr]
        await _already_open(update, context, facts.order_id, already)
        return ConversationHandler.END
    await answer_button(update)
    if "respond_by" in intake or "filed_on" in intake:
        note = _("The deadline comes from Amazon's notice.")
    else:
        note = _(
            "The deadline counts 72 hours from when you started this claim here. If Amazon's"
            " notice is older, the real deadline is earlier."
        )
    await send(
        update,
        _("Claim #%(number)s opened for order %(order_id)s.")
        % {"number": opened.claim.id, "order_id": opened.claim.facts.order_id}
        + "\n"
        + note,
    )
    await show_card(update, context, opened.claim, replace_pressed=False)
    # Only now take the Open button away: had opening, or the messages saying so, failed,
    # the agent could press again (and be shown the claim, not get a second one). From here
    # on the card's buttons lead everywhere.
    await close_keyboard(update)
    await send_draft(
        update,
        context,
        PreparedDraft(
            opened.claim, opened.draft_record, opened.findings, opened.draft.is_fallback, None
        ),
    )
    # The answers are dropped last: a press again after a failed message finds them, and is
    # shown the claim it opened.
    context.user_data.pop("intake", None)  # type: ignore[union-attr]
    return ConversationHandler.END


async def _already_open(
    update: Update, context: ClaimContext, order_id: str, already: ClaimAlreadyOpenError
) -> None:
    """The order has an open claim: show it to whoever may work on it; anyone else only
    learns that a colleague has it (not whose, not what it says)."""
    _ = context.tr.gettext
    await answer_button(update)
    await close_keyboard(update)
    actor = context.require_actor()
    claim = await context.services.storage.claims.get(already.claim_id)
    if claim is not None and (already.agent_id == actor.id or can(context, Permission.SEE_TEAM)):
        await send(
            update,
            _("Order %(order_id)s already has an open claim, #%(number)s: here it is.")
            % {"order_id": order_id, "number": claim.id},
        )
        await show_card(update, context, claim, replace_pressed=False)
        if already.agent_id == actor.id and claim.revision == 1:
            # Untouched since it was opened: most likely this very intake, pressed again after
            # the bot stopped before its answer arrived. What the first press would have shown.
            kind = plan_for(claim.facts.reason, claim.facts.fulfillment).first_draft
            await send_draft(
                update, context, await context.services.journey.prepare(claim, kind, actor)
            )
        return
    await send(
        update,
        _(
            "Order %(order_id)s already has an open claim, handled by a colleague. A team lead"
            " can hand it to you."
        )
        % {"order_id": order_id},
    )


# --- Cancel and wrong kinds of input ---------------------------------------------------------
async def cancel(update: Update, context: ClaimContext) -> int:
    context.user_data.pop("intake", None)  # type: ignore[union-attr]
    await send(update, context.tr.gettext("Claim intake cancelled. Nothing was saved."))
    return ConversationHandler.END


async def not_text(update: Update, context: ClaimContext) -> str:
    """A sticker, photo, voice note... where a typed answer or a button is expected."""
    intake = _intake(context)
    step = intake.get("step", ORDER_ID)
    hint = context.tr.gettext("I can only read text here.")
    if step == DETAIL_VALUE:
        return await _ask(update, context, DETAILS, hint)
    return await _ask(update, context, step if step in STEPS else ORDER_ID, hint)


async def typed_details(update: Update, context: ClaimContext) -> str:
    """Text on the details screen, where only buttons are expected."""
    hint = context.tr.gettext("Tap a button: add a detail, or open the claim.")
    return await _ask(update, context, DETAILS, hint)


async def earlier_button(update: Update, context: ClaimContext) -> str | int:
    """A button of another question than the conversation's state. If it belongs to the
    question last asked (the state lags behind: the bot stopped, or a message to Telegram
    failed, after asking it), it is simply the answer. Otherwise: say so, and ask the current
    question again, with its buttons."""
    step = _intake(context).get("step", ORDER_ID)
    query = update.callback_query
    data = query.data if query is not None and isinstance(query.data, str) else ""
    for prefix, (button_step, answer) in _ANSWERS.items():
        if data.startswith(prefix) and button_step == step:
            return await answer(update, context)
    await answer_button(
        update, context.tr.gettext("That button belongs to an earlier question."), alert=True
    )
    return await _ask(update, context, DETAILS if step == DETAIL_VALUE else step)


Answer = Callable[[Update, ClaimContext], Awaitable[str | int]]
# Each question's button prefix: the state it is asked in and the handler of its answer. The
# conversation's states and `earlier_button` both read this table.
_ANSWERS: Final[dict[str, tuple[str, Answer]]] = {
    ORDER_BUTTON: (ORDER_ID, order_id_answer),
    MARKETPLACE_BUTTON: (MARKETPLACE, marketplace_answer),
    FULFILLMENT_BUTTON: (FULFILLMENT, fulfillment_answer),
    REASON_BUTTON: (REASON, reason_answer),
    LANGUAGE_BUTTON: (LANGUAGE, language_answer),
    DETAIL_BUTTON: (DETAILS, details_button),
}


# --- Typed input while the intake waits ------------------------------------------------------
def _typed(
    answer: Answer,
) -> Callable[[Update, ClaimContext], Coroutine[Any, Any, str | int | None]]:
    """Wrap a handler of what the agent types or sends while the intake waits for an answer.
    It is the intake's only if the intake is still going and asked the newest question."""

    async def handle(update: Update, context: ClaimContext) -> str | int | None:
        if await _over(context):
            # The intake ended (its claim opened), but the bot stopped before the conversation's
            # end was saved. It ends now, and the message goes where it would have gone.
            context.user_data.pop("intake", None)  # type: ignore[union-attr]
            await inputs.text_message(update, context)
            return ConversationHandler.END
        if await context.services.storage.pending.get(context.require_actor().id) is not None:
            # A claim card asked a question after the intake's last one (the intake's own
            # questions drop a card's): the answer is the card's. The intake waits on.
            await inputs.text_message(update, context)
            return None
        return await answer(update, context)

    return handle


async def _over(context: ClaimContext) -> bool:
    """Whether the intake is over though its conversation still waits: the answers are gone
    (dropped when the claim was opened), or the claim it would open is open already."""
    intake = context.user_data.get("intake")  # type: ignore[union-attr]
    if not intake or "started_at" not in intake:
        return True
    return await _opened_already(context)


async def _opened_already(context: ClaimContext) -> bool:
    """Whether this intake's order has an open claim of this agent's, opened since the intake
    started: this intake opened it (Open was pressed, but the end of the conversation was not
    saved before the bot stopped). Only the details screen has the Open button."""
    intake = _intake(context)
    if intake.get("step") not in (DETAILS, DETAIL_VALUE) or not intake.get(ORDER_ID):
        return False
    try:
        started = datetime.fromisoformat(intake["started_at"])
    except (KeyError, TypeError, ValueError):
        return False
    return await opened_since(
        context.services.storage, intake[ORDER_ID], context.require_actor().id, started
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


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


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
            handlers.append(MessageHandler(text, _typed(callback)))
        return handlers

    return ConversationHandler(
        entry_points=[CommandHandler("new", new_claim, filters=NEW_MESSAGE)],
        states={
            **{
                step: answers(answer, prefix)
                for prefix, (step, answer) in _ANSWERS.items()
                if step != DETAILS
            },
            # The details screen takes buttons only; typed text gets a hint.
            DETAILS: [
                CallbackQueryHandler(details_button, pattern=f"^{DETAIL_BUTTON}"),
                MessageHandler(text, _typed(typed_details)),
            ],
            DETAIL_VALUE: [MessageHandler(text, _typed(detail_value_answer))],
        },
        fallbacks=[
            CommandHandler("cancel", cancel, filters=NEW_MESSAGE),
            CallbackQueryHandler(back_button, pattern=f"^{BACK_BUTTON}"),
            CallbackQueryHandler(
                earlier_button, pattern="^(" + "|".join(map(re.escape, _ANSWERS)) + ")"
            ),
            MessageHandler(NEW_MESSAGE & ~filters.TEXT & ~filters.COMMAND, _typed(not_text)),
        ],
        name="intake",
        persistent=True,
        allow_reentry=True,
    )
