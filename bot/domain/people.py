"""Who may do what: the three roles and the permissions each one carries.

Pure data and small functions; every handler and service asks `allowed(role, permission)` on
the server for each update, whatever the buttons in front of the person say.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Final, Protocol


class Role(StrEnum):
    ADMIN = "admin"
    LEAD = "lead"
    AGENT = "agent"


class Permission(StrEnum):
    WORK_CLAIMS = "work_claims"  # open claims and work on one's own
    SEE_TEAM = "see_team"  # see and work on every claim of the team
    REVIEW = "review"  # approve, correct and return drafts; /queue
    EXPORT = "export"  # export a claim's audit trail
    REPORTS = "reports"  # /stats and /export: the team's numbers
    MANAGE_PEOPLE = "manage_people"  # /users
    MANAGE_STORE = "manage_store"  # /settings: review on or off, the store profile
    READ_MAILS = "read_mails"  # /mails: the mails left for an admin; the mailbox's troubles


ROLE_PERMISSIONS: Final = MappingProxyType(
    {
        Role.AGENT: frozenset({Permission.WORK_CLAIMS}),
        Role.LEAD: frozenset(
            {
                Permission.WORK_CLAIMS,
                Permission.SEE_TEAM,
                Permission.REVIEW,
                Permission.EXPORT,
                Permission.REPORTS,
            }
        ),
        # Admins can do everything a lead can: in a small team the admin often is the lead.
        Role.ADMIN: frozenset(Permission),
    }
)


def allowed(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


class NotAllowedError(PermissionError):
    """The acting person's role does not carry the permission."""


class Actor(Protocol):
    @property
    def role(self) -> Role: ...
    @property
    def active(self) -> bool: ...


def require(actor: Actor, permission: Permission) -> None:
    """Services call this for every change, whatever the chat layer checked before."""
    if not actor.active or not allowed(actor.role, permission):
        raise NotAllowedError(permission)


class Person(Actor, Protocol):
    @property
    def id(self) -> int: ...
    @property
    def stores(self) -> frozenset[int]: ...


class OwnedClaim(Protocol):
    @property
    def agent_id(self) -> int | None: ...
    @property
    def store_id(self) -> int: ...


def serves_store(actor: Person, store_id: int) -> bool:
    """Whether the person works for the store (issue 16): the stores an admin gave them, or
    every store when none were given. Leads and admins with stores listed are limited too."""
    return not actor.stores or store_id in actor.stores


def works_on(actor: Person, claim: OwnedClaim) -> bool:
    """Agents work on their own claims; team leads and admins on the whole team's, the
    unassigned ones (owner None) included. An agent reaches an unassigned claim only through
    the queue (/claims -> Unassigned: the list, and Take it), never its card. Nobody works on
    a claim of a store they do not work for, even one still assigned to them."""
    if not serves_store(actor, claim.store_id):
        return False
    return actor.id == claim.agent_id or allowed(actor.role, Permission.SEE_TEAM)


def require_claim(actor: Person, claim: OwnedClaim) -> None:
    """Services call this for every change to a claim (its facts, steps, drafts, reviews):
    the person works on claims, and on this one, whoever's chat showed them its buttons."""
    require(actor, Permission.WORK_CLAIMS)
    if not works_on(actor, claim):
        raise NotAllowedError(Permission.SEE_TEAM)


MAX_USER_ID: Final = 2**52  # Telegram user ids fit in 52 bits


def parse_user_id(text: str) -> int | None:
    """A Telegram user id typed by an admin ("123456789"), or None."""
    value = text.strip()
    if not value.isascii() or not value.isdigit() or len(value) > len(str(MAX_USER_ID)):
        return None
    number = int(value)
    return number if 0 < number <= MAX_USER_ID else None


def needs_review(role: Role, review_required: bool) -> bool:
    """Whether this person's drafts go to a team lead before they may be sent. Leads and admins
    are the reviewers: their own drafts go straight out."""
    return review_required and not allowed(role, Permission.REVIEW)
