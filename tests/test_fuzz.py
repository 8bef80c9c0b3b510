"""Fuzzing through the real Application: thousands of generated updates (ten thousand in
`make soak`: text of any script and length, text that is not even valid Unicode, control
characters, right-to-left and zero-width marks, commands with odd arguments, button data of
any bytes, edited messages, media, forwards, strangers, groups, other bots) go to one running
bot with a real team and real claims. No handler may raise, everyone gets a sensible answer
(strangers: the refusal naming their id, once per ten minutes), nothing sent is invalid text,
and afterwards the database is consistent and loads again after a restart."""

from __future__ import annotations

import asyncio
import json
import string
import traceback
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.domain.claims import Cause, Evidence, Fulfillment, Outcome, Reason
from bot.domain.drafts import DraftKind
from bot.domain.fields import DELAY_CAUSES, DELAY_NEXT, FIELDS
from bot.domain.intake import IntakeAnswers
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.people import Role
from bot.domain.text import valid_text
from bot.handlers.language import ZONES
from bot.handlers.menu import COMMANDS as MENU
from bot.storage import rollup
from bot.transport import BOT_USER, ApiCall
from bot.views.buttons import (
    ACTIONS,
    HISTORY_ACTIONS,
    PEOPLE_ACTIONS,
    REVIEW_ACTIONS,
    SETTING_ACTIONS,
    STATS_ACTIONS,
)
from tests.helpers import (
    ADMIN,
    AGENT,
    LEAD,
    ORDER,
    STICKER,
    US_NOTICE,
    Chat,
    Clock,
    alerts,
    open_claim,
    person,
    soak_count,
    stored_claim,
    team,
    team_claim,
    texts,
)

GONE = 70  # added, then removed: refused like a stranger
# Examples, each an update or a whole /new intake, into one running bot: 2,500 in `make test`,
# 10,000 under `make soak`, FUZZ_EXAMPLES=n while debugging. (One piece per example:
# hypothesis re-runs each example a few times with parts swapped, so longer examples mostly
# repeat themselves.) The counts the run must reach are set for 10,000 and scale with it.
EXAMPLES = soak_count("FUZZ_EXAMPLES", quick=2_500, soak=10_000)
SCALE = EXAMPLES / 10_000
MIN_UPDATES = EXAMPLES
MINUTES_PER_EXAMPLE = 1  # the clock moves on: claims come due and go overdue meanwhile
SENDS: Final = frozenset({"sendMessage", "sendDocument", "sendPhoto"})
VISIBLE: Final = SENDS | {"editMessageText", "editMessageReplyMarkup"}
SECOND_ORDER = "028-7654321-1234567"


# --- What to send ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Actor:
    role: str  # admin, agent, lead, gone, stranger, bot: what the generator meant
    user_id: int
    first_name: str
    language: str | None

    def json(self) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.user_id,
            "is_bot": self.role == "bot",
            "first_name": self.first_name,
        }
        if self.language is not None:
            user["language_code"] = self.language
        return user


@dataclass(frozen=True)
class NoData:
    """A button press with neither data nor a game name."""


