"""Settings from the environment, a `.env` file and an optional `claimbot.toml`.

Precedence, highest first: the process environment, `.env` in the working folder, the TOML file
(`CLAIMBOT_CONFIG`, default `./claimbot.toml`), built-in defaults.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote, urlsplit

from bot.domain.marketplaces import BUYER_LANGUAGES, MARKETPLACES

DEFAULT_DB: Final = Path("data/claimbot.sqlite3")
DEFAULT_WEBHOOK_LISTEN: Final = "127.0.0.1"  # behind a reverse proxy on the same host
DEFAULT_WEBHOOK_PORT: Final = 8443


class SettingsError(ValueError):
    """A setting has a value claimbot cannot use; the message names the setting."""


class Secret:
    """A value that never shows itself in logs, reprs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class Gift:
    """A goodwill gift: what it is, in the buyer's language, and optionally its value in the
    marketplace's currency."""

    description: str
    value: Decimal | None = None


@dataclass(frozen=True, slots=True)
class StoreProfile:
    """Who the buyer hears from. `signature` goes under the translated closing of each draft,
    unless `signatures` has one for the language the draft is written in (a German signature
    must not end a Japanese message)."""

    name: str | None = None
    signature: str | None = None
    signatures: Mapping[str, str] = field(default_factory=dict)  # buyer language -> signature
    # The goodwill gift offered for seller-shipped delays, per marketplace code, written in
    # that marketplace's buyer language ("zwei Ersatzfilter" for DE).
    gifts: Mapping[str, Gift] = field(default_factory=dict)
    # Several stores on one team (issue 16), set in /settings: the marketplaces the store
    # sells on (what the intake offers first), and the addresses Amazon mails its notices to.
    marketplaces: tuple[str, ...] = ()
    mail_addresses: tuple[str, ...] = ()

    def signature_for(self, language: str) -> str | None:
        """The signature under a draft written in `language`: its own, else the default."""
        return self.signatures.get(language) or self.signature


