"""The reminder job: every sweep's reminders to the agent and, escalated, to the leads."""

from __future__ import annotations

from bot.handlers.common import send_to
from bot.handlers.context import ClaimContext
from bot.views.reminders import reminder_message

JOB_NAME = "reminders"


async def reminder_job(context: ClaimContext) -> None:
    """Send what the sweep found. A claim whose agent was removed (and not handed on yet)
    goes to the leads at every reminder, not only the escalated ones: nobody else would act."""
    services = context.services
    now = services.clock()
    for reminder in await services.reminders.sweep():
        claim = reminder.claim
        agent = await services.storage.users.get(claim.agent_id)
        reachable = agent is not None and agent.active
        if agent is not None and reachable:
            text, rows = reminder_message(services.translator_for(agent), reminder, now)
            await send_to(context, claim.agent_id, text, rows)
        if reachable and not reminder.escalate:
            continue
        name = agent.name() if agent else str(claim.agent_id)
        for chat_id, language in await services.reviews.lead_chats(exclude=claim.agent_id):
            text, rows = reminder_message(
                services.translator(language), reminder, now, agent_name=name
            )
            await send_to(context, chat_id, text, rows)
