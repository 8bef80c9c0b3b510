"""The request to withdraw (or close) the claim, in the shapes the twelve languages give it.

Three classes, each a verb and its object in one sentence or two:
- a withdraw verb near a claim noun in one sentence ("withdraw your claim", "取り下げ" after
  "申請を"), unless the verb's own object is something else: "retirer le colis" collects a
  parcel, "cancel the order" cancels the order;
- a separable verb with its particle further on in the same clause, the claim between them or
  before the verb ("ziehen Sie Ihren Antrag bitte zurück", "Ihren Antrag ziehen Sie zurück",
  "trek uw claim in", "dra gärna tillbaka ärendet"). A clause boundary or a conjunction
  between stem and particle ends the verb: in "Wir nehmen Ihren Antrag ernst und schicken
  Ihnen das Geld zurück" the particle belongs to "schicken";
- a withdraw verb whose object is a pronoun ("pourriez-vous la retirer ?", "ritirarlo",
  "retirá-la", "withdraw it", "ziehen Sie ihn zurück", "سحبها") or, in Japanese, dropped
  ("取り下げていただけますと幸いです"), when the pronoun stands for the claim: the nearest noun
  before it in its sentence is a claim noun, or, when its sentence names none, the first noun of
  the sentence before is ("Your claim for order ... is still open. Could you withdraw it?").

Nouns are the lexicon's `claim_noun` and `other_object` lists (bot/domain/compliance/words.py).
Known limits: pronouns are not matched for gender, so "le colis ... votre réclamation ...
vous pouvez le retirer" is read as the claim when the claim noun is nearer; and an object
pronoun whose claim is two sentences back is not followed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from bot.domain.compliance.patterns import CLAUSE_END

Span = tuple[int, int]
Hits = Mapping[str, Sequence[Span]]

# How far apart a verb and its claim noun may stand in one sentence (German and Dutch put the
# verb far from its noun: "Ihren Antrag auf die A-bis-z-Garantie zurückziehen").
DISTANCE: Final = 60
_WORD_REST = re.compile(r"\w*")
_WORD_AFTER = re.compile(r"\W*(\w+)")
# How many words after a verb its object is looked for ("retirer le colis", "cancel the order").
_OBJECT_WORDS: Final = 3


@dataclass(frozen=True, slots=True)
class _SplitVerb:
    """A verb whose particle stands apart: stem, up to 80 characters of clause, particle."""

    markers: tuple[str, ...]  # one of these is in any text the pattern can match (a fast test)
    pattern: re.Pattern[str]
    conjunctions: re.Pattern[str]  # one of these between stem and particle ends the verb
    pronouns: re.Pattern[str]  # an object pronoun between stem and particle
    object_after: bool  # the object may follow the particle ("dra tillbaka ärendet")


def _split(
    markers: tuple[str, ...],
    stems: str,
    particle: str,
    conjunctions: str,
    pronouns: str,
    *,
    object_after: bool = False,
) -> _SplitVerb:
    return _SplitVerb(
        markers,
        re.compile(rf"\b(?:{stems})\b(?P<gap>[^.!?。\n]{{0,80}}?)\b(?:{particle})\b"),
        re.compile(rf"\b(?:{conjunctions})\b"),
        re.compile(rf"\b(?:{pronouns})\b"),
        object_after,
    )


_SPLIT_VERBS: Final = (
    # zurückziehen, zurücknehmen: "ziehen Sie Ihren Antrag zurück", "nimm ihn zurück".
    _split(
        ("zurück",),
        "zieh(?:e|en|st|t)?|zog(?:en|st)?|nehm(?:e|en|t)?|nimm(?:st|t)?|nahm(?:en|st)?",
        "zurück",
        "und|oder|aber|sondern|denn|sowie",
        r"ihn|diesen|diese|sie\s+sie",
    ),
    # intrekken, terugtrekken: "trekt u uw claim in", "trek hem terug".
    _split(
        ("trek", "trok"), "trek|trekt|trok|trokken", "in|terug", "en|of|maar|want", "hem|die|deze"
    ),
    # dra tillbaka: "dra gärna tillbaka ärendet", "dra den tillbaka".
    _split(
        ("tillbaka",),
        "dra|drar|drog|dragit",
        "tillbaka",
        "och|eller|men|samt",
        "den|det",
        object_after=True,
    ),
)
# A withdraw or close verb whose object is a pronoun, or (Japanese) dropped: (markers, pattern),
# the pattern tried only on a text with one of its markers.
_ELLIPTIC: Final = tuple(
    (markers, re.compile(pattern))
    for markers, pattern in (
        (("withdraw", "cancel"), r"\b(?:withdraw(?:ing)?|cancel(?:l?ing)?)\s+it\b"),
        (
            ("zurück",),
            r"\b(?:ihn|sie|diesen|diese)\s+(?:bitte\s+|doch\s+|einfach\s+)?zurück(?:zu)?(?:zieh|nehm)",
        ),
        (
            ("trekken",),
            r"\b(?:hem|die|deze)\s+(?:\w+\s+){0,2}?(?:in\s+te\s+trekken|intrekken|terug\s+te"
            r"\s+trekken|terugtrekken)\b",
        ),
        (("tillbaka",), r"\b(?:dra|drar|drog)\s+(?:\w+\s+)?tillbaka\s+(?:den|det)\b"),
        (
            ("retir", "annul", "clôtur"),
            r"\b(?:la|le|l['’])\s*(?:retir|annul|clôtur)"
            r"(?:er|ez|iez|ions|e|es|ent|erez|eriez|erait|eront)\b"
            r"|\b(?:retirez|annulez|clôturez)-(?:la|le)\b",
        ),
        (
            ("ritir", "annull"),
            r"\b(?:ritirar|annullar)(?:lo|la)\b"
            r"|\b(?:lo|la|l['’])\s*(?:ritir|annull)(?:a|i|e|ino|iamo|ate|erà|erebbe)\b",
        ),
        (
            ("retir", "cancel", "retír", "cancél"),
            r"\b(?:retirar|cancelar)l[oa]\b|\b(?:retír|cancél)el[oa]\b"
            r"|\b(?:lo|la)\s+(?:retir|cancel)(?:e|a|as|es|en|ara|ase|aría|ará)\b",
        ),
        (
            ("retir", "cancel", "encerr"),
            r"\b(?:retirá|cancelá|encerrá)-l[oa]\b|\b(?:retire|cancele|encerre)-[ao]\b",
        ),
        (("wycof",), r"\b(?:je|go|ją)\s+(?:\w+\s+)?wycof\w*|\bwycof\w*\s+(?:je|go|ją)\b"),
        (("geri çek",), r"\b(?:onu|bunu)\s+geri\s+çek"),
        (("取り下げ", "取下げ", "取りさげ"), "取り下げ|取下げ|取りさげ"),
        (("سحب", "إلغا"), "سحبها|سحبه|إلغاءها|إلغاؤها|إلغائها"),
    )
)


# Every marker, for the lexicon to find in its one pass ("withdrawal_marker").
MARKERS: Final = frozenset(
    [m for verb in _SPLIT_VERBS for m in verb.markers]
    + [m for markers, _ in _ELLIPTIC for m in markers]
)


def withdrawal_requests(
    lowered: str, hits: Hits, ends: Sequence[int], *, verbs: Iterable[str] = ("withdraw_verb",)
) -> list[Span]:
    """Where `lowered` asks to withdraw the claim: (start, end) of each request, verb to noun.
    `hits` are the lexicon's phrase hits in it, `ends` its sentence ends; `verbs` the lists of
    verbs that count (closing the claim counts for an offer traded for it)."""
    claims = hits.get("claim_noun", ())
    if not claims:
        return []
    others = [h for h in hits.get("other_object", ()) if _starts_word(lowered, h[0])]
    acts: list[Span] = []
    for name in verbs:
        for verb in hits.get(name, ()):
            noun = next(
                (
                    n
                    for n in claims
                    if abs(verb[0] - n[0]) <= DISTANCE and _same_sentence(verb[0], n[0], ends)
                ),
                None,
            )
            if noun is not None and not _object_is_other(lowered, verb, claims, others, ends):
                acts.append((min(verb[0], noun[0]), max(verb[1], noun[1])))
    present = {lowered[start:end] for start, end in hits.get("withdrawal_marker", ())}
    if not present:
        return sorted(acts)
    acts.extend(_split_requests(lowered, claims, others, ends, present))
    for markers, pattern in _ELLIPTIC:
        if not present.isdisjoint(markers):
            acts.extend(
                match.span()
                for match in pattern.finditer(lowered)
                if _stands_for_claim(match.start(), claims, others, ends)
            )
    return sorted(acts)


def _split_requests(
    lowered: str,
    claims: Sequence[Span],
    others: Sequence[Span],
    ends: Sequence[int],
    present: set[str],
) -> list[Span]:
    """The separable verbs' requests: stem and particle in one clause, the claim between them,
    before the stem, after the particle (Swedish) or taken up by a pronoun between them."""
    acts: list[Span] = []
    for verb in _SPLIT_VERBS:
        if present.isdisjoint(verb.markers):
            continue
        for match in verb.pattern.finditer(lowered):
            gap = match.group("gap")
            if CLAUSE_END.search(gap) or verb.conjunctions.search(gap):
                continue
            start, end = match.span()
            gap_start, gap_end = match.span("gap")
            between = any(gap_start <= s < gap_end for s, _ in claims)
            fronted = any(
                start - DISTANCE <= s < start and _one_clause(lowered, e, start, verb, ends)
                for s, e in claims
            )
            after = verb.object_after and any(
                end <= s <= end + DISTANCE and _one_clause(lowered, end, s, verb, ends)
                for s, _ in claims
            )
            pronoun = verb.pronouns.search(gap) and _stands_for_claim(start, claims, others, ends)
            if between or fronted or after or pronoun:
                acts.append((start, end))
    return acts


def _one_clause(lowered: str, start: int, end: int, verb: _SplitVerb, ends: Sequence[int]) -> bool:
    """Nothing between `start` and `end` ends the clause: no sentence end, no clause mark, no
    conjunction."""
    return (
        _same_sentence(start, end, ends)
        and not CLAUSE_END.search(lowered, start, end)
        and not verb.conjunctions.search(lowered, start, end)
    )


def _starts_word(lowered: str, start: int) -> bool:
    """No Latin letter before `start` ("paket", not the end of "Ersatzpaket"; Japanese and
    Arabic phrases stand wherever they are)."""
    return start == 0 or not (lowered[start - 1].isalpha() and lowered[start - 1] < "\u0250")


def _object_is_other(
    lowered: str, verb: Span, claims: Sequence[Span], others: Sequence[Span], ends: Sequence[int]
) -> bool:
    """The verb acts on something else: the first noun in the few words after it, in its
    clause, is not the claim ("retirer le colis", "cancel the order"; "withdraw the claim for
    order ..." is the claim), and no claim noun comes before it in its clause ("once the claim
    is withdrawn, we will refund ...")."""
    if any(
        verb[0] - DISTANCE <= s < verb[0]
        and _same_sentence(s, verb[0], ends)
        and not CLAUSE_END.search(lowered, e, verb[0])
        for s, e in claims
    ):
        return False
    rest = _WORD_REST.match(lowered, verb[1])
    position = rest.end() if rest else verb[1]
    for _ in range(_OBJECT_WORDS):
        word = _WORD_AFTER.match(lowered, position)
        if word is None or CLAUSE_END.search(lowered, position, word.start(1)):
            return False
        if any(word.start(1) <= s < word.end(1) for s, _ in claims):
            return False
        if any(word.start(1) <= s < word.end(1) for s, _ in others):
            return True
        position = word.end(1)
    return False


def _sentence_start(position: int, ends: Sequence[int]) -> int:
    index = bisect_left(ends, position)
    return ends[index - 1] + 1 if index > 0 else 0


def _same_sentence(a: int, b: int, ends: Sequence[int]) -> bool:
    return bisect_left(ends, a) == bisect_left(ends, b)


def _stands_for_claim(
    position: int, claims: Sequence[Span], others: Sequence[Span], ends: Sequence[int]
) -> bool:
    """A pronoun (or a dropped object) at `position` stands for the claim: the nearest noun
    before it in its sentence is a claim noun, or its sentence names none before it and the
    first noun of the sentence before is one."""
    start = _sentence_start(position, ends)
    is_claim = {s: False for s, _ in others} | {s: True for s, _ in claims}
    nouns = sorted(is_claim.items())
    own = [(s, claim) for s, claim in nouns if start <= s < position]
    if own:
        return own[-1][1]
    if start == 0:
        return False
    before = _sentence_start(start - 1, ends)
    previous = [(s, claim) for s, claim in nouns if before <= s < start]
    return bool(previous) and previous[0][1]
