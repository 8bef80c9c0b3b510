"""Render one draft kind for one buyer language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Final

from babel import Locale, localedata
from jinja2 import Template, TemplateError

from bot.domain.claims import Cause
from bot.domain.contact import CONTACT_WHATS
from bot.domain.fields import DELAY_CAUSES, delay_next_choices
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.text import N_
from bot.drafting.environment import build_environment, drafting_locale
from bot.i18n.catalogs import MESSAGES_DOMAIN, SOURCE_LANGUAGE, Catalogs
from bot.resources import templates_dir

# The facts a template may use (`shared/design.md`, "Facts keys"); each is optional for the
# renderer except `order_id`, and a template tests for the optional ones before it uses them.
FACT_KEYS: Final = (
    "order_id",
    "marketplace",
    "language",
    "buyer_name",
    "product",
    "reason",
    "fulfillment",
    "carrier",
    "tracking_number",
    "delay_cause",
    "delay_next",  # what happens now: on_its_way, delivered, new_parcel, refund
    "gift",
    "store_name",
    "agent_name",
    "signature",
    "order_date",
    # Added for the full set of kinds; see the README's facts table.
    "currency",
    "usage_steps",
    "refund_amount",
    "gift_value",
    "contacted_on",
    "delivery_date",
    "contact_summary",
    "concession",
    "proposal",
    "replied",  # whether a buyer reply is recorded (true/false): only then is it thanked for
    "documents_sent",  # true/false: only then does the statement say documents were sent
    "solution_offered",  # true/false: a message offering a solution was sent
    "replacement_sent",  # true/false: the replacement offer was sent
    "refund_sent",  # true/false: the refund message was sent
    "cause",  # what the buyer's reply showed: usage, defective, delivery, other
    "contact_log",  # the recorded contact: a list of {"date": ISO date, "what": kind or event}
)
REQUIRED_FACTS: Final = ("order_id",)
# Kinds that must not guess: the statement to Amazon says who shipped the order.
REQUIRED_BY_KIND: Final = MappingProxyType({"amazon_statement": ("order_id", "fulfillment")})
DATE_FACTS: Final = ("order_date", "contacted_on", "delivery_date")
MAX_FACT_LENGTH: Final = 1500
NO_SENTENCE_SPACE: Final = frozenset({"ja", "zh_Hans"})
_BLANK_LINES = re.compile(r"\n{3,}")
_CJK_SPACE = re.compile(r"([。、！？）」』：；”])[ ]+(?=\S)")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


class UnknownDraftKindError(LookupError):
    """No template for that draft kind."""


class DraftFactsError(ValueError):
    """The facts do not fit the draft. `msgid` and `params` let the caller translate the
    message (str() of the error is the English text)."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid % params)
        self.msgid = msgid
        self.params = params


@dataclass(frozen=True, slots=True)
class Draft:
    kind: str
    language: str  # the language the text is in
    requested_language: str  # the buyer's language; differs when no translation exists yet
    subject: str
    body: str

    @property
    def text(self) -> str:
        """Subject and body as one text: what the lint reads and what the CLI prints."""
        return f"{self.subject}\n\n{self.body}"

    @property
    def is_fallback(self) -> bool:
        return self.language != self.requested_language


class Renderer:
    """Owns the Jinja environment and renders drafts. One per process."""

    def __init__(self, catalogs: Catalogs, templates: Path | None = None) -> None:
        self.catalogs = catalogs
        self.templates = templates if templates is not None else templates_dir()
        self.env = build_environment(self.templates)
        self._compiled: dict[str, Template] = {}
        self._locales: dict[tuple[str, str | None], Locale] = {}

    def kinds(self) -> tuple[str, ...]:
        return tuple(
            sorted(p.stem for p in self.templates.glob("*.j2") if not p.name.startswith("_"))
        )

    def languages(self) -> tuple[str, ...]:
        return self.catalogs.languages(MESSAGES_DOMAIN)

    def resolve_language(self, requested: str) -> str:
        """The buyer's language when a catalog exists, else the source language."""
        return requested if requested in self.languages() else SOURCE_LANGUAGE

    def render(self, kind: str, facts: Mapping[str, object], language: str) -> Draft:
        template = self._template(kind)
        unknown = sorted(set(facts) - set(FACT_KEYS))
        if unknown:
            raise DraftFactsError(N_("unknown facts: %(keys)s"), keys=", ".join(unknown))
        missing = [key for key in REQUIRED_BY_KIND.get(kind, REQUIRED_FACTS) if not facts.get(key)]
        if missing:
            raise DraftFactsError(N_("missing facts: %(keys)s"), keys=", ".join(missing))
        used = self.resolve_language(language)
        variables: dict[str, object] = dict.fromkeys(FACT_KEYS)
        variables.update(_checked(facts))
        variables["language"] = used
        market = MARKETPLACES.get(str(facts.get("marketplace") or "").upper())
        territory = market.territory if market else None
        locale = self.formatting_locale(used, territory)
        # The words: the language's catalog, or its regional variant for the marketplace
        # (`en_US`: US spelling and wording for amazon.com). Only the marketplace decides: an
        # English-speaking buyer on amazon.de reads the British source text. Canada has no
        # variant on purpose: Canadian spelling follows British for centre, colour, favour.
        translations = self.catalogs.variant(MESSAGES_DOMAIN, used, territory)
        with drafting_locale(translations, locale):
            context = template.new_context(variables)
            subject = _tidy("".join(template.blocks["subject"](context)))
            body = _tidy("".join(template.blocks["body"](context)))
        if used in NO_SENTENCE_SPACE:
            # Templates join the sentences of a paragraph with a space; Japanese and Chinese
            # do not.
            body = _CJK_SPACE.sub(r"\1", body)
        return Draft(kind, used, language, subject.replace("\n", " "), body)

    def _template(self, kind: str) -> Template:
        compiled = self._compiled.get(kind)
        if compiled is None:
            if kind not in self.kinds():
                raise UnknownDraftKindError(kind)
            try:
                compiled = self.env.get_template(f"{kind}.j2")
            except TemplateError as exc:  # a broken template we ship is a bug: say which one
                raise RuntimeError(f"template {kind}.j2 is broken: {exc}") from exc
            self._compiled[kind] = compiled
        return compiled

    def formatting_locale(self, language: str, territory: str | None) -> Locale:
        """The locale dates and money are written in: the language as used in the
        marketplace's region (`en_GB`, `es_MX`, `fr_CA`) when Babel knows that locale, else
        the language's own. The words come from the language's catalog, or from its regional
        variant where one exists (`Catalogs.variant`)."""
        key = (language, territory)
        locale = self._locales.get(key)
        if locale is None:
            regional = f"{language}_{territory}"
            base = Locale.parse(language)
            if territory and base.territory is None and localedata.exists(regional):
                locale = Locale.parse(regional)
            else:
                locale = base
            self._locales[key] = locale
        return locale