@dataclass(frozen=True, repr=False)
class Spec:
    kind: str  # text, edited, callback, media, other
    actor: Actor
    place: str  # private, group, supergroup
    group_id: int = -1
    text: str | None = None
    # Button data; None: a game button. "@claim", "@rev", "@draft" and "@review" stand for
    # the presser's newest claim, its revision, its newest draft and the newest review.
    data: str | NoData | None = None
    variant: str = ""  # media kind, other-update kind, or where a pressed button is
    pick: int = 0  # which of the chat's newest messages a button is on
    button: int = 0  # data "@button": which of that message's buttons (a person tapping about)

    def __repr__(self) -> str:  # short: a failing example lists hundreds, some megabytes long
        text = self.text if self.text is None or len(self.text) < 80 else self.text[:60] + "…"
        return (
            f"Spec({self.kind}, {self.actor.role} {self.actor.user_id} "
            f"{self.actor.first_name[:20]!r} {self.actor.language!r}, {self.place}, "
            f"text={text!r}, data={self.data!r}, variant={self.variant!r}, pick={self.pick}, "
            f"button={self.button})"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # how hypothesis prints it
        printer.text(repr(self))


SCRIPTS = (
    "abcXYZ019 "
    "שלוםעולם"  # Hebrew, right to left
    "مرحبابالعالم"  # Arabic
    "中文日本語한국어"
    "ÄäÖöÜüßéèçñ"
    "🙂🏳️‍🌈👩🏽‍💻𝕏𝔸"  # astral, joiners, variation selectors
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2069\ufeff"
    "\x00\x01\x07\x1b\x7f\r\n\t\u0085\u2028\u2029"
    "\u0301\u0336\u20dd"  # combining marks
    "\ud800\udbff\udc00\udfff\udc80"  # lone surrogates: not valid text (see INVALID)
    "%{}<>&*_`[]()\\'\"/:;@#-"
)
# Text that is not valid Unicode: Telegram's JSON can carry a lone surrogate ("\\ud800"), which
# json.loads keeps and no UTF-8 encoder takes; bytes that were not UTF-8 come as "\\udc80".
LONE_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
INVALID = st.one_of(
    st.text(LONE_SURROGATES, min_size=1, max_size=8),
    st.builds(
        lambda before, bad, after: before + bad + after,
        st.text(alphabet=SCRIPTS, max_size=40),
        LONE_SURROGATES,
        st.text(max_size=40),
    ),
)
ODD_NAMES = ("\ud800", "Anna \udc00", "\ud83d", "\u202eevil\u202c", "\u200b", "\x00", "\x1b[31m")
ROLE_IDS: Final = {"admin": ADMIN, "agent": AGENT, "lead": LEAD, "gone": GONE}
STRANGER_IDS = st.one_of(
    st.sampled_from(
        [0, -1, 1, 7, 41, 43, 999, -42, 2**31 - 1, 2**31, 2**52, 2**53 + 1, 2**63 - 1, -(2**63)]
    ),
    # Telegram's ids fit in 52 bits; SQLite's integers in 64: beyond those nothing can send.
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
)
LANGUAGES = st.one_of(
    st.sampled_from(
        [None, "en", "de", "zh-hans", "xx", "pt-br", "ar", "ja", "", "EN", "de-DE", "zh-hant"]
    ),
    st.text(max_size=12),
    st.sampled_from(["\ud800", "de\udc80", "\u202ede"]),
)
# Telegram's first names are 1 to 64 characters, of any script; and what its JSON can carry
# beyond valid text (see INVALID below).
NAMES = st.one_of(
    st.just("Agent"),
    st.text(min_size=1, max_size=64),
    st.text(alphabet=SCRIPTS, min_size=1, max_size=64),
    st.sampled_from(ODD_NAMES),
)
ROLES = ("admin",) * 5 + ("agent",) * 4 + ("lead",) * 2 + ("stranger",) * 2 + ("gone", "bot")


@st.composite
def actors(draw: st.DrawFn, roles: tuple[str, ...] = ROLES) -> Actor:
    role = draw(st.sampled_from(roles))
    user_id = ROLE_IDS[role] if role in ROLE_IDS else draw(STRANGER_IDS)
    return Actor(role, user_id, draw(NAMES), draw(LANGUAGES))


SPECIAL_TEXTS = (
    ORDER,
    SECOND_ORDER,
    f"  {ORDER} ",
    "303-1234567",
    f"{ORDER} {SECOND_ORDER}",
    US_NOTICE,
    "DE",
    "amazon.co.uk",
    "de",
    "fr",
    "ja",
    "FBA",
    "Europe/Berlin",
    "60",
    "70",
    "12345",
    "4503599627370496",
    "-5",
    "0",
    "-",
    "2026-11-01",
    "31.12.2026",
    "12,50 €",
    "$45.99",
    "{{ 7*7 }}",
    "{% for x in range(10**9) %}x{% endfor %}",
    "%(user_id)s %s %d %%",
    "'; DROP TABLE claims; --",
    "\u202eevil\u202c",
    "\u200b",
    "\x00",
    "\r\n\t",
    "\ud800",
    "\udfff",
    "a\ud800b",
    "\ud83d",  # half of 🙂
    "\ud83d\ude42",  # both halves, as two characters
    "\udc80\udcff",  # bytes that were not UTF-8
    f"{ORDER}\ud800",
    f"\u202e{ORDER}",
    f"{ORDER}\u200b",
    "\u061c\u2067" + ORDER + "\u2069",
    "a\u0301" * 50,
    "🏳️‍🌈",
    "<b>bold</b> *md* _it_ `code`",
    "@claimbot_offline_bot",
    " ",
    "\n\n\n",
)
HUGE_TEXTS = (
    "a" * 4096,
    "a" * 4097,
    "🙂" * 2048,  # 4096 UTF-16 units
    "🙂" * 2049,
    "\n" * 5000,
    "x " * 3000,
    "ж" * 10_000,
    f"{ORDER} " + "y" * 6000,
    "{{ 7*7 }}" * 600,
    "\ud800" * 5000,
    "\u200f\u200b" * 3000,  # right-to-left marks and zero-width spaces only
    "\x00\x1b" * 3000,
)
TEXTS = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=SCRIPTS, max_size=200),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Co"]), max_size=60),
    st.sampled_from(SPECIAL_TEXTS),
    st.sampled_from(HUGE_TEXTS),
    INVALID,
    # Long text from a short piece repeated: hypothesis keeps about 8 kB of choices for a whole
    # example, so long text is built rather than drawn.
    st.builds(
        lambda piece, times: piece * times,
        st.text(alphabet=SCRIPTS, min_size=1, max_size=6),
        st.integers(min_value=300, max_value=3000),
    ),
)

# Every command of the menu, and /start (not in the menu).
COMMANDS = ("start", *(name for name, _text, _permission in MENU))
ODD_ARGUMENTS = (
    "-1",
    "0",
    "-0",
    "1e9",
    "99999999999999999999999",
    str(2**63),
    "NaN",
    "'; DROP TABLE claims; --",
    "1 OR 1=1",
    "{{ 7*7 }}",
    "%s%s%n",
    "%(user_id)s",
    "../../etc/passwd",
    "\x00",
    "\u202e\u200f",
    "\ud800",
    f"{ORDER}\udc80",
    "de",
    "zh-hans",
    "xx",
    "auto",
    "Europe/Berlin",
    "UTC",
    "Mars/Olympus",
    "+14",
    "-12:00",
    "7",
    "30",
    "365",
    "100000",
    "2026-01-01",
    "2026-01-01 2026-12-31",
    "2026-12-31 2026-01-01",
    "0000-00-00",
    "2026-02-30",
    ORDER,
    "303-1234567",
    f"{ORDER} {SECOND_ORDER}",
    "1 2 3",
    "csv",
    "chart",
)
COMMAND_WORDS = st.one_of(
    st.sampled_from(COMMANDS),
    st.sampled_from(COMMANDS).map(lambda c: f"{c}@{BOT_USER['username']}"),
    st.sampled_from(COMMANDS).map(lambda c: f"{c}@someone_else_bot"),
    st.sampled_from(COMMANDS).map(str.upper),
    st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=32),  # unknown
)
COMMAND_TEXTS = st.builds(
    lambda word, separator, argument: f"/{word}{separator}{argument}" if argument else f"/{word}",
    COMMAND_WORDS,
    st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", "\u3000"]),
    st.one_of(
        st.just(""),
        st.sampled_from(ODD_ARGUMENTS),
        st.text(max_size=100),
        st.integers().map(str),
        st.sampled_from(HUGE_TEXTS),
    ),
)

