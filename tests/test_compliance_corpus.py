"""The lint measured on corpora of realistic support messages in the twelve buyer languages.

Three corpora: `compliance_corpus.json`, written alongside the rules; `lint_corpus.json`,
written independently by another session without seeing the rules (measured at precision 0.905
and recall 0.896 on first contact; the misses were fixed in the rules, not in the labels); and
`lint_corpus_2.json`, 174 seller-to-buyer and seller-to-Amazon messages written before reading
the phrase lists, with offers traded for a withdrawal or a review, star-rating requests and
carrier tracking numbers of many formats (measured at precision 0.985 and recall 0.595 on first
contact, counting the two rules it led to, `withdrawal_incentive` and `rating_request`).

Each item lists the hard rules it breaks (`violations`); the newest corpus also lists the
cautions a reviewer would raise (`warnings`), and a caution counts as expected of the lint
exactly when its rule blocks. Precision and recall are counted per (text, rule): a
rule reported but not listed is a false positive, a listed rule not reported a false negative.
Clean items are chosen to tempt naive rules (tracking numbers, dates, prices, amazon links,
"feedback" and "review" used innocently, "100% cotton", "error code E4").
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.domain.compliance import RULES, Severity, lint

DATA = Path(__file__).parent / "data"
CORPORA = ["compliance_corpus.json", "lint_corpus.json", "lint_corpus_2.json"]
LANGUAGES = {"en", "de", "fr", "it", "es", "nl", "sv", "pl", "tr", "pt_BR", "ja", "ar"}
BLOCK_RULES = {r.id for r in RULES.values() if r.severity is Severity.BLOCK}
# Rules no corpus must cover; the older corpora were written before the two newest rules.
# None was written with invisible or look-alike characters (`hidden_character`, issue 17): those
# are in tests/test_compliance_hidden.py.
NOT_COVERED = {
    "compliance_corpus.json": {
        "length",
        "placeholder",
        "withdrawal_incentive",
        "rating_request",
        "hidden_character",
    },
    # "coupling" (a gift next to the withdrawal request) became blocking after this corpus was
    # written too; the first corpus has examples of it.
    "lint_corpus.json": {
        "length",
        "placeholder",
        "withdrawal_incentive",
        "rating_request",
        "coupling",
        "hidden_character",
    },
    # Written while "coupling" became blocking: it has no example of it (the first has).
    "lint_corpus_2.json": {"coupling", "hidden_character"},
}
# (precision, recall) each corpus must reach: 1.0 and 1.0 on all three, as measured. Under the
# earlier 0.95 thresholds the recall had slipped to 0.987 and 0.992 without anyone noticing (a
# German separable verb, a gift given "as an apology"); a new miss is fixed in the rules.
THRESHOLDS = {
    "compliance_corpus.json": (1.0, 1.0),
    "lint_corpus.json": (1.0, 1.0),
    "lint_corpus_2.json": (1.0, 1.0),
}


def _expected(item: dict[str, object]) -> set[str]:
    """The rules the lint must block `item` for: its violations, and its cautions that block."""
    violations: list[str] = item["violations"]  # type: ignore[assignment]
    cautions: list[str] = item.get("warnings", [])  # type: ignore[assignment]
    return set(violations) | (set(cautions) & BLOCK_RULES)


def _load(name: str | None = None) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for corpus in [name] if name else CORPORA:
        items.extend(json.loads((DATA / corpus).read_text(encoding="utf-8")))
    return items


@pytest.mark.parametrize("name", CORPORA)
def test_corpus_covers_every_language_with_clean_and_violating_texts(name: str) -> None:
    items = _load(name)
    counts = Counter((item["language"], bool(_expected(item))) for item in items)
    assert {language for language, _ in counts} == LANGUAGES
    for language in LANGUAGES:
        assert counts[(language, True)] >= 6, language
        assert counts[(language, False)] >= 6, language
    assert sum(n for (_, bad), n in counts.items() if bad) >= 60
    assert sum(n for (_, bad), n in counts.items() if not bad) >= 60
    listed = {rule for item in items for rule in item["violations"]}  # type: ignore[attr-defined]
    assert listed <= BLOCK_RULES
    assert listed >= BLOCK_RULES - NOT_COVERED[name]


@pytest.mark.parametrize("name", CORPORA)
def test_precision_and_recall_on_the_corpus(name: str) -> None:
    true_positive = false_positive = false_negative = 0
    misses: list[str] = []
    for item in _load(name):
        text = str(item["text"])
        expected = _expected(item)
        found = {f.rule for f in lint(text) if f.severity is Severity.BLOCK}
        true_positive += len(found & expected)
        false_positive += len(found - expected)
        false_negative += len(expected - found)
        if found != expected:
            misses.append(f"{item['language']}: expected {expected}, got {found}: {text[:60]}")
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    least_precision, least_recall = THRESHOLDS[name]
    assert precision >= least_precision, (f"precision {precision:.3f}", misses)
    assert recall >= least_recall, (f"recall {recall:.3f}", misses)


@pytest.mark.parametrize(
    "item", [i for i in _load() if not _expected(i)], ids=lambda item: f"{item['language']}"
)
def test_no_clean_text_is_blocked(item: dict[str, object]) -> None:
    assert not [f for f in lint(str(item["text"])) if f.severity is Severity.BLOCK]
