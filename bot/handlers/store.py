"""/settings: the store settings an admin sees and changes in the chat."""

from __future__ import annotations

from typing import Final

from telegram import Message, Update

from bot.domain.errors import InvalidChoiceError
from bot.domain.fields import STORE_TEXTS
from bot.domain.marketplaces import BUYER_LANGUAGES
from bot.domain.people import Permission, Role
from bot.domain.questions import PendingQuestion, QuestionKind
from bot.domain.stores import DEFAULT_STORE
from bot.handlers import questions
from bot.handlers.access import permitted, pressed, refuse_button
from bot.handlers.common import answer_button, send, show
from bot.handlers.context import ClaimContext
from bot.views.buttons import SettingButton, parse_setting_button
from bot.views.card import Rows
from bot.views.labels import language_name
from bot.views.prompts import never_mind
from bot.views.settings import (
    gifts_screen,
    on_duty_screen,
    settings_screen,
    signature_languages_screen,
    stores_screen,
)
from bot.views.stores import store_labels

TEXTS: Final = {"name": "name", "sign": "signature"}  # button action -> store text
# Buttons that ask for a store field -> the question's argument (issue 16).
NEW_STORE: Final = "new"
ASKED: Final = {"add": NEW_STORE, "mkts": "marketplaces", "mail": "mail"}
# The question's argument for one language's signature: "signature:ja"; for another store
# than store 1, its id after STORE_SEPARATOR: "signature:ja@2".
LANGUAGE_SEPARATOR: Final = ":"
STORE_SEPARATOR: Final = "@"


async def settings_command(update: Update, context: ClaimContext) -> None:
    if await permitted(update, context, Permission.MANAGE_STORE):
        await _screen(update, context, replace=False)


async def setting_button(update: Update, context: ClaimContext) -> None:
    button = await pressed(update, context, parse_setting_button, Permission.MANAGE_STORE)
    if button is None:
        return
    _ = context.tr.gettext
    store_service = context.services.store
    store = button.store
    if store not in store_service.stores or (
        button.action == "slang" and button.value not in _languages(context)
    ):
        await refuse_button(update, context)
        return
    question = _question(button)
    if question is not None:
        await answer_button(update)
        await _ask(update, context, question)
        return
    screen = _subscreen(context, button.action, store)
    if screen is not None:
        await answer_button(update)
        await show(update, *screen, replace_pressed=True)
        return
    if button.action in ("duty", "dutyset"):
        await _on_duty(update, context, button.value if button.action == "dutyset" else None)
        return
    if button.action == "review":
        await store_service.set_review_required(button.value == "on", context.require_actor())
        await answer_button(update, _("Saved."))
    elif button.action == "rr":
        await store_service.set_round_robin(button.value == "on", context.require_actor())
        await answer_button(update, _("Saved."))
    else:
        await answer_button(update)
    await _screen(update, context, replace=True, store=store)


def _question(button: SettingButton) -> str | None:
    """The question a button asks, as its argument, or None for a button that asks none."""
    if button.action in TEXTS or button.action in ASKED:
        return _arg(TEXTS.get(button.action) or ASKED[button.action], button.store)
    if button.action == "slang":
        return _arg(f"signature{LANGUAGE_SEPARATOR}{button.value}", button.store)
    if button.action == "gift":
        return _arg(f"gift{LANGUAGE_SEPARATOR}{button.value}", button.store)
    return None


def _subscreen(context: ClaimContext, action: str, store: int) -> tuple[str, Rows] | None:
    """The screen a button opens: a store's signature languages or gifts, the stores."""
    service = context.services.store
    if action == "langs":
        return signature_languages_screen(
            context.tr,
            store=service.profile_of(store),
            languages=_languages(context),
            store_id=store,
        )
    if action == "gifts":
        return gifts_screen(context.tr, store=service.profile_of(store), store_id=store)
    if action == "stores":
        return stores_screen(context.tr, store_labels(context.tr, service.stores))
    return None


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


def _arg(text: str, store: int) -> str:
    """The question's argument for `store`: "name", "signature:ja@2" (store 1 has no tail, as
    before there were several stores)."""
    return text if store == DEFAULT_STORE else f"{text}{STORE_SEPARATOR}{store}"


