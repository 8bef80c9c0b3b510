"""/users: the admin's view of the team. Rules live in bot/services/people.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from telegram import Message, MessageOriginHiddenUser, MessageOriginUser, Update

from bot.domain.errors import InvalidChoiceError
from bot.domain.people import NotAllowedError, Permission, Role, parse_user_id
from bot.domain.questions import PendingQuestion, QuestionKind
from bot.handlers import questions
from bot.handlers.access import deny, permitted, pressed, refuse_button
from bot.handlers.common import answer_button, send, show
from bot.handlers.context import ClaimContext
from bot.handlers.menu import set_personal_menu
from bot.services.people import MAX_NAME, PeopleError
from bot.storage import User
from bot.views import people as views
from bot.views.buttons import PeopleButton, choice, parse_people_button, row_id
from bot.views.labels import ROLES
from bot.views.stores import card_stores


async def users_command(update: Update, context: ClaimContext) -> None:
    if await permitted(update, context, Permission.MANAGE_PEOPLE):
        await _team(update, context, replace=False)


async def _team(update: Update, context: ClaimContext, *, replace: bool = True) -> None:
    active, removed = await context.services.people.team(context.require_actor())
    await show(update, *views.team_screen(context.tr, active, removed), replace_pressed=replace)


async def _person(update: Update, context: ClaimContext, user_id: int) -> None:
    actor = context.require_actor()
    person, count = await context.services.people.person(actor, user_id)
    await show(update, *views.person_screen(context.tr, person, count, actor, _stores(context)))


def _stores(context: ClaimContext) -> dict[int, str] | None:
    """The team's stores by name, or None with only one (nothing to limit anyone to)."""
    return card_stores(context.tr, context.services.store.stores)


async def _menu(context: ClaimContext, person: User) -> None:
    """Their command menu follows their role (a lead's shows /queue)."""
    if context.services.channel == "telegram":
        await set_personal_menu(context.bot, person, context.services.translator_for(person))


def _problem(context: ClaimContext, error: PeopleError) -> str:
    _ = context.tr.gettext
    return {
        "configured": _(
            "This admin is named in CLAIMBOT_ADMINS and would be an admin again at the next"
            " start. Change the setting instead."
        ),
        "last_admin": _("The team needs at least one admin: make someone else admin first."),
        "self": _("You cannot remove yourself; another admin can."),
        "exists": _("That person is already in the team."),
        "bad_id": _("That is not a Telegram user id: it is a number like 123456789."),
        "target": _("That person cannot take claims."),
        "target_stores": _(
            "That person does not work for the stores of all these claims: give them those"
            " stores first (Stores), or choose someone who works for them."
        ),
        "last_store": _("A person works for at least one store: tick another one first."),
    }.get(error.reason, _("That person is not in the team."))


async def people_button(update: Update, context: ClaimContext) -> None:
    button = await pressed(update, context, parse_people_button, Permission.MANAGE_PEOPLE)
    if button is None:
        return
    try:
        await _act(update, context, button)
    except NotAllowedError:
        await deny(update, context, Permission.MANAGE_PEOPLE)
    except PeopleError as error:
        await answer_button(update, _problem(context, error), alert=True)
    except InvalidChoiceError:
        # A role or person no screen offers (forged, or an old button): refused quietly.
        await refuse_button(update, context)


async def _act(update: Update, context: ClaimContext, button: PeopleButton) -> None:
    if button.action == "list":
        await questions.done(context)
        await answer_button(update)
        await _team(update, context)
    elif button.action == "add" and button.user_id is None:
        await _add(update, context, button.arg)
    elif button.user_id is None:
        raise InvalidChoiceError(button.action)
    else:
        await PERSON_ACTIONS[button.action](update, context, button.user_id, button.arg)


async def _add(update: Update, context: ClaimContext, role_name: str | None) -> None:
    """Choose the new person's role, then wait for their id (or a forwarded message)."""
    await answer_button(update)
    if role_name is None:
        await show(update, *views.add_menu(context.tr))
        return
    role = choice(Role, role_name)
    pending = PendingQuestion(context.require_actor().id, QuestionKind.PERSON_ADD, role.value)
    await questions.ask(update, context, pending)


