"""Who is told what when a mail arrives (issue 15). The chat layer (bot/handlers/mail_notices.py)
only renders what `decide` says here, inside the mail's transaction, as outbox rows (issue 16):
the team is read before it (`read_team`), the claim is the transaction's.

- A claim notice opened an unassigned claim: every lead and admin, with the queue's buttons.
- Round-robin gave it an agent: that agent (the card), and the leads one line.
- A request for information, Amazon's decision, a buyer's message on an open claim: the
  claim's agent, or the leads while nobody has it (or its agent left the team).
- A mail left for an admin: the admins.
- Already open, seen before: nobody.

"The leads" are the team leads, or the admins when the team has no lead (as for reviews):
someone is always told. Each is told in a private chat, where the buttons work (a leads'
group only takes review buttons).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.claims import Claim
from bot.domain.mail import MailKind
from bot.domain.people import Role
from bot.services.mail import MailOutcome, MailResult
from bot.storage import Storage, User


class NoticeKind(StrEnum):
    NEW_UNASSIGNED = "new_unassigned"  # a new claim waits: Take it / Assign to…
    NEW_IN_TURN = "new_in_turn"  # the claim is the recipient's, given in turn: the card
    GIVEN_IN_TURN = "given_in_turn"  # for the leads: the claim went to `agent` in turn
    INFO_REQUEST = "info_request"  # Amazon asks for more information (48 h)
    DECISION = "decision"  # Amazon's decision arrived
    BUYER_MESSAGE = "buyer_message"  # the buyer wrote
    MAIL_LEFT = "mail_left"  # a mail waits for an admin under /mails


RECORDED_KINDS = {
    MailKind.INFO_REQUEST: NoticeKind.INFO_REQUEST,
    MailKind.DECISION: NoticeKind.DECISION,
    MailKind.BUYER_MESSAGE: NoticeKind.BUYER_MESSAGE,
}


@dataclass(frozen=True, slots=True)
class MailNotice:
    """One message to send: to `person`, of `kind`, about `claim` (None for a left mail);
    `agent` is whom the claim went to (GIVEN_IN_TURN)."""

    person: User
    kind: NoticeKind
    claim: Claim | None = None
    agent: User | None = None


@dataclass(frozen=True, slots=True)
class Team:
    """The people a mail's notices can go to, as stored before its transaction: the leads and
    admins (active, on Telegram) and every active person by id (a claim's agent)."""

    leads: Sequence[User]
    admins: Sequence[User]
    active: Mapping[int, User] = field(default_factory=dict)

    def agent_of(self, claim: Claim | None) -> User | None:
        """The claim's agent when active (None: nobody has it, or they left the team)."""
        if claim is None or claim.agent_id is None:
            return None
        return self.active.get(claim.agent_id)

    def deciders(self) -> list[User]:
        """Who hears of a claim nobody has: the leads, else the admins."""
        return list(self.leads or self.admins)

    def leads_and_admins(self) -> list[User]:
        seen: set[int] = set()
        people: list[User] = []
        for person in [*self.leads, *self.admins]:
            if person.id not in seen:
                seen.add(person.id)
                people.append(person)
        return people


def decide(
    result: MailResult, claim: Claim | None, agent: User | None, team: Team
) -> list[MailNotice]:
    """Who gets what for one mail's result. `claim`: the claim the result names, as stored
    now; `agent`: that claim's agent when they are active (None: nobody has it, or they left
    the team, so the leads are told)."""
    if result.outcome is MailOutcome.LEFT:
        return [MailNotice(admin, NoticeKind.MAIL_LEFT) for admin in team.admins]
    # Nothing to point at, or a claim closed meanwhile: nobody, but for Amazon's decision on
    # it (an appeal's result comes after the close): its agent must hear of it.
    if claim is None or (claim.closed_at is not None and result.kind is not MailKind.DECISION):
        return []
    if result.outcome is MailOutcome.OPENED:
        if agent is None:
            return [
                MailNotice(person, NoticeKind.NEW_UNASSIGNED, claim)
                for person in team.leads_and_admins()
            ]
        return [
            MailNotice(agent, NoticeKind.NEW_IN_TURN, claim),
            *(
                MailNotice(lead, NoticeKind.GIVEN_IN_TURN, claim, agent)
                for lead in team.deciders()
                if lead.id != agent.id
            ),
        ]
    if result.outcome is MailOutcome.RECORDED and result.kind in RECORDED_KINDS:
        kind = RECORDED_KINDS[result.kind]
        people = [agent] if agent is not None else team.deciders()
        return [MailNotice(person, kind, claim) for person in people]
    return []  # ALREADY_OPEN, SEEN: nothing new for anyone


async def read_team(storage: Storage, *, console: bool = False) -> Team:
    """The team as stored now; `console`: the console's local admin counts (the one person
    there)."""
    return Team(
        leads=await storage.users.with_role(Role.LEAD, console=console),
        admins=await storage.users.with_role(Role.ADMIN, console=console),
        active={person.id: person for person in await storage.users.all(active=True)},
    )


async def admins(storage: Storage, *, console: bool = False) -> list[User]:
    """Who hears of the mailbox's troubles."""
    return await storage.users.with_role(Role.ADMIN, console=console)