# Button data: every action and argument the grammars know, and near misses.
WORDS = sorted(
    ACTIONS
    | REVIEW_ACTIONS
    | PEOPLE_ACTIONS
    | HISTORY_ACTIONS
    | SETTING_ACTIONS
    | STATS_ACTIONS
    | {e.value for e in (*DraftKind, *Reason, *Fulfillment, *Outcome, *Cause, *Evidence)}
    | set(FIELDS)
    | set(DELAY_CAUSES)
    | set(DELAY_NEXT)
    | set(MARKETPLACES)
    | set(ZONES)
    | {"admin", "lead", "agent", "on", "off", "auto", "de", "en", "fr", "ja", "zh_Hans", "xx"}
    | {"OK", "Sent", "sent ", "", " ", "é", "✓", "\x00", "null", "None", "-1", "1.5"}
)
NUMBERS = st.one_of(
    st.sampled_from(["0", "1", "2", "3", "4", "42", "50", "60", "70", "0001", "1" * 13]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["20261102", "20260101", "20261231", "20260230", "99999999", "00000000"]),
)
# What each claim action's screens offer as its argument.
ACTION_ARGS: Final[dict[str, list[str | None]]] = {
    "draft": [k.value for k in DraftKind],
    "sent": ["@draft"],
    "edit": ["@draft"],
    "submit": ["@draft"],
    "cause": [c.value for c in Cause],
    "fact": list(FIELDS),
    "delay": [None, *DELAY_CAUSES],
    "dnext": [None, *DELAY_NEXT],
    "stlang": [None, "de", "en", "es", "pt_BR", "zh_Hans", "xx"],
    "evid": [None, *(e.value for e in Evidence)],
    "out": [None, *(o.value for o in Outcome)],
    "close": [o.value for o in Outcome],
    "basic": ["reason", "ship", "lang"],
    "reason": [r.value for r in Reason],
    "ship": [f.value for f in Fulfillment],
    "lang": ["de", "en", "fr", "it", "es", "ja", "pt_BR", "xx"],
}
ODD_ARG = st.one_of(st.none(), st.sampled_from(WORDS), NUMBERS, st.text(max_size=40))


def _claim_data(claim: str, revision: str, action: str, arg: str | None) -> str:
    return f"c:{claim}:{revision}:{action}" + (f":{arg}" if arg is not None else "")


CLAIM_PRESSES = st.one_of(
    *(
        st.builds(
            _claim_data,
            st.sampled_from(["@claim"] * 9 + ["1", "2", "0", "999999999999"]),
            st.sampled_from(["@rev"] * 9 + ["0", "1", "999999999"]),
            st.just(action),
            # Mostly what the action's screens offer, sometimes anything.
            st.one_of(*[st.sampled_from(ACTION_ARGS.get(action, [None]))] * 6, ODD_ARG),
        )
        for action in [*sorted(ACTIONS), "nope", "closed"]
    )
)
PREFIXES: tuple[str, ...] = (
    "c:",
    "l:",
    "l:t:",
    "l:o:",
    "r:",
    "q:",
    "u:",
    "h:",
    "s:",
    "x:",
    "ui:",
    "tz:",
)
PREFIXES += ("oid:", "mp:", "ff:", "rs:", "lang:", "dt:", "ib:", "", "C:", "c::", "c:1:")
LOOKS_VALID = (
    "c:1:2:sent:3",
    "c:1:1:close:withdrawn",
    "c:2:1:facts",
    "l:0",
    "l:1",
    "l:t:0",
    "l:o:1",
    "l:o:@claim",
    "r:@review:ok",
    "r:@review:ret",
    "r:@review:edit",
    "r:@review:open",
    "r:@review:stop",
    "r:1:ok",
    "q:0",
    "u:list",
    "u:add",
    "u:add:0:agent",
    "u:p:60",
    "u:role:60:admin",
    "u:role:60:lead",
    "u:role:60:agent",
    "u:rm:60",
    "u:rmok:60",
    "u:rmok:42",
    "u:move:70",
    "u:to:70:42",
    "u:p:70",
    "h:@claim:show",
    "h:@claim:csv",
    "h:2:csv",
    "s:show",
    "s:review:on",
    "s:review:off",
    "s:name",
    "s:sign",
    "x:20260904:20261102:csv",
    "x:20260904:20261102:chart",
    "x:20261102:20260904:csv",
    "ui:de",
    "ui:en",
    "ui:auto",
    "ui:xx",
    "tz:Europe/Berlin",
    "tz:auto",
    "tz:Mars/Olympus",
    "ib:order_id",
    "ib:marketplace",
    "mp:DE",
    "ff:fbm",
    "rs:defective",
    "lang:de",
    "dt:open",
    "dt:buyer_name",
    "oid:0",
)
BUTTON_DATA: st.SearchStrategy[str | NoData | None] = st.one_of(
    CLAIM_PRESSES,
    CLAIM_PRESSES,
    CLAIM_PRESSES,
    st.sampled_from(LOOKS_VALID),
    st.sampled_from(LOOKS_VALID),
    st.builds(
        lambda prefix, parts: prefix + ":".join(parts),
        st.sampled_from(PREFIXES),
        st.lists(st.one_of(st.sampled_from(WORDS), NUMBERS), max_size=5),
    ),
    # Any bytes a tampered client sends, as the Bot API could hand them on.
    st.binary(max_size=80).map(lambda raw: raw.decode("utf-8", "surrogateescape")),
    st.binary(max_size=80).map(lambda raw: raw.decode("latin-1")),
    st.text(max_size=100),
    st.sampled_from([None, NoData(), ""]),  # a game button; no data at all; empty data
)

