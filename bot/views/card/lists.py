"""A page of open claims, the agent's own or the team's, and the pager under any list."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Final

from bot.domain.claims import Claim
from bot.domain.deadlines import urgency
from bot.i18n.translator import Translator
from bot.views import labels
from bot.views.buttons import ListButton, UnassignedButton
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
    unassigned: int = 0,
    store: int | None = None,
    store_name: str | None = None,
    store_rows: Rows | None = None,
) -> tuple[str, Rows]:
    """A page of open claims. `team` is None for agents (their own claims only); for leads it
    says whether the page is the whole team's, and a button switches between the two.
    `store`: the page is of that store only (named `store_name`; issue 16); `store_rows`, the
    store buttons, go last."""
    _ = tr.gettext
    switch: list[tuple[str, str]] = []
    if team is not None:
        switch = [
            (_("Only mine"), ListButton(offset=0, store=store).data())
            if team
            else (_("Whole team"), ListButton(offset=0, team=True, store=store).data())
        ]
    if unassigned:
        queue_row = [
            (_("Unassigned (%(count)s)") % {"count": unassigned}, UnassignedButton().data())
        ]
        switch = [*queue_row, *switch] if switch else queue_row
    if total == 0:
        empty = (
            _("The team has no open claims.")
            if team
            else _("You have no open claims. Send /new to open one.")
        )
        if store_name:
            empty = _("Store: %(store)s") % {"store": store_name} + "\n" + empty
        return empty, ([switch] if switch else []) + (store_rows or [])
    heading = (
        _("The team's open claims, most urgent first (%(first)s–%(last)s of %(total)s):")
        if team
        else _("Your open claims, most urgent first (%(first)s–%(last)s of %(total)s):")
    )
    lines = [_("Store: %(store)s") % {"store": store_name}] if store_name else []
    lines.append(heading % {"first": offset + 1, "last": offset + len(claims), "total": total})
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
            page=lambda at: ListButton(offset=at, team=bool(team), store=store).data(),
        )
    )
    if switch:
        rows.append(switch)
    rows.extend(store_rows or [])
    return "\n".join(lines), rows


def _line(tr: Translator, claim: Claim, now: datetime) -> str:
    left = time_left(tr, claim.respond_by, now)
    return (
        f"{URGENCY_MARK[urgency(claim.respond_by, now).value]} #{claim.id} · "
        f"{claim.facts.order_id} · {claim.facts.marketplace} · "
        f"{tr.gettext(labels.REASONS[claim.facts.reason])} · {left}"
    )


def unassigned_list(
    tr: Translator,
    claims: Sequence[Claim],
    *,
    total: int,
    offset: int,
    now: datetime,
    can_assign: bool,
) -> tuple[str, Rows]:
    """The claims nobody has yet, most urgent first: *Take it* for each, and for leads
    *Assign to…*. Only what a taker needs to choose (order, marketplace, reason, time left),
    not the claim's content: the card comes with the claim."""
    _ = tr.gettext
    back = [(_("My claims"), ListButton(offset=0).data())]
    if total == 0:
        return _("No claim is waiting for someone."), [back]
    heading = _("Claims nobody has yet, most urgent first (%(first)s–%(last)s of %(total)s):")
    lines = [heading % {"first": offset + 1, "last": offset + len(claims), "total": total}]
    rows: Rows = []
    for claim in claims:
        lines.append(_line(tr, claim, now))
        row = [
            (_("Take #%(number)s") % {"number": claim.id}, UnassignedButton(take=claim.id).data())
        ]
        if can_assign:
            row.append(
                (
                    _("Assign #%(number)s to…") % {"number": claim.id},
                    UnassignedButton(assign=claim.id).data(),
                )
            )
        rows.append(row)
    rows.extend(
        pager(
            tr,
            offset=offset,
            shown=len(claims),
            total=total,
            size=PAGE_SIZE,
            page=lambda at: UnassignedButton(offset=at).data(),
        )
    )
    rows.append(back)
    return "\n".join(lines), rows


def assign_menu(
    tr: Translator, claim: Claim, now: datetime, people: Sequence[tuple[int, str]]
) -> tuple[str, Rows]:
    """Whom to give an unassigned claim to: the team's active agents."""
    _ = tr.gettext
    back = [(_("Back"), UnassignedButton().data())]
    if not people:
        return _("The team has no active agent to assign it to."), [back]
    text = _("Assign claim #%(number)s to:") % {"number": claim.id} + "\n" + _line(tr, claim, now)
    rows: Rows = [
        [(name, UnassignedButton(assign=claim.id, to=person_id).data())]
        for person_id, name in people
    ]
    rows.append(back)
    return text, rows
