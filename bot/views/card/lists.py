"""A page of open claims, the agent's own or the team's, and the pager under any list."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Final

from bot.domain.claims import Claim
from bot.domain.deadlines import urgency
from bot.i18n.translator import Translator
from bot.views import labels
from bot.views.buttons import ListButton
from bot.views.card.base import URGENCY_MARK, Rows
from bot.views.claims import time_left

PAGE_SIZE: Final = 10


def pager(
    tr: Translator,
    *,
    offset: int,
    shown: int,
    total: int,
    size: int,
    page: Callable[[int], str],
) -> Rows:
    """The Previous / More row under a list page (none when everything fits)."""
    _ = tr.gettext
    row: list[tuple[str, str]] = []
    if offset > 0:
        row.append(("◂ " + _("Previous"), page(max(0, offset - size))))
    if offset + shown < total:
        row.append((_("More") + " ▸", page(offset + size)))
    return [row] if row else []


def claims_list(
    tr: Translator,
    claims: Sequence[Claim],
    *,
    total: int,
    offset: int,
    now: datetime,
    team: bool | None = None,
    owners: Mapping[int, str] | None = None,
) -> tuple[str, Rows]:
    """A page of open claims. `team` is None for agents (their own claims only); for leads it
    says whether the page is the whole team's, and a button switches between the two."""
    _ = tr.gettext
    switch: list[tuple[str, str]] = []
    if team is not None:
        switch = [
            (_("Only mine"), ListButton(offset=0).data())
            if team
            else (_("Whole team"), ListButton(offset=0, team=True).data())
        ]
    if total == 0:
        empty = (
            _("The team has no open claims.")
            if team
            else _("You have no open claims. Send /new to open one.")
        )
        return empty, [switch] if switch else []
    heading = (
        _("The team's open claims, most urgent first (%(first)s–%(last)s of %(total)s):")
        if team
        else _("Your open claims, most urgent first (%(first)s–%(last)s of %(total)s):")
    )
    lines = [heading % {"first": offset + 1, "last": offset + len(claims), "total": total}]
    rows: Rows = []
    for claim in claims:
        level = urgency(claim.respond_by, now)
        left = time_left(tr, claim.respond_by, now)
        owner = ""
        if team and owners is not None:
            who = _("Unassigned") if claim.agent_id is None else owners.get(claim.agent_id, "")
            owner = f" · {who or claim.agent_id}"
        lines.append(
            f"{URGENCY_MARK[level.value]} #{claim.id} · {claim.facts.order_id} · "
            f"{claim.facts.marketplace} · {_(labels.REASONS[claim.facts.reason])} · {left}" + owner
        )
        rows.append(
            [
                (
                    f"#{claim.id} · {claim.facts.order_id} · {left}",
                    ListButton(claim_id=claim.id).data(),
                )
            ]
        )
    rows.extend(
        pager(
            tr,
            offset=offset,
            shown=len(claims),
            total=total,
            size=PAGE_SIZE,
            page=lambda at: ListButton(offset=at, team=bool(team)).data(),
        )
    )
    if switch:
        rows.append(switch)
    return "\n".join(lines), rows
