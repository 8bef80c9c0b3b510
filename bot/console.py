"""The console channel: the same Application, driven from a terminal or a script.

Each line you type is a message from the acting user. Buttons are printed numbered; typing the
number presses the button of the last keyboard shown. Lines starting with `:` talk to the
console itself (`:help`).

Several lines are one message in two ways: a `:paste` block (every line up to a line that is
exactly `.`), and, at a terminal, lines that arrive within `PASTE_WINDOW` of each other (what a
paste looks like: the terminal hands them over at once; nobody types two lines in 50 ms). A
script read from a pipe keeps one message per line: its lines all arrive at once.
"""

from __future__ import annotations

import asyncio
import codecs
import os
import sys
import time
from collections.abc import Callable
from typing import Any, Protocol, TextIO

from telegram import Update

from bot.app import CONSOLE_ADMIN_ID, ClaimApplication, build_application, running
from bot.i18n.locales import normalize_language
from bot.i18n.translator import Translator
from bot.settings import Settings
from bot.transport import ApiCall, OfflineBotApi, UpdateFactory

PASTE_WINDOW = 0.05  # seconds: lines closer together than this came from one paste
END_OF_BLOCK = "."  # the line that ends a `:paste` block


class PasteJoiner:
    """Groups lines into pastes by their arrival times: a line that comes within `window`
    seconds of the previous one belongs to the same paste. Pure: it is told the times."""

    def __init__(self, window: float = PASTE_WINDOW) -> None:
        self.window = window
        self.lines: list[str] = []
        self.last = 0.0

    def feed(self, at: float, line: str) -> list[str] | None:
        """Take a line that arrived at `at`; return the paste it closes (the lines pending before
        it, when it came too late to join them), else None."""
        done = None
        if self.lines and at - self.last > self.window:
            done = self.flush()
        self.lines.append(line)
        self.last = at
        return done

    def deadline(self) -> float | None:
        """When the pending paste is complete if no line comes before; None with nothing
        pending."""
        return self.last + self.window if self.lines else None

    def flush(self) -> list[str] | None:
        """The pending lines, now complete (None if there are none)."""
        lines, self.lines = self.lines, []
        return lines or None


class Source(Protocol):
    async def batch(self) -> list[str] | None:
        """The next lines that arrived together (one line unless pasted); None at the end."""


class ScriptSource:
    """One line at a time: a script piped in arrives all at once, and each of its lines is its
    own message (only a `:paste` block joins lines there)."""

    def __init__(self, stdin: TextIO) -> None:
        self.stdin = stdin

    async def batch(self) -> list[str] | None:
        line = await asyncio.to_thread(self.stdin.readline)
        return [line.rstrip("\r\n")] if line else None


class PastedSource:
    """Lines as they arrive at a terminal, with their arrival times, joined into pastes.

    `events` gets (time, line) as lines arrive, and (time, None) at the end of input; the times
    come from `clock`, which tells when a pending paste is complete."""

    def __init__(
        self,
        events: asyncio.Queue[tuple[float, str | None]],
        clock: Callable[[], float] = time.monotonic,
        window: float = PASTE_WINDOW,
    ) -> None:
        self.events = events
        self.clock = clock
        self.joiner = PasteJoiner(window)
        self.ended = False

    async def batch(self) -> list[str] | None:
        while not self.ended:
            deadline = self.joiner.deadline()
            if deadline is None:
                at, line = await self.events.get()
            elif not self.events.empty():  # already here: no waiting, whatever the clock says
                at, line = self.events.get_nowait()
            else:
                try:
                    timeout = max(0.0, deadline - self.clock())
                    at, line = await asyncio.wait_for(self.events.get(), timeout)
                except TimeoutError:
                    return self.joiner.flush()
            if line is None:
                self.ended = True
                break
            done = self.joiner.feed(at, line)
            if done is not None:
                return done
        return self.joiner.flush()


class TerminalReader:
    """Reads a terminal's file descriptor whenever it is readable (no thread left blocked in a
    read when the console ends) and queues its lines with their arrival times."""

    def __init__(
        self, fd: int, encoding: str, events: asyncio.Queue[tuple[float, str | None]]
    ) -> None:
        self.fd = fd
        self.events = events
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self.partial = ""

    def readable(self) -> None:
        at = time.monotonic()
        data = os.read(self.fd, 65536)
        text = self.partial + self.decoder.decode(data, final=not data)
        *lines, self.partial = text.split("\n")
        for line in lines:
            self.events.put_nowait((at, line.rstrip("\r")))
        if not data:  # Ctrl-D on an empty line: the end of input
            if self.partial:
                self.events.put_nowait((at, self.partial))
            self.partial = ""
            self.events.put_nowait((at, None))
            asyncio.get_running_loop().remove_reader(self.fd)


