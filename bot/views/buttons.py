"""Button data for claim cards: `c:<claim>:<revision>:<action>[:<argument>]`.

The data is opaque to the person pressing but never trusted: it is parsed against a closed
grammar here, and the handler checks the claim, the person and the revision again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final, TypeVar

from bot.domain.errors import InvalidChoiceError
from bot.domain.marketplaces import BUYER_LANGUAGES, MARKETPLACES

E = TypeVar("E", bound=StrEnum)

PREFIX: Final = "c:"
# l:<offset> a page of /claims, l:t:<offset> a page of the team's claims (leads),
# l:o:<claim> open a claim's card; a page may end in :s<store>, one store's claims (issue 16)
LIST_PREFIX: Final = "l:"
# A language code as claimbot writes it: "de", "pt_BR", "zh_Hans".
_LANGUAGE = r"[a-z]{2,3}(?:_(?:[A-Z]{2}|[A-Z][a-z]{3}))?"
_DATA = re.compile(
    rf"c:(\d{{1,12}}):(\d{{1,9}}):([a-z]{{1,6}})(?::([a-z0-9_]{{1,32}}|{_LANGUAGE}))?"
)
_LIST = re.compile(r"l:(?:(?:(\d{1,6})|t:(\d{1,6}))(?::s(\d{1,6}))?|o:(\d{1,12}))")

# Every action a claim button can carry.
ACTIONS: Final = frozenset(
    {
        "card",  # show the card again
        "draft",  # arg: draft kind
        "refund",  # the refund after the refund-first warning was read
        "sent",  # arg: draft id
        "edit",  # arg: draft id
        "next",
        "back",
        "reply",  # the buyer replied: ask for the reply
        "cause",  # arg: cause
        "free",  # write a free message
        "facts",  # the facts menu
        "fact",  # arg: field name
        "delay",  # the delay-cause menu; arg: cause to set
        "dnext",  # what happens now with a late parcel; arg: the choice to set
        "stlang",  # the statement's language menu; arg: the language to write it in
        "evid",  # the evidence checklist; arg: item to tick or untick
        "out",  # the outcome menu; arg: outcome to confirm
        "close",  # arg: outcome, confirmed
        "all",  # every draft kind
        "basic",  # arg: reason / fulfillment / language menu
        "reason",  # arg: reason
        "ship",  # arg: fulfillment
        "lang",  # arg: language
        "stop",  # stop waiting for a typed answer
        "submit",  # arg: draft id, sent to the team leads for review
        "hist",  # the claim's audit trail
        "info",  # Amazon asked for more information
        "solved",  # the buyer confirmed the problem is solved
        "store",  # arg: the store the claim belongs to (a mail's guess confirmed)
    }
)


@dataclass(frozen=True, slots=True)
class ClaimButton:
    claim_id: int
    revision: int
    action: str
    arg: str | None = None

    def data(self) -> str:
        tail = f":{self.arg}" if self.arg is not None else ""
        return f"{PREFIX}{self.claim_id}:{self.revision}:{self.action}{tail}"


def parse_claim_button(data: object) -> ClaimButton | None:
    """The button, or None for anything that is not exactly one of ours."""
    if not isinstance(data, str):
        return None
    match = _DATA.fullmatch(data)
    if match is None or match[3] not in ACTIONS:
        return None
    return ClaimButton(int(match[1]), int(match[2]), match[3], match[4])


# --- Arguments ---------------------------------------------------------------------------------
# A button's argument is text that matched the grammar, not yet a value: these turn it into
# one, and anything no screen offers into `InvalidChoiceError` right here, so that the
# handlers never need to catch `ValueError` (which would hide real bugs too).
MAX_ROW_ID: Final = 2**63 - 1  # the largest id SQLite stores; a larger one is forged


def choice(kind: type[E], arg: str | None) -> E:
    """The member of `kind` whose value the button carries."""
    if arg is None:
        raise InvalidChoiceError(arg)
    try:
        return kind(arg)
    except ValueError:
        raise InvalidChoiceError(arg) from None


def row_id(arg: str | None) -> int:
    """A database id (a draft's) the button carries."""
    if arg is None or not arg.isascii() or not arg.isdigit():
        raise InvalidChoiceError(arg)
    number = int(arg)
    if not 0 < number <= MAX_ROW_ID:
        raise InvalidChoiceError(arg)
    return number


@dataclass(frozen=True, slots=True)
class ListButton:
    offset: int | None = None  # a page
    claim_id: int | None = None  # open this claim
    team: bool = False  # the page is of the whole team's claims
    store: int | None = None  # of this store only (None: every store the person works for)

    def data(self) -> str:
        if self.claim_id is not None:
            return f"{LIST_PREFIX}o:{self.claim_id}"
        store = f":s{self.store}" if self.store is not None else ""
        return f"{LIST_PREFIX}{'t:' if self.team else ''}{self.offset or 0}{store}"


def parse_list_button(data: object) -> ListButton | None:
    if not isinstance(data, str):
        return None
    match = _LIST.fullmatch(data)
    if match is None:
        return None
    if match[4] is not None:
        return ListButton(claim_id=int(match[4]))
    store = int(match[3]) if match[3] is not None else None
    if store == 0:
        return None
    if match[2] is not None:
        return ListButton(offset=int(match[2]), team=True, store=store)
    return ListButton(offset=int(match[1]), store=store)


# --- Review, queue, people, history, settings -------------------------------------------------
# Each family is one short prefix and a closed grammar; ids are database ids, checked again on
# the server against the person pressing.
REVIEW_PREFIX: Final = "r:"
REVIEW_ACTIONS: Final = frozenset({"ok", "edit", "ret", "open", "stop"})
_REVIEW = re.compile(r"r:(\d{1,12}):([a-z]{1,6})")
_QUEUE = re.compile(r"q:(\d{1,6})")
# addok:<user id>:<role>: the admin confirmed adding the person the add question found.
# stores:<user id>: the stores they work for (issue 16); store:<user id>:<store id> ticks one.
PEOPLE_ACTIONS: Final = frozenset(
    {"list", "p", "role", "rm", "rmok", "add", "addok", "move", "to", "stores", "store"}
)
# A user id up to 2**52 (bot.domain.people.MAX_USER_ID): 16 digits.
_PEOPLE = re.compile(r"u:([a-z]{1,6})(?::(\d{1,16}))?(?::([a-z0-9]{1,15}))?")
HISTORY_ACTIONS: Final = frozenset({"show", "csv"})
_HISTORY = re.compile(r"h:(\d{1,12}):([a-z]{1,6})")
# s:<action>[:<value>]: the review switch carries on/off, a signature language its code.
# With several stores (issue 16) a store's own buttons end in "#<store id>" (none: store 1):
# store (its screen), stores (the picker), add (a new store), mkts (its marketplaces), mail
# (its addresses), gifts (which marketplace's gift), gift:<marketplace>.
# dutyset:<user id>, 0 for nobody: the lead on duty (review cards go to them alone).
SETTING_ACTIONS: Final = frozenset(
    {
        "review",
        "rr",
        "show",
        "name",
        "sign",
        "langs",
        "slang",
        "duty",
        "dutyset",
        "store",
        "stores",
        "add",
        "mkts",
        "mail",
        "gifts",
        "gift",
    }
)
_SETTING = re.compile(
    rf"s:([a-z]{{1,8}})(?::(on|off|[A-Z]{{2}}|{_LANGUAGE}|0|[1-9]\d{{0,15}}))?(?:#(\d{{1,6}}))?"
)


@dataclass(frozen=True, slots=True)
class ReviewButton:
    review_id: int
    action: str

    def data(self) -> str:
        return f"r:{self.review_id}:{self.action}"


def parse_review_button(data: object) -> ReviewButton | None:
    match = _REVIEW.fullmatch(data) if isinstance(data, str) else None
    if match is None or match[2] not in REVIEW_ACTIONS:
        return None
    return ReviewButton(int(match[1]), match[2])


def queue_data(offset: int) -> str:
    return f"q:{offset}"


def parse_queue_button(data: object) -> int | None:
    match = _QUEUE.fullmatch(data) if isinstance(data, str) else None
    return int(match[1]) if match is not None else None


@dataclass(frozen=True, slots=True)
class PeopleButton:
    action: str
    user_id: int | None = None
    arg: str | None = None

    def data(self) -> str:
        parts = ["u", self.action]
        if self.user_id is not None:
            parts.append(str(self.user_id))
        if self.arg is not None:
            parts.append(self.arg)
        return ":".join(parts)


def parse_people_button(data: object) -> PeopleButton | None:
    match = _PEOPLE.fullmatch(data) if isinstance(data, str) else None
    if match is None or match[1] not in PEOPLE_ACTIONS:
        return None
    return PeopleButton(match[1], int(match[2]) if match[2] else None, match[3])


@dataclass(frozen=True, slots=True)
class HistoryButton:
    claim_id: int
    action: str

    def data(self) -> str:
        return f"h:{self.claim_id}:{self.action}"


def parse_history_button(data: object) -> HistoryButton | None:
    match = _HISTORY.fullmatch(data) if isinstance(data, str) else None
    if match is None or match[2] not in HISTORY_ACTIONS:
        return None
    return HistoryButton(int(match[1]), match[2])


@dataclass(frozen=True, slots=True)
class SettingButton:
    action: str
    value: str | None = None
    store: int = 1  # the store the button is about (issue 16)

    def data(self) -> str:
        tail = f"#{self.store}" if self.store != 1 else ""
        return f"s:{self.action}" + (f":{self.value}" if self.value else "") + tail


def parse_setting_button(data: object) -> SettingButton | None:
    match = _SETTING.fullmatch(data) if isinstance(data, str) else None
    if match is None or match[1] not in SETTING_ACTIONS:
        return None
    action, value = match[1], match[2]
    if action in ("review", "rr"):
        valid = value in ("on", "off")
    elif action == "slang":
        valid = value in BUYER_LANGUAGES
    elif action == "dutyset":
        valid = value is not None and value.isdigit()
    elif action == "gift":
        valid = value in MARKETPLACES
    else:
        valid = value is None
    store = int(match[3]) if match[3] else 1
    return SettingButton(action, value, store) if valid and store > 0 else None


# x:<first day>:<last day>:<action>[:<store>] (days as YYYYMMDD): the export or chart of a
# /stats period, or (show) /stats again; of one store when given (issue 16).
STATS_ACTIONS: Final = frozenset({"csv", "chart", "show"})
_STATS = re.compile(r"x:(\d{8}):(\d{8}):([a-z]{1,6})(?::(\d{1,6}))?")


@dataclass(frozen=True, slots=True)
class StatsButton:
    start: date
    end: date
    action: str
    store: int | None = None  # None: every store the person works for

    def data(self) -> str:
        store = f":{self.store}" if self.store is not None else ""
        return f"x:{self.start:%Y%m%d}:{self.end:%Y%m%d}:{self.action}{store}"


def parse_stats_button(data: object) -> StatsButton | None:
    match = _STATS.fullmatch(data) if isinstance(data, str) else None
    if match is None or match[3] not in STATS_ACTIONS:
        return None
    try:
        start, end = (datetime.strptime(match[i], "%Y%m%d").date() for i in (1, 2))
    except ValueError:
        return None
    store = int(match[4]) if match[4] is not None else None
    if start > end or store == 0:
        return None
    return StatsButton(start, end, match[3], store)


# --- The unassigned queue (issue 15) ------------------------------------------------------
# w:<offset> a page of the queue; w:t:<claim> take it; w:a:<claim> whom to assign it to;
# w:a:<claim>:<user id> assign it to that person.
WORK_PREFIX: Final = "w:"
_WORK = re.compile(r"w:(?:(\d{1,6})|t:(\d{1,12})|a:(\d{1,12})(?::(\d{1,16}))?)")


@dataclass(frozen=True, slots=True)
class UnassignedButton:
    offset: int | None = None  # a page of the queue
    take: int | None = None  # take this claim
    assign: int | None = None  # assign this claim ...
    to: int | None = None  # ... to this person (None: choose whom)

    def data(self) -> str:
        if self.take is not None:
            return f"w:t:{self.take}"
        if self.assign is not None:
            return f"w:a:{self.assign}" + (f":{self.to}" if self.to is not None else "")
        return f"w:{self.offset or 0}"


def parse_unassigned_button(data: object) -> UnassignedButton | None:
    match = _WORK.fullmatch(data) if isinstance(data, str) else None
    if match is None:
        return None
    if match[2] is not None:
        return UnassignedButton(take=int(match[2]))
    if match[3] is not None:
        return UnassignedButton(assign=int(match[3]), to=int(match[4]) if match[4] else None)
    return UnassignedButton(offset=int(match[1]))