MEDIA = (
    "sticker",
    "photo",
    "document",
    "voice",
    "location",
    "contact",
    "dice",
    "nothing",
    "forward",
    "hidden_forward",
    "channel_forward",
    "chat_forward",
    "bot_forward",
    "reply",
    "new_members",
)
OTHER = ("inline_query", "my_chat_member", "channel_post", "edited_channel_post")
PLACES = st.sampled_from(("private",) * 8 + ("group", "supergroup"))
GROUP_IDS = st.one_of(
    st.sampled_from([-1, -42, -100_1234567890]), st.integers(min_value=-(2**52), max_value=-1)
)


@st.composite
def specs(draw: st.DrawFn, /, kind: str, **fields: st.SearchStrategy[Any]) -> Spec:
    actor = draw(actors())
    place = draw(PLACES)
    group_id = draw(GROUP_IDS) if place != "private" else -1
    drawn = {name: draw(strategy) for name, strategy in fields.items()}
    return Spec(kind, actor, place, group_id, **drawn)


PRESS_ON = st.sampled_from(["real", "real", "real", "none", "gone", "fake"])
UPDATES = st.one_of(
    specs("text", text=TEXTS),
    specs("text", text=COMMAND_TEXTS),
    specs("text", text=COMMAND_TEXTS),
    specs("callback", data=BUTTON_DATA, variant=PRESS_ON, pick=st.integers(0, 31)),
    specs("callback", data=BUTTON_DATA, variant=st.just("real"), pick=st.integers(0, 3)),
    specs("callback", data=BUTTON_DATA, variant=st.just("real"), pick=st.just(0)),
    specs(
        "callback",
        data=st.just("@button"),
        variant=st.just("real"),
        pick=st.integers(0, 3),
        button=st.integers(0, 40),
    ),
    specs(
        "callback",
        data=st.just("@button"),
        variant=st.just("real"),
        pick=st.just(0),
        button=st.integers(0, 40),
    ),
    specs("edited", text=st.one_of(TEXTS, COMMAND_TEXTS)),
    specs("media", text=st.one_of(st.none(), TEXTS), variant=st.sampled_from(MEDIA)),
    specs("other", text=TEXTS, variant=st.sampled_from(OTHER)),
)


@st.composite
def intakes(draw: st.DrawFn) -> list[Spec]:
    """A whole /new by buttons, as people do it, so that there are always fresh claims for the
    generated presses to work on (the bot's newest message carries the next question)."""
    actor = draw(actors(("admin", "agent", "lead")))
    digits = [draw(st.text("0123456789", min_size=n, max_size=n)) for n in (3, 7, 7)]
    market = draw(st.sampled_from(["DE", "UK", "US", "FR", "JP", "IT", "ES"]))
    language = draw(st.sampled_from(MARKETPLACES[market].languages))
    fulfillment = draw(st.sampled_from([f.value for f in Fulfillment]))
    reason = draw(st.sampled_from([r.value for r in Reason]))
    steps = [
        Spec("text", actor, "private", text="/new"),
        Spec("text", actor, "private", text="-".join(digits)),
    ]
    for data in (f"mp:{market}", f"ff:{fulfillment}", f"rs:{reason}", f"lang:{language}"):
        steps.append(Spec("callback", actor, "private", data=data, variant="real"))
    if draw(st.booleans()):
        steps.append(Spec("callback", actor, "private", data="dt:product", variant="real"))
        steps.append(Spec("text", actor, "private", text=draw(TEXTS)))
    steps.append(Spec("callback", actor, "private", data="dt:open", variant="real"))
    return steps


# Mostly single updates; about one piece in a hundred is a whole intake.
SINGLE = UPDATES.map(lambda update: [update])
INTAKES = intakes()
PIECE = st.integers(0, 99).flatmap(lambda n: INTAKES if n == 57 else SINGLE)


