"""Marking agent-facing text in pure code without translating it there.

`N_` returns its argument unchanged; `make i18n-extract` collects its literals into the `bot`
catalog, and the chat layer translates them with the agent's own translator when it shows them.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message