async def _prompt(
    update: Update, context: ClaimContext, pending: PendingQuestion, hint: str | None
) -> None:
    """Ask for the id; once one was found, show who it is, to confirm."""
    role, name = _role_and_name(pending)
    if pending.ref is None:
        await show(update, *views.add_prompt(context.tr, role, hint))
        return
    if name is None:  # a typed id: the name, when the bot knows the person
        known = await context.services.storage.users.get(pending.ref)
        name = known.name() if known and (known.display_name or known.telegram_name) else None
    await show(update, *views.add_confirm(context.tr, role, pending.ref, name, hint))


def _role_and_name(pending: PendingQuestion) -> tuple[Role, str | None]:
    """The role to add as, and the name a forwarded message showed (see QuestionKind)."""
    role, _sep, name = (pending.arg or "").partition(":")
    return Role(role), name or None


def _found(actor_id: int, role: Role, user_id: int, name: str | None) -> PendingQuestion:
    """The add question once it found `user_id`: waiting for the admin to confirm."""
    name = " ".join((name or "").split())[:MAX_NAME]
    arg = f"{role.value}:{name}" if name else role.value
    return PendingQuestion(actor_id, QuestionKind.PERSON_ADD, arg, ref=user_id)


async def _open(update: Update, context: ClaimContext, uid: int, _arg: str | None) -> None:
    actor = context.require_actor()
    person, count = await context.services.people.person(actor, uid)  # raises first
    await answer_button(update)
    await show(update, *views.person_screen(context.tr, person, count, actor, _stores(context)))


async def _add_confirmed(update: Update, context: ClaimContext, uid: int, arg: str | None) -> None:
    """The admin confirmed the person the add question found. Only the person shown last
    (and the role asked for) is added: a button of an earlier candidate is refused."""
    actor = context.require_actor()
    pending = await questions.waiting(context)
    role = choice(Role, arg)
    if (
        pending is None
        or pending.kind is not QuestionKind.PERSON_ADD
        or pending.ref != uid
        or _role_and_name(pending)[0] is not role
    ):
        raise InvalidChoiceError(arg)
    person = await context.services.people.add(actor, uid, role, _role_and_name(pending)[1])
    await questions.done(context)
    await answer_button(update)
    await _menu(context, person)
    _ = context.tr.gettext
    await send(
        update,
        _("%(name)s is now in the team as %(role)s. They can start with /start.")
        % {"name": person.name(), "role": _(ROLES[person.role])},
    )
    await show(update, *views.person_screen(context.tr, person, 0, actor, _stores(context)))


async def _add_again(update: Update, context: ClaimContext, uid: int, arg: str | None) -> None:
    """A removed person, added again with their old role."""
    person = await context.services.people.add(context.require_actor(), uid, choice(Role, arg))
    await answer_button(update, context.tr.gettext("Added."))
    await _menu(context, person)
    await _person(update, context, uid)


async def _role(update: Update, context: ClaimContext, uid: int, arg: str | None) -> None:
    person = await context.services.people.set_role(context.require_actor(), uid, choice(Role, arg))
    await answer_button(update, context.tr.gettext("Role changed."))
    await _menu(context, person)
    await _person(update, context, person.id)


async def _remove(update: Update, context: ClaimContext, uid: int, _arg: str | None) -> None:
    person, count = await context.services.people.person(context.require_actor(), uid)
    await answer_button(update)
    await show(update, *views.remove_confirm(context.tr, person, count))


async def _removed(update: Update, context: ClaimContext, uid: int, _arg: str | None) -> None:
    await _menu(context, await context.services.people.remove(context.require_actor(), uid))
    await answer_button(update, context.tr.gettext("Removed."))
    await _person(update, context, uid)


async def _move(update: Update, context: ClaimContext, uid: int, _arg: str | None) -> None:
    people = context.services.people
    actor = context.require_actor()
    person, count = await people.person(actor, uid)
    targets = await people.targets(actor, uid)
    await answer_button(update)
    await show(update, *views.targets_menu(context.tr, person, count, targets))