# --- Building and feeding ----------------------------------------------------------------------
@dataclass
class Fuzz:
    chat: Chat
    tally: Counter[str] = field(default_factory=Counter)
    strangers: set[int] = field(default_factory=set)
    refused: dict[int, datetime] = field(default_factory=dict)  # when each was last answered
    distinct: set[tuple[Any, ...]] = field(default_factory=set)  # hypothesis repeats some
    # What went wrong, by kind (the message's first line): how often, and the first case.
    failures: Counter[str] = field(default_factory=Counter)
    first_failures: dict[str, str] = field(default_factory=dict)
    # Per chat, the ids of the newest messages the bot sent there: buttons are pressed on them.
    recent: defaultdict[int, deque[int]] = field(
        default_factory=lambda: defaultdict(lambda: deque(maxlen=32))
    )
    keyboards: defaultdict[int, deque[int]] = field(  # the same, of those with buttons
        default_factory=lambda: defaultdict(lambda: deque(maxlen=8))
    )

    async def feed_all(self, piece: list[Spec]) -> None:
        for spec in piece:
            await self.feed(spec)

    async def feed(self, spec: Spec) -> None:
        update = await self.build(spec)
        person = await self.chat.services.storage.users.get(spec.actor.user_id)
        member = person is not None and person.active and spec.actor.role != "bot"
        errors_before = len(self.chat.errors)
        calls = await self.chat.feed(update)
        new_errors = self.chat.errors[errors_before:]
        assert not new_errors, (
            f"a handler raised {type(new_errors[0]).__name__} on this update:\n"
            + json.dumps(update, ensure_ascii=True)
            + "\n"
            + "".join(traceback.format_exception(new_errors[0]))
        )
        for call in calls:
            if call.method in SENDS:
                self.recent[call.result["chat"]["id"]].appendleft(call.result["message_id"])
                if call.result.get("reply_markup"):
                    self.keyboards[call.result["chat"]["id"]].appendleft(call.result["message_id"])
        try:
            await self.check_answer(spec, update, calls, member)
        except AssertionError as error:
            raise AssertionError(
                f"{error}\nupdate: {json.dumps(update, ensure_ascii=True)}\n"
                f"calls: {[(c.method, c.params) for c in calls]!r}"
            ) from None
        self.tally["updates"] += 1
        self.distinct.add((spec, spec.actor.first_name, spec.actor.language, spec.text))
        self.tally[spec.kind] += 1
        self.tally["members" if member else "strangers"] += 1
        if not member and spec.actor.role != "bot":
            self.strangers.add(spec.actor.user_id)

    def failed(self, error: AssertionError) -> None:
        message = str(error)
        kind = message.split("\n", 1)[0]
        self.failures[kind] += 1
        self.first_failures.setdefault(kind, message)

    def report(self) -> str:
        return "\n\n".join(
            f"{count} x {kind}\nfirst: {self.first_failures[kind]}"
            for kind, count in self.failures.most_common()
        )

    async def build(self, spec: Spec) -> dict[str, Any]:
        factory = self.chat.factory
        user = spec.actor.json()
        place = self.place(spec)
        if spec.kind == "callback":
            return await self.press(spec, user, place)
        if spec.kind == "other":
            factory.next_update_id += 1
            return other_update(factory.next_update_id - 1, spec, user, place)
        if spec.kind == "edited":
            update = factory.edited_message(user, spec.text or "")
        elif spec.kind == "media":
            payload = media(spec.variant, spec.text, user)
            update = factory.message(user, payload.pop("text", None), **payload)
        else:
            update = factory.message(user, spec.text)
        (update.get("message") or update["edited_message"])["chat"] = place
        return update

    def place(self, spec: Spec) -> dict[str, Any]:
        if spec.place == "private":  # a private chat's id is the person's
            return {"id": spec.actor.user_id, "type": "private", "first_name": "Agent"}
        return {"id": spec.group_id, "type": spec.place, "title": "Support team"}

    async def press(
        self, spec: Spec, user: dict[str, Any], place: dict[str, Any]
    ) -> dict[str, Any]:
        message = self.pressed_message(spec, place)
        update = self.chat.factory.callback(user, message, "")
        query = update["callback_query"]
        if spec.data == "@button":
            buttons = [
                b["callback_data"]
                for row in (message or {}).get("reply_markup", {}).get("inline_keyboard", [])
                for b in row
            ]
            query["data"] = buttons[spec.button % len(buttons)] if buttons else "c:1:1:card"
        elif isinstance(spec.data, str):
            query["data"] = await self.resolve(spec.data, spec.actor.user_id)
        else:
            del query["data"]
            if spec.data is None:
                query["game_short_name"] = "game"
        if query.get("message") is None:
            query["inline_message_id"] = "inline-1"
        return update

    def pressed_message(self, spec: Spec, place: dict[str, Any]) -> dict[str, Any] | None:
        if spec.variant == "none":
            return None
        if spec.variant == "gone":  # too old: Telegram sends an inaccessible message
            return {"message_id": 10**6 + spec.pick, "date": 0, "chat": place}
        recent = (self.keyboards if spec.data == "@button" else self.recent).get(place["id"])
        if spec.variant == "real" and recent:
            found = self.chat.api.message(place["id"], recent[spec.pick % len(recent)])
            if found is not None:  # the offline Bot API calls every chat private
                return {**found, "chat": place}
        return {
            "message_id": 10**6 + spec.pick,
            "date": 1,
            "chat": place,
            "from": BOT_USER,
            "text": ".",
        }

    async def resolve(self, data: str, user_id: int) -> str:
        """Fill in the ids of things that exist now (see Spec.data)."""
        if "@" not in data:
            return data
        found = await self.chat.services.storage.db.fetchone(
            "SELECT c.id, c.revision, (SELECT MAX(id) FROM drafts WHERE claim_id = c.id),"
            " (SELECT MAX(id) FROM reviews) FROM claims c"
            " ORDER BY c.agent_id = ? DESC, c.closed_at IS NULL DESC, c.id DESC LIMIT 1",
            (user_id,),
        )
        assert found is not None  # realistic_state opened claims
        values = dict(zip(("@claim", "@rev", "@draft", "@review"), found, strict=True))
        for token, value in values.items():
            data = data.replace(token, str(value))
        return data

    async def check_answer(
        self, spec: Spec, update: dict[str, Any], calls: list[ApiCall], member: bool
    ) -> None:
        """A sensible answer for who sent what where."""
        for call in calls:  # invalid text came in: none goes out (nor was any stored)
            sent = json.dumps(call.params, ensure_ascii=False, default=str)
            assert valid_text(sent) is sent, f"{call.method} sent text that is not valid Unicode"
        sent_to = {int(c.params["chat_id"]) for c in calls if c.method in SENDS}
        query = update.get("callback_query")
        message = update.get("message") or update.get("edited_message")
        chat_id = message["chat"]["id"] if message else None
        if query is not None and query.get("message"):
            chat_id = query["message"]["chat"]["id"]
        # Nothing ever goes to a chat that is neither this one nor an active team member's.
        others = sent_to - {chat_id}
        if others:
            active = {row[0] for row in await rows(self.chat, "SELECT id FROM users WHERE active")}
            assert others <= active, f"sent to {others - active}, not on the team"
        if spec.actor.role == "bot" or spec.kind == "other":
            assert calls == [], "a bot's update, or one that is no message, was answered"
            return
        if not 0 < spec.actor.user_id < 2**63:
            # No Telegram account has such an id: a forged update, left unanswered.
            assert calls == [], "an impossible user id was answered"
            self.tally["impossible ids"] += 1
            return
        if query is not None and member:
            answers = [
                c
                for c in calls
                if c.method == "answerCallbackQuery"
                and c.params["callback_query_id"] == query["id"]
            ]
            # Exactly once: Telegram refuses a second answer to the same press.
            assert len(answers) == 1, f"a press was answered {len(answers)} times, not once"
        if not member:
            self.check_refusal(spec, calls, chat_id)
            return
        visible = [c for c in calls if c.method in VISIBLE]
        if spec.place != "private" and message is not None:
            command = (message.get("text") or "").startswith("/")
            assert len(visible) == int(command), "in a group: only a pointer to the private chat"
        elif spec.kind == "edited":
            assert calls == [], "an edited message was taken as a new answer"
        elif spec.kind in {"text", "media"}:
            assert visible, "a message in a private chat got no answer at all"

    def check_refusal(self, spec: Spec, calls: list[ApiCall], chat_id: int | None) -> None:
        """Strangers (and removed people) learn nothing but their own id, and only in private;
        once per window (`bot.services.strangers`): within it, nothing at all."""
        user_id = str(spec.actor.user_id)
        if spec.kind == "callback" or spec.place == "private":
            services = self.chat.services
            now, last = services.clock(), self.refused.get(spec.actor.user_id)
            if last is not None and now - last < services.strangers.limits.per_person:
                assert calls == [], "a stranger was answered twice within the window"
                self.tally["refusals dropped"] += 1
                return
            self.refused[spec.actor.user_id] = now
        if spec.kind == "callback":
            (call,) = calls
            assert call.method == "answerCallbackQuery"
            assert user_id in call.params["text"], "the refusal names the user id"
            self.tally["refused presses"] += 1
        elif spec.place == "private":
            (call,) = calls
            assert call.method == "sendMessage"
            assert int(call.params["chat_id"]) == chat_id
            assert user_id in call.params["text"], "the refusal names the user id"
            self.tally["refused messages"] += 1
        else:
            assert calls == [], "a stranger in a group was answered"


