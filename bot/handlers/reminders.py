"""The reminder job: every sweep's reminders to the agent and, escalated, to the leads."""

from __future__ import annotations

from bot.handlers.common import send_to
from bot.handlers.context import ClaimContext
from bot.views.reminders import reminder_message

JOB_NAME = "reminders"


async def reminder_job(context: ClaimContext) -> None:
    """Send what the sweep found, to whom the sweep addressed it."""
    services = context.services
    now = services.clock()
    for reminder in await services.reminders.sweep():
        if reminder.agent is not None:
            text, rows = reminder_message(services.translator_for(reminder.agent), reminder, now)
            await send_to(context, reminder.agent.id, text, rows)
        for chat_id, language in reminder.leads:
            tr = services.translator(language)
            # An unassigned claim's reminders go to the leads, naming the queue for the agent.
            name = reminder.agent_name if reminder.claim.agent_id else tr.gettext("Unassigned")
            text, rows = reminder_message(tr, reminder, now, agent_name=name)
            await send_to(context, chat_id, text, rows)