def _checked(facts: Mapping[str, object]) -> dict[str, object]:
    """Facts as templates need them: dates parsed, amounts exact, closed lists enforced, the
    currency taken from the marketplace when not given. Raises DraftFactsError."""
    values = dict(facts)
    for key, value in facts.items():
        if isinstance(value, str) and len(value) > MAX_FACT_LENGTH:
            raise DraftFactsError(
                N_("%(key)s is longer than %(limit)s characters"), key=key, limit=MAX_FACT_LENGTH
            )
    for key in DATE_FACTS:
        values[key] = _date(key, values.get(key))
    values["contact_log"] = _contact_log(values.get("contact_log"))
    values["refund_amount"] = _amount("refund_amount", values.get("refund_amount"))
    values["gift_value"] = _amount("gift_value", values.get("gift_value"))
    for key in ("replied", "documents_sent", "solution_offered", "replacement_sent", "refund_sent"):
        if values.get(key) not in (None, True, False):
            raise DraftFactsError(N_("%(key)s must be true or false"), key=key)
    if values.get("fulfillment") not in (None, "", "fbm", "fba"):
        raise DraftFactsError(N_("fulfillment must be fbm or fba"))
    if values.get("cause") not in (None, "", *(c.value for c in Cause)):
        raise DraftFactsError(
            N_("cause must be one of %(causes)s"), causes=", ".join(c.value for c in Cause)
        )
    cause = values.get("delay_cause")
    if cause and cause not in DELAY_CAUSES:
        raise DraftFactsError(
            N_("delay_cause must be one of %(causes)s"), causes=", ".join(DELAY_CAUSES)
        )
    following = values.get("delay_next")
    if following and following not in delay_next_choices(cause if isinstance(cause, str) else None):
        # "On its way" after a lost parcel would be untrue: refused, not written.
        raise DraftFactsError(
            N_("delay_next must be one of %(choices)s"),
            choices=", ".join(delay_next_choices(cause if isinstance(cause, str) else None)),
        )
    if not values.get("currency") and isinstance(values.get("marketplace"), str):
        market = MARKETPLACES.get(str(values["marketplace"]).upper())
        values["currency"] = market.currency if market else None
    for key in ("refund_amount", "gift_value"):
        if values[key] is not None and not values.get("currency"):
            # Without a currency the amount cannot be shown ("the full amount" would be untrue).
            raise DraftFactsError(N_("%(key)s needs a currency or a marketplace"), key=key)
    return values


def _date(key: str, value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise DraftFactsError(N_("%(key)s must be a date like 2026-11-28"), key=key)


def _contact_log(value: object) -> list[dict[str, object]]:
    """The recorded contact, each entry's day parsed and its kind from the closed list."""
    if value is None or value == "":
        return []
    if not isinstance(value, list | tuple):
        value = [value]  # not a list: its one entry is checked, and refused, as one
    entries: list[dict[str, object]] = []
    for entry in value:
        if not isinstance(entry, Mapping) or entry.get("what") not in CONTACT_WHATS:
            raise DraftFactsError(
                N_("contact_log entries need a date and what: %(whats)s"),
                whats=", ".join(sorted(CONTACT_WHATS)),
            )
        day = _date("contact_log", entry.get("date"))
        if day is None:
            raise DraftFactsError(N_("%(key)s must be a date like 2026-11-28"), key="contact_log")
        entries.append({"date": day, "what": entry["what"]})
    return entries


def _amount(key: str, value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        exact = Decimal(str(value))
    except InvalidOperation:
        raise DraftFactsError(N_("%(key)s must be a number"), key=key) from None
    if not exact.is_finite() or exact <= 0:
        raise DraftFactsError(N_("%(key)s must be a positive number"), key=key)
    return exact


def _tidy(text: str) -> str:
    """Trim trailing spaces and runs of blank lines left by skipped optional sentences."""
    text = _TRAILING_SPACE.sub("\n", text.strip() + "\n")
    return _BLANK_LINES.sub("\n\n", text).strip()
