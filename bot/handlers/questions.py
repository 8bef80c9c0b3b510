"""What the next typed message answers: one registry of the questions the bot asks.

A feature asks with `ask`: the question (bot/domain/questions.py) is stored, replacing any
other the person had, and its prompt is shown. When the person's next message arrives, `route`
finds the stored question, or else the person's unfinished /new, and hands the message to the
feature that asked. What every question shares lives here, once:

- the newest question wins: asking stores one row per person, and /new's questions drop it;
- the permission a question needs is checked again when its answer arrives (a role can change
  in between);
- a sticker or photo where text is wanted is answered by asking again with "I can only read
  text here.";
- an answer the domain rejects (`FieldError`) is answered by asking again with its hint;
- "Never mind" is one row under every prompt (bot/views/prompts.py).

Each feature that asks lists its questions in a `QUESTIONS` table; bot/handlers/__init__.py
registers them all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from telegram import Message, Update

from bot.domain.fields import FieldError
from bot.domain.people import Permission
from bot.domain.questions import PendingQuestion, QuestionKind
from bot.handlers.access import can, deny
from bot.handlers.context import ClaimContext

# Show the question's prompt, after `hint` when asking again.
Prompt = Callable[[Update, ClaimContext, PendingQuestion, str | None], Awaitable[None]]
# Take the answer. Returns False when the question no longer applies (its claim is gone from
# the person's sight): the message is then answered as stray input. Raise FieldError to ask
# again with the error's hint.
Answer = Callable[[Update, ClaimContext, PendingQuestion, Message], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Question:
    prompt: Prompt
    answer: Answer
    permission: Permission | None = None  # checked again when the answer arrives
    text_only: bool = True  # False: the answer may be a forwarded message of any kind


_REGISTRY: dict[QuestionKind, Question] = {}


def register(table: Mapping[QuestionKind, Question]) -> None:
    """Add a feature's questions (the composition root does, for every feature that asks)."""
    for kind, question in table.items():
        if _REGISTRY.setdefault(kind, question) is not question:
            raise RuntimeError(f"question {kind} registered twice")


def registered() -> frozenset[QuestionKind]:
    return frozenset(_REGISTRY)


async def ask(
    update: Update, context: ClaimContext, pending: PendingQuestion, hint: str | None = None
) -> None:
    """Store `pending` as the person's awaited answer (replacing any other), then prompt."""
    await context.services.storage.pending.set(pending, context.services.clock())
    await _REGISTRY[pending.kind].prompt(update, context, pending, hint)


async def done(context: ClaimContext) -> None:
    """The answer was taken: stop waiting."""
    await context.services.storage.pending.clear(context.require_actor().id)


async def waiting(context: ClaimContext) -> PendingQuestion | None:
    return await context.services.storage.pending.get(context.require_actor().id)


async def route(update: Update, context: ClaimContext) -> bool:
    """Hand a new message to the question it answers: the stored one, else the person's
    unfinished /new. False: no question takes it (stray input)."""
    actor = context.require_actor()
    storage = context.services.storage
    pending = await storage.pending.get(actor.id)
    if pending is None:
        if not await storage.intakes.exists(actor.id):
            return False
        pending = PendingQuestion(actor.id, QuestionKind.INTAKE)
    question = _REGISTRY[pending.kind]
    message = update.effective_message
    if message is None:
        return True
    if question.permission is not None and not can(context, question.permission):
        await done(context)
        await deny(update, context, question.permission)
        return True
    if question.text_only and message.text is None:
        hint = context.tr.gettext("I can only read text here.")
        await question.prompt(update, context, pending, hint)
        return True
    try:
        return await question.answer(update, context, pending, message)
    except FieldError as error:
        hint = context.tr.gettext(error.msgid) % error.params
        await question.prompt(update, context, pending, hint)
        return True
