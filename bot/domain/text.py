"""Text in pure code: marking agent-facing text without translating it there, and making
text from outside valid Unicode.

`N_` returns its argument unchanged; `make i18n-extract` collects its literals into the `bot`
catalog, and the chat layer translates them with the agent's own translator when it shows them.
"""

from __future__ import annotations

from typing import Final


def N_(message: str) -> str:
    return message


REPLACEMENT: Final = "\ufffd"


def valid_text(text: str) -> str:
    """`text` as valid Unicode: a lone surrogate (which JSON's "\\ud800" escapes can carry, but
    no UTF-8 text can hold) becomes U+FFFD; a high and a low surrogate side by side become the
    character they stand for. Valid text comes back as it is, the same object."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text