def media(variant: str, caption: str | None, user: dict[str, Any]) -> dict[str, Any]:
    """A message's payload other than text (a caption where Telegram allows one)."""
    file = {"file_id": "f", "file_unique_id": "u"}
    captioned = {"caption": caption} if caption else {}
    payloads: dict[str, dict[str, Any]] = {
        "sticker": {"sticker": STICKER},
        "photo": {"photo": [{**file, "width": 9, "height": 9}], **captioned},
        "document": {"document": {**file, "file_name": caption or "a.csv"}, **captioned},
        "voice": {"voice": {**file, "duration": 1}, **captioned},
        "location": {"location": {"latitude": 52.52, "longitude": 13.4}},
        "contact": {"contact": {"phone_number": "+4930123", "first_name": "X", "user_id": 61}},
        "dice": {"dice": {"emoji": "🎲", "value": 6}},
        "nothing": {},
        "forward": {
            "text": caption or "hi",
            "forward_origin": {"type": "user", "date": 1, "sender_user": {**user, "id": 61}},
        },
        "hidden_forward": {
            "text": caption or "hi",
            "forward_origin": {"type": "hidden_user", "date": 1, "sender_user_name": "X"},
        },
        # Forwards with no person's account: read as typed digits, these once added people.
        "channel_forward": {
            "text": caption or "61",
            "forward_origin": {
                "type": "channel",
                "date": 1,
                "chat": {"id": -100_999, "type": "channel", "title": caption or "News"},
                "message_id": 1,
            },
        },
        "chat_forward": {
            "text": caption or "61",
            "forward_origin": {
                "type": "chat",
                "date": 1,
                "sender_chat": {"id": -100_998, "type": "supergroup", "title": "Ops"},
            },
        },
        "bot_forward": {
            "text": caption or "61",
            "forward_origin": {"type": "user", "date": 1, "sender_user": {**BOT_USER, "id": 62}},
        },
        "reply": {
            "text": caption or "hi",
            "reply_to_message": {
                "message_id": 1,
                "date": 1,
                "chat": {"id": user["id"], "type": "private"},
                "from": BOT_USER,
                "text": "Which order is the claim about?",
            },
        },
        "new_members": {"new_chat_members": [user, BOT_USER]},
    }
    return payloads[variant]


def other_update(
    update_id: int, spec: Spec, user: dict[str, Any], place: dict[str, Any]
) -> dict[str, Any]:
    channel = {"id": -100_999, "type": "channel", "title": "News"}
    post = {"message_id": 1, "date": 1, "chat": channel, "text": spec.text or "."}
    payload: dict[str, Any] = {
        "inline_query": {"id": "q", "from": user, "query": spec.text or "", "offset": ""},
        "my_chat_member": {
            "chat": place,
            "from": user,
            "date": 1,
            "old_chat_member": {"status": "member", "user": BOT_USER},
            "new_chat_member": {"status": "kicked", "user": BOT_USER, "until_date": 0},
        },
        "channel_post": post,
        "edited_channel_post": {**post, "edit_date": 2},
    }
    return {"update_id": update_id, spec.variant: payload[spec.variant]}


