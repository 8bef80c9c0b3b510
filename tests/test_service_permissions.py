"""Every service method that changes a claim, its drafts, a review or a setting checks the
acting person's permission itself, as bot/domain/people.py promises: a handler that forgot to
ask, or a button from a screen the person should never have had, still changes nothing.

Each method is called directly with people who lack what it needs: another agent (claims are
their own agent's, or a lead's to see), the claim's own agent once removed from the team,
an agent deciding a review, a lead changing the store's settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from bot.domain.claims import Claim, Evidence, Outcome, StepId
from bot.domain.drafts import DraftKind
from bot.domain.people import NotAllowedError, Role
from bot.handlers.context import Services
from bot.storage import User
from tests.helpers import ADMIN, AGENT, LEAD, Chat, open_claim, team

OTHER_AGENT = 61


@dataclass(frozen=True)
class Scene:
    """A claim of AGENT's with its first draft submitted for review (review #1)."""

    services: Services
    claim: Claim
    draft_id: int
    people: dict[str, User]


Call = Callable[[Scene, User], Awaitable[object]]


async def _scene(chat: Chat) -> Scene:
    await team(chat)
    await open_claim(chat, AGENT)
    await chat.press("📤 Submit for review", AGENT)
    services = chat.services
    admin = await services.storage.users.get(ADMIN)
    assert admin is not None
    await services.people.add(admin, OTHER_AGENT, Role.AGENT, "Ben")
    users = {
        name: await services.storage.users.get(user_id)
        for name, user_id in (("agent", AGENT), ("other agent", OTHER_AGENT), ("lead", LEAD))
    }
    people = {name: user for name, user in users.items() if user is not None}
    people["removed agent"] = replace(people["agent"], active=False)
    claim = await services.storage.claims.get(1)
    draft = await services.storage.drafts.latest(1, DraftKind.INQUIRY.value)
    assert claim is not None
    assert draft is not None
    return Scene(services, claim, draft.id, people)


async def _state(services: Services) -> tuple[object, ...]:
    """What a refused call must leave as it was."""
    storage = services.storage
    return (
        await storage.claims.get(1),
        await storage.drafts.latest(1, DraftKind.INQUIRY.value),
        await storage.drafts.latest(1, DraftKind.FREE.value),
        await storage.reviews.get(1),
        await services.reviews.required(),
        services.journey.store,
    )


# Changes to a claim: refused to an agent whose claim it is not, and to its removed agent.
CLAIM_CHANGES: dict[str, Call] = {
    "prepare": lambda s, a: s.services.journey.prepare(s.claim, DraftKind.REPLACEMENT, a),
    "edit": lambda s, a: s.services.journey.edit(s.claim, s.draft_id, "Hallo", a),
    "write_free": lambda s, a: s.services.journey.write_free(s.claim, "Hallo", a),
    "mark_sent": lambda s, a: s.services.journey.mark_sent(s.claim, s.draft_id, a),
    "record_reply": lambda s, a: s.services.journey.record_reply(s.claim, "It broke.", a),
    "choose_cause": lambda s, a: s.services.journey.choose_cause(s.claim, None, a),
    "move_to": lambda s, a: s.services.journey.move_to(s.claim, StepId.AWAIT_REPLY, a),
    "set_fact": lambda s, a: s.services.journey.set_fact(s.claim, "buyer_name", "Max", a),
    "set_delay_cause": lambda s, a: s.services.journey.set_delay_cause(s.claim, "customs", a),
    "change_basics": lambda s, a: s.services.journey.change_basics(s.claim, a, language="en"),
    "toggle_evidence": lambda s, a: s.services.journey.toggle_evidence(
        s.claim, Evidence.CONTACT, a
    ),
    "supply_evidence": lambda s, a: s.services.journey.supply_evidence(
        s.claim, Evidence.CARRIER, "DHL", a
    ),
    "record_info_request": lambda s, a: s.services.journey.record_info_request(s.claim, a),
    "close": lambda s, a: s.services.journey.close(s.claim, Outcome.DENIED, a),
    "submit": lambda s, a: s.services.reviews.submit(s.claim, s.draft_id, a),
}
# Review decisions and settings: refused to a role without the permission.
ROLE_CHANGES: dict[str, tuple[str, Call]] = {
    "open_for_decision": ("agent", lambda s, a: s.services.reviews.open_for_decision(1, a)),
    "approve": ("agent", lambda s, a: s.services.reviews.approve(1, a)),
    "return_draft": ("agent", lambda s, a: s.services.reviews.return_draft(1, "Shorter", a)),
    "correct": ("agent", lambda s, a: s.services.reviews.correct(1, "Hallo", a)),
    "set_review_required": (
        "lead",
        lambda s, a: s.services.store.set_review_required(False, a),
    ),
    "set_text": ("lead", lambda s, a: s.services.store.set_text("name", "X", a)),
}


@pytest.mark.parametrize("method", sorted(CLAIM_CHANGES))
async def test_a_claim_changes_only_for_the_people_who_work_on_it(bot: Any, method: str) -> None:
    async with bot() as chat:
        scene = await _scene(chat)
        before = await _state(scene.services)
        for who in ("other agent", "removed agent"):
            with pytest.raises(NotAllowedError):
                await CLAIM_CHANGES[method](scene, scene.people[who])
            assert await _state(scene.services) == before, who


@pytest.mark.parametrize("method", sorted(ROLE_CHANGES))
async def test_reviews_and_settings_change_only_for_roles_that_carry_it(
    bot: Any, method: str
) -> None:
    async with bot() as chat:
        scene = await _scene(chat)
        before = await _state(scene.services)
        who, call = ROLE_CHANGES[method]
        for actor in (scene.people[who], replace(scene.people["lead"], active=False)):
            with pytest.raises(NotAllowedError):
                await call(scene, actor)
            assert await _state(scene.services) == before, actor


async def test_the_claims_own_agent_and_a_lead_may_change_it(bot: Any) -> None:
    """The other side of the rule: the checks let the right people through."""
    async with bot() as chat:
        scene = await _scene(chat)
        journey = scene.services.journey
        claim = await journey.set_fact(scene.claim, "buyer_name", "Max", scene.people["agent"])
        claim = await journey.record_info_request(claim, scene.people["lead"])
        assert claim.facts.buyer_name == "Max"
        assert claim.info_requested_at is not None
