"""The messaging rules of `shared/domain.md` as a lint for any text sent to a buyer.

Every rule has a stable id, a severity and an English message (an `N_` msgid, translated where
it is shown). `block` findings break Amazon's hard rules: such a text must not be sent.
`warn` findings are cautions the agent should read. Word lists cover the twelve buyer languages
claimbot writes in: en de fr it es nl sv pl tr pt_BR ja ar.

The checks are deliberately conservative about ordinary support vocabulary: tracking numbers,
order ids, dates and prices are not phone numbers; "thank you for your feedback" is not a review
request; an amazon.* link is allowed.

`lint` reads any text; `signature_findings` adds what needs the store profile: the signature
under a draft in another script than the draft (bot/domain/compliance/signature.py)."""

from bot.domain.compliance.hidden import Reading, reading
from bot.domain.compliance.lint import has_block, lint
from bot.domain.compliance.rules import MAX_LENGTH, RULES, Finding, Rule, Severity
from bot.domain.compliance.signature import in_other_script, signature_findings
from bot.domain.compliance.words import detect_language

__all__ = [
    "MAX_LENGTH",
    "RULES",
    "Finding",
    "Reading",
    "Rule",
    "Severity",
    "detect_language",
    "has_block",
    "in_other_script",
    "lint",
    "reading",
    "signature_findings",
]
