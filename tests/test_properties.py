"""Property tests (hypothesis) for the parsers and for any text a user can send."""

from __future__ import annotations

import re
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain.marketplaces import (
    MARKETPLACES,
    Marketplace,
    UnknownMarketplaceError,
    parse_marketplace,
)
from bot.domain.orders import (
    BAD_SHAPE,
    EMPTY,
    MAX_INPUT,
    TOO_LONG,
    OrderIdError,
    find_order_ids,
    parse_order_id,
)
from bot.handlers.common import split_text
from bot.i18n.locales import normalize_language

FAST = settings(max_examples=200, deadline=None)

CANONICAL = re.compile(r"[0-9]{3}-[0-9]{7}-[0-9]{7}")
WHITE_SPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212\uff0d"
# Text with the characters order ids are made of, so generated inputs come close to valid ids.
ID_LIKE = st.text(alphabet=st.sampled_from("0123456789-– ０１２３\u00a0\t٣x"), max_size=40)


def _digits(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=size, max_size=size)


order_ids = st.builds(lambda a, b, c: f"{a}-{b}-{c}", _digits(3), _digits(7), _digits(7))
white_space = st.text(alphabet=WHITE_SPACE, max_size=30)


@st.composite
def pasted_variants(draw: st.DrawFn, order_id: str) -> str:
    """The id as an agent may paste it: any dash variant, some digits full-width."""
    out = []
    for char in order_id:
        if char == "-":
            out.append(draw(st.sampled_from(DASHES)))
        elif draw(st.booleans()):
            out.append(chr(0xFF10 + int(char)))
        else:
            out.append(char)
    return "".join(out)


# --- Order ids -----------------------------------------------------------------------------------
@FAST
@given(st.one_of(st.text(max_size=MAX_INPUT + 20), ID_LIKE))
@example("")
@example(" " * (MAX_INPUT + 1))
@example("٣٠٣-١٢٣٤٥٦٧-٧٦٥٤٣٢١")
def test_parse_order_id_raises_only_order_id_error(text: str) -> None:
    reason: str | None = None
    try:
        result = parse_order_id(text)
    except OrderIdError as error:
        reason = error.reason
    if reason is None:
        assert CANONICAL.fullmatch(result)
        assert len(text) <= MAX_INPUT
    elif len(text) > MAX_INPUT:
        assert reason == TOO_LONG
    elif not text.strip():
        assert reason == EMPTY
    else:
        assert reason == BAD_SHAPE


@FAST
@given(order_ids, white_space, white_space)
def test_valid_ids_round_trip_with_surrounding_white_space(
    order_id: str, before: str, after: str
) -> None:
    assert parse_order_id(before + order_id + after) == order_id


@FAST
@given(order_ids.flatmap(lambda oid: st.tuples(st.just(oid), pasted_variants(oid))), white_space)
def test_pasted_variants_parse_to_the_canonical_id(pair: tuple[str, str], padding: str) -> None:
    order_id, pasted = pair
    assert parse_order_id(padding + pasted + padding) == order_id


@FAST
@given(
    order_ids,
    st.text(alphabet=st.characters(exclude_categories=["Nd"]), max_size=40),
    st.text(alphabet=st.characters(exclude_categories=["Nd"]), max_size=40),
)
def test_find_order_ids_finds_an_embedded_id(order_id: str, before: str, after: str) -> None:
    found = find_order_ids(before + " " + order_id + " " + after)
    assert order_id in found
    assert len(found) == len(set(found))
    assert all(CANONICAL.fullmatch(each) for each in found)


# --- Marketplaces --------------------------------------------------------------------------------
@FAST
@given(st.text(max_size=60))
@example("amazon.")
@example("www.")
def test_parse_marketplace_raises_only_unknown_marketplace_error(text: str) -> None:
    try:
        market = parse_marketplace(text)
    except UnknownMarketplaceError:
        return
    assert isinstance(market, Marketplace)
    assert market in MARKETPLACES.values()


@FAST
@given(
    st.sampled_from(sorted(MARKETPLACES)),
    st.sampled_from(["", "amazon.", "www.amazon.", "AMAZON.", "Www.Amazon."]),
    st.lists(st.booleans(), min_size=2, max_size=2),
    white_space,
)
def test_parse_marketplace_codes_in_any_case_and_spacing(
    code: str, prefix: str, upper: list[bool], padding: str
) -> None:
    typed = "".join(c if up else c.lower() for c, up in zip(code, upper, strict=True))
    assert parse_marketplace(padding + prefix + typed + padding) is MARKETPLACES[code]


# --- Language codes ------------------------------------------------------------------------------
@FAST
@given(
    st.one_of(
        st.none(),
        st.text(max_size=30),
        st.from_regex(r"[A-Za-z]{2,3}([-_][A-Za-z]{2,4})?", fullmatch=True),
    )
)
@example("zh-Hans-CN")
@example("x" * 20)
@example("PT_PT")
@example("zh-TW")
def test_normalize_language_returns_none_or_a_short_ascii_code(tag: str | None) -> None:
    code = normalize_language(tag)
    if code is None:
        return
    assert code.isascii()
    assert 1 <= len(code) <= 20
    # Portuguese and Chinese keep their region or script: pt_BR / pt_PT, zh_Hans / zh_Hant.
    assert re.fullmatch(r"[a-z0-9]+|zh_Hans|zh_Hant|pt_BR|pt_PT", code)
    assert tag is not None
    # The code comes from the tag's primary subtag (zh_Hans and pt_BR from zh and pt tags).
    assert tag.strip().lower().replace("-", "_").startswith(code.lower()[:2])


# --- Splitting long replies ----------------------------------------------------------------------
@FAST
@given(
    st.text(alphabet=st.one_of(st.characters(), st.sampled_from(" \n")), max_size=400),
    st.integers(min_value=2, max_value=120),
)
@example("", 2)
@example("a\n\nb", 2)
@example("\n\n\n\n\n", 2)
@example("  ", 2)
def test_split_text_pieces_join_back_and_fit(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(len(piece) <= limit for piece in pieces)
    # Telegram rejects empty messages: only an empty text gives an empty piece.
    assert all(pieces) or pieces == [""]


@FAST
@given(st.lists(st.text(alphabet="abc ", min_size=1, max_size=30), min_size=1, max_size=20))
def test_split_text_prefers_paragraph_boundaries(paragraphs: list[str]) -> None:
    text = "\n\n".join(paragraphs)
    limit = max(len(p) for p in paragraphs) + 2
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    # Every paragraph fits, so no piece but the last may end anywhere but after a paragraph.
    assert all(piece.endswith("\n\n") for piece in pieces[:-1])