def terminal_source(stdin: TextIO) -> tuple[Source, Callable[[], None]]:
    """A source that joins pasted lines, reading the terminal's descriptor as the event loop
    sees it readable; where that is impossible (no descriptor, or a loop without add_reader),
    a line at a time. Also what to call when done."""
    events: asyncio.Queue[tuple[float, str | None]] = asyncio.Queue()
    loop = asyncio.get_running_loop()
    try:
        fd = stdin.fileno()
        reader = TerminalReader(fd, stdin.encoding or "utf-8", events)
        loop.add_reader(fd, reader.readable)
    except (OSError, ValueError, NotImplementedError, AttributeError):
        return ScriptSource(stdin), lambda: None

    def done() -> None:
        loop.remove_reader(fd)

    return PastedSource(events), done


class Console:
    def __init__(self, out: TextIO, tr: Translator, language_code: str | None) -> None:
        self.out = out
        self.tr = tr
        self.language_code = language_code
        self.user_id = CONSOLE_ADMIN_ID
        self.factory = UpdateFactory()
        self.keyboard: list[tuple[str, str]] = []  # (label, callback data) of the last keyboard
        self.keyboard_message: dict[str, Any] | None = None
        self.transport = OfflineBotApi(listener=self.show)
        self.block: list[str] | None = None  # the lines of a `:paste` block being collected

    # -- what the bot says ----------------------------------------------------------------------
    def show(self, call: ApiCall) -> None:
        if call.method == "answerCallbackQuery" and call.params.get("text"):
            self.say(f"  ({call.params['text']})")
            return
        if call.method in {"sendDocument", "sendPhoto"}:
            name, data = call.files.get("document") or call.files["photo"]
            self.say(
                "bot> "
                + self.tr.gettext("[file %(name)s, %(size)s bytes]")
                % {"name": name, "size": len(data)}
            )
            if call.params.get("caption"):
                self.say(str(call.params["caption"]))
            return
        if call.method not in {"sendMessage", "editMessageText"}:
            return
        message: dict[str, Any] = call.result
        chat_id = message["chat"]["id"]
        if chat_id != self.user_id:
            # The bot wrote to someone else (a lead, say): show who, like a second window.
            self.say(self.tr.gettext("[to user %(user_id)s]") % {"user_id": chat_id})
        prefix = self.tr.gettext("bot (edited)>") if call.method == "editMessageText" else "bot>"
        self.say(f"{prefix} {message['text']}")
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        if rows:
            self.keyboard = []
            self.keyboard_message = message
            for row in rows:
                cells = []
                for button in row:
                    self.keyboard.append((button["text"], button.get("callback_data", "")))
                    cells.append(f"[{len(self.keyboard)}] {button['text']}")
                self.say("     " + "   ".join(cells))
        elif (
            call.method == "editMessageText"
            and self.keyboard_message is not None
            and (message["message_id"] == self.keyboard_message["message_id"])
        ):
            self.keyboard, self.keyboard_message = [], None

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    # -- what the person types ------------------------------------------------------------------
    async def converse(
        self, application: ClaimApplication, source: Source, interactive: bool
    ) -> None:
        """Handle what the person types until the input ends or `:quit`."""
        pending: list[str] = []  # lines that arrived together, still to handle
        while True:
            if not pending:
                if interactive:
                    prompt = "...> " if self.block is not None else "you> "
                    print(prompt, end="", file=self.out, flush=True)
                batch = await source.batch()
                if batch is None:
                    await self.end_of_input(application)
                    return
                pending = batch
            if self.block is not None:  # a block takes lines one by one, up to its dot
                await self.block_line(application, pending.pop(0), interactive)
            elif len(pending) > 1 and pending[0].strip() != ":paste":
                # A paste: one message, whatever its lines look like (unless it opens a block).
                lines, pending = pending, []
                if not interactive:
                    self.say("\n".join(f"you> {line}".rstrip() for line in lines))
                await self.send(application, _message_text(lines), press=False)
            elif not await self.typed_line(application, pending.pop(0), interactive):
                return

    async def block_line(self, application: ClaimApplication, line: str, interactive: bool) -> None:
        """A line of a `:paste` block: collected, or the dot that sends the block."""
        if not interactive:
            self.say(f"you> {line}".rstrip())
        if line.rstrip() == END_OF_BLOCK:
            await self.send_block(application)
        elif self.block is not None:
            self.block.append(line)

    async def typed_line(self, application: ClaimApplication, line: str, interactive: bool) -> bool:
        """A line on its own: a console command, a button's number or a message. False for
        `:quit`."""
        if not interactive and line:
            self.say(f"you> {line}")
        if line.startswith(":"):
            return self.console_command(line)
        await self.send(application, line)
        return True

    async def send(self, application: ClaimApplication, text: str, press: bool = True) -> None:
        """Send `text` as the acting user (a button press for a button's number, if `press`);
        blank text sends nothing."""
        if not text.strip():
            return
        data = self.update_for(text, press)
        await application.process_update(Update.de_json(data, application.bot))

    async def send_block(self, application: ClaimApplication) -> None:
        """Send the `:paste` block as one message: an empty one sends nothing."""
        lines, self.block = self.block or [], None
        text = _message_text(lines)
        if not text:
            self.say(self.tr.gettext("The block is empty: nothing sent."))
            return
        await self.send(application, text, press=False)

    async def end_of_input(self, application: ClaimApplication) -> None:
        """The input ended: a `:paste` block still open is sent as it is."""
        if self.block is not None and _message_text(self.block):
            self.say(self.tr.gettext("The input ended inside :paste: sending what was pasted."))
            await self.send_block(application)
        self.block = None

    def update_for(self, line: str, press: bool = True) -> dict[str, Any]:
        """The update a typed line stands for: a button press for a button's number (if
        `press`), else a message."""
        user = self.factory.user(
            self.user_id,
            self.language_code,
            first_name="Console" if self.user_id == CONSOLE_ADMIN_ID else f"User {self.user_id}",
        )
        stripped = line.strip()
        if (
            press
            and stripped.isdigit()
            and self.keyboard
            and 1 <= int(stripped) <= len(self.keyboard)
        ):
            _label, data = self.keyboard[int(stripped) - 1]
            return self.factory.callback(user, self.keyboard_message, data)
        return self.factory.message(user, line)

    def console_command(self, line: str) -> bool:
        """Handle `:as ID`, `:paste`, `:help`; return False for `:quit`."""
        _ = self.tr.gettext
        words = line.strip().split()
        command = words[0] if words else ""
        if command in {":quit", ":q", ":exit"}:
            return False
        if command == ":as" and len(words) == 2 and words[1].isdigit() and words[1].isascii():
            self.user_id = int(words[1])
            self.keyboard, self.keyboard_message = [], None
            self.say(_("Now acting as user %(user_id)s.") % {"user_id": self.user_id})
        elif command == ":paste" and len(words) == 1:
            self.block = []
            self.say(_("Paste the text, then a line with a single dot."))
        else:
            self.say(
                _(
                    "Console commands: :as USER_ID (act as another user), :paste (several lines"
                    " as one message, up to a line with a single dot), :quit. Type a number to"
                    " press that button."
                )
            )
        return True


