"""Draft review: agents submit, team leads approve, correct or return, in the chat.

Every decision is a compare-and-set on the review's status inside one transaction with its
audit event, so when two leads decide at once exactly one decision is stored and the other is
told who made it. Permissions are checked here again, whatever the chat layer checked.

The agent's notice of a decision is written to the outbox in that same transaction (issue 16):
`ReviewNotices`, given by the composition root, renders it for the decided review; the rows'
ids come back on the item (`ReviewItem.notices`) for the chat layer to deliver at once. So
are a submission's review cards to the leads (`ReviewCards`): prepared before the submission's
transaction (the recipients, the previews), rendered inside it for the new review, and written
with it, naming its `draft_submitted` event (the outbox stores where each card went once sent).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from bot.domain.claims import Claim
from bot.domain.compliance import Finding, has_block
from bot.domain.drafts import DraftKind
from bot.domain.errors import (
    AlreadySentError,
    ClaimClosedError,
    JourneyError,
    ReviewBlockedError,
    ReviewNotFoundError,
)
from bot.domain.fields import MAX_COMMENT, MAX_DRAFT_TEXT, bounded_text
from bot.domain.people import (
    NotAllowedError,
    Permission,
    Role,
    needs_review,
    require,
    require_claim,
)
from bot.services.journey import Journey
from bot.services.store import StoreService
from bot.storage import (
    DraftRecord,
    Outgoing,
    ReviewRecord,
    ReviewStatus,
    Storage,
    User,
    store_draft,
)

# A review action that cannot be done is refused like any other journey action: the classes of
# bot/domain/errors.py (empty or too long texts, a closed claim, a blocked draft, a missing
# review), each with its `reason` code. `ReviewError` is this service's name for their base.
ReviewError = JourneyError


class ReviewDecidedError(JourneyError):
    """Someone decided first: `review` holds who and what."""

    reason = "decided"

    def __init__(self, review: ReviewRecord) -> None:
        super().__init__(review.id)
        self.review = review


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A review with everything its card shows."""

    review: ReviewRecord
    claim: Claim
    draft: DraftRecord
    generated: DraftRecord | None  # for an edited version: the generated text it changed
    findings: tuple[Finding, ...]
    people: dict[int, User]  # submitter and decider, by id, when still known
    # Outbox rows written with the decision (the agent's notice) or the submission (the cards
    # to the leads), to deliver now.
    notices: tuple[int, ...] = ()

    @property
    def blocked(self) -> bool:
        return has_block(self.findings)

    def person(self, user_id: int | None) -> str:
        if user_id is None:
            return "?"
        user = self.people.get(user_id)
        return user.name() if user is not None else str(user_id)


class ReviewNotices(Protocol):
    """What the agent is told of a decision, rendered inside the decision's transaction (so
    from the item alone, no reads): outbox rows, none when nobody is to be told."""

    def decided(self, item: ReviewItem) -> Sequence[Outgoing]: ...

    def corrected(self, old: ReviewItem, new: ReviewItem) -> Sequence[Outgoing]: ...


# A submission's cards to the leads, rendered for the new review inside its transaction.
CardRenderer = Callable[[ReviewItem], Sequence[Outgoing]]


class ReviewCards(Protocol):
    """The review cards of a submission, as outbox rows."""

    async def prepare(
        self,
        claim: Claim,
        draft: DraftRecord,
        findings: tuple[Finding, ...],
        submitter: User,
        recipients: Sequence[tuple[int, str | None]],
    ) -> CardRenderer:
        """Read and render what needs no review id (the previews), before the transaction;
        the renderer then makes each recipient's card from the new review alone."""
        ...


@dataclass(frozen=True, slots=True)
class DraftStanding:
    returned: ReviewItem | None  # this version was sent back by a lead (with a comment)
    author: str | None  # who wrote this edited version, when not the reader


