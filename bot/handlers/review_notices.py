"""What the agent is told of a lead's decision, as outbox rows (issue 16): rendered inside the
decision's transaction by bot/services/review.py, in the agent's language as stored then, and
delivered by bot/handlers/outbox.py."""

from __future__ import annotations

from collections.abc import Callable

from bot.handlers.common import joined
from bot.handlers.outbox import outgoing
from bot.i18n.translator import Translator
from bot.services.people import on_team
from bot.services.review import ReviewItem
from bot.storage import Outgoing, ReviewStatus, User
from bot.views import review as views


class AgentNotices:
    """`ReviewNotices` for the chat: the claim's agent, when on the team, hears of every
    decision on their draft."""

    def __init__(self, translator_for: Callable[[User | None], Translator]) -> None:
        self.translator_for = translator_for

    def _agent(self, item: ReviewItem) -> User | None:
        agent_id = item.claim.agent_id
        agent = item.people.get(agent_id) if agent_id is not None else None
        return agent if on_team(agent) else None

    def decided(self, item: ReviewItem) -> list[Outgoing]:
        agent = self._agent(item)
        if agent is None:
            return []
        tr = self.translator_for(agent)
        if item.review.status is ReviewStatus.APPROVED:
            head, body, rows = views.approved_notice(tr, item)
            together = joined(head, body)  # one message when it fits, as a press answers
            if together is not None:
                return outgoing(agent.id, together, "review_approved", rows)
            return [
                *outgoing(agent.id, head, "review_approved"),
                *outgoing(agent.id, body, "review_approved", rows),
            ]
        if item.review.status is ReviewStatus.RETURNED:
            notice, rows = views.returned_notice(tr, item)
            return outgoing(agent.id, notice, "review_returned", rows)
        return []

    def corrected(self, old: ReviewItem, new: ReviewItem) -> list[Outgoing]:
        agent = self._agent(new)
        if agent is None:
            return []
        text = views.corrected_notice(self.translator_for(agent), old, new)
        return outgoing(agent.id, text, "review_corrected")
