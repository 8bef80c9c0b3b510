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
from bot.services.people import PeopleError
from bot.storage import User
from bot.views import people as views
from bot.views.buttons import PeopleButton, choice, parse_people_button, row_id
from bot.views.labels import ROLES


async def users_command(update: Update, context: ClaimContext) -> None:
    if await permitted(update, context, Permission.MANAGE_PEOPLE):
        await _team(update, context, replace=False)


async def _team(update: Update, context: ClaimContext, *, replace: bool = True) -> None:
    active, removed = await context.services.people.team(context.require_actor())
    await show(update, *views.team_screen(context.tr, active, removed), replace_pressed=replace)


async def _person(update: Update, context: ClaimContext, user_id: int) -> None:
    actor = context.require_actor()
    person, count = await context.services.people.person(actor, user_id)
    await show(update, *views.person_screen(context.tr, person, count, actor))


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
    await show(update, *views.add_prompt(context.tr, Role(pending.arg or ""), hint))


async def _open(update: Update, context: ClaimContext, uid: int, _arg: str | None) -> None:
    actor = context.require_actor()
    person, count = await context.services.people.person(actor, uid)  # raises first
    await answer_button(update)
    await show(update, *views.person_screen(context.tr, person, count, actor))


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


PERSON_ACTIONS: Final[
    dict[str, Callable[[Update, ClaimContext, int, str | None], Awaitable[None]]]
] = {
    "p": _open,
    "add": _add_again,
    "role": _role,
    "rm": _remove,
    "rmok": _removed,
    "move": _move,
    "to": _moved,
}


async def _typed_answer(
    update: Update, context: ClaimContext, pending: PendingQuestion, message: Message
) -> bool:
    """The new person's user id, typed or as a forwarded message from them."""
    _ = context.tr.gettext
    services = context.services
    actor = context.require_actor()
    role = Role(pending.arg or "")
    origin = message.forward_origin
    name: str | None = None
    if isinstance(origin, MessageOriginUser):
        user_id, name = origin.sender_user.id, origin.sender_user.full_name
    elif isinstance(origin, MessageOriginHiddenUser):
        hint = _(
            "Their privacy settings hide who they are. Ask them to write to me: I will tell"
            " them their user id."
        )
        await show(update, *views.add_prompt(context.tr, role, hint), replace_pressed=False)
        return True
    else:
        typed = parse_user_id(message.text or "")
        if typed is None:
            hint = _("That is not a Telegram user id: it is a number like 123456789.")
            await show(update, *views.add_prompt(context.tr, role, hint), replace_pressed=False)
            return True
        user_id = typed
    try:
        person = await services.people.add(actor, user_id, role, name)
    except PeopleError as error:
        await show(
            update,
            *views.add_prompt(context.tr, role, _problem(context, error)),
            replace_pressed=False,
        )
        return True
    await questions.done(context)
    await _menu(context, person)
    await send(
        update,
        _("%(name)s is now in the team as %(role)s. They can start with /start.")
        % {"name": person.name(), "role": _(ROLES[person.role])},
    )
    await show(
        update,
        *views.person_screen(context.tr, person, 0, actor),
        replace_pressed=False,
    )
    return True


# Any message may answer: a forwarded one names the person to add.
QUESTIONS: Final = {
    QuestionKind.PERSON_ADD: questions.Question(
        _prompt, _typed_answer, permission=Permission.MANAGE_PEOPLE, text_only=False
    )
}
