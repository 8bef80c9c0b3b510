"""The console channel: the same Application, driven from a terminal or a script.

Each line you type is a message from the acting user. Buttons are printed numbered; typing the
number presses the button of the last keyboard shown. Lines starting with `:` talk to the
console itself (`:help`).
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any, TextIO

from telegram import Update

from bot.app import CONSOLE_ADMIN_ID, ClaimApplication, build_application, running
from bot.i18n.locales import normalize_language
from bot.i18n.translator import Translator
from bot.settings import Settings
from bot.transport import ApiCall, OfflineBotApi, UpdateFactory


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
    def update_for(self, line: str) -> dict[str, Any]:
        """The update a typed line stands for: a button press for a button's number, else a
        message."""
        user = self.factory.user(
            self.user_id,
            self.language_code,
            first_name="Console" if self.user_id == CONSOLE_ADMIN_ID else f"User {self.user_id}",
        )
        stripped = line.strip()
        if stripped.isdigit() and self.keyboard and 1 <= int(stripped) <= len(self.keyboard):
            _label, data = self.keyboard[int(stripped) - 1]
            return self.factory.callback(user, self.keyboard_message, data)
        return self.factory.message(user, line)

    def console_command(self, line: str) -> bool:
        """Handle `:as ID`, `:help`; return False for `:quit`."""
        _ = self.tr.gettext
        words = line.strip().split()
        command = words[0] if words else ""
        if command in {":quit", ":q", ":exit"}:
            return False
        if command == ":as" and len(words) == 2 and words[1].isdigit() and words[1].isascii():
            self.user_id = int(words[1])
            self.keyboard, self.keyboard_message = [], None
            self.say(_("Now acting as user %(user_id)s.") % {"user_id": self.user_id})
        else:
            self.say(
                _(
                    "Console commands: :as USER_ID (act as another user), :quit. Type a number to"
                    " press that button."
                )
            )
        return True


async def run_console(settings: Settings, stdin: TextIO, out: TextIO, tr: Translator) -> int:
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
        while True:
            if interactive:
                print("you> ", end="", file=out, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            line = line.rstrip("\r\n")
            if not interactive and line:
                console.say(f"you> {line}")
            if line.startswith(":"):
                if not console.console_command(line):
                    break
                continue
            if not line.strip():
                continue
            data = console.update_for(line)
            await application.process_update(Update.de_json(data, application.bot))
    return 0


def terminal_language() -> str | None:
    """The console user's client language, from the terminal's locale (LANG=zh_CN.UTF-8)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value and value not in {"C", "POSIX"} and not value.startswith("C."):
            return normalize_language(value.split(".", 1)[0])
    return None


def main_console(settings: Settings, tr: Translator) -> int:
    return asyncio.run(run_console(settings, sys.stdin, sys.stdout, tr))