@dataclass(frozen=True, slots=True)
class MailboxSettings:
    """The seller's mailbox that receives Amazon's notifications (issue 15), from
    CLAIMBOT_IMAP_URL (`imaps://user@host:993/INBOX`; `imap://` without TLS, for a server on
    the same machine) and CLAIMBOT_IMAP_PASSWORD."""

    host: str
    port: int
    user: str
    password: Secret
    folder: str = "INBOX"
    tls: bool = True
    poll_seconds: float = 60.0  # between two reads, when the server has no IDLE (or it is off)
    idle: bool = True  # wait for the server's word of new mail where it offers IMAP IDLE
    since_days: int = 14  # the first read of a mailbox looks this far back

    @property
    def address(self) -> str:
        """The mailbox's name in logs, notices and the mails' source: never the password."""
        scheme = "imaps" if self.tls else "imap"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def parse_mailbox(
    url: str | None,
    password: str | None,
    poll: str | None = None,
    idle: str | None = None,
    since: str | None = None,
) -> MailboxSettings | None:
    """CLAIMBOT_IMAP_URL and its companions; None when no mailbox is configured."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise SettingsError("CLAIMBOT_IMAP_URL must start with imaps:// (or imap:// on this host)")
    try:
        port = parts.port
    except ValueError as error:
        raise SettingsError("CLAIMBOT_IMAP_URL: the port must be a number 1 to 65535") from error
    if not parts.hostname or not parts.username:
        raise SettingsError("CLAIMBOT_IMAP_URL needs a user and a host: imaps://user@host/INBOX")
    if parts.password:
        raise SettingsError(
            "CLAIMBOT_IMAP_URL must not hold the password: put it in CLAIMBOT_IMAP_PASSWORD"
        )
    if not password:
        raise SettingsError("CLAIMBOT_IMAP_PASSWORD is required with CLAIMBOT_IMAP_URL")
    tls = parts.scheme == "imaps"
    seconds = _number("CLAIMBOT_IMAP_POLL", poll, 60.0, 1.0, 3600.0)
    days = int(_number("CLAIMBOT_IMAP_SINCE_DAYS", since, 14, 1, 365))
    return MailboxSettings(
        host=parts.hostname,
        port=port or (993 if tls else 143),
        user=unquote(parts.username),
        password=Secret(password),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        tls=tls,
        poll_seconds=seconds,
        idle=_switch("CLAIMBOT_IMAP_IDLE", idle),
        since_days=days,
    )


def _number(name: str, value: str | None, default: float, low: float, high: float) -> float:
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not low <= number <= high:
        raise SettingsError(f"{name} must be a number from {low:g} to {high:g}")
    return number


def _read_timeout(value: str | None) -> float | None:
    return None if value is None else _number("CLAIMBOT_READ_TIMEOUT", value, 5.0, 0.1, 600.0)


@dataclass(frozen=True, slots=True)
class Settings:
    token: Secret | None = None
    db_path: Path = DEFAULT_DB
    admins: frozenset[int] = frozenset()
    api_base_url: str | None = None
    store: StoreProfile = field(default_factory=StoreProfile)
    log_level: str | None = None  # None: INFO for the bot, WARNING in the console
    # Drafts of agents go to a team lead before a buyer sees them, unless an admin switches it
    # off in /settings (that choice, stored in the database, wins over this default).
    review_required: bool = True
    # A Telegram group of the team leads: review cards go there instead of to each lead.
    leads_chat: int | None = None
    # The store's orders over 60 days: /stats turns claims into an ODR contribution estimate.
    orders_60d: int | None = None
    # Seconds to wait for the Bot API's answer to a call before giving it up as lost; None:
    # python-telegram-bot's 5 s. (Tests against a fake Telegram set it lower.)
    read_timeout: float | None = None
    # Webhook mode: Telegram posts updates to this public https URL (behind a reverse proxy
    # that forwards to `webhook_listen`:`webhook_port`). Unset: long polling.
    webhook_url: str | None = None
    # Checked on every posted update (X-Telegram-Bot-Api-Secret-Token). Unset: a random one,
    # new at every start (claimbot registers the webhook itself, so that is enough).
    webhook_secret: Secret | None = None
    webhook_listen: str = DEFAULT_WEBHOOK_LISTEN
    webhook_port: int = DEFAULT_WEBHOOK_PORT
    # The mailbox Amazon's notifications arrive in; None: claims come only from the chat.
    mailbox: MailboxSettings | None = None

    @classmethod
    def load(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        cwd: Path | None = None,
    ) -> Settings:
        env = dict(os.environ if environ is None else environ)
        folder = cwd or Path.cwd()
        dotenv = folder / ".env"
        merged = {**read_dotenv(dotenv), **env} if dotenv.is_file() else env
        config_name = merged.get("CLAIMBOT_CONFIG")
        config_path = Path(config_name) if config_name else folder / "claimbot.toml"
        if config_name and not config_path.is_file():
            raise SettingsError(f"CLAIMBOT_CONFIG: no such file: {config_path}")
        toml = _read_toml(config_path) if config_path.is_file() else {}
        return cls.from_values(merged, toml)

    @classmethod
    def from_values(cls, env: Mapping[str, str], toml: Mapping[str, Any]) -> Settings:
        def pick(name: str, section: str, key: str) -> str | None:
            value = env.get(name)
            if value is not None and value.strip():
                return value.strip()
            table = toml.get(section, {})
            if not isinstance(table, dict):
                raise SettingsError(f"claimbot.toml: [{section}] must be a table")
            found = table.get(key)
            if found is None:
                return None
            if isinstance(found, list):
                return ",".join(str(item) for item in found)
            return str(found).strip() or None

        token = pick("TELEGRAM_BOT_TOKEN", "telegram", "token")
        base_url = pick("CLAIMBOT_API_BASE_URL", "telegram", "api_base_url")
        if base_url is not None and not base_url.startswith(("http://", "https://")):
            raise SettingsError("CLAIMBOT_API_BASE_URL must start with http:// or https://")
        webhook_url = pick("CLAIMBOT_WEBHOOK_URL", "webhook", "url")
        if webhook_url is not None and not webhook_url.startswith(("https://", "http://")):
            raise SettingsError(
                "CLAIMBOT_WEBHOOK_URL must start with https:// (http:// only for a local test:"
                " Telegram posts to https only)"
            )
        secret = pick("CLAIMBOT_WEBHOOK_SECRET", "webhook", "secret")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise SettingsError(
                "CLAIMBOT_WEBHOOK_SECRET: 1 to 256 characters of A-Z, a-z, 0-9, _ and -"
            )
        log_level = pick("CLAIMBOT_LOG_LEVEL", "logging", "level")
        log_level = log_level.upper() if log_level else None
        if log_level not in {None, "DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError("CLAIMBOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
        return cls(
            review_required=_switch(
                "CLAIMBOT_REVIEW_REQUIRED", pick("CLAIMBOT_REVIEW_REQUIRED", "review", "required")
            ),
            leads_chat=_chat_id(pick("CLAIMBOT_LEADS_CHAT", "review", "leads_chat")),
            orders_60d=_count(
                "CLAIMBOT_STORE_ORDERS_60D",
                pick("CLAIMBOT_STORE_ORDERS_60D", "store", "orders_60d"),
            ),
            token=Secret(token) if token else None,
            read_timeout=_read_timeout(pick("CLAIMBOT_READ_TIMEOUT", "telegram", "read_timeout")),
            db_path=Path(pick("CLAIMBOT_DB", "storage", "db") or DEFAULT_DB),
            admins=parse_admins(pick("CLAIMBOT_ADMINS", "access", "admins") or ""),
            api_base_url=base_url.rstrip("/") if base_url else None,
            store=StoreProfile(
                name=pick("CLAIMBOT_STORE_NAME", "store", "name"),
                signature=_unescape_newlines(
                    pick("CLAIMBOT_STORE_SIGNATURE", "store", "signature")
                ),
                gifts=_gifts(toml),
                signatures=_signatures(toml),
            ),
            log_level=log_level,
            webhook_url=webhook_url,
            webhook_secret=Secret(secret) if secret else None,
            webhook_listen=pick("CLAIMBOT_WEBHOOK_LISTEN", "webhook", "listen")
            or DEFAULT_WEBHOOK_LISTEN,
            webhook_port=_port(pick("CLAIMBOT_WEBHOOK_PORT", "webhook", "port")),
            mailbox=parse_mailbox(
                pick("CLAIMBOT_IMAP_URL", "mailbox", "url"),
                env.get("CLAIMBOT_IMAP_PASSWORD"),  # never from claimbot.toml: a secret
                pick("CLAIMBOT_IMAP_POLL", "mailbox", "poll_seconds"),
                pick("CLAIMBOT_IMAP_IDLE", "mailbox", "idle"),
                pick("CLAIMBOT_IMAP_SINCE_DAYS", "mailbox", "since_days"),
            ),
        )


def _gifts(toml: Mapping[str, Any]) -> dict[str, Gift]:
    """`[store.gifts]` in claimbot.toml, one line per marketplace: `DE = "zwei Ersatzfilter"`
    or `DE = { description = "zwei Ersatzfilter", value = 5 }` (value in local currency)."""
    store = toml.get("store", {})
    table = store.get("gifts", {}) if isinstance(store, dict) else {}
    if not isinstance(table, dict):
        raise SettingsError("claimbot.toml: [store.gifts] must be a table of marketplace = text")
    gifts: dict[str, Gift] = {}
    for code, entry in table.items():
        marketplace = str(code).upper()
        if marketplace not in MARKETPLACES:
            raise SettingsError(f"claimbot.toml: [store.gifts] {code!r} is not a marketplace code")
        text, value = (
            (entry.get("description"), entry.get("value"))
            if isinstance(entry, dict)
            else (entry, None)
        )
        if not isinstance(text, str) or not text.strip() or len(text) > 200:
            raise SettingsError(
                f"claimbot.toml: [store.gifts] {code} must be a short text (1-200 characters)"
            )
        amount: Decimal | None = None
        if value is not None:
            try:
                amount = Decimal(str(value))
            except InvalidOperation:
                amount = None
            if amount is None or not amount.is_finite() or amount <= 0:
                raise SettingsError(f"claimbot.toml: [store.gifts] {code} value must be > 0")
        gifts[marketplace] = Gift(text.strip(), amount)
    return gifts


def _signatures(toml: Mapping[str, Any]) -> dict[str, str]:
    """`[store.signatures]` in claimbot.toml, one line per buyer language: `ja = "Acme
    カスタマーサービス"`. A language without one is signed with `[store] signature`."""
    store = toml.get("store", {})
    table = store.get("signatures", {}) if isinstance(store, dict) else {}
    if not isinstance(table, dict):
        raise SettingsError("claimbot.toml: [store.signatures] must be a table of language = text")
    known = {language.lower(): language for language in BUYER_LANGUAGES}
    signatures: dict[str, str] = {}
    for code, text in table.items():
        language = known.get(str(code).lower())
        if language is None:
            raise SettingsError(
                f"claimbot.toml: [store.signatures] {code!r} is not a buyer language"
                f" ({', '.join(BUYER_LANGUAGES)})"
            )
        if not isinstance(text, str) or not text.strip() or len(text) > 300:
            raise SettingsError(
                f"claimbot.toml: [store.signatures] {code} must be a short text (1-300 characters)"
            )
        signatures[language] = text.strip()
    return signatures


def _switch(name: str, value: str | None, default: bool = True) -> bool:
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "on", "yes"}:
        return True
    if lowered in {"0", "false", "off", "no"}:
        return False
    raise SettingsError(f"{name} must be on or off")


def _port(value: str | None) -> int:
    if value is None:
        return DEFAULT_WEBHOOK_PORT
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < 65536:
        raise SettingsError("CLAIMBOT_WEBHOOK_PORT must be a port number (1 to 65535)")
    return int(value)


def _count(name: str, value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or int(value) == 0:
        raise SettingsError(f"{name} must be a whole number of orders, above 0")
    return int(value)


def _chat_id(value: str | None) -> int | None:
    """A Telegram chat id: groups are negative (-1001234567890)."""
    if value is None:
        return None
    digits = value.removeprefix("-")
    if not digits.isascii() or not digits.isdigit() or int(digits) == 0:
        raise SettingsError("CLAIMBOT_LEADS_CHAT must be a Telegram chat id, like -1001234567890")
    return int(value)


def parse_admins(text: str) -> frozenset[int]:
    """`"123, 456"` -> {123, 456}. Telegram user ids are positive integers."""
    ids: set[int] = set()
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        if not part.isdigit() or not part.isascii() or int(part) <= 0:
            raise SettingsError(
                f"CLAIMBOT_ADMINS: {part[:20]!r} is not a Telegram user id (a positive number)"
            )
        ids.add(int(part))
    return frozenset(ids)


def read_dotenv(path: Path) -> dict[str, str]:
    """`KEY=value` lines; `#` comments, `export ` prefixes and matching quotes allowed."""
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise SettingsError(f"{path.name}, line {number}: expected KEY=value")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path.name}: {exc}") from None


def _unescape_newlines(value: str | None) -> str | None:
    # A signature of several lines fits in one environment variable as `Line 1\nLine 2`.
    return value.replace("\\n", "\n") if value else value
