"""Telegram over HTTP on 127.0.0.1, for the tests that run the real `claimbot run` as a process
(the smoke test, webhook and SIGTERM, crash survival, Bot API faults): one fake for all of them.

`FakeTelegram` is the Bot API server. It answers like `OfflineBotApi` (it wraps one), serves
`getUpdates` long polling from updates a test pushes (with Telegram's rule: an update is
forgotten once a later `getUpdates` offset confirms it, so an update fetched by a process that
then dies unconfirmed is delivered again), records every request (and the path it came on), and
can inject faults on chosen calls: a delay, a reset connection, a 5xx, a 429 with
`retry_after`, or a test's own action (such as killing the bot) before the call is answered.

`Bot` is `claimbot run` as a child process against it; `Users` are the people on the other
side, who push updates and read the chats the fake keeps.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from bot.transport import ApiCall, OfflineBotApi, UpdateFactory
from tests.helpers import ADMIN

TOKEN = "1000001:fake-bot-api-token"


@dataclass(frozen=True)
class Fault:
    """What to do with one call instead of (or before) answering it."""

    kind: str  # "delay", "reset", "status", "retry_after", "action"
    seconds: float = 0  # delay: how long; retry_after: the value sent
    status: int = 500
    action: Callable[[], None] | None = None  # kind "action": run, then reset the connection

    @staticmethod
    def delay(seconds: float) -> Fault:
        """Answer (and carry out the call) only after `seconds`: past the client's read
        timeout, the call happened but the bot never hears so, as with a slow Telegram."""
        return Fault("delay", seconds=seconds)

    @staticmethod
    def reset() -> Fault:
        return Fault("reset")

    @staticmethod
    def error(status: int) -> Fault:
        return Fault("status", status=status)

    @staticmethod
    def flood(retry_after: int) -> Fault:
        return Fault("retry_after", seconds=retry_after)

    @staticmethod
    def run(action: Callable[[], None]) -> Fault:
        return Fault("action", action=action)


# Decides, for each call (method, parameters), whether a fault replaces the answer.
FaultPlan = Callable[[str, dict[str, Any]], Fault | None]


@dataclass
class Request:
    """Every request the fake received, answered or not."""

    method: str
    params: dict[str, Any]
    status: int  # 0: the connection was reset
    at: float = field(default_factory=time.monotonic)


class FakeTelegram:
    def __init__(self, token: str = TOKEN, first_update_id: int = 1) -> None:
        self.token = token
        self.api = OfflineBotApi()
        self.changed = threading.Condition()  # guards everything below; notified on change
        self.updates: list[dict[str, Any]] = []
        self.confirmed = 0  # the highest update id a getUpdates offset has confirmed
        self.requests: list[Request] = []
        self.paths: list[str] = []  # the path of every request, with a right token or not
        self.faults: FaultPlan | None = None
        # Who pressed each button whose press was pushed: callback query id -> user id. A
        # press's answer (answerCallbackQuery) names only the query; this says whom it reached.
        self.pressed_by: dict[str, int] = {}
        self._next_update_id = first_update_id
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeTelegram:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- the test's side -------------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (its update_id is set here); returns that id."""
        with self.changed:
            update = {**update, "update_id": self._next_update_id}
            self._next_update_id += 1
            query = update.get("callback_query")
            if query is not None:
                self.pressed_by[str(query["id"])] = int(query["from"]["id"])
            self.updates.append(update)
            self.changed.notify_all()
            return int(update["update_id"])

    def wait(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until `condition()` (checked under the lock) holds, or the time is up. Checked
        on every change and at least every 20 ms (a process dying changes nothing here)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(min(left, 0.02))
            return True

    def polls(self) -> int:
        with self.changed:
            return sum(1 for r in self.requests if r.method == "getUpdates")

    def texts_to(self, chat_id: int) -> list[str]:
        """The texts of the messages the bot sent into the chat (edits aside), oldest first."""
        with self.changed:
            return [
                str(c.params.get("text", ""))
                for c in self.api.calls
                if c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id
            ]

    def press_answers_to(self, user_id: int) -> list[str]:
        """The texts the bot showed the user in answer to their button presses (the
        notification over the chat: answerCallbackQuery with a text), oldest first."""
        with self.changed:
            return [
                text for c in self.api.calls if (text := self.press_answer(c, user_id)) is not None
            ]

    def press_answer(self, call: ApiCall, user_id: int) -> str | None:
        """The text `call` showed the user as the answer to their press; None when it is not
        such an answer. Call under the lock."""
        if call.method != "answerCallbackQuery" or not call.params.get("text"):
            return None
        if self.pressed_by.get(str(call.params.get("callback_query_id"))) != user_id:
            return None
        return str(call.params["text"])

    # -- the server's side -----------------------------------------------------------------
    def serve(
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> tuple[int, dict[str, Any]] | None:
        """The HTTP status and body for one call; None to reset the connection."""
        fault = self.faults(method, params) if self.faults is not None else None
        if fault is not None and fault.kind != "delay":
            return self._fault(method, params, fault)
        if fault is not None:
            time.sleep(fault.seconds)
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        with self.changed:
            status, body = self.api.answer(method, params, files)
            self.requests.append(Request(method, params, status))
            self.changed.notify_all()
        return status, body

    def _fault(
        self, method: str, params: dict[str, Any], fault: Fault
    ) -> tuple[int, dict[str, Any]] | None:
        if fault.kind == "action" and fault.action is not None:
            fault.action()
        answer: tuple[int, dict[str, Any]] | None = None
        if fault.kind == "status":
            answer = (
                fault.status,
                {
                    "ok": False,
                    "error_code": fault.status,
                    "description": "Internal Server Error",
                },
            )
        elif fault.kind == "retry_after":
            answer = (
                429,
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {int(fault.seconds)}",
                    "parameters": {"retry_after": int(fault.seconds)},
                },
            )
        with self.changed:
            self.requests.append(Request(method, params, answer[0] if answer else 0))
            self.changed.notify_all()
        return answer

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)  # short polls keep tests quick
        with self.changed:
            if offset > 0:
                self.confirmed = max(self.confirmed, offset - 1)
            self.requests.append(Request("getUpdates", params, 200))
            self.changed.notify_all()
            self.changed.wait_for(lambda: self._pending() != [], timeout)
            return self._pending()

    def _pending(self) -> list[dict[str, Any]]:
        return [u for u in self.updates if u["update_id"] > self.confirmed][:100]


