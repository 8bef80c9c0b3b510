"""/settings: the store settings an admin sees and changes in the chat."""

from __future__ import annotations

from typing import Final

from telegram import Message, Update

from bot.domain.errors import InvalidChoiceError
from bot.domain.fields import STORE_TEXTS
from bot.domain.marketplaces import BUYER_LANGUAGES
from bot.domain.people import Permission, Role
from bot.domain.questions import PendingQuestion, QuestionKind
from bot.handlers import questions
from bot.handlers.access import permitted, pressed, refuse_button
from bot.handlers.common import answer_button, send, show
from bot.handlers.context import ClaimContext
from bot.views.buttons import SettingButton, parse_setting_button
from bot.views.labels import language_name
from bot.views.prompts import never_mind
from bot.views.settings import on_duty_screen, settings_screen, signature_languages_screen

TEXTS: Final = {"name": "name", "sign": "signature"}  # button action -> store text
# The question's argument for one language's signature: "signature:ja".
LANGUAGE_SEPARATOR: Final = ":"


async def settings_command(update: Update, context: ClaimContext) -> None:
    if await permitted(update, context, Permission.MANAGE_STORE):
        await _screen(update, context, replace=False)


async def setting_button(update: Update, context: ClaimContext) -> None:
    button = await pressed(update, context, parse_setting_button, Permission.MANAGE_STORE)
    if button is None:
        return
    _ = context.tr.gettext
    if button.action in TEXTS:
        await answer_button(update)
        await _ask(update, context, TEXTS[button.action])
        return
    if button.action == "langs":
        await answer_button(update)
        text, rows = signature_languages_screen(
            context.tr, store=context.services.store.profile, languages=_languages(context)
        )
        await show(update, text, rows, replace_pressed=True)
        return
    if button.action == "slang":
        if button.value not in _languages(context):
            await refuse_button(update, context)
            return
        await answer_button(update)
        await _ask(update, context, f"signature{LANGUAGE_SEPARATOR}{button.value}")
        return
    if button.action in ("duty", "dutyset"):
        await _on_duty(update, context, button.value if button.action == "dutyset" else None)
        return
    if button.action == "review":
        await context.services.store.set_review_required(
            button.value == "on", context.require_actor()
        )
        await answer_button(update, _("Saved."))
    elif button.action == "rr":
        await context.services.store.set_round_robin(button.value == "on", context.require_actor())
        await answer_button(update, _("Saved."))
    else:
        await answer_button(update)
    await _screen(update, context, replace=True)


async def _on_duty(update: Update, context: ClaimContext, chosen: str | None) -> None:
    """The lead on duty: the list (`chosen` None), or the one tapped (0: nobody) and the
    settings again."""
    _ = context.tr.gettext
    if chosen is None:
        await answer_button(update)
        await _duty_screen(update, context)
        return
    try:
        await context.services.store.set_on_duty(int(chosen) or None, context.require_actor())
    except InvalidChoiceError:  # not (or no longer) a lead: the list again, as it is now
        await answer_button(update, _("They are not a team lead."))
        await _duty_screen(update, context)
        return
    await answer_button(update, _("Saved."))
    await _screen(update, context, replace=True)


async def _duty_screen(update: Update, context: ClaimContext) -> None:
    users = context.services.storage.users
    candidates = await users.with_role(Role.LEAD) + await users.with_role(Role.ADMIN)
    text, rows = on_duty_screen(context.tr, candidates, await context.services.store.on_duty())
    await show(update, text, rows, replace_pressed=True)


def _languages(context: ClaimContext) -> tuple[str, ...]:
    """The buyer languages drafts are written in (the others fall back to English): the ones
    a signature of its own can be set for."""
    renderer = context.services.renderer
    return tuple(code for code in BUYER_LANGUAGES if renderer.resolve_language(code) == code)


def _store_text(arg: str | None) -> tuple[str, str | None]:
    """The question's argument as (store text, language): "name", "signature:ja"."""
    name, _sep, language = (arg or "").partition(LANGUAGE_SEPARATOR)
    return name, language or None


async def _ask(update: Update, context: ClaimContext, arg: str) -> None:
    pending = PendingQuestion(context.require_actor().id, QuestionKind.STORE_TEXT, arg)
    await questions.ask(update, context, pending)


async def _prompt(
    update: Update, context: ClaimContext, pending: PendingQuestion, hint: str | None
) -> None:
    _ = context.tr.gettext
    name, language = _store_text(pending.arg)
    if language is not None:
        prompt = _(
            "Send the signature for messages to buyers in %(language)s (at most 4 lines), or"
            " - to go back to the one in claimbot.toml (without one there, messages in that"
            " language end with the default signature)."
        ) % {"language": language_name(language, context.tr)}
    elif name == "name":
        prompt = _(
            "Send the store name buyers should read (at most 80 characters), or - to use the"
            " one in claimbot.toml."
        )
    else:
        prompt = _(
            "Send the signature for messages to buyers (at most 4 lines), or - to use the one in"
            " claimbot.toml."
        )
    text = f"{hint}\n\n{prompt}" if hint else prompt
    await show(
        update,
        text,
        [never_mind(context.tr, SettingButton("show").data())],
        replace_pressed=False,
    )


async def _typed_answer(
    update: Update, context: ClaimContext, pending: PendingQuestion, message: Message
) -> bool:
    """The new store name or signature (a FieldError asks again with its hint)."""
    _ = context.tr.gettext
    name, language = _store_text(pending.arg)
    if name not in STORE_TEXTS:  # pragma: no cover - only this module asks
        await questions.done(context)
        return False
    await context.services.store.set_text(
        name, message.text or "", context.require_actor(), language=language
    )
    await questions.done(context)
    await send(update, _("Saved. New drafts use it; drafts already written keep their text."))
    await _screen(update, context, replace=False)
    return True


QUESTIONS: Final = {
    QuestionKind.STORE_TEXT: questions.Question(
        _prompt, _typed_answer, permission=Permission.MANAGE_STORE
    )
}


async def _screen(update: Update, context: ClaimContext, *, replace: bool) -> None:
    services = context.services
    text, rows = settings_screen(
        context.tr,
        required=await services.store.review_required(),
        round_robin=await services.store.round_robin(),
        store=services.store.profile,
        leads_chat=services.settings.leads_chat,
        languages=_languages(context),
        on_duty=duty.name() if (duty := await services.store.on_duty()) is not None else None,
    )
    await show(update, text, rows, replace_pressed=replace)
