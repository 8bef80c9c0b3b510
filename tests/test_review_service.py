"""The review and people services refuse on their own, whatever a handler checked first."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.people import NotAllowedError, Role
from bot.services.people import PeopleError
from bot.services.review import ReviewDecidedError, ReviewError
from bot.storage import ReviewStatus
from tests.helpers import (
    ADMIN,
    AGENT,
    LEAD,
    LEAD2,
    close_as_withdrawn,
    person,
    team,
    team_claim,
)


async def test_only_reviewers_decide(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, submit=True)
        reviews = chat.services.reviews
        agent = await person(chat, AGENT)
        with pytest.raises(NotAllowedError):
            await reviews.approve(1, agent)
        with pytest.raises(NotAllowedError):
            await reviews.return_draft(1, "no", agent)
        with pytest.raises(NotAllowedError):
            await reviews.correct(1, "text", agent)
        review = await chat.services.storage.reviews.get(1)
        assert review is not None
        assert review.status is ReviewStatus.PENDING


async def test_a_decided_review_cannot_be_decided_again(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, submit=True)
        reviews = chat.services.reviews
        await reviews.approve(1, await person(chat, LEAD))
        for attempt in (
            reviews.approve(1, await person(chat, LEAD2)),
            reviews.return_draft(1, "late", await person(chat, LEAD2)),
            reviews.correct(1, "late", await person(chat, LEAD2)),
        ):
            with pytest.raises(ReviewDecidedError) as raised:
                await attempt
            assert raised.value.review is not None
            assert raised.value.review.decided_by == LEAD
        latest = await chat.services.storage.drafts.latest(1, "inquiry")
        assert latest is not None
        assert latest.version == 1


async def test_review_texts_are_checked(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, submit=True)
        lead = await person(chat, LEAD)
        reviews = chat.services.reviews
        for call, reason in (
            (reviews.return_draft(1, "   ", lead), "empty"),
            (reviews.return_draft(1, "x" * 1001, lead), "too_long"),
            (reviews.correct(1, "", lead), "empty"),
            (reviews.correct(1, "x" * 4001, lead), "too_long"),
            (reviews.approve(99, lead), "missing"),
        ):
            with pytest.raises(ReviewError) as raised:
                await call
            assert raised.value.reason == reason


async def test_closed_claims_have_nothing_to_review(bot: Any) -> None:
    async with bot() as chat:
        await team_claim(chat, submit=True)
        await chat.press("◂ Back to the claim", AGENT)
        await close_as_withdrawn(chat, AGENT)
        with pytest.raises(ReviewError) as raised:
            await chat.services.reviews.approve(1, await person(chat, LEAD))
        assert raised.value.reason == "closed"
        total, items = await chat.services.reviews.queue(offset=0, limit=10)
        assert (total, items) == (0, [])


async def test_only_admins_manage_people(bot: Any) -> None:
    async with bot() as chat:
        await team(chat)
        people = chat.services.people
        lead = await person(chat, LEAD)
        with pytest.raises(NotAllowedError):
            await people.add(lead, 999, Role.ADMIN)
        with pytest.raises(NotAllowedError):
            await people.set_role(lead, LEAD, Role.ADMIN)
        with pytest.raises(NotAllowedError):
            await people.remove(lead, AGENT)
        with pytest.raises(NotAllowedError):
            await people.reassign(lead, AGENT, LEAD)
        admin = await person(chat, ADMIN)
        with pytest.raises(PeopleError) as raised:
            await people.add(admin, AGENT, Role.AGENT)
        assert raised.value.reason == "exists"
        with pytest.raises(PeopleError) as raised:
            await people.add(admin, 0, Role.AGENT)
        assert raised.value.reason == "bad_id"
        removed = await people.remove(admin, AGENT)
        assert not removed.active
        with pytest.raises(PeopleError) as raised:
            await people.reassign(admin, LEAD, AGENT)  # to someone removed
        assert raised.value.reason == "target"
        with pytest.raises(NotAllowedError):
            await people.team(removed)  # a removed person has no rights left
