"""The questions the bot asks and waits for a typed answer to, as data.

A person has at most one question awaiting a typed answer (the newest one asked); it is stored
as a `PendingQuestion` (bot/storage/pending.py) and the handlers' registry
(bot/handlers/questions.py) knows, per kind, how to ask it and how to take its answer. The /new
intake is the one standing question beside it: its answers live in their own row, and what is
typed goes to it when no other question is waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.claims import Claim


class QuestionKind(StrEnum):
    """What a typed answer is for. The values are stored in SQLite."""

    FACT = "fact"  # arg: the claim fact's name
    BUYER_REPLY = "buyer_reply"  # what the buyer answered, in the agent's words
    USAGE_STEPS = "usage_steps"  # the steps for the usage-help draft
    GIFT = "gift"  # arg: the draft kind that offers it; the goodwill gift, then that draft
    DRAFT_EDIT = "edit"  # the agent's own version of a draft (draft_id)
    FREE_TEXT = "free"  # a message the agent writes from scratch
    EVIDENCE = "evidence"  # arg: the evidence item; the fact that ticks it
    REVIEW_EDIT = "rv_edit"  # a lead's corrected text (ref: the review)
    REVIEW_RETURN = "rv_return"  # a lead's comment when sending a draft back (ref: the review)
    # The new person's id or a forwarded message. arg: the role, then ":" and the name a
    # forwarded message showed; ref: the person found, shown to the admin to confirm.
    PERSON_ADD = "person_add"
    STORE_TEXT = "store_text"  # arg: the store text's name (name, signature)
    # The /new intake's current question. Never stored here: the intake's own row stands for
    # it, and takes what is typed whenever no other question waits.
    INTAKE = "intake"


# Questions about a claim: they carry its id and the revision the card had when asked.
CLAIM_KINDS = frozenset(
    {
        QuestionKind.FACT,
        QuestionKind.BUYER_REPLY,
        QuestionKind.USAGE_STEPS,
        QuestionKind.GIFT,
        QuestionKind.DRAFT_EDIT,
        QuestionKind.FREE_TEXT,
        QuestionKind.EVIDENCE,
    }
)


@dataclass(frozen=True, slots=True)
class PendingQuestion:
    """The typed answer awaited from `user_id`: of `kind`, with its argument, about a claim
    (`claim_id`, `draft_id`, `revision`) or another record (`ref`: a review)."""

    user_id: int
    kind: QuestionKind
    arg: str | None = None
    claim_id: int | None = None
    draft_id: int | None = None
    revision: int = 0
    ref: int | None = None

    @classmethod
    def about(
        cls,
        claim: Claim,
        user_id: int,
        kind: QuestionKind,
        arg: str | None = None,
        *,
        draft_id: int | None = None,
    ) -> PendingQuestion:
        """The question `kind` about `claim`, as its card showed it (at its revision)."""
        return cls(user_id, kind, arg, claim.id, draft_id, claim.revision)


def fact_question(name: str, draft: str | None = None) -> tuple[QuestionKind, str | None]:
    """The question that asks for the claim fact `name` (missing for the `draft` kind, when
    one was being prepared): the buyer's reply, the usage steps and the gift do more than
    store a fact (they move the claim on, or prepare the draft that needed them)."""
    if name == QuestionKind.BUYER_REPLY.value:
        return QuestionKind.BUYER_REPLY, None
    if name == QuestionKind.USAGE_STEPS.value:
        return QuestionKind.USAGE_STEPS, None
    if name == QuestionKind.GIFT.value and draft is not None:
        return QuestionKind.GIFT, draft
    return QuestionKind.FACT, name
