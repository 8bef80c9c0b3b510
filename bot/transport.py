"""An offline Bot API: the console channel and the tests run the real Application on it.

`OfflineBotApi` is a `telegram.request.BaseRequest` that answers Bot API calls in memory the way
Telegram would (message ids, chats, edits) and records every call. `UpdateFactory` builds the
JSON of incoming updates for `Update.de_json`. Methods it does not implement fail loudly.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, Final

from telegram.request import BaseRequest, RequestData

from bot.domain.fields import MAX_CHAT_TEXT

BOT_USER: Final = {
    "id": 1000001,
    "is_bot": True,
    "first_name": "claimbot",
    "username": "claimbot_offline_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
OFFLINE_TOKEN: Final = "1000001:offline-transport"  # noqa: S105 - not a secret: no server knows it


@dataclass(frozen=True, slots=True)
class ApiCall:
    method: str
    params: dict[str, Any]
    result: Any
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # field -> (name, bytes)


class OfflineBotApi(BaseRequest):
    """Answers the Bot API in memory. `listener` sees every call after it is answered."""

    _ANSWER_TRUE: Final = frozenset(
        {
            "answerCallbackQuery",
            "setMyCommands",
            "deleteMyCommands",
            "deleteWebhook",
            "setWebhook",
            "deleteMessage",
            "sendChatAction",
            "close",
            "logOut",
        }
    )

    def __init__(self, listener: Callable[[ApiCall], None] | None = None) -> None:
        self.calls: list[ApiCall] = []
        self.listener = listener
        self._message_ids = itertools.count(1)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        # Groups the bot is in, by chat id (a Chat's JSON); their forum topics' thread ids.
        self.groups: dict[int, dict[str, Any]] = {}
        self.topics: dict[int, dict[int, str]] = {}
        self._thread_ids = itertools.count(2)  # 1 is a forum's General topic

    def add_group(self, chat_id: int, title: str = "Leads", *, forum: bool = False) -> None:
        """A supergroup the bot is a member (and, in a forum, an admin allowed to manage
        topics) of: getChat answers for it, and messages sent there are in it."""
        self.groups[chat_id] = {"id": chat_id, "type": "supergroup", "title": title}
        if forum:
            self.groups[chat_id]["is_forum"] = True
            self.topics[chat_id] = {}

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        """Someone deleted a forum topic: sending into it fails from now on."""
        self.topics.get(chat_id, {}).pop(thread_id, None)

    # -- BaseRequest ----------------------------------------------------------------------------
    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(  # noqa: PLR0917 - the signature of BaseRequest.do_request
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        files = {
            name: (str(part[0]), _content(part[1]))
            for name, part in ((request_data.multipart_data or {}) if request_data else {}).items()
        }
        status, body = self.answer(endpoint, params, files)
        return status, json.dumps(body).encode()

    def answer(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """One Bot API call: the HTTP status and the JSON body Telegram would send. Also
        serves the fake Bot API HTTP server of the tests (parameters arrive as text there)."""
        files = files or {}
        try:
            result = self._answer(method, params, files)
        except _ApiError as error:
            return error.code, {
                "ok": False,
                "error_code": error.code,
                "description": error.description,
            }
        call = ApiCall(method, params, result, files)
        self.calls.append(call)
        if self.listener is not None:
            self.listener(call)
        return 200, {"ok": True, "result": result}

    # -- the Bot API, as far as claimbot uses it -----------------------------------------------
    def _answer(  # noqa: PLR0911 - one answer per method
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in self._ANSWER_TRUE:
            return True
        if method == "getUpdates":
            return []
        if method == "getMyCommands":
            return []
        if method == "getChat":
            return self._get_chat(params)
        if method == "createForumTopic":
            return self._create_topic(params)
        if method == "sendMessage":
            return self._send_message(params)
        if method in {"editMessageText", "editMessageReplyMarkup"}:
            return self._edit_message(method, params)
        if method in {"sendDocument", "sendPhoto"}:
            return self._send_file(method, params, files)
        raise _ApiError(400, f"Bad Request: the offline transport does not implement {method}")

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _chat_id(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text) > MAX_CHAT_TEXT:
            raise _ApiError(400, "Bad Request: message is too long")
        thread = params.get("message_thread_id")
        if thread is not None and int(thread) not in self.topics.get(chat_id, {}):
            raise _ApiError(400, "Bad Request: message thread not found")
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.groups.get(chat_id) or {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            "text": text,
        }
        if thread is not None:
            message["message_thread_id"] = int(thread)
            message["is_topic_message"] = True
        if params.get("reply_markup"):
            message["reply_markup"] = _markup(params["reply_markup"])
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _chat_id(params)
        chat = self.groups.get(chat_id)
        if chat is None and chat_id < 0:
            raise _ApiError(400, "Bad Request: chat not found")
        return {
            **(chat or {"id": chat_id, "type": "private"}),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _create_topic(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _chat_id(params)
        if chat_id not in self.topics:
            raise _ApiError(400, "Bad Request: the chat is not a forum")
        name = params.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 128:
            raise _ApiError(400, "Bad Request: invalid forum topic name specified")
        thread = next(self._thread_ids)
        self.topics[chat_id][thread] = name
        return {"message_thread_id": thread, "name": name, "icon_color": 7322096}

    def _send_file(
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> dict[str, Any]:
        field = "document" if method == "sendDocument" else "photo"
        if field not in files:
            raise _ApiError(400, f"Bad Request: there is no {field} in the request")
        name, data = files[field]
        if not data:
            raise _ApiError(400, "Bad Request: file must be non-empty")
        if field == "photo" and not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise _ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        chat_id = _chat_id(params)
        file = {
            "file_id": f"offline-{len(self._messages)}",
            "file_unique_id": f"u{len(self._messages)}",
            "file_size": len(data),
        }
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
        }
        if field == "document":
            message["document"] = {**file, "file_name": name}
        else:
            message["photo"] = [{**file, "width": 1, "height": 1}]
            if params.get("caption"):
                message["caption"] = params["caption"]
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _edit_message(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        key = (_chat_id(params), int(params.get("message_id", 0)))
        message = self._messages.get(key)
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        edited = dict(message)
        if method == "editMessageText":
            text = params.get("text")
            if not isinstance(text, str) or not text.strip():
                raise _ApiError(400, "Bad Request: message text is empty")
            edited["text"] = text
        if params.get("reply_markup"):
            edited["reply_markup"] = _markup(params["reply_markup"])
        else:
            edited.pop("reply_markup", None)
        if edited == message:
            raise _ApiError(400, "Bad Request: message is not modified")
        edited["edit_date"] = int(time.time())
        self._messages[key] = edited
        return edited

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The message as the chat now shows it (after edits)."""
        return self._messages.get((chat_id, message_id))

    def sent(self, method: str | None = None) -> list[ApiCall]:
        return [c for c in self.calls if method is None or c.method == method]


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _content(data: bytes | IO[bytes]) -> bytes:
    return data if isinstance(data, bytes) else data.read()