class Reviews:
    def __init__(
        self,
        storage: Storage,
        journey: Journey,
        store: StoreService,
        clock: Callable[[], datetime],
        *,
        leads_chat: int | None = None,
        notices: ReviewNotices | None = None,
        cards: ReviewCards | None = None,
    ) -> None:
        self.storage = storage
        self.journey = journey
        self.store = store
        self.clock = clock
        self.leads_chat = leads_chat
        self.notices = notices
        self.cards = cards

    # --- The setting ---------------------------------------------------------------------------
    async def required(self) -> bool:
        return await self.store.review_required()

    async def needs_review(self, actor: User) -> bool:
        return needs_review(actor.role, await self.required())

    async def reviewers(self) -> list[User]:
        """Who reviews: the team leads, or the admins when there is no lead."""
        leads = await self.storage.users.with_role(Role.LEAD)
        return leads or await self.storage.users.with_role(Role.ADMIN)

    async def recipients(self, review: ReviewRecord) -> list[tuple[int, str | None]]:
        """Where a new review's card goes, never to its submitter: one message per review
        (issue 16: Telegram takes about 30 messages a second per bot). The leads' group when
        one is configured; else the lead on duty, privately, when an admin named one; else,
        and only then, every reviewer (see `lead_chats`)."""
        return await self._recipients(review.submitted_by)

    async def _recipients(self, submitter: int) -> list[tuple[int, str | None]]:
        if self.leads_chat is None:
            duty = await self.store.on_duty()
            if duty is not None and duty.id != submitter:
                return [(duty.id, duty.language)]
        return await self.lead_chats(exclude=submitter)

    async def fan_out(self) -> bool:
        """Whether review cards go to every lead privately (neither a group nor a lead on
        duty): then each lead's /queue is the truth, and a decision does not edit the other
        leads' copies (their buttons say who decided when pressed)."""
        return self.leads_chat is None and await self.store.on_duty() is None

    async def lead_chats(self, *, exclude: int | None = None) -> list[tuple[int, str | None]]:
        """Where the leads are told things, as (chat id, language): the leads' group when one
        is configured (in the first reviewer's language), else every reviewer but `exclude`,
        each in their own language."""
        reviewers = [r for r in await self.reviewers() if r.id != exclude]
        if self.leads_chat is not None:
            return [(self.leads_chat, reviewers[0].language if reviewers else None)]
        return [(reviewer.id, reviewer.language) for reviewer in reviewers]

    # --- Agents --------------------------------------------------------------------------------
    async def submit(
        self, claim: Claim, draft_id: int, actor: User
    ) -> tuple[ReviewItem, list[int]]:
        """Send the newest version of a draft to the leads. Pending reviews of older versions
        of the same kind are superseded (their ids are returned, to update their cards).
        Submitting a version already waiting or approved changes nothing."""
        require_claim(actor, claim)
        record = await self.journey.newest_version(claim, draft_id)
        if record.sent_at is not None:
            raise AlreadySentError(record.id)
        latest = await self.storage.reviews.latest_for_draft(record.id)
        if latest is not None and latest.status in (ReviewStatus.PENDING, ReviewStatus.APPROVED):
            return await self._item(latest), []
        render = None
        if self.cards is not None:
            # What the cards show, read before the transaction (inside it the one connection
            # is the transaction's); the review itself is added to it there.
            fresh = await self.storage.claims.get(claim.id) or claim
            generated = None
            if record.source == "edited" and DraftKind(record.kind).templated:
                generated = await self.storage.drafts.latest_generated(claim.id, record.kind)
            ids = {actor.id, fresh.agent_id, record.author_id}
            people = await self.storage.users.names({i for i in ids if i is not None})
            findings = self.journey.findings(fresh, record.text, record.kind, record.language)
            recipients = await self._recipients(actor.id)
            render = await self.cards.prepare(fresh, record, findings, actor, recipients)
        now = self.clock()
        cards: list[int] = []
        item: ReviewItem | None = None
        async with self.storage.db.transaction() as tx:
            superseded = await self.storage.reviews.supersede_kind(tx, claim.id, record.kind, now)
            review = await self.storage.reviews.add(
                tx, claim_id=claim.id, draft_id=record.id, by=actor.id, now=now
            )
            event_id = await self.storage.events.record(
                tx,
                "draft_submitted",
                actor_id=actor.id,
                claim_id=claim.id,
                draft_id=record.id,
                now=now,
                payload={"kind": record.kind, "version": record.version, "review": review.id},
            )
            if render is not None:
                item = ReviewItem(review, fresh, record, generated, findings, people)
                cards = await self.storage.outbox.add(
                    tx, render(item), now=now, claim_id=claim.id, event_id=event_id
                )
        if item is None:  # no cards to show: the item is read as usual
            item = await self._item(review)
        # Else the item the cards were made of: the review just added, the claim, the draft
        # and the people read a moment ago (issue 16: not read all again).
        return replace(item, notices=tuple(cards)), superseded

    async def is_approved(self, draft_id: int) -> bool:
        latest = await self.storage.reviews.latest_for_draft(draft_id)
        return latest is not None and latest.status is ReviewStatus.APPROVED

    # --- Leads ---------------------------------------------------------------------------------
    async def item(self, review_id: int) -> ReviewItem | None:
        review = await self.storage.reviews.get(review_id)
        return await self._item(review) if review is not None else None

    async def open_for_decision(self, review_id: int, actor: User) -> ReviewItem:
        """The review, if `actor` may decide on it now (before asking a lead for a text)."""
        require(actor, Permission.REVIEW)
        item = await self.item(review_id)
        if item is None:
            raise ReviewNotFoundError(review_id)
        if actor.stores and item.claim.store_id not in actor.stores:
            # A lead limited to stores (issue 16) decides only on their stores' drafts.
            raise NotAllowedError(Permission.REVIEW)
        self._check_decidable(item)
        return item

    async def approve(self, review_id: int, actor: User) -> ReviewItem:
        item = await self.open_for_decision(review_id, actor)
        if item.blocked:
            raise ReviewBlockedError(review_id)
        return await self._decide(item, ReviewStatus.APPROVED, actor, "draft_approved")

    async def return_draft(self, review_id: int, comment: str, actor: User) -> ReviewItem:
        require(actor, Permission.REVIEW)
        text = bounded_text(comment, MAX_COMMENT)
        item = await self.open_for_decision(review_id, actor)
        return await self._decide(item, ReviewStatus.RETURNED, actor, "draft_returned", text)

    async def correct(
        self, review_id: int, text: str, actor: User
    ) -> tuple[ReviewItem, ReviewItem]:
        """The lead's corrected text: the old review is closed as `edited`, the text becomes
        the next version, and that version waits for approval (the lead's own, usually).
        Returns (old, new)."""
        require(actor, Permission.REVIEW)
        body = bounded_text(text, MAX_DRAFT_TEXT)
        item = await self.open_for_decision(review_id, actor)
        generated = item.generated or (item.draft if item.draft.source == "generated" else None)
        now = self.clock()
        notices: list[int] = []
        async with self.storage.db.transaction() as tx:
            won = await self.storage.reviews.decide(
                tx, review_id, ReviewStatus.EDITED, by=actor.id, now=now
            )
            review = None
            if won:
                record = await store_draft(
                    self.storage,
                    tx,
                    claim_id=item.claim.id,
                    kind=item.draft.kind,
                    language=generated.language if generated else item.draft.language,
                    subject=item.draft.subject,
                    body=body,
                    source="edited",
                    actor_id=actor.id,
                    now=now,
                    note={"review": review_id},
                )
                review = await self.storage.reviews.add(
                    tx, claim_id=item.claim.id, draft_id=record.id, by=actor.id, now=now
                )
                if self.notices is not None:
                    old_item = _decided(item, ReviewStatus.EDITED, actor, now)
                    new_item = replace(item, review=review, draft=record, generated=generated)
                    notices = await self.storage.outbox.add(
                        tx,
                        self.notices.corrected(old_item, new_item),
                        now=now,
                        claim_id=item.claim.id,
                    )
        # Reads come after the transaction: the one connection is not ours inside it.
        old = await self._fresh(review_id)
        if review is None:
            raise ReviewDecidedError(old)
        return replace(await self._item(old), notices=tuple(notices)), await self._item(review)

    async def standing(self, record: DraftRecord, reader: User) -> DraftStanding:
        """What the reader of a draft version is told about it besides its text: the lead's
        return with its comment when this very version was sent back, and the author of an
        edit that is not the reader's own (a lead's correction)."""
        review = await self.storage.reviews.latest_for_draft(record.id)
        returned = None
        if review is not None and review.status is ReviewStatus.RETURNED:
            returned = await self._item(review)
        author = None
        author_id = record.author_id
        if record.source == "edited" and author_id is not None and author_id != reader.id:
            person = (await self.storage.users.names({author_id})).get(author_id)
            author = person.name() if person is not None else str(author_id)
        return DraftStanding(returned, author)

    async def queue(
        self, *, offset: int, limit: int, stores: frozenset[int] = frozenset()
    ) -> tuple[int, list[ReviewItem]]:
        """The drafts waiting for a lead, most urgent first; of `stores` only when given (a
        lead limited to stores, issue 16)."""
        total = await self.storage.reviews.pending_count(stores=stores)
        page = await self.storage.reviews.pending_page(offset=offset, limit=limit, stores=stores)
        return total, [await self._item(review) for review in page]

    # --- Plumbing ------------------------------------------------------------------------------
    def _check_decidable(self, item: ReviewItem) -> None:
        if item.review.status is not ReviewStatus.PENDING:
            raise ReviewDecidedError(item.review)
        if item.claim.is_closed:
            raise ClaimClosedError(item.claim.id)

    async def _decide(
        self,
        item: ReviewItem,
        status: ReviewStatus,
        actor: User,
        event: str,
        comment: str | None = None,
    ) -> ReviewItem:
        now = self.clock()
        notices: list[int] = []
        async with self.storage.db.transaction() as tx:
            won = await self.storage.reviews.decide(
                tx, item.review.id, status, by=actor.id, now=now, comment=comment
            )
            if won:
                payload: dict[str, object] = {
                    "kind": item.draft.kind,
                    "version": item.draft.version,
                    "review": item.review.id,
                }
                if comment is not None:
                    payload["comment"] = comment
                event_id = await self.storage.events.record(
                    tx,
                    event,
                    actor_id=actor.id,
                    claim_id=item.claim.id,
                    draft_id=item.draft.id,
                    now=now,
                    payload=payload,
                )
                if self.notices is not None:
                    decided = _decided(item, status, actor, now, comment)
                    notices = await self.storage.outbox.add(
                        tx,
                        self.notices.decided(decided),
                        now=now,
                        claim_id=item.claim.id,
                        event_id=event_id,
                    )
        if not won:
            raise ReviewDecidedError(await self._fresh(item.review.id))
        # The item as the transaction left it, without reading it all again (issue 16: the
        # claim, the draft, the people and the lint were read a moment ago, and the decision
        # changed only the review's own row, as `_decided` writes it).
        return replace(_decided(item, status, actor, now, comment), notices=tuple(notices))

    async def _fresh(self, review_id: int) -> ReviewRecord:
        review = await self.storage.reviews.get(review_id)
        if review is None:  # pragma: no cover - reviews are never deleted
            raise ReviewNotFoundError(review_id)
        return review

    async def _item(self, review: ReviewRecord) -> ReviewItem:
        claim = await self.storage.claims.get(review.claim_id)
        draft = await self.storage.drafts.get(review.draft_id)
        if claim is None or draft is None:  # pragma: no cover - foreign keys
            raise ReviewNotFoundError(review.id)
        generated = None
        if draft.source == "edited" and DraftKind(draft.kind).templated:
            generated = await self.storage.drafts.latest_generated(claim.id, draft.kind)
        ids = {review.submitted_by, claim.agent_id, review.decided_by, draft.author_id}
        people = await self.storage.users.names({i for i in ids if i is not None})
        findings = self.journey.findings(claim, draft.text, draft.kind, draft.language)
        return ReviewItem(review, claim, draft, generated, findings, people)


def _decided(
    item: ReviewItem,
    status: ReviewStatus,
    actor: User,
    now: datetime,
    comment: str | None = None,
) -> ReviewItem:
    """The item as the decision stored it (what the stored row says once committed), built
    without a read: the transaction's connection is the only one."""
    review = replace(item.review, status=status, decided_by=actor.id, decided_at=now)
    if comment is not None:
        review = replace(review, comment=comment)
    return replace(item, review=review, people={**item.people, actor.id: actor})


__all__ = [
    "MAX_COMMENT",
    "CardRenderer",
    "DraftStanding",
    "NotAllowedError",
    "ReviewCards",
    "ReviewDecidedError",
    "ReviewError",
    "ReviewItem",
    "ReviewNotices",
    "Reviews",
]
