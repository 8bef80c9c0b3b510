"""The command line: `claimbot run` and `claimbot console` (`python -m bot` is the same), and the
maintenance commands (`render`, `lint`, `templates`, `export`, `backup`, `mail`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

from telegram import Update

from bot import __version__, cli_drafts
from bot.console import main_console, terminal_language
from bot.i18n.catalogs import BOT_DOMAIN, SOURCE_LANGUAGE, Catalogs
from bot.i18n.translator import Translator
from bot.settings import Secret, Settings, SettingsError

if TYPE_CHECKING:
    from bot.services.mail import MailResult

log = logging.getLogger("bot")


class RedactSecrets(logging.Filter):
    """Last line of defence: no log line ever carries the bot token."""

    def __init__(self, secrets: Sequence[Secret]) -> None:
        super().__init__()
        self.secrets = [s.reveal() for s in secrets if s.reveal()]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            if any(secret in message for secret in self.secrets):
                for secret in self.secrets:
                    message = message.replace(secret, "********")
                record.msg, record.args = message, None
        return True


class RedactingFormatter(logging.Formatter):
    """Formats, then blanks the secrets out of the whole line: the message, and a traceback
    whose exception text might quote a Bot API URL."""

    def __init__(self, fmt: str, secrets: Sequence[Secret]) -> None:
        super().__init__(fmt)
        self.secrets = [s.reveal() for s in secrets if s.reveal()]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "********")
        return text


def log_handler(settings: Settings, stream: TextIO) -> logging.Handler:
    """The one log handler: redacts the token, whatever logs it and at whatever level."""
    hidden = [s for s in (settings.token, settings.webhook_secret) if s is not None]
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", hidden)
    )
    handler.addFilter(RedactSecrets(hidden))
    return handler


def configure_logging(settings: Settings, default_level: str) -> None:
    handler = log_handler(settings, sys.stderr)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level or default_level)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # aioimaplib logs every byte it receives at DEBUG: the mails, buyers' messages included.
    logging.getLogger("aioimaplib").setLevel(logging.WARNING)


def operator_translator(catalogs: Catalogs) -> Translator:
    language = terminal_language() or SOURCE_LANGUAGE
    if language not in catalogs.languages(BOT_DOMAIN):
        language = SOURCE_LANGUAGE
    return Translator(language, catalogs.get(BOT_DOMAIN, language))


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 - one return per command
    parser = argparse.ArgumentParser(
        prog="claimbot", description="A-to-Z claim assistant for Amazon sellers' support teams."
    )
    parser.add_argument("--version", action="version", version=f"claimbot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="the Telegram bot; the console when no token is set")
    commands.add_parser("console", help="the bot in this terminal, on the local database")
    render = commands.add_parser("render", help="one draft, from a JSON file of facts")
    render.add_argument("kind", help="the draft kind, see `claimbot templates`")
    render.add_argument("--facts", required=True, help="a JSON object of facts, or - for stdin")
    render.add_argument("--lang", help="the buyer's language (default: facts, then marketplace)")
    render.add_argument("--format", choices=("text", "json"), default="text")
    linter = commands.add_parser("lint", help="check a text against Amazon's messaging rules")
    linter.add_argument("file", nargs="?", default="-", help="a text file, or - for stdin")
    linter.add_argument("--lang", help="the buyer's language, to check the text is in it")
    linter.add_argument("--order-id", help="the order id the text must mention")
    linter.add_argument("--format", choices=("text", "json"), default="text")
    commands.add_parser("templates", help="the draft kinds and their languages")
    export = commands.add_parser("export", help="the claims noticed in a period, as CSV")
    export.add_argument("--since", required=True, help="the first day, YYYY-MM-DD")
    export.add_argument("--until", help="the last day, YYYY-MM-DD (default: today)")
    export.add_argument("--format", choices=("csv",), default="csv")
    export.add_argument("--output", "-o", help="a file to write (default: standard output)")
    export.add_argument("--store", type=int, help="one store's claims (default: every store)")
    backup = commands.add_parser(
        "backup", help="a consistent copy of the database, safe while the bot runs"
    )
    backup.add_argument("destination", help="the file to write (replaced if it exists)")
    mail = commands.add_parser("mail", help="feed a saved Amazon notification mail to claimbot")
    mail.add_argument("--eml", required=True, help="the mail, as a .eml file")
    args = parser.parse_args(argv)

    catalogs = Catalogs()
    tr = operator_translator(catalogs)
    if args.command == "templates":
        return cli_drafts.templates_command()
    if args.command == "lint":
        return cli_drafts.lint_command(args.file, args.lang, args.order_id, args.format, tr=tr)
    try:
        settings = Settings.load()
    except SettingsError as error:
        print(
            tr.gettext("claimbot: configuration error: %(error)s") % {"error": error},
            file=sys.stderr,
        )
        return 2
    if args.command == "export":
        return export_command(settings, args.since, args.until, args.output, tr, store=args.store)
    if args.command == "backup":
        return backup_command(settings, Path(args.destination), tr)
    if args.command == "mail":
        return mail_command(settings, Path(args.eml), tr)
    if args.command == "render":
        return cli_drafts.render(
            args.kind, args.facts, args.lang, args.format, tr=tr, store=settings.store
        )
    console = args.command == "console" or settings.token is None
    if settings.webhook_url is not None and settings.webhook_secret is None:
        # A new secret at every start; claimbot registers the webhook with it itself. Made
        # here, before logging starts, so the log redacts it like the token.
        settings = replace(settings, webhook_secret=Secret(secrets.token_urlsafe(32)))
    configure_logging(settings, "WARNING" if console else "INFO")

    if console:
        if args.command == "run":
            print(
                tr.gettext(
                    "No TELEGRAM_BOT_TOKEN is set: starting the offline console chat"
                    " instead (database %(db)s)."
                )
                % {"db": settings.db_path},
                file=sys.stderr,
            )
        return main_console(settings, tr)
    return run_telegram(settings)


def export_command(
    settings: Settings,
    since: str,
    until: str | None,
    output: str | None,
    tr: Translator,
    *,
    store: int | None = None,
) -> int:
    """`claimbot export`: the same CSV a lead gets from /export, read from the database."""
    from bot.domain.stats import Period  # noqa: PLC0415 - keeps `--help` fast
    from bot.services.stats import Stats  # noqa: PLC0415
    from bot.storage import Database, Storage  # noqa: PLC0415
    from bot.storage.files import write_private  # noqa: PLC0415

    try:
        first = date.fromisoformat(since)
        last = date.fromisoformat(until) if until else datetime.now(UTC).date()
    except ValueError:
        print(tr.gettext("claimbot: dates are written YYYY-MM-DD."), file=sys.stderr)
        return 2
    if first > last:
        print(tr.gettext("claimbot: --since is after --until."), file=sys.stderr)
        return 2
    if not _database_exists(settings, tr):
        return 2

    async def read() -> bytes:
        db = Database(settings.db_path)
        await db.open()
        try:
            stats = Stats(Storage(db), lambda: datetime.now(UTC), settings.orders_60d)
            stores = frozenset() if store is None else frozenset({store})
            _name, data = await stats.export_csv(Period(first, last), stores)
            return data
        finally:
            await db.close()

    data = asyncio.run(read())
    if output:
        write_private(Path(output), data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def mail_command(settings: Settings, path: Path, tr: Translator) -> int:
    """`claimbot mail --eml FILE`: one saved mail through the mail intake, on the local
    database; one line says what it did. Exit 0 when it opened a claim or had nothing new to
    do, 1 when the mail is left for an admin, 2 on an error."""
    from bot.drafting.renderer import Renderer  # noqa: PLC0415 - keeps `--help` fast
    from bot.services.mail import MailIntake  # noqa: PLC0415
    from bot.services.store import StoreService  # noqa: PLC0415
    from bot.storage import Database, Storage  # noqa: PLC0415

    _ = tr.gettext
    try:
        raw = path.read_bytes()
    except OSError as error:
        print(
            _("claimbot: cannot read %(file)s: %(error)s")
            % {"file": path, "error": error.strerror or error},
            file=sys.stderr,
        )
        return 2
    if not _database_exists(settings, tr):
        return 2

    async def process() -> MailResult:
        db = Database(settings.db_path)
        await db.open()
        try:
            storage = Storage(db)
            store = StoreService(storage, settings.store, lambda: datetime.now(UTC))
            await store.load()
            intake = MailIntake(storage, Renderer(Catalogs()), store, store.clock)
            return await intake.process(raw, "eml")
        finally:
            await db.close()

    result = asyncio.run(process())
    line, status = mail_line(result, tr)
    print(line)
    return status


def mail_line(result: MailResult, tr: Translator) -> tuple[str, int]:
    """What `claimbot mail` prints for a processed mail, and its exit status."""
    from bot.domain.mail import MailKind  # noqa: PLC0415
    from bot.services.mail import MailOutcome  # noqa: PLC0415

    _ = tr.gettext
    values = {"order_id": result.order_id, "number": result.claim_id}
    if result.outcome is MailOutcome.OPENED:
        return _("Claim #%(number)s opened for order %(order_id)s.") % values, 0
    if result.outcome is MailOutcome.ALREADY_OPEN:
        text = _("Order %(order_id)s already has an open claim, #%(number)s: nothing new.")
        return text % values, 0
    if result.outcome is MailOutcome.SEEN and result.seen_at is not None:
        return _("Already processed on %(date)s.") % {"date": tr.datetime(result.seen_at)}, 0
    if result.outcome is MailOutcome.RECORDED:
        recorded = {
            MailKind.INFO_REQUEST: _(
                "Amazon's request for information recorded on claim #%(number)s."
            ),
            MailKind.DECISION: _("Amazon's decision recorded on claim #%(number)s."),
            MailKind.BUYER_MESSAGE: _("The buyer's message recorded on claim #%(number)s."),
        }
        return recorded.get(result.kind, _("Recorded on claim #%(number)s.")) % values, 0
    unclaimed = {
        MailKind.INFO_REQUEST: _(
            "Amazon's request for information for order %(order_id)s, which has no open claim:"
            " left for an admin."
        ),
        MailKind.DECISION: _(
            "Amazon's decision for order %(order_id)s, which has no claim: left for an admin."
        ),
        MailKind.BUYER_MESSAGE: _(
            "Buyer message for order %(order_id)s, which has no open claim: left for an admin."
        ),
    }
    if result.kind is MailKind.NOT_AMAZON:
        text = _("Not from Amazon: left for an admin.")
    elif result.kind in unclaimed and result.order_id is not None:
        text = unclaimed[result.kind] % values
    else:
        text = _("Not understood: left for an admin.")
    return text, 1


def _database_exists(settings: Settings, tr: Translator) -> bool:
    """Commands that read the database say so when there is none (rather than create one)."""
    if settings.db_path.is_file():
        return True
    print(
        tr.gettext("claimbot: no database at %(db)s.") % {"db": settings.db_path},
        file=sys.stderr,
    )
    return False


def backup_command(settings: Settings, destination: Path, tr: Translator) -> int:
    """`claimbot backup FILE`: SQLite's online backup API copies the database page by page
    while the bot keeps writing, and the copy is one consistent moment (a plain `cp` of a
    WAL database can miss or tear the last transactions). Checked before it is kept."""
    from bot.storage.files import private_file  # noqa: PLC0415 - keeps `--help` fast

    if not _database_exists(settings, tr):
        return 2
    partial = destination.with_name(destination.name + ".partial")
    source = sqlite3.connect(f"file:{settings.db_path}?mode=ro", uri=True)
    try:
        partial.unlink(missing_ok=True)  # left by a backup that was interrupted
        private_file(partial)  # 0600 before a byte is copied; the replace keeps the mode
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
            (verdict,) = target.execute("PRAGMA integrity_check").fetchone()
        finally:
            target.close()
    finally:
        source.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        print(
            tr.gettext("claimbot: the copy failed its integrity check: %(result)s")
            % {"result": verdict},
            file=sys.stderr,
        )
        return 1
    partial.replace(destination)  # the old backup stays until the new one is whole
    print(
        tr.gettext("Backed up %(db)s to %(file)s.") % {"db": settings.db_path, "file": destination},
        file=sys.stderr,
    )
    return 0


def run_telegram(settings: Settings) -> int:
    """Long polling, or a webhook when CLAIMBOT_WEBHOOK_URL is set. Either way SIGTERM (and
    SIGINT) stop it gracefully: no new updates are taken, the ones in progress finish, the
    persistence is written and the database closed."""
    from bot.app import build_application  # noqa: PLC0415 - keeps `--help` fast
    from bot.webhook import serve_webhook  # noqa: PLC0415

    application = build_application(settings)
    if settings.webhook_url is None:
        log.info("starting long polling")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
        return 0
    if settings.webhook_secret is None:
        raise ValueError("webhook mode needs a secret; main() makes one before logging starts")
    path = urlsplit(settings.webhook_url).path.lstrip("/")
    log.info(
        "starting the webhook on %s:%d/%s",
        settings.webhook_listen,
        settings.webhook_port,
        path,
    )
    asyncio.run(
        serve_webhook(
            application,
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=path,
            webhook_url=settings.webhook_url,
            secret=settings.webhook_secret.reveal(),
        )
    )
    return 0
