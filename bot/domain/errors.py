"""Why the rules refuse an action on a claim, a draft or a review: one hierarchy of classes.

The services raise these and the chat layer catches, by class, the ones it can explain. A
refusal is an expected answer to something a person did; a `KeyError` or `ValueError` is a
defect in our code. So nothing here derives from those, and no handler catches them broadly:
a bug reaches the error handler and its log instead of being shown as "That button is not
valid any more".

    JourneyError                  an action that does not fit the claim as it stands
    ├── InvalidChoiceError        a value no screen offers: forged or outdated button data
    ├── ClaimClosedError          the claim is closed: nothing on it is decided any more
    ├── MissingFactError          the action needs a fact nobody typed yet (`field`)
    ├── RefundGuardError          a refund before any contact with the buyer is recorded
    ├── ContactFirstError         "Next step" past the buyer contact before any is recorded
    ├── AlreadySentError          this version of the draft is already marked as sent
    ├── NotLatestVersionError     a newer version exists: only the newest is edited or sent
    ├── NeedsApprovalError        review is on and no team lead approved this version
    ├── TextError                 a typed text that cannot be stored (`msgid`, `params`)
    │   ├── EmptyTextError
    │   └── TextTooLongError      longer than its `limit`
    ├── ReviewNotFoundError       no such review
    ├── ReviewBlockedError        the draft breaks a blocking messaging rule: no approval
    └── ReviewDecidedError        another lead decided first (bot/services/review.py: it
                                  carries the stored review, which the domain does not know)

bot/services/review.py also calls the base `ReviewError`, its name from before.
`ClaimNotFoundError` is not a refusal of an action but of sight: a claim that does not exist
and one the person may not see get the same answer. `NotAllowedError` (bot/domain/people.py)
is the role's refusal. Each class has a stable `reason` code, for logs and tests; the chat
layer never branches on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from bot.domain.compliance import Finding
from bot.domain.text import N_


class JourneyError(Exception):
    """Base of every refusal the rules of the claim journey (review included) give."""

    reason: ClassVar[str] = "refused"


class InvalidChoiceError(JourneyError):
    """A value no screen offers: button data that was forged, or that a changed plan, claim
    or draft no longer has. Answered as "That button is not valid any more"."""

    reason = "invalid"


class ClaimClosedError(JourneyError):
    """The claim is closed; its drafts are no longer reviewed."""

    reason = "closed"


class MissingFactError(JourneyError):
    """The action needs a fact the agent has not given yet: the chat asks for `field`."""

    reason = "missing_fact"

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class RefundGuardError(JourneyError):
    """A refund was asked for before any contact with the buyer is recorded: the panic
    refund that loses the claim. The agent must confirm it knowingly."""

    reason = "refund_guard"


class ContactFirstError(JourneyError):
    """ "Next step" would move the claim past the buyer contact while no message to the buyer
    is recorded: the contact is done by marking a message sent, not by moving on. `msgid`
    says how, for the chat to translate."""

    reason = "contact_first"
    msgid = N_(
        "No message to the buyer is recorded yet: mark the first message as sent (or your own,"
        " from “All drafts”), or tap “Buyer replied” if the buyer wrote."
    )


class AlreadySentError(JourneyError):
    """This version was already marked as sent (a second press, even a simultaneous one, or a
    replay after a restart): nothing more to do with it."""

    reason = "already_sent"


class NotLatestVersionError(JourneyError):
    """A newer version of the draft's kind exists: only the newest may be edited, submitted
    or marked as sent, so an old message's buttons cannot undo a correction."""

    reason = "not_latest"


class NeedsApprovalError(JourneyError):
    """Review is on and no team lead approved this version: it may not be marked as sent."""

    reason = "needs_approval"


class TextError(JourneyError):
    """A typed text (a draft, a lead's comment) that cannot be stored; `msgid` % `params`
    says why, for the chat to translate and ask again."""

    msgid: ClassVar[str]

    @property
    def params(self) -> Mapping[str, object]:
        return {}


class EmptyTextError(TextError):
    reason = "empty"
    msgid = N_("That message was empty.")


class TextTooLongError(TextError):
    """Longer than `limit` characters (the limits are in bot/domain/fields.py)."""

    reason = "too_long"
    msgid = N_("That is too long: at most %(limit)s characters, please.")

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit

    @property
    def params(self) -> Mapping[str, object]:
        return {"limit": self.limit}


class ReviewNotFoundError(JourneyError):
    """No review has this id (forged button data or a stale typed answer)."""

    reason = "missing"


class ReviewBlockedError(JourneyError):
    """The draft breaks a blocking messaging rule: a lead may correct or return it, never
    approve it as it is."""

    reason = "blocked"


class NotSolvedError(JourneyError):
    """The request to withdraw the claim before the buyer confirmed the problem is solved: it
    would say something untrue, and ask for the withdrawal too early."""

    reason = "not_solved"


class SendBlockedError(JourneyError):
    """The draft breaks a blocking messaging rule: no one may mark it as sent, whatever their
    role and whether review is on. `findings` are the blocking ones, for the chat to name."""

    reason = "send_blocked"

    def __init__(self, draft_id: int, findings: Sequence[Finding]) -> None:
        super().__init__(draft_id)
        self.draft_id = draft_id
        self.findings = tuple(findings)


class ClaimNotFoundError(LookupError):
    """No such claim, or not one this person may see: the same answer for both."""