class Bot:
    """`claimbot run` as a child process, against the fake: the admin of tests.helpers, the
    database and its output (bot.log) in `folder`. Tests add to `env` before `start`."""

    def __init__(self, fake: FakeTelegram, folder: Path) -> None:
        self.fake = fake
        self.folder = folder
        self.db = folder / "claimbot.sqlite3"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": fake.token,
            "CLAIMBOT_API_BASE_URL": fake.url,
            "CLAIMBOT_DB": str(self.db),
            "CLAIMBOT_ADMINS": str(ADMIN),
            "CLAIMBOT_STORE_NAME": "Acme Home",
            "PTB_TIMEDELTA": "1",
            # This checkout's code, whichever checkout the environment was installed from.
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        }

    def start(self, ready: str = "getUpdates") -> None:
        """Start it and wait until it makes its first `ready` call (polling, or registering
        its webhook)."""
        seen = sum(1 for r in self.fake.requests if r.method == ready)
        self.starts += 1
        with (self.folder / "bot.log").open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=self.folder,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

        def started() -> bool:
            return sum(1 for r in self.fake.requests if r.method == ready) > seen

        if not self.fake.wait(lambda: started() or not self.alive(), 30) or not self.alive():
            raise AssertionError(f"the bot did not start: {self.log_tail()}")

    def log_tail(self) -> str:
        log = self.folder / "bot.log"
        return log.read_text()[-2000:] if log.is_file() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # SIGKILL: no cleanup of any kind

    def close(self) -> None:
        """Whatever happened: no bot process left behind, and none left unreaped."""
        self.kill()
        if self.process is not None:
            self.process.wait(30)

    def reap(self) -> int | None:
        if self.process is None:
            return None
        return self.process.wait(30)


class Users:
    """The people on the other side: build updates for the fake, find what the bot showed in
    their chats, and read the bot's database (read-only) to know what to press next."""

    def __init__(self, fake: FakeTelegram, db: Path) -> None:
        self.fake = fake
        self.db = db
        self.factory = UpdateFactory()

    def newest_button(self, chat_id: int, pattern: str) -> tuple[dict[str, Any], str] | None:
        """The newest message in the chat (as shown now) with a button whose data matches
        `pattern`, and that data; None when no such button is on screen."""
        wanted = re.compile(pattern)
        with self.fake.changed:
            for call in reversed(self.fake.api.calls):
                if call.method != "sendMessage" or call.result["chat"]["id"] != chat_id:
                    continue
                current = self.fake.api.message(chat_id, call.result["message_id"]) or {}
                for row in current.get("reply_markup", {}).get("inline_keyboard", []):
                    for item in row:
                        if wanted.fullmatch(item["callback_data"]):
                            return current, item["callback_data"]
        return None

    def answered(self, chat_id: int, since: int, pattern: str) -> bool:
        """Whether what the bot showed in the private chat after call `since` shows `pattern`:
        a message sent or edited there (its text or a button's data), or the answer to a
        press of the chat's person (the text Telegram shows over the chat). Call under the
        fake's lock."""
        wanted = re.compile(pattern)
        for call in self.fake.api.calls[since:]:
            press_answer = self.fake.press_answer(call, chat_id)
            if press_answer is not None and wanted.search(press_answer):
                return True
            if call.method == "answerCallbackQuery" or not isinstance(call.result, dict):
                continue
            if call.result.get("chat", {}).get("id") != chat_id:
                continue
            if wanted.search(call.result.get("text", "")):
                return True
            for row in call.result.get("reply_markup", {}).get("inline_keyboard", []):
                if any(wanted.fullmatch(item["callback_data"]) for item in row):
                    return True
        return False

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of the bot's database, read beside the running process without a write."""
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10) as conn:
            return conn.execute(sql, params).fetchall()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A killed bot drops its connections mid-request: expected here, not worth a trace."""


def _handler(fake: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            prefix = f"/bot{fake.token}/"
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            with fake.changed:
                fake.paths.append(self.path)
            if not self.path.startswith(prefix):
                self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                return
            method = self.path[len(prefix) :]
            params, files = _parse(self.headers.get("Content-Type", ""), raw)
            answer = fake.serve(method, params, files)
            if answer is None:  # reset: drop the connection without a word
                self.close_connection = True
                self.connection.close()
                return
            self._reply(*answer)

        do_GET = do_POST

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                self.close_connection = True  # the bot is gone (killed mid-call)

        def log_message(self, *_args: Any) -> None:
            return None

    return Handler


def _parse(content_type: str, raw: bytes) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """Form, JSON or multipart parameters; every value as text, as Telegram receives them."""
    if content_type.startswith("application/json"):
        loaded = json.loads(raw or b"{}")
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in loaded.items()}, {}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
        )
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            raw_payload = part.get_payload(decode=True)
            payload = raw_payload if isinstance(raw_payload, bytes) else b""
            filename = part.get_filename()
            if filename is not None:
                files[str(name)] = (filename, payload)
            else:
                params[str(name)] = payload.decode()
        return params, files
    return {k: v[-1] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}, {}