# --- The checks afterwards --------------------------------------------------------------------
async def rows(chat: Chat, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in await chat.services.storage.db.fetchall(sql, params)]


# Each query lists what breaks a rule: none may list anything.
BROKEN: Final = {
    "foreign keys": "PRAGMA foreign_key_check",
    "daily counts below zero": "SELECT * FROM claim_days WHERE n < 0 OR late < 0 OR late > n",
    "claims below revision 1": "SELECT id FROM claims WHERE revision < 1",
    "claims closed without an outcome or the reverse": (
        "SELECT id FROM claims WHERE (outcome IS NULL) != (closed_at IS NULL)"
    ),
    "claims not opened exactly once": (
        "SELECT c.id FROM claims c LEFT JOIN events e"
        " ON e.claim_id = c.id AND e.kind = 'claim_opened' GROUP BY c.id HAVING COUNT(e.id) != 1"
    ),
    "drafts of no claim": "SELECT id FROM drafts WHERE claim_id NOT IN (SELECT id FROM claims)",
    "draft versions not 1, 2, 3...": (
        "SELECT claim_id, kind FROM drafts GROUP BY claim_id, kind"
        " HAVING MIN(version) != 1 OR MAX(version) != COUNT(*)"
    ),
    "reviews of another claim's draft": (
        "SELECT r.id FROM reviews r JOIN drafts d ON d.id = r.draft_id"
        " WHERE d.claim_id != r.claim_id"
    ),
    "reviews pending yet decided or the reverse": (
        "SELECT id FROM reviews WHERE (status = 'pending') != (decided_at IS NULL)"
    ),
    "reviews decided by nobody": (
        "SELECT id FROM reviews WHERE status IN ('approved', 'returned', 'edited')"
        " AND decided_by IS NULL"
    ),
    "two pending reviews of one draft kind": (
        "SELECT r.claim_id, d.kind FROM reviews r JOIN drafts d ON d.id = r.draft_id"
        " WHERE r.status = 'pending' GROUP BY 1, 2 HAVING COUNT(*) > 1"
    ),
    "typed answers awaited from people not on the team": (
        "SELECT user_id FROM pending_inputs"
        " WHERE user_id NOT IN (SELECT id FROM users WHERE active)"
    ),
    "unfinished intakes of people not on the team": (
        "SELECT user_id FROM intakes WHERE user_id NOT IN (SELECT id FROM users WHERE active)"
    ),
    "conversation data of strangers": (
        "SELECT user_id FROM ptb_user_data WHERE user_id NOT IN (SELECT id FROM users)"
    ),
}


async def check_database(chat: Chat, fuzz: Fuzz) -> None:
    storage = chat.services.storage
    await chat.app.update_persistence()  # what python-telegram-bot holds, written now
    assert await storage.db.integrity_check() == "ok"
    for rule, sql in BROKEN.items():
        assert await rows(chat, sql) == [], rule
    # The daily counts the triggers kept equal a fresh count from the claims.
    counts = "SELECT day, dim, key, name, n, late FROM claim_days WHERE n != 0 ORDER BY 1, 2, 3"
    kept = await rows(chat, counts)
    async with storage.db.transaction() as tx:
        await tx.executescript(rollup.rebuild_sql())
    assert kept == await rows(chat, counts)
    # People: the configured admin and people an admin added, no one else. A stranger never
    # becomes a team member by writing to the bot.
    users = {r[0] for r in await rows(chat, "SELECT id FROM users")}
    added = {
        json.loads(r[0])["user"]
        for r in await rows(chat, "SELECT payload FROM events WHERE kind = 'user_added'")
    }
    assert users <= {ADMIN} | added, users - {ADMIN} - added
    assert fuzz.strangers & users <= added
    assert {AGENT, LEAD, GONE} <= users
    # Conversations only in the private chats of people on the team.
    keys = [json.loads(r[0]) for r in await rows(chat, "SELECT key FROM ptb_conversations")]
    assert all(chat_id == user_id and user_id in users for chat_id, user_id in keys), keys


# --- The tests --------------------------------------------------------------------------------
@contextmanager
def started(runner: asyncio.Runner, bot: Callable[..., Any], **options: Any) -> Iterator[Chat]:
    """The conftest bot on an event loop of our own: hypothesis drives a plain function, which
    feeds each example into the one running bot with `runner.run`."""
    manager = bot(**options)
    chat: Chat = runner.run(manager.__aenter__())
    try:
        yield chat
    except BaseException as error:
        if not runner.run(manager.__aexit__(type(error), error, error.__traceback__)):
            raise
    else:
        runner.run(manager.__aexit__(None, None, None))


async def realistic_state(chat: Chat) -> None:
    """A team, a removed person, two claims and a review waiting: forged buttons with real
    ids then meet real rows."""
    await team(chat, leads=(LEAD,))
    admin = await person(chat, ADMIN)
    await chat.services.people.add(admin, GONE, Role.AGENT, "Gone")
    await chat.services.people.remove(admin, GONE)
    await open_claim(chat, ADMIN)
    await open_claim(chat, AGENT, order=SECOND_ORDER)
    await chat.press("📤 Submit for review", AGENT)
    assert await chat.services.storage.claims.count() == 2
    assert await chat.services.storage.reviews.pending_count() == 1