def _store_text(arg: str | None) -> tuple[str, str | None, int]:
    """The question's argument as (what, its language or marketplace, store): "name",
    "signature:ja", "gift:DE@2"."""
    body, _at, store = (arg or "").partition(STORE_SEPARATOR)
    name, _sep, language = body.partition(LANGUAGE_SEPARATOR)
    number = int(store) if store.isascii() and store.isdigit() else DEFAULT_STORE
    return name, language or None, number


async def _ask(update: Update, context: ClaimContext, arg: str) -> None:
    pending = PendingQuestion(context.require_actor().id, QuestionKind.STORE_TEXT, arg)
    await questions.ask(update, context, pending)


async def _prompt(
    update: Update, context: ClaimContext, pending: PendingQuestion, hint: str | None
) -> None:
    _ = context.tr.gettext
    name, language, store = _store_text(pending.arg)
    first = store == DEFAULT_STORE
    if name == "gift":
        prompt = _(
            "Send the gift for claims in %(marketplace)s, in its buyer language (such as"
            " “two spare filters”); add | and its value to show it in the local currency"
            " (“two spare filters | 5”). Or - for none."
        ) % {"marketplace": language}
    elif name == NEW_STORE:
        prompt = _(
            "Send the name of the new store, as buyers should read it (at most 80 characters)."
        )
    elif name == "marketplaces":
        prompt = _("Send the store's marketplaces as codes, such as DE FR IT ES, or - for none.")
    elif name == "mail":
        prompt = _(
            "Send the addresses Amazon mails this store's claim notices to, such as"
            " claims-de@your-store.example, separated by spaces or commas; or - for none. A"
            " notice sent to one of them opens its claim in this store."
        )
    elif language is not None:
        prompt = _(
            "Send the signature for messages to buyers in %(language)s (at most 4 lines), or"
            " - to go back to the one in claimbot.toml (without one there, messages in that"
            " language end with the default signature)."
        ) % {"language": language_name(language, context.tr)}
    elif name == "name":
        prompt = (
            _(
                "Send the store name buyers should read (at most 80 characters), or - to use the"
                " one in claimbot.toml."
            )
            if first
            else _("Send the store name buyers should read (at most 80 characters).")
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
        [never_mind(context.tr, SettingButton("store", None, store).data())],
        replace_pressed=False,
    )


async def _typed_answer(
    update: Update, context: ClaimContext, pending: PendingQuestion, message: Message
) -> bool:
    """The new store name or signature, or another field of a store (a FieldError asks
    again with its hint)."""
    _ = context.tr.gettext
    name, language, store = _store_text(pending.arg)
    service = context.services.store
    actor = context.require_actor()
    text = message.text or ""
    if store not in service.stores or (
        name not in STORE_TEXTS and name not in {*ASKED.values(), "gift"}
    ):  # pragma: no cover - only this module asks, and stores are never deleted
        await questions.done(context)
        return False
    if name == NEW_STORE:
        store = await service.add_store(text, actor)
    elif name == "marketplaces":
        await service.set_marketplaces(store, text, actor)
    elif name == "mail":
        await service.set_mail_addresses(store, text, actor)
    elif name == "gift":
        await service.set_gift(store, language or "", text, actor)
    else:
        await service.set_text(name, text, actor, language=language, store=store)
    await questions.done(context)
    await send(update, _("Saved. New drafts use it; drafts already written keep their text."))
    await _screen(update, context, replace=False, store=store)
    return True


QUESTIONS: Final = {
    QuestionKind.STORE_TEXT: questions.Question(
        _prompt, _typed_answer, permission=Permission.MANAGE_STORE
    )
}


async def _screen(
    update: Update, context: ClaimContext, *, replace: bool, store: int = DEFAULT_STORE
) -> None:
    services = context.services
    text, rows = settings_screen(
        context.tr,
        required=await services.store.review_required(),
        round_robin=await services.store.round_robin(),
        store=services.store.profile_of(store),
        leads_chat=services.settings.leads_chat,
        languages=_languages(context),
        on_duty=duty.name() if (duty := await services.store.on_duty()) is not None else None,
        store_id=store,
        store_count=len(services.store.stores),
    )
    await show(update, text, rows, replace_pressed=replace)
