"""The contact with the buyer as the bot recorded it, and the language of the statement.

The statement to Amazon reports "the communication with the buyer so far" (`shared/domain.md`).
It is built from what was recorded, never from what a template assumes: each buyer message
marked sent (its day and kind), each buyer reply recorded, and the buyer's confirmation that
the problem is solved. The agent may add to it in their own words (the `contact_summary` fact).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from bot.domain.claims import Claim
from bot.domain.drafts import DraftKind
from bot.domain.marketplaces import MARKETPLACES

# What the statement can say of an entry: a buyer message's kind, or one of these two.
BUYER_REPLIED: Final = "buyer_replied"
PROBLEM_SOLVED: Final = "problem_solved"
# The kinds that are not a message to the buyer (they never count as contact).
NOT_TO_BUYER: Final = frozenset({DraftKind.AMAZON_STATEMENT.value})
CONTACT_WHATS: Final = frozenset(
    {*(k.value for k in DraftKind if k.value not in NOT_TO_BUYER), BUYER_REPLIED, PROBLEM_SOLVED}
)
STATEMENT_LANGUAGE_FACT: Final = "statement_language"
SOURCE_LANGUAGE: Final = "en"


@dataclass(frozen=True, slots=True)
class ContactEntry:
    day: date  # in the marketplace's time zone, as Amazon dates the claim
    what: str  # one of CONTACT_WHATS

    def as_fact(self) -> dict[str, str]:
        return {"date": self.day.isoformat(), "what": self.what}


def contact_log(
    events: Iterable[tuple[str, Mapping[str, Any], datetime]], time_zone: str | None
) -> tuple[ContactEntry, ...]:
    """The entries of a claim's audit trail (kind, payload, time, oldest first) that are contact
    with the buyer: messages marked sent, replies recorded, the problem confirmed solved."""
    zone = ZoneInfo(time_zone) if time_zone else None
    entries: list[ContactEntry] = []
    for kind, payload, when in events:
        if kind == "draft_sent":
            what = str(payload.get("kind", ""))
        elif kind in (BUYER_REPLIED, PROBLEM_SOLVED):
            what = kind
        else:
            continue
        if what not in CONTACT_WHATS:
            continue
        local = when.astimezone(zone) if zone is not None else when
        entries.append(ContactEntry(local.date(), what))
    return tuple(entries)


def statement_languages(claim: Claim) -> tuple[str, ...]:
    """The languages the statement to Amazon may be written in: the marketplace's, the
    buyer's and English (which every Amazon marketplace's claims team reads), in that order."""
    market = MARKETPLACES.get(claim.facts.marketplace)
    ordered = [*(market.languages if market else ()), claim.facts.buyer_language, SOURCE_LANGUAGE]
    return tuple(dict.fromkeys(ordered))


def statement_language(claim: Claim) -> str:
    """The language the statement is written in: the agent's choice, else the buyer's when
    the marketplace reads it, else the marketplace's first language."""
    chosen = claim.facts.extra.get(STATEMENT_LANGUAGE_FACT)
    allowed = statement_languages(claim)
    if chosen in allowed:
        return str(chosen)
    market = MARKETPLACES.get(claim.facts.marketplace)
    if market is None or claim.facts.buyer_language in market.languages:
        return claim.facts.buyer_language
    return market.languages[0]