@pytest.mark.soak
def test_generated_updates_raise_nothing_and_keep_the_database_consistent(
    bot: Any, clock: Clock
) -> None:
    with asyncio.Runner() as runner:
        with started(runner, bot) as chat:
            runner.run(realistic_state(chat))
            fuzz = Fuzz(chat)

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=[
                    HealthCheck.too_slow,
                    HealthCheck.data_too_large,
                    HealthCheck.large_base_example,
                ],
            )
            @given(PIECE)
            def examples(piece: list[Spec]) -> None:
                clock.advance(minutes=MINUTES_PER_EXAMPLE)
                # Kept, not raised: every example runs on the state all earlier ones left, so
                # hypothesis could neither replay nor shrink a failure. The message holds the
                # update's JSON (and the traceback), enough to replay it by hand.
                try:
                    runner.run(fuzz.feed_all(piece))
                except AssertionError as error:
                    fuzz.failed(error)

            examples()
            if fuzz.failures:
                pytest.fail(fuzz.report(), pytrace=False)
            runner.run(check_database(chat, fuzz))
            events = dict(runner.run(rows(chat, "SELECT kind, COUNT(*) FROM events GROUP BY 1")))
            api = chat.api
        # After a restart on the same database everything stored loads, and the bot answers.
        with started(runner, bot, api=api) as again:
            assert texts(runner.run(again.send("/help")))
            runner.run(check_database(again, fuzz))

    tally = fuzz.tally
    assert tally["updates"] >= MIN_UPDATES, tally
    # Every kind of update went in often enough to mean something, mostly different ones.
    # (The counts are for 10,000 examples; a smaller run must reach its share of them.)
    least = {"text": 2000, "callback": 4000, "edited": 400, "media": 400, "other": 400}
    # A stranger is refused once per ten minutes (at most 20 refusals a minute in all): the
    # refusals answered depend on how many distinct strangers and windows the run draws (seen:
    # 176 to over 300 messages, 266 and more presses), the rest are dropped.
    least |= {"strangers": 1000, "refused messages": 100, "refused presses": 100}
    least["refusals dropped"] = 200  # the same people again within ten minutes
    for kind, count in least.items():
        assert tally[kind] >= count * SCALE, (kind, tally)
    assert len(fuzz.distinct) >= 7000 * SCALE, len(fuzz.distinct)
    # And the generated presses did real work on real claims, not only refusals.
    done = {"claim_opened": 50, "step_changed": 10, "draft_sent": 10, "outcome_recorded": 1}
    for kind, count in done.items():
        assert events.get(kind, 0) >= max(1, count * SCALE), (kind, events)


# --- What the fuzzing found, each on its own --------------------------------------------------
async def test_a_press_with_empty_or_no_data_is_refused_not_taken_as_an_answer(bot: Any) -> None:
    """python-telegram-bot hands a press whose data is empty (or missing, without a game) to
    every CallbackQueryHandler whatever its pattern; a tampered client can send one. On the
    intake's order question it must not be read as a pasted notice (the question's own
    example id, 123-1234567-1234567, became the claim's order), and it must be answered."""
    async with bot() as chat:
        for data in ("", None):
            question = (await chat.send("/new"))[-1].result
            press = chat.factory.callback(chat.user(ADMIN), question, data or "")
            if data is None:
                del press["callback_query"]["data"]
            calls = await chat.feed(press)
            assert [c for c in calls if c.method == "answerCallbackQuery"], f"data={data!r}"
            intake = await chat.services.storage.intakes.get(ADMIN)
            assert isinstance(intake, IntakeAnswers), f"data={data!r}"
            assert intake.order_id is None, f"data={data!r}"
            assert texts(await chat.send(ORDER))[0].startswith("Which marketplace?"), (
                f"data={data!r}"
            )


async def test_a_removed_agent_is_sent_nothing_when_their_draft_is_decided(bot: Any) -> None:
    """Removed people "can no longer use the bot"; a lead approving a draft they had
    submitted must not send them the approved draft (buyer data) anyway."""
    async with bot() as chat:
        await team_claim(chat, leads=(LEAD,), submit=True)
        card = chat.last_keyboard(LEAD)
        admin = await person(chat, ADMIN)
        await chat.services.people.remove(admin, AGENT)
        calls = await chat.press_data("r:1:ok", card, LEAD)
        assert [c.params for c in calls if c.method in SENDS and c.params["chat_id"] == AGENT] == []


async def test_a_press_with_a_value_no_screen_offers_is_answered_once(bot: Any) -> None:
    """Telegram accepts one answer per press: the outcome and delay-cause buttons answered
    before checking the value, then answered again to refuse it."""
    async with bot() as chat:
        await open_claim(chat, ADMIN)
        claim = await stored_claim(chat)
        for action in ("out:nonsense", "delay:tracking"):
            calls = await chat.press_data(f"c:1:{claim.revision}:{action}")
            assert alerts(calls) == ["That button is not valid any more."], action


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.one_of(TEXTS, INVALID, NAMES))
def test_the_door_makes_any_text_valid_and_leaves_valid_text_alone(text: str) -> None:
    """bot/door.py: whatever comes in leaves as text every encoder takes, the same length or
    shorter (a split emoji joined again); text that was valid is the very same object, so
    the usual update passes the door without a copy."""
    made = valid_text(text)
    made.encode("utf-8")
    assert len(made) <= len(text)
    if "\ufffd" not in made:
        assert made.encode("utf-16", "surrogatepass") == text.encode("utf-16", "surrogatepass")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        assert made != text
    else:
        assert made is text
