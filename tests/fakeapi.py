"""A fake Telegram Bot API over HTTP on 127.0.0.1, for tests that run the real `claimbot run`.

It answers like `OfflineBotApi` (it wraps one), serves `getUpdates` long polling from updates a
test pushes (with Telegram's rule: an update is forgotten once a later `getUpdates` offset
confirms it, so an update fetched by a process that then dies unconfirmed is delivered again),
and can inject faults on chosen calls: a delay, a reset connection, a 5xx, a 429 with
`retry_after`, or a test's own action (such as killing the bot) before the call is answered.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from bot.transport import OfflineBotApi

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
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.api = OfflineBotApi()
        self.changed = threading.Condition()  # guards everything below; notified on change
        self.updates: list[dict[str, Any]] = []
        self.confirmed = 0  # the highest update id a getUpdates offset has confirmed
        self.requests: list[Request] = []
        self.faults: FaultPlan | None = None
        self._next_update_id = 1
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
