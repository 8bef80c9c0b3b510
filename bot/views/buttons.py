"""Button data for claim cards: `c:<claim>:<revision>:<action>[:<argument>]`.

The data is opaque to the person pressing but never trusted: it is parsed against a closed
grammar here, and the handler checks the claim, the person and the revision again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

PREFIX: Final = "c:"
LIST_PREFIX: Final = "l:"  # l:<offset> a page of /claims, l:o:<claim> open a claim's card
_DATA = re.compile(r"c:(\d{1,12}):(\d{1,9}):([a-z]{1,6})(?::([a-z0-9_]{1,32}))?")
_LIST = re.compile(r"l:(?:(\d{1,6})|o:(\d{1,12}))")

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
        "evid",  # the evidence checklist; arg: item to tick or untick
        "out",  # the outcome menu; arg: outcome to confirm
        "close",  # arg: outcome, confirmed
        "all",  # every draft kind
        "basic",  # arg: reason / fulfillment / language menu
        "reason",  # arg: reason
        "ship",  # arg: fulfillment
        "lang",  # arg: language
        "stop",  # stop waiting for a typed answer
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


@dataclass(frozen=True, slots=True)
class ListButton:
    offset: int | None = None  # a page
    claim_id: int | None = None  # open this claim

    def data(self) -> str:
        if self.claim_id is not None:
            return f"{LIST_PREFIX}o:{self.claim_id}"
        return f"{LIST_PREFIX}{self.offset or 0}"


def parse_list_button(data: object) -> ListButton | None:
    if not isinstance(data, str):
        return None
    match = _LIST.fullmatch(data)
    if match is None:
        return None
    if match[2] is not None:
        return ListButton(claim_id=int(match[2]))
    return ListButton(offset=int(match[1]))