async def _moved(update: Update, context: ClaimContext, uid: int, arg: str | None) -> None:
    moved = await context.services.people.reassign(context.require_actor(), uid, row_id(arg))
    await answer_button(update)
    await send(update, context.tr.gettext("Claims handed on: %(count)s.") % {"count": len(moved)})
    await _person(update, context, uid)


async def _store_list(update: Update, context: ClaimContext, uid: int, _arg: str | None) -> None:
    stores = _stores(context)
    if stores is None:  # one store: nothing to choose (an old or forged button)
        raise InvalidChoiceError("stores")
    person, _count = await context.services.people.person(context.require_actor(), uid)
    await answer_button(update)
    await show(update, *views.stores_screen(context.tr, person, stores))


async def _store_toggled(update: Update, context: ClaimContext, uid: int, arg: str | None) -> None:
    stores = _stores(context)
    if stores is None:
        raise InvalidChoiceError("store")
    person = await context.services.people.toggle_store(
        context.require_actor(), uid, row_id(arg), frozenset(stores)
    )
    await answer_button(update)
    await show(update, *views.stores_screen(context.tr, person, stores))


PERSON_ACTIONS: Final[
    dict[str, Callable[[Update, ClaimContext, int, str | None], Awaitable[None]]]
] = {
    "p": _open,
    "add": _add_again,
    "addok": _add_confirmed,
    "role": _role,
    "rm": _remove,
    "rmok": _removed,
    "move": _move,
    "to": _moved,
    "stores": _store_list,
    "store": _store_toggled,
}


async def _typed_answer(
    update: Update, context: ClaimContext, pending: PendingQuestion, message: Message
) -> bool:
    """The new person's user id, typed or as a forwarded message from them. Nobody is added
    here: who it is (id, and name when known) is shown for the admin to confirm."""
    actor = context.require_actor()
    role, _name = _role_and_name(pending)
    # Asked again (with the hint why) unless the message names someone to add: a confirm
    # button shown for an earlier answer stops working either way.
    asking = PendingQuestion(actor.id, QuestionKind.PERSON_ADD, role.value)
    found = _named(context, message)
    if isinstance(found, str):
        await questions.ask(update, context, asking, found)
        return True
    user_id, name = found
    try:
        await context.services.people.candidate(actor, user_id)
    except PeopleError as error:
        await questions.ask(update, context, asking, _problem(context, error))
        return True
    await questions.ask(update, context, _found(actor.id, role, user_id, name))
    return True


def _named(context: ClaimContext, message: Message) -> tuple[int, str | None] | str:
    """(user id, name) of the person `message` names, or the hint why it names nobody.

    A forwarded message is never read as typed digits: its author is the answer, and only a
    person whose account the forward shows can be added (not a bot, not someone hidden by
    their privacy settings, not a channel or an anonymous group admin)."""
    _ = context.tr.gettext
    origin = message.forward_origin
    if origin is None:
        typed = parse_user_id(message.text or "")
        if typed is None:
            return _("That is not a Telegram user id: it is a number like 123456789.")
        return typed, None
    if isinstance(origin, MessageOriginUser):
        if origin.sender_user.is_bot:
            return _("That message comes from a bot. Only people can be in the team.")
        return origin.sender_user.id, origin.sender_user.full_name
    if isinstance(origin, MessageOriginHiddenUser):
        return _(
            "Their privacy settings hide who they are. Ask them to write to me: I will tell"
            " them their user id."
        )
    # MessageOriginChannel (a channel post), MessageOriginChat (a group's anonymous admin),
    # or a kind of forward this version does not know: no person's account to add.
    return _(
        "That message was posted in the name of a group or channel, so I cannot tell who"
        " wrote it. Forward a message they sent themselves, or send their user id."
    )


# Any message may answer: a forwarded one names the person to add.
QUESTIONS: Final = {
    QuestionKind.PERSON_ADD: questions.Question(
        _prompt, _typed_answer, permission=Permission.MANAGE_PEOPLE, text_only=False
    )
}