async def run_console(
    settings: Settings,
    stdin: TextIO,
    out: TextIO,
    tr: Translator,
    source: Source | None = None,
) -> int:
    """Converse until the input ends or `:quit`. The lines come from `source` when given (a
    test's), else from `stdin`: joined into pastes at a terminal, one at a time from a pipe."""
    language_code = terminal_language()
    console = Console(out, tr, language_code)
    application: ClaimApplication = build_application(
        settings, console.transport, channel="console"
    )
    interactive = stdin.isatty()
    async with running(application):
        console.say(
            tr.gettext(
                "claimbot console. You are the local admin (user %(user_id)s). Try /start or /new;"
                " :help for console commands, Ctrl-D to quit."
            )
            % {"user_id": CONSOLE_ADMIN_ID}
        )
        done: Callable[[], None] = _nothing
        if source is None:
            source, done = terminal_source(stdin) if interactive else (ScriptSource(stdin), done)
        try:
            await console.converse(application, source, interactive)
        finally:
            done()
    return 0


def _nothing() -> None:
    pass


def _message_text(lines: list[str]) -> str:
    """Lines as one message, without the blank lines around it (a blank message is "")."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(lines)


def terminal_language() -> str | None:
    """The console user's client language, from the terminal's locale (LANG=zh_CN.UTF-8)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value and value not in {"C", "POSIX"} and not value.startswith("C."):
            return normalize_language(value.split(".", 1)[0])
    return None


def main_console(settings: Settings, tr: Translator) -> int:
    return asyncio.run(run_console(settings, sys.stdin, sys.stdout, tr))
