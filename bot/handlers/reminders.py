"""The reminder job: every sweep's reminders to the agent and, escalated, to the leads.

The sweep (bot/services/reminders.py) records each reminder with its messages in the outbox,
rendered here (`reminder_notices`) in each reader's language; the job then delivers them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.handlers.context import ClaimContext
from bot.handlers.outbox import outgoing
from bot.i18n.translator import Translator
from bot.services.reminders import Reminder
from bot.storage import Outgoing, User
from bot.views.reminders import reminder_message

JOB_NAME = "reminders"


def reminder_notices(
    translator: Callable[[str | None], Translator],
    translator_for: Callable[[User | None], Translator],
    reminder: Reminder,
    now: datetime,
) -> list[Outgoing]:
    """The reminder's messages: to the agent, and to the leads' chats it names."""
    rows: list[Outgoing] = []
    if reminder.agent is not None:
        text, buttons = reminder_message(translator_for(reminder.agent), reminder, now)
        rows += outgoing(reminder.agent.id, text, "reminder", buttons)
    for chat_id, language in reminder.leads:
        tr = translator(language)
        # An unassigned claim's reminders go to the leads, naming the queue for the agent.
        name = reminder.agent_name if reminder.claim.agent_id else tr.gettext("Unassigned")
        text, buttons = reminder_message(tr, reminder, now, agent_name=name)
        rows += outgoing(chat_id, text, "reminder", buttons)
    return rows


async def reminder_job(context: ClaimContext) -> None:
    """Sweep (each due reminder is recorded with its messages), then send them."""
    services = context.services
    if await services.reminders.sweep():
        await services.outbox.deliver(context.bot)