def _chat_id(params: dict[str, Any]) -> int:
    try:
        return int(params["chat_id"])
    except (KeyError, TypeError, ValueError):
        raise _ApiError(400, "Bad Request: chat not found") from None


def _markup(raw: Any) -> dict[str, Any]:
    markup = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(markup, dict):
        raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    return markup


@dataclass
class UpdateFactory:
    """Builds incoming updates as Telegram sends them (JSON for `Update.de_json`)."""

    next_update_id: int = 1
    next_message_id: int = 1_000_000
    now: Callable[[], float] = time.time
    _query_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def user(
        self, user_id: int, language_code: str | None = "en", first_name: str = "Agent"
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def message(
        self, user: dict[str, Any], text: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self._message_id(),
            "date": int(self.now()),
            "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]},
            "from": user,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split(maxsplit=1)[0] if text.strip() else text
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        message.update(extra)
        return self._update(message=message)

    def edited_message(self, user: dict[str, Any], text: str) -> dict[str, Any]:
        update = self.message(user, text)
        message = update.pop("message")
        message["edit_date"] = int(self.now())
        update["edited_message"] = message
        return update

    def callback(
        self, user: dict[str, Any], message: dict[str, Any] | None, data: str
    ) -> dict[str, Any]:
        query: dict[str, Any] = {
            "id": str(next(self._query_ids)),
            "from": user,
            "chat_instance": f"offline-{user['id']}",
            "data": data,
        }
        if message is not None:
            query["message"] = message
        return self._update(callback_query=query)

    def _message_id(self) -> int:
        self.next_message_id += 1
        return self.next_message_id

    def _update(self, **payload: Any) -> dict[str, Any]:
        update = {"update_id": self.next_update_id, **payload}
        self.next_update_id += 1
        return update
